"""The smooth functions of one argument: exponentials and logarithms, roots, trigonometric and
hyperbolic functions, and the smooth activations (tanh, sigmoid, softplus).
Each forward rule is followed by its entry."""

from __future__ import annotations

import math

from autograd.core.ops.registry import Op, domain_error, infinite_slope, overflow_error, register

POSITIVE = (0.0, math.inf)


def _exp(a: float):
    try:
        e = math.exp(a)
    except OverflowError:
        raise overflow_error("exp", a) from None
    return e, (e,)


register(Op(
    name="exp", arity=1, forward=_exp,
    formula="exp(a)", derivatives=("exp(a)",),
    symbol="exp", latex="e^{{a}}", doc="e to the power a",
    differentiable=True, twice_differentiable=True,
))


def _log(a: float):
    if a <= 0.0:
        raise domain_error("log", a, "the logarithm needs a positive number")
    return math.log(a), (1 / a,)


register(Op(
    name="log", arity=1, forward=_log,
    formula="log(a)", derivatives=("1 / a",),
    symbol="log", latex=r"\ln {a}", doc="natural logarithm (a > 0)",
    differentiable=True, twice_differentiable=True, domain=POSITIVE,
))


def _log2(a: float):
    if a <= 0.0:
        raise domain_error("log2", a, "the logarithm needs a positive number")
    return math.log2(a), (1 / (a * math.log(2.0)),)


register(Op(
    name="log2", arity=1, forward=_log2,
    formula="log2(a)", derivatives=("1 / (a * log(2))",),
    symbol="log₂", latex=r"\log_2 {a}", doc="base-2 logarithm (a > 0)",
    differentiable=True, twice_differentiable=True, domain=POSITIVE,
))


def _log10(a: float):
    if a <= 0.0:
        raise domain_error("log10", a, "the logarithm needs a positive number")
    return math.log10(a), (1 / (a * math.log(10.0)),)


register(Op(
    name="log10", arity=1, forward=_log10,
    formula="log10(a)", derivatives=("1 / (a * log(10))",),
    symbol="log₁₀", latex=r"\log_{{10}} {a}", doc="base-10 logarithm (a > 0)",
    differentiable=True, twice_differentiable=True, domain=POSITIVE,
))


def _log1p(a: float):
    if a <= -1.0:
        raise domain_error("log1p", a, "log1p needs a number > -1")
    return math.log1p(a), (1 / (1.0 + a),)


register(Op(
    name="log1p", arity=1, forward=_log1p,
    formula="log1p(a)", derivatives=("1 / (1 + a)",),
    symbol="log1p", latex=r"\ln(1 + {a})", doc="ln(1 + a), accurate near 0",
    differentiable=True, twice_differentiable=True, domain=(-1.0, math.inf),
))


def _expm1(a: float):
    try:
        return math.expm1(a), (math.exp(a),)
    except OverflowError:
        raise overflow_error("expm1", a) from None


register(Op(
    name="expm1", arity=1, forward=_expm1,
    formula="expm1(a)", derivatives=("exp(a)",),
    symbol="expm1", latex="e^{{a}} - 1", doc="e^a - 1, accurate near 0",
    differentiable=True, twice_differentiable=True,
))


def _sqrt(a: float):
    if a < 0.0:
        raise domain_error("sqrt", a, "the square root needs a number >= 0")
    s = math.sqrt(a)
    if s == 0.0:
        raise infinite_slope("sqrt", a, "1/(2·sqrt(a))", s)
    return s, (1 / (2.0 * s),)


register(Op(
    name="sqrt", arity=1, forward=_sqrt,
    formula="sqrt(a)", derivatives=("1 / (2 * sqrt(a))",),
    symbol="√", latex=r"\sqrt{{a}}", doc="square root (a >= 0)",
    differentiable=True, twice_differentiable=True, domain=POSITIVE,
))


def _sin(a: float):
    return math.sin(a), (math.cos(a),)


register(Op(
    name="sin", arity=1, forward=_sin,
    formula="sin(a)", derivatives=("cos(a)",),
    symbol="sin", latex=r"\sin {a}", doc="sine",
    differentiable=True, twice_differentiable=True,
))


def _cos(a: float):
    return math.cos(a), (-math.sin(a),)


register(Op(
    name="cos", arity=1, forward=_cos,
    formula="cos(a)", derivatives=("-sin(a)",),
    symbol="cos", latex=r"\cos {a}", doc="cosine",
    differentiable=True, twice_differentiable=True,
))


def _tan(a: float):
    t = math.tan(a)
    return t, (1.0 + t**2,)


register(Op(
    name="tan", arity=1, forward=_tan,
    formula="tan(a)", derivatives=("1 + tan(a)**2",),
    symbol="tan", latex=r"\tan {a}", doc="tangent",
    differentiable=True, twice_differentiable=True, domain=(-math.pi / 2, math.pi / 2),  # one period
))


def _arc_domain(op: str, a: float, value) -> None:
    if not -1.0 <= a <= 1.0:
        raise domain_error(op, a, f"{op} needs a number between -1 and 1")
    if a in (-1.0, 1.0):
        raise infinite_slope(op, a, "±1/sqrt(1 - a²)", value(a))


def _arcsin(a: float):
    _arc_domain("arcsin", a, math.asin)
    return math.asin(a), (1 / math.sqrt(1.0 - a**2),)


register(Op(
    name="arcsin", arity=1, forward=_arcsin,
    formula="arcsin(a)", derivatives=("1 / sqrt(1 - a**2)",),
    symbol="asin", latex=r"\arcsin {a}", doc="inverse sine (-1 < a < 1)",
    differentiable=True, twice_differentiable=True, domain=(-1.0, 1.0),
))


def _arccos(a: float):
    _arc_domain("arccos", a, math.acos)
    return math.acos(a), (-1.0 / math.sqrt(1.0 - a**2),)


register(Op(
    name="arccos", arity=1, forward=_arccos,
    formula="arccos(a)", derivatives=("-1 / sqrt(1 - a**2)",),
    symbol="acos", latex=r"\arccos {a}", doc="inverse cosine (-1 < a < 1)",
    differentiable=True, twice_differentiable=True, domain=(-1.0, 1.0),
)),


def _arctan(a: float):
    try:
        return math.atan(a), (1 / (1.0 + a**2),)
    except OverflowError:  # a² beyond a float (|a| > 1e154): the slope 1/(1 + a²) is 0 there
        return math.atan(a), (0.0,)


register(Op(
    name="arctan", arity=1, forward=_arctan,
    formula="arctan(a)", derivatives=("1 / (1 + a**2)",),
    symbol="atan", latex=r"\arctan {a}", doc="inverse tangent",
    differentiable=True, twice_differentiable=True,
))


def _sinh(a: float):
    try:
        return math.sinh(a), (math.cosh(a),)
    except OverflowError:
        raise overflow_error("sinh", a) from None


register(Op(
    name="sinh", arity=1, forward=_sinh,
    formula="sinh(a)", derivatives=("cosh(a)",),
    symbol="sinh", latex=r"\sinh {a}", doc="hyperbolic sine",
    differentiable=True, twice_differentiable=True,
))


def _cosh(a: float):
    try:
        return math.cosh(a), (math.sinh(a),)
    except OverflowError:
        raise overflow_error("cosh", a) from None


register(Op(
    name="cosh", arity=1, forward=_cosh,
    formula="cosh(a)", derivatives=("sinh(a)",),
    symbol="cosh", latex=r"\cosh {a}", doc="hyperbolic cosine",
    differentiable=True, twice_differentiable=True,
))


def _tanh(a: float):
    t = math.tanh(a)
    return t, (1.0 - t**2,)


register(Op(
    name="tanh", arity=1, forward=_tanh,
    formula="tanh(a)", derivatives=("1 - tanh(a)**2",), output_derivative="1 - y**2",
    symbol="tanh", latex=r"\tanh {a}", doc="hyperbolic tangent",
    differentiable=True, twice_differentiable=True,
))


def sigmoid_of(a: float) -> float:
    """σ(a) = 1 / (1 + e^-a), computed as e^a / (1 + e^a) for negative a so nothing overflows."""
    if a >= 0.0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def _sigmoid(a: float):
    s = sigmoid_of(a)
    return s, (s * (1.0 - s),)


register(Op(
    name="sigmoid", arity=1, forward=_sigmoid,
    formula="sigmoid(a)", derivatives=("sigmoid(a) * (1 - sigmoid(a))",), output_derivative="y * (1 - y)",
    symbol="σ", latex=r"\sigma({a})", doc="the logistic function 1 / (1 + e^-a)",
    differentiable=True, twice_differentiable=True,
))


def _softplus(a: float):
    """ln(1 + e^a) = max(a, 0) + ln(1 + e^-|a|): never overflows."""
    return max(a, 0.0) + math.log1p(math.exp(-abs(a))), (sigmoid_of(a),)


register(Op(
    name="softplus", arity=1, forward=_softplus,
    formula="softplus(a)", derivatives=("sigmoid(a)",),
    symbol="softplus", latex=r"\ln(1 + e^{{a}})", doc="ln(1 + e^a), a smooth relu",
    differentiable=True, twice_differentiable=True,
))
