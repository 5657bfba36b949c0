"""Numbers, tables and chain-rule lines as a learner reads them in a terminal.

`fmt` writes a number in significant digits; `table` lines up columns; `chain_line` writes one
backward step as the chain rule with its numbers (``∂L/∂h = ∂L/∂yhat · ∂yhat/∂h = …``), one
use of a repeated quantity at a time, and `sum_line` the sum over the uses. Every printed
``a · b = c``, sum and step ``w - η·g = r`` shows digits enough for a reader to check it by hand:
`shown_numbers` is that one rule, `shown_product`, `shown_factors`, `shown_sum` and `shown_update`
its common shapes (the walkthrough, `check`'s update lines and the forward-mode rows use them);
`forward_table` and `backward_table` lay out a `Trace`'s records.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Sequence
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING

from autograd.lang import is_name

if TYPE_CHECKING:
    from autograd.explain.trace import BackwardStep, Contribution, Trace

__all__ = ["fmt", "factor", "wrap", "subscript", "within_shown", "shown_numbers", "shown_factors", "shown_product",
           "shown_sum", "shown_update", "table", "chain_line", "sum_line",
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
    """Parenthesise a compound name so that it reads as one quantity after ∂: ∂L/∂(e**2),
    ∂L/∂((x + 1) * (y + 2)); a name already in one pair of brackets is left as it is."""
    if is_name(name) or _is_number(name) or _bracketed(name):
        return name
    return f"({name})"


def _bracketed(text: str) -> bool:
    """Whether the first bracket of ``text`` closes at its end: '(a + b)', not '(a) * (b)'."""
    if not text.startswith("("):
        return False
    depth = 0
    for i, ch in enumerate(text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0:
            return i == len(text) - 1
    return False


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


def _half_unit(shown: str) -> Decimal:
    """Half a unit in the last digit of a number as written: 0.0005 for 0.280."""
    return Decimal(1).scaleb(Decimal(shown).as_tuple().exponent) / 2


def within_shown(x: float | Decimal, shown: str) -> bool:
    """True when ``x`` rounds to the number ``shown``: within half a unit of its last digit."""
    return abs(Decimal(x) - Decimal(shown)) <= _half_unit(shown)


def shown_numbers(values: Sequence[float], combine: Callable[[list[Decimal]], Decimal], result: float,
                  digits: int = 4, bases: Sequence[int] | None = None) -> tuple[list[str], str]:
    """THE rule for printed arithmetic: the operands ``values`` and the ``result`` of
    ``combine`` on them, as numbers a reader can check. The result is shown at ``digits``
    significant digits; operand i starts at ``bases[i]`` digits (``digits`` when not given) and
    every operand gets one more digit at a time until ``combine`` on the numbers *as shown*,
    done exactly as the reader would by hand, rounds to the shown result without a tie
    (0.5 · 1.0996 = 0.5498, never 0.5 · 1.1 = 0.5498).

    When the operands run out of digits first, the result gets more: 1.45 · 2.1025 is exactly
    3.048625, a tie at 6 digits, so it is shown as 3.048625 (never as the float 3.0486249999999999,
    which would make the line false). Only when even that fails, which happens where terms cancel
    and the float computation itself rounded (9.14 · 2.72 - 227.2 · 0.109 = -3.6e-15, the exact value
    being -2.9e-15), is everything shown at 17 digits, the result being float noise of the terms' size."""
    bases = [digits] * len(values) if bases is None else list(bases)
    if not all(math.isfinite(v) for v in (*values, result)):  # inf and nan have no digits to add
        return [fmt(v, b) for v, b in zip(values, bases)], fmt(result, digits)
    for result_digits in range(digits, 18):
        shown = _operands_for(values, combine, fmt(result, result_digits), bases)
        if shown is not None:
            return shown, fmt(result, result_digits)
    return [fmt(v, 17) for v in values], fmt(result, 17)


def _operands_for(values: Sequence[float], combine: Callable[[list[Decimal]], Decimal], shown_result: str,
                  bases: Sequence[int]) -> list[str] | None:
    """The operands at the fewest digits (from ``bases``, one more at a time, at most 17) whose
    exact ``combine`` rounds to ``shown_result`` strictly inside its last digit; None if none do."""
    half = _half_unit(shown_result)
    target = Decimal(shown_result)
    for extra in range(18):
        shown = [fmt(v, min(17, b + extra)) for v, b in zip(values, bases)]
        with localcontext() as exact:
            exact.prec = 80  # products and sums of a few 17-digit numbers, without rounding
            reader = combine([Decimal(s) for s in shown])
        # strictly inside: a reader who lands on a tie (0.2806825 for 0.280682) cannot tell how to round
        if abs(reader - target) < half:
            return shown
        if all(b + extra >= 17 for b in bases):
            return None
    return None


def _product(xs: list[Decimal]) -> Decimal:
    total = Decimal(1)
    for x in xs:
        total *= x
    return total


def shown_factors(factors: Sequence[float], result: float, digits: int = 4,
                  bases: Sequence[int] | None = None) -> tuple[list[str], str]:
    """``a · b · c · d = r`` by `shown_numbers`: the factors' shown product is the r shown."""
    return shown_numbers(factors, _product, result, digits, bases)


def shown_product(a: float, b: float, c: float, digits: int = 4) -> tuple[str, str, str]:
    """``a · b = c`` by `shown_numbers` (c at ``digits``, a and b with as many more as it takes)."""
    (sa, sb), sc = shown_factors([a, b], c, digits)
    return sa, sb, sc


def shown_sum(terms: list[float], total: float, digits: int = 4) -> tuple[list[str], str]:
    """The terms of a sum and its total by `shown_numbers`: the shown terms add up to the total shown."""
    return shown_numbers(terms, lambda xs: sum(xs, Decimal(0)), total, digits)


def shown_update(w: float, g: float, lr: float | None, result: float, sign: int = -1, digits: int = 6,
                 weight_digits: int | None = None, grad_digits: int = 4) -> tuple[str, str | None, str, str]:
    """A gradient step ``w - η·g = r`` (``sign`` +1 for ``w + η·g``; ``lr`` None for a step
    without η) by `shown_numbers`: r at ``digits``, w from ``weight_digits`` (``digits`` when
    not given), g from ``grad_digits``, η as typed. Returns the shown w, η (None without one), g, r."""
    w_digits = digits if weight_digits is None else weight_digits
    if lr is None:
        (sw, sg), sr = shown_numbers([w, g], lambda v: v[0] + sign * v[1], result, digits, [w_digits, grad_digits])
        return sw, None, sg, sr
    (sw, slr, sg), sr = shown_numbers([w, lr, g], lambda v: v[0] + sign * v[1] * v[2], result, digits,
                                      [w_digits, 6, grad_digits])
    return sw, slr, sg, sr


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
