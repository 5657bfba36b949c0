"""Numbers in and out of the engine: operands read as finite floats, results checked.

A `Value` holds a finite float, always: a number coming in (``Value(3)``, ``x + 3``, a new
``.data``) is converted and refused when it is inf or nan, and a result that float arithmetic
or a rule of the table silently turned into inf or nan (a value or a local derivative) raises
OverflowError instead of entering the graph.
"""

from __future__ import annotations

import numbers

from autograd.core import ops
from autograd.core.grad_mode import is_grad_enabled

__all__ = ["as_real", "as_constant", "constant_operand", "checked", "finite_or_raise", "apply_rule", "negative_base_error"]


def as_real(x: object, what: str) -> float:
    """Convert a real number (int, float, bool, numpy scalar, Fraction) to a finite float.

    TypeError for anything else (a `Value` too: it is not a `numbers.Real`), ValueError for inf
    and nan; ``what`` names the operation in the message.
    """
    if type(x) is float:
        value = x
    elif isinstance(x, numbers.Real):
        try:
            value = float(x)
        except OverflowError:  # an int beyond a float's range (its digits are not shown: too many)
            raise ValueError(f"{what}: an integer of {_digits(x)} digits is beyond a float's range") from None
    else:
        raise TypeError(f"{what}: expected a real number, got {type(x).__name__} {x!r}")
    if value - value != 0.0:  # true only for inf and nan
        raise ValueError(f"{what}: {value} is not a finite number")
    return value


def _digits(x: object) -> str:
    try:
        return f"{len(str(abs(int(x)))):,}"
    except ValueError:  # more digits than Python converts to text
        return f"about {int(int(x).bit_length() * 0.30103):,}"


def as_constant(x: object, op: str) -> float | None:
    """A plain number used as an operand of ``op``, as a finite float; None when it is not a number
    (the operator then returns NotImplemented, or the caller raises its own TypeError)."""
    if type(x) is float:
        if x - x != 0.0:
            raise ValueError(f"{op}: the constant {x} is not a finite number")
        return x
    if isinstance(x, numbers.Real):
        return as_real(x, op)
    return None


def constant_operand(x: object, op: str) -> float:
    """`as_constant` for an operator of `Value` given anything but a float (an int, most often:
    converted at once): NotImplemented when it is no number, so that Python tries the other side."""
    if type(x) is int:
        try:
            return float(x)
        except OverflowError:
            pass  # as_real says that it is too large
    c = as_constant(x, op)
    return NotImplemented if c is None else c


def checked(result: float, op: str, *operands: float) -> float:
    """``result``, or OverflowError when float arithmetic silently produced inf or nan."""
    if result - result != 0.0:
        shown = ", ".join(repr(x) for x in operands)
        raise OverflowError(f"{op} of {shown} overflows a float (result {result})")
    return result


def finite_or_raise(op: ops.Op, value: float, locals_: tuple[float, ...], operands: tuple) -> None:
    """Raise ValueError when an operand is inf or nan (``data`` written directly), OverflowError when
    a value or a local derivative is."""
    for x in operands:
        if x - x != 0.0:
            raise ValueError(f"{op.name}: the operand {x} is not a finite number")
    for x in (value, *locals_):
        if x - x != 0.0:
            shown = ", ".join(repr(a) for a in operands)
            what = "its value" if x is value else "its derivative"
            raise OverflowError(f"{op.name} of {shown}: {what} overflows a float ({x})")


def apply_rule(op: ops.Op, operands: tuple) -> tuple[float, tuple[float, ...]]:
    """The table's forward rule, with its errors; inside no_grad an infinite slope is no error."""
    for x in operands:
        if x - x != 0.0:  # a rule could hide it (max, relu of nan): refused before it runs
            raise ValueError(f"{op.name}: the operand {x} is not a finite number")
    try:
        value, locals_ = op.forward(*operands)
    except ops.InfiniteSlope as error:
        if is_grad_enabled():
            raise
        value, locals_ = error.value, ()  # sqrt(0), 0 ** 0.5, arcsin(1): the value is fine
    finite_or_raise(op, value, locals_, operands)
    return value, locals_


def negative_base_error(base: float, exponent: float) -> None:
    """Raise ValueError: a negative base to a Value exponent, whose ∂/∂exponent is not real."""
    raise ValueError(
        f"** of a negative base {base!r} to a Value exponent {exponent!r}: "
        "the derivative with respect to the exponent is not real"
    )
