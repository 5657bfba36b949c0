"""Functions with a kink or a jump: relu and its relatives, abs, step, sign, max and min.

Conventions where there is no derivative: relu, step, sign and abs take 0 at 0; leaky_relu
takes its left-hand slope at 0; max and min give a tie to the first argument. elu has a slope
at 0 (1 from both sides) but no second derivative there. Each forward rule is followed by its entry.
"""

from __future__ import annotations

import math

from autograd.core.ops.registry import Op, register

LEAKY_SLOPE = 0.01


def _relu(a: float):
    return (a, (1.0,)) if a > 0.0 else (0.0, (0.0,))


register(Op(
    name="relu", arity=1, forward=_relu,
    formula="relu(a)", derivatives=("step(a)",),
    symbol="relu", latex=r"\max(0, {a})", doc="max(0, a)",
    differentiable=False, twice_differentiable=False,
))


def _leaky_relu(a: float):
    return (a, (1.0,)) if a > 0.0 else (LEAKY_SLOPE * a, (LEAKY_SLOPE,))


register(Op(
    name="leaky_relu", arity=1, forward=_leaky_relu,
    formula="leaky_relu(a)", derivatives=(f"step(a) + {LEAKY_SLOPE} * (1 - step(a))",),
    symbol="lrelu", latex=r"\mathrm{{lrelu}}({a})", doc=f"a for a > 0, else {LEAKY_SLOPE}·a",
    differentiable=False, twice_differentiable=False,
))


def _elu(a: float):
    if a > 0.0:
        return a, (1.0,)
    return math.expm1(a), (math.exp(a),)


register(Op(
    name="elu", arity=1, forward=_elu,
    formula="elu(a)", derivatives=("step(a) + (1 - step(a)) * exp(min(a, 0))",),
    symbol="elu", latex=r"\mathrm{{elu}}({a})", doc="a for a > 0, else e^a - 1",
    differentiable=True, twice_differentiable=False,  # slope 1 from both sides of 0; curvature 1 | 0
))


def _abs(a: float):
    return abs(a), ((1.0 if a > 0.0 else (-1.0 if a < 0.0 else 0.0)),)


register(Op(
    name="abs", arity=1, forward=_abs,
    formula="abs(a)", derivatives=("sign(a)",),
    symbol="|x|", latex=r"\left|{a}\right|", doc="absolute value",
    differentiable=False, twice_differentiable=False,
))


def _step(a: float):
    return (1.0 if a > 0.0 else 0.0), (0.0,)


register(Op(
    name="step", arity=1, forward=_step,
    formula="step(a)", derivatives=("0",),
    symbol="step", latex=r"H({a})", doc="1 for a > 0, else 0 (the derivative of relu)",
    differentiable=False, twice_differentiable=False,
))


def _sign(a: float):
    return (1.0 if a > 0.0 else (-1.0 if a < 0.0 else 0.0)), (0.0,)


register(Op(
    name="sign", arity=1, forward=_sign,
    formula="sign(a)", derivatives=("0",),
    symbol="sgn", latex=r"\operatorname{{sgn}}({a})", doc="1, 0 or -1 (the derivative of abs)",
    differentiable=False, twice_differentiable=False,
))


def _max(a: float, b: float):
    return (a, (1.0, 0.0)) if a >= b else (b, (0.0, 1.0))


register(Op(
    name="max", arity=2, forward=_max, method="maximum",
    formula="max(a, b)", derivatives=("1 - step(b - a)", "step(b - a)"),
    symbol="max", latex=r"\max({a}, {b})", doc="the larger; a tie goes to a",
    differentiable=False, twice_differentiable=False,
))


def _min(a: float, b: float):
    return (a, (1.0, 0.0)) if a <= b else (b, (0.0, 1.0))


register(Op(
    name="min", arity=2, forward=_min, method="minimum",
    formula="min(a, b)", derivatives=("1 - step(a - b)", "step(a - b)"),
    symbol="min", latex=r"\min({a}, {b})", doc="the smaller; a tie goes to a",
    differentiable=False, twice_differentiable=False,
))
