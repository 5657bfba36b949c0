"""Arithmetic: + - * / ** and unary minus, written with operators rather than called by name.
Each forward rule is followed by its entry."""

from __future__ import annotations

import math

from autograd.core.ops.registry import InfiniteSlope, Op, register


def _add(a: float, b: float):
    return a + b, (1.0, 1.0)


register(Op(
    name="+", arity=2, forward=_add, function=False,
    formula="a + b", derivatives=("1", "1"),
    symbol="+", latex="{a} + {b}", doc="a + b",
    differentiable=True, twice_differentiable=True,
))


def _sub(a: float, b: float):
    return a - b, (1.0, -1.0)


register(Op(
    name="-", arity=2, forward=_sub, function=False,
    formula="a - b", derivatives=("1", "-1"),
    symbol="−", latex="{a} - {b}", doc="a - b",
    differentiable=True, twice_differentiable=True,
))


def _mul(a: float, b: float):
    return a * b, (b, a)


register(Op(
    name="*", arity=2, forward=_mul, function=False,
    formula="a * b", derivatives=("b", "a"),
    symbol="×", latex=r"{a} \cdot {b}", doc="a * b",
    differentiable=True, twice_differentiable=True,
))


def _div(a: float, b: float):
    if b == 0.0:
        raise ZeroDivisionError(f"division by zero: {a!r} / {b!r}")
    try:
        b2 = b**2
    except OverflowError:
        b2 = math.inf  # the derivative -a/b² is then 0 or tiny: the value a/b decides
    if b2 == 0.0:  # b² underflows: the derivative -a/b² is beyond a float
        raise OverflowError(f"/ of {a!r} and {b!r}: its derivative -a/b² overflows a float")
    return a / b, (1 / b, -a / b2)


register(Op(
    name="/", arity=2, forward=_div, function=False,
    formula="a / b", derivatives=("1 / b", "-a / b**2"),
    symbol="÷", latex=r"\frac{{a}}{{b}}", doc="a / b",
    differentiable=True, twice_differentiable=True,
))


def _pow(a: float, b: float):
    """a ** b, real-valued. ∂/∂a = b·a^(b-1); ∂/∂b = a^b·ln a, which needs a > 0 (0 at a = 0)."""
    value = _real_power(a, b)
    if b == 0.0:
        d_a = 0.0
    elif a == 0.0 and b < 1.0:
        raise InfiniteSlope(
            f"** : the derivative of a ** {b!r} is infinite at a = 0 (use no_grad() if no gradient is needed)",
            value,
        )
    else:
        d_a = b * _real_power(a, b - 1.0)
    d_b = value * math.log(a) if a > 0.0 else 0.0
    return value, (d_a, d_b)


def _real_power(a: float, n: float) -> float:
    if a == 0.0 and n < 0.0:
        raise ZeroDivisionError(f"** : 0 to the negative power {n!r} is undefined (division by zero)")
    if a < 0.0 and not float(n).is_integer():
        raise ValueError(f"** : a negative base {a!r} to the non-integer power {n!r} is not real")
    try:
        return a**n
    except OverflowError:
        raise OverflowError(f"** : {a!r} ** {n!r} overflows a float") from None


register(Op(
    name="**", arity=2, forward=_pow, function=False,
    formula="a**b", derivatives=("b * a**(b - 1)", "a**b * log(a)"),
    symbol="xʸ", latex="{a}^{{b}}",
    doc="a ** b (a > 0 when b is a Value; at a = 0 the limit 0 is used for ∂/∂b)",
    differentiable=True, twice_differentiable=True, domain=(0.0, math.inf),
))


def _neg(a: float):
    return -a, (-1.0,)


register(Op(
    name="neg", arity=1, forward=_neg, function=False,
    formula="-a", derivatives=("-1",),
    symbol="−x", latex="-{a}", doc="-a",
    differentiable=True, twice_differentiable=True,
))
