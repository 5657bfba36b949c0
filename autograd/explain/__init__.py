"""Explaining a graph: naming its nodes the way the student wrote them, the forward and backward
step records, tables, chain-rule lines and the JSON report. Standard library only."""

from autograd.explain.report import GradReport, grad_report
from autograd.explain.trace import (
    Contribution, Names, Trace, chain_line, display_names, factor, fmt, name_nodes, table, trace, wrap,
)

__all__ = [
    "GradReport", "grad_report", "Contribution", "Names", "Trace", "chain_line", "display_names", "factor", "fmt", "name_nodes",
    "table", "trace", "wrap",
]
