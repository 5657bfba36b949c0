"""The fused nodes: a sum of any number of terms as one node, built by the engine itself
(`engine.sum_values`, `engine.linear`) rather than by a forward rule, so their arity is 0."""

from __future__ import annotations

from autograd.core.ops.registry import Op, register

register(Op(
    name="sum", arity=0, forward=None, function=False,
    formula="a + b + …", derivatives=("1",),
    symbol="Σ", latex=r"\sum", doc="a sum of Values, as one node",
    differentiable=True, twice_differentiable=True,
))

register(Op(
    name="linear", arity=0, forward=None, function=False,
    formula="w0*x0 + w1*x1 + … + b", derivatives=("the other factor", "1 for b"),
    symbol="w·x+b", latex=r"w \cdot x + b", doc="a neuron's w·x + b over Value inputs, as one node",
    differentiable=True, twice_differentiable=True,
))

register(Op(
    name="affine", arity=0, forward=None, function=False,
    formula="w0*c0 + w1*c1 + … + b", derivatives=("the constant cᵢ", "1 for b"),
    symbol="w·c+b", latex=r"w \cdot c + b", doc="a neuron's w·c + b over constant inputs, as one node",
    differentiable=True, twice_differentiable=True,
))
