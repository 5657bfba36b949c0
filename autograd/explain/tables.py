"""Numbers, tables and chain-rule lines as a learner reads them in a terminal.

`fmt` writes a number in significant digits; `table` lines up columns; `chain_line` writes one
backward step as the chain rule with its numbers (``∂L/∂h = ∂L/∂yhat · ∂yhat/∂h = …``), one
use of a repeated quantity at a time, and `sum_line` the sum over the uses; every printed
``a · b = c`` and sum shows digits enough for its own arithmetic to check (`shown_product`);
`forward_table` and `backward_table` lay out a `Trace`'s records.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from autograd.lang import is_name

if TYPE_CHECKING:
    from autograd.explain.trace import BackwardStep, Contribution, Trace

__all__ = ["fmt", "factor", "wrap", "subscript", "within_shown", "shown_product", "shown_sum", "table", "chain_line", "sum_line",
           "chain_lines", "forward_table", "backward_table"]


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


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def subscript(name: str, number: int) -> str:
    """One use of a quantity: x₍₂₎ is the second use of x."""
    return f"{name}₍{str(number).translate(_SUBSCRIPTS)}₎"


def within_shown(x: float, shown: str) -> bool:
    """True when ``x`` rounds to the number ``shown``: within half a unit of its last digit."""
    written = Decimal(shown)
    half_unit = Decimal(1).scaleb(written.as_tuple().exponent) / 2
    return abs(Decimal(x) - written) <= half_unit


def shown_product(a: float, b: float, c: float, digits: int = 4) -> tuple[str, str, str]:
    """``a · b = c`` as three numbers that a reader can check: c at ``digits`` significant
    digits, a and b with as many more as it takes for the product of the numbers shown to be
    the c shown at its precision (0.5 · 1.0996 = 0.5498, never 0.5 · 1.1 = 0.5498). ``c`` is
    the float product a·b, so 17 digits always suffice."""
    result = fmt(c, digits)
    for d in range(digits, 18):
        sa, sb = fmt(a, d), fmt(b, d)
        if within_shown(float(sa) * float(sb), result):
            return sa, sb, result
    return fmt(a, 17), fmt(b, 17), fmt(c, 17)


def shown_sum(terms: list[float], total: float, digits: int = 4) -> tuple[list[str], str]:
    """The terms of a sum and its total as numbers whose sum, added in order, is the total
    shown at its precision (``total`` is that sum of floats, so 17 digits always suffice)."""
    result = fmt(total, digits)
    for d in range(digits, 18):
        shown = [fmt(t, d) for t in terms]
        running = 0.0
        for t in shown:
            running += float(t)
        if within_shown(running, result):
            return shown, result
    return [fmt(t, 17) for t in terms], fmt(total, 17)


def _sum_text(shown: list[str]) -> str:
    """'54 + 54', '0.5 - 0.25': a sum whose negative terms are subtracted."""
    text = shown[0]
    for t in shown[1:]:
        text += f" - {t[1:]}" if t.startswith("-") else f" + {t}"
    return text


def chain_line(output: str, step: BackwardStep, c: Contribution, digits: int = 4) -> str:
    """``∂L/∂h = ∂L/∂yhat · ∂yhat/∂h = -0.2807 · 0.3 = -0.0842``: one backward step, true as
    written. For a quantity used more than once each line is about one use, x₍₁₎, x₍₂₎, and
    says where that use is (``∂y/∂x₍₁₎ = x``, the first factor of y); `sum_line` then adds them.

    The output's own step has ∂L/∂L = 1, so its line is just the local derivative:
    ``∂L/∂(e**2) = 0.5``, never the circular ``∂L/∂(e**2) = ∂L/∂L · ∂L/∂(e**2)``.
    """
    node = wrap(step.node)
    child = wrap(c.child) if c.uses == 1 else subscript(wrap(c.child), c.use)
    if step.node == output:
        shown = fmt(c.local, digits)
        line = f"∂{output}/∂{child} = {c.local_expr}" + ("" if c.local_expr == shown else f" = {shown}")
    else:
        a, b, product = shown_product(step.grad, c.local, c.product, digits)
        b = f"({b})" if b.startswith("-") else b
        line = f"∂{output}/∂{child} = ∂{output}/∂{node} · ∂{node}/∂{child} = {a} · {b} = {product}"
    if c.uses > 1:
        line += f"   ({child}: {c.where})" if c.where != step.node else f"   ({child}: in {c.where})"
    return line


def sum_line(output: str, child: str, parts: list[float], total: float, digits: int = 4) -> str:
    """``∂z/∂x = 54 + 54 = 108   (the sum over the 2 uses of x)``."""
    shown, result = shown_sum(parts, total, digits)
    return (f"∂{output}/∂{wrap(child)} = {_sum_text(shown)} = {result}   "
            f"(the sum over the {len(parts)} uses of {child})")


def chain_lines(record: Trace, digits: int = 4, keep: Callable[[str, str], bool] | None = None) -> list[str]:
    """The chain-rule lines of a record in the order backward() adds them, each quantity used
    more than once closed by the sum over its uses; ``keep(node, child)`` picks the edges (every
    use of a child that is kept must be kept, for its sum to be whole)."""
    parts: dict[int, list[float]] = {}
    lines = []
    for step in record.backward:
        for c in step.contributions:
            if keep is not None and not keep(step.node, c.child):
                continue
            lines.append(chain_line(record.output, step, c, digits))
            if c.uses > 1:
                parts.setdefault(c.child_index, []).append(c.product)
                if c.use == c.uses:
                    lines.append(sum_line(record.output, c.child, parts[c.child_index], c.total, digits))
    return lines


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
                c.child if c.uses == 1 else subscript(c.child, c.use),
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
