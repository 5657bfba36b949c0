"""The table of operations: every primitive the engine knows, declared once.

Each entry says everything the rest of the package needs to know about one operation:

- ``forward(a[, b]) -> (value, (∂/∂a[, ∂/∂b]))``: the value and the local derivatives, from
  plain floats, raising ``ValueError`` (outside the domain), ``ZeroDivisionError`` (an infinite
  derivative) or ``OverflowError`` (a result too large for a float) with a message naming the
  operation and the value;
- ``formula``: how it is written in the program language, over the placeholders ``a`` and ``b``;
- ``derivatives``: per argument position, the local derivative written in the program language
  over the same placeholders (so ``1 - tanh(a)**2`` for tanh). Each is evaluated by the tests
  with the expression language and compared with the number ``forward`` computes;
- ``symbol``: the drawing's label for the operation; ``latex``: the formula in LaTeX, with
  ``{a}`` and ``{b}`` for the arguments; ``doc``: one line for ``--help`` and the README.

``engine`` builds `Value` methods from this table, ``expr`` its functions, ``trace`` and
``viz`` the formulas and symbols they show. Adding an operation is one `Op(...)` entry below.

A forward rule computes its local derivative with the same floating-point operations, in the
same order, as its derivative formula, so that evaluating the formula gives the very same number.

Conventions where a function has no derivative: relu, step, sign and abs take 0 at 0;
leaky_relu and elu take their left-hand slope at 0; max and min give a tie to the first argument.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Op", "OPS", "FUNCTIONS", "InfiniteSlope", "get", "number_text", "sigmoid_of"]

Forward = Callable[..., tuple[float, tuple[float, ...]]]


@dataclass(frozen=True)
class Op:
    """One operation of the table (see the module docstring for the fields)."""

    name: str
    arity: int  # 1 or 2; 0 for a sum of any number of terms (sum, linear)
    forward: Forward | None  # None for the n-ary nodes, which the engine builds directly
    formula: str
    derivatives: tuple[str, ...]
    symbol: str
    latex: str
    doc: str
    function: bool = True  # callable by name in the expression language, and a Value method
    method: str = ""  # the Value method's name when it differs from ``name``
    smooth: bool = True  # differentiable everywhere in its domain (no kink, no jump)
    # the derivative written over the output y instead of the argument, as textbooks write an
    # activation's (σ' = y(1 - y)); the checker's model of "σ' taken at the wrong place" uses it
    output_derivative: str = ""

    @property
    def method_name(self) -> str:
        return self.method or self.name


def number_text(x: float) -> str:
    """A constant as it is written in formulas: short, and read back as the same float (-0.0
    as 0, which compares equal): 3.0 → "3", 0.1 → "0.1", 1e17 → "1e+17"."""
    if x == int(x) and abs(x) < 1e16:
        return str(int(x))
    return repr(x)


# ------------------------------------------------------------------ forward rules


def _domain(op: str, a: float, needs: str) -> ValueError:
    return ValueError(f"{op} of {a!r}: {needs}")


def _overflow(op: str, a: float) -> OverflowError:
    return OverflowError(f"{op} of {a!r} overflows a float")


class InfiniteSlope(ZeroDivisionError):
    """The value is fine but a local derivative is infinite (sqrt at 0): ``value`` carries the value,
    which a caller that needs no gradient (inside no_grad) may use."""

    def __init__(self, message: str, value: float) -> None:
        super().__init__(message)
        self.value = value


def _infinite_slope(op: str, a: float, formula: str, value: float) -> InfiniteSlope:
    return InfiniteSlope(
        f"{op} of {a!r}: its derivative {formula} is infinite there (use no_grad() if no gradient is needed)",
        value,
    )


def _add(a: float, b: float):
    return a + b, (1.0, 1.0)


def _sub(a: float, b: float):
    return a - b, (1.0, -1.0)


def _mul(a: float, b: float):
    return a * b, (b, a)


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


def _max(a: float, b: float):
    return (a, (1.0, 0.0)) if a >= b else (b, (0.0, 1.0))


def _min(a: float, b: float):
    return (a, (1.0, 0.0)) if a <= b else (b, (0.0, 1.0))


def _neg(a: float):
    return -a, (-1.0,)


def _exp(a: float):
    try:
        e = math.exp(a)
    except OverflowError:
        raise _overflow("exp", a) from None
    return e, (e,)


def _expm1(a: float):
    try:
        return math.expm1(a), (math.exp(a),)
    except OverflowError:
        raise _overflow("expm1", a) from None


def _log(a: float):
    if a <= 0.0:
        raise _domain("log", a, "the logarithm needs a positive number")
    return math.log(a), (1 / a,)


def _log2(a: float):
    if a <= 0.0:
        raise _domain("log2", a, "the logarithm needs a positive number")
    return math.log2(a), (1 / (a * math.log(2.0)),)


def _log10(a: float):
    if a <= 0.0:
        raise _domain("log10", a, "the logarithm needs a positive number")
    return math.log10(a), (1 / (a * math.log(10.0)),)


def _log1p(a: float):
    if a <= -1.0:
        raise _domain("log1p", a, "log1p needs a number > -1")
    return math.log1p(a), (1 / (1.0 + a),)


def _sqrt(a: float):
    if a < 0.0:
        raise _domain("sqrt", a, "the square root needs a number >= 0")
    s = math.sqrt(a)
    if s == 0.0:
        raise _infinite_slope("sqrt", a, "1/(2·sqrt(a))", s)
    return s, (1 / (2.0 * s),)


def _tanh(a: float):
    t = math.tanh(a)
    return t, (1.0 - t**2,)


def sigmoid_of(a: float) -> float:
    """σ(a) = 1 / (1 + e^-a), computed as e^a / (1 + e^a) for negative a so nothing overflows."""
    if a >= 0.0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def _sigmoid(a: float):
    s = sigmoid_of(a)
    return s, (s * (1.0 - s),)


def _softplus(a: float):
    """ln(1 + e^a) = max(a, 0) + ln(1 + e^-|a|): never overflows."""
    return max(a, 0.0) + math.log1p(math.exp(-abs(a))), (sigmoid_of(a),)


def _relu(a: float):
    return (a, (1.0,)) if a > 0.0 else (0.0, (0.0,))


LEAKY_SLOPE = 0.01


def _leaky_relu(a: float):
    return (a, (1.0,)) if a > 0.0 else (LEAKY_SLOPE * a, (LEAKY_SLOPE,))


def _elu(a: float):
    if a > 0.0:
        return a, (1.0,)
    return math.expm1(a), (math.exp(a),)


def _step(a: float):
    return (1.0 if a > 0.0 else 0.0), (0.0,)


def _sign(a: float):
    return (1.0 if a > 0.0 else (-1.0 if a < 0.0 else 0.0)), (0.0,)


def _abs(a: float):
    return abs(a), ((1.0 if a > 0.0 else (-1.0 if a < 0.0 else 0.0)),)


def _sin(a: float):
    return math.sin(a), (math.cos(a),)


def _cos(a: float):
    return math.cos(a), (-math.sin(a),)


def _tan(a: float):
    t = math.tan(a)
    return t, (1.0 + t**2,)


def _arctan(a: float):
    try:
        return math.atan(a), (1 / (1.0 + a**2),)
    except OverflowError:  # a² beyond a float (|a| > 1e154): the slope 1/(1 + a²) is 0 there
        return math.atan(a), (0.0,)


def _arc_domain(op: str, a: float, value) -> None:
    if not -1.0 <= a <= 1.0:
        raise _domain(op, a, f"{op} needs a number between -1 and 1")
    if a in (-1.0, 1.0):
        raise _infinite_slope(op, a, "±1/sqrt(1 - a²)", value(a))


def _arcsin(a: float):
    _arc_domain("arcsin", a, math.asin)
    return math.asin(a), (1 / math.sqrt(1.0 - a**2),)


def _arccos(a: float):
    _arc_domain("arccos", a, math.acos)
    return math.acos(a), (-1.0 / math.sqrt(1.0 - a**2),)


def _sinh(a: float):
    try:
        return math.sinh(a), (math.cosh(a),)
    except OverflowError:
        raise _overflow("sinh", a) from None


def _cosh(a: float):
    try:
        return math.cosh(a), (math.sinh(a),)
    except OverflowError:
        raise _overflow("cosh", a) from None


# ------------------------------------------------------------------ the table

_ENTRIES = [
    # arithmetic: written with operators, not called by name
    Op("+", 2, _add, "a + b", ("1", "1"), "+", "{a} + {b}", "a + b", function=False),
    Op("-", 2, _sub, "a - b", ("1", "-1"), "−", "{a} - {b}", "a - b", function=False),
    Op("*", 2, _mul, "a * b", ("b", "a"), "×", r"{a} \cdot {b}", "a * b", function=False),
    Op("/", 2, _div, "a / b", ("1 / b", "-a / b**2"), "÷", r"\frac{{a}}{{b}}", "a / b", function=False),
    Op("**", 2, _pow, "a**b", ("b * a**(b - 1)", "a**b * log(a)"), "xʸ", "{a}^{{b}}",
       "a ** b (a > 0 when b is a Value; at a = 0 the limit 0 is used for ∂/∂b)", function=False),
    Op("neg", 1, _neg, "-a", ("-1",), "−x", "-{a}", "-a", function=False),
    # functions of one argument
    Op("exp", 1, _exp, "exp(a)", ("exp(a)",), "exp", "e^{{a}}", "e to the power a"),
    Op("log", 1, _log, "log(a)", ("1 / a",), "log", r"\ln {a}", "natural logarithm (a > 0)"),
    Op("log2", 1, _log2, "log2(a)", ("1 / (a * log(2))",), "log₂", r"\log_2 {a}", "base-2 logarithm (a > 0)"),
    Op("log10", 1, _log10, "log10(a)", ("1 / (a * log(10))",), "log₁₀", r"\log_{{10}} {a}",
       "base-10 logarithm (a > 0)"),
    Op("log1p", 1, _log1p, "log1p(a)", ("1 / (1 + a)",), "log1p", r"\ln(1 + {a})", "ln(1 + a), accurate near 0"),
    Op("expm1", 1, _expm1, "expm1(a)", ("exp(a)",), "expm1", "e^{{a}} - 1", "e^a - 1, accurate near 0"),
    Op("sqrt", 1, _sqrt, "sqrt(a)", ("1 / (2 * sqrt(a))",), "√", r"\sqrt{{a}}", "square root (a >= 0)"),
    Op("sin", 1, _sin, "sin(a)", ("cos(a)",), "sin", r"\sin {a}", "sine"),
    Op("cos", 1, _cos, "cos(a)", ("-sin(a)",), "cos", r"\cos {a}", "cosine"),
    Op("tan", 1, _tan, "tan(a)", ("1 + tan(a)**2",), "tan", r"\tan {a}", "tangent"),
    Op("arcsin", 1, _arcsin, "arcsin(a)", ("1 / sqrt(1 - a**2)",), "asin", r"\arcsin {a}",
       "inverse sine (-1 < a < 1)"),
    Op("arccos", 1, _arccos, "arccos(a)", ("-1 / sqrt(1 - a**2)",), "acos", r"\arccos {a}",
       "inverse cosine (-1 < a < 1)"),
    Op("arctan", 1, _arctan, "arctan(a)", ("1 / (1 + a**2)",), "atan", r"\arctan {a}", "inverse tangent"),
    Op("sinh", 1, _sinh, "sinh(a)", ("cosh(a)",), "sinh", r"\sinh {a}", "hyperbolic sine"),
    Op("cosh", 1, _cosh, "cosh(a)", ("sinh(a)",), "cosh", r"\cosh {a}", "hyperbolic cosine"),
    Op("tanh", 1, _tanh, "tanh(a)", ("1 - tanh(a)**2",), "tanh", r"\tanh {a}", "hyperbolic tangent",
       output_derivative="1 - y**2"),
    Op("sigmoid", 1, _sigmoid, "sigmoid(a)", ("sigmoid(a) * (1 - sigmoid(a))",), "σ", r"\sigma({a})",
       "the logistic function 1 / (1 + e^-a)", output_derivative="y * (1 - y)"),
    Op("softplus", 1, _softplus, "softplus(a)", ("sigmoid(a)",), "softplus", r"\ln(1 + e^{{a}})",
       "ln(1 + e^a), a smooth relu"),
    Op("relu", 1, _relu, "relu(a)", ("step(a)",), "relu", r"\max(0, {a})", "max(0, a)", smooth=False),
    Op("leaky_relu", 1, _leaky_relu, "leaky_relu(a)", (f"step(a) + {LEAKY_SLOPE} * (1 - step(a))",), "lrelu",
       r"\mathrm{{lrelu}}({a})", f"a for a > 0, else {LEAKY_SLOPE}·a", smooth=False),
    Op("elu", 1, _elu, "elu(a)", ("step(a) + (1 - step(a)) * exp(min(a, 0))",), "elu",
       r"\mathrm{{elu}}({a})", "a for a > 0, else e^a - 1", smooth=False),
    Op("abs", 1, _abs, "abs(a)", ("sign(a)",), "|x|", r"\left|{a}\right|", "absolute value", smooth=False),
    Op("step", 1, _step, "step(a)", ("0",), "step", r"H({a})", "1 for a > 0, else 0 (the derivative of relu)",
       smooth=False),
    Op("sign", 1, _sign, "sign(a)", ("0",), "sgn", r"\operatorname{{sgn}}({a})", "1, 0 or -1 (the derivative of abs)",
       smooth=False),
    # functions of two arguments
    Op("max", 2, _max, "max(a, b)", ("1 - step(b - a)", "step(b - a)"), "max", r"\max({a}, {b})",
       "the larger; a tie goes to a", method="maximum", smooth=False),
    Op("min", 2, _min, "min(a, b)", ("1 - step(a - b)", "step(a - b)"), "min", r"\min({a}, {b})",
       "the smaller; a tie goes to a", method="minimum", smooth=False),
    # fused nodes of any number of terms, built by engine.sum_values and engine.linear
    Op("sum", 0, None, "a + b + …", ("1",), "Σ", r"\sum", "a sum of Values, as one node", function=False),
    Op("linear", 0, None, "w0*x0 + w1*x1 + … + b", ("the other factor", "1 for b"), "w·x+b", r"w \cdot x + b",
       "a neuron's w·x + b over Value inputs, as one node", function=False),
    Op("affine", 0, None, "w0*c0 + w1*c1 + … + b", ("the constant cᵢ", "1 for b"), "w·c+b", r"w \cdot c + b",
       "a neuron's w·c + b over constant inputs, as one node", function=False),
]

OPS: dict[str, Op] = {op.name: op for op in _ENTRIES}

# A constant on the left of a non-commutative operation (3 - x, 3 / x, 2 ** x) is recorded under
# the operation's name with this prefix; the node's one child is then the right-hand operand.
REFLECTED_PREFIX = "r"

# The functions a program may call, with their number of arguments, in the table's order.
FUNCTIONS: dict[str, int] = {op.name: op.arity for op in _ENTRIES if op.function}


def get(name: str) -> Op:
    """The entry for a node's ``op`` (a reflected name such as "r-" gives the entry of "-")."""
    op = OPS.get(name)
    if op is None and name.startswith(REFLECTED_PREFIX):
        op = OPS.get(name[len(REFLECTED_PREFIX):])
    if op is None:
        raise KeyError(f"no operation named {name!r} in autograd.core.ops")
    return op
