"""Numbers, tables and chain-rule lines as a learner reads them in a terminal.

`fmt` writes a number in significant digits; `table` lines up columns; `chain_line` writes one
backward step as the chain rule with its numbers (``∂L/∂h = ∂L/∂yhat · ∂yhat/∂h = …``);
`forward_table` and `backward_table` lay out a `Trace`'s records.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from autograd.lang import is_name

if TYPE_CHECKING:
    from autograd.explain.trace import BackwardStep, Contribution, Trace

__all__ = ["fmt", "factor", "wrap", "table", "chain_line", "forward_table", "backward_table"]


def fmt(x: float, digits: int = 6) -> str:
    """A number in significant digits: 3e-07 stays visible, 0.1 + 0.2 shows as 0.3."""
    if x == 0.0:
        return "0"
    return f"{x:.{digits}g}"


def factor(x: float, digits: int = 6) -> str:
    """A number written as a right-hand factor: 0.5 · (-1), never 0.5 · -1."""
    return f"({fmt(x, digits)})" if x < 0 else fmt(x, digits)


def wrap(name: str) -> str:
    """Parenthesise a compound name so that it reads as one quantity after ∂: ∂L/∂(e**2)."""
    if is_name(name) or _is_number(name) or (name.startswith("(") and name.endswith(")")):
        return name
    return f"({name})"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def chain_line(output: str, step: BackwardStep, c: Contribution, digits: int = 4) -> str:
    """``∂L/∂h = ∂L/∂yhat · ∂yhat/∂h = -0.2807 · 0.3 = -0.0842`` (``+=`` for a later contribution).

    The output's own step has ∂L/∂L = 1, so its line is just the local derivative:
    ``∂L/∂(e**2) = 0.5``, never the circular ``∂L/∂(e**2) = ∂L/∂L · ∂L/∂(e**2)``.
    """
    node, child = wrap(step.node), wrap(c.child)
    sign = "=" if c.first else "+="
    if step.node == output:
        shown = fmt(c.local, digits)
        line = f"∂{output}/∂{child} {sign} {c.local_expr}" + ("" if c.local_expr == shown else f" = {shown}")
    else:
        line = (
            f"∂{output}/∂{child} {sign} ∂{output}/∂{node} · ∂{node}/∂{child} = "
            f"{fmt(step.grad, digits)} · {factor(c.local, digits)} = {fmt(c.product, digits)}"
        )
    if not c.first:
        line += f"  (total {fmt(c.total, digits)})"
    return line


def forward_table(record: Trace, digits: int = 6) -> str:
    """The forward pass: each quantity, how it is computed, and its value."""
    rows = [("quantity", "computed as", "value")]
    for s in record.forward:
        how = s.formula if s.kind == "computed" else s.kind
        rows.append((s.name, how, fmt(s.value, digits)))
    return table(rows, numeric_columns={2})


def backward_table(record: Trace, digits: int = 6) -> str:
    """The backward pass: per node and child, the local derivative, the product and the running total."""
    out = record.output
    rows = [("node", f"∂{out}/∂node", "child", "local ∂node/∂child", "local", "product", f"∂{out}/∂child so far")]
    for step in record.backward:
        for i, c in enumerate(step.contributions):
            rows.append((
                step.node if i == 0 else "",
                fmt(step.grad, digits) if i == 0 else "",
                c.child,
                c.local_expr,
                fmt(c.local, digits),
                fmt(c.product, digits),
                fmt(c.total, digits) + ("" if c.first else " (sum)"),
            ))
    return table(rows, numeric_columns={1, 4, 5})


def table(rows: list[tuple], numeric_columns: set[int] = frozenset()) -> str:
    """Plain-text columns that line up; numeric columns right-aligned. A combining mark (the dot
    of a tangent, u̇) takes no column of its own."""
    widths = [max(_width(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for r, row in enumerate(rows):
        cells = []
        for i, cell in enumerate(row):
            cell = str(cell)
            pad = " " * (widths[i] - _width(cell))
            right = i in numeric_columns and r > 0
            cells.append(pad + cell if right else cell + pad)
        lines.append("  ".join(cells).rstrip())
        if r == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _width(text: str) -> int:
    """Columns a text takes in a terminal: its characters less the combining marks."""
    return len(text) - sum(1 for c in text if unicodedata.combining(c))
