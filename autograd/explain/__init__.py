"""Explaining a graph: naming its nodes the way the student wrote them, the forward and backward
step records, tables, chain-rule lines and the JSON report. Standard library only.

- `naming`: an id and a display name for every node (`name_nodes`, `display_names`);
- `trace`: the step records (`trace`, `Trace` and its steps), pure: they read gradients
  computed once and never run a backward pass;
- `tables`: numbers, tables and chain-rule lines for a terminal (`fmt`, `table`, `chain_line`);
- `report`: the JSON report of ``grad``.
"""

from autograd.explain.naming import Names, display_names, name_nodes
from autograd.explain.report import GradReport, grad_report
from autograd.explain.tables import chain_line, chain_lines, factor, fmt, shown_product, subscript, table, wrap
from autograd.explain.trace import BackwardStep, Contribution, ForwardStep, Trace, trace

__all__ = [
    "GradReport", "grad_report", "BackwardStep", "Contribution", "ForwardStep", "Names", "Trace", "chain_line",
    "chain_lines", "display_names", "shown_product", "subscript",
    "factor", "fmt", "name_nodes", "table", "trace", "wrap",
]
