"""Fused nodes: a sum of n terms, or a neuron's w·x + b, as ONE node instead of a chain of binary ones.

Far fewer objects (a neuron with n inputs is 1 node instead of 2n), a faster backward pass, and
a picture that reads as "Σ". The numbers are bit for bit those of the binary chain: the terms are
added left to right, exactly as ``v0 + v1 + ...`` adds them. The local derivatives are those of
a sum (1 for each term) and of a product (∂(w·x)/∂w = x, ∂(w·x)/∂x = w).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from functools import reduce
from typing import Union

from autograd.core.reals import as_constant, checked
from autograd.core.value import Value, _node

__all__ = ["sum_values", "linear", "neuron_sum"]

Operand = Union[Value, int, float]


def sum_values(values: Iterable[Operand]) -> Value:
    """Σ values as one node: ∂/∂vᵢ = 1 for each `Value`.

    The sum is taken left to right, so the result is bit-for-bit that of ``v0 + v1 + ...``
    with binary ``+``, with one node instead of n - 1. Plain numbers among the terms are
    constants; the sum is then built with binary ``+`` so that each constant is kept.
    """
    items = list(values)
    if not items:
        raise ValueError("sum_values: needs at least one value")
    if not all(type(item) is Value for item in items):
        for item in items:
            if not isinstance(item, Value) and as_constant(item, "sum") is None:
                raise TypeError(f"sum: expected Values or real numbers, got {type(item).__name__}")
        return reduce(operator.add, items) if isinstance(items[0], Value) else _constant_first_sum(items)
    edges: list = []
    total = None
    for item in items:
        edges += (item, 1.0)
        total = item.data if total is None else total + item.data
    if total - total != 0.0:
        _not_finite("sum", total, [item.data for item in items])
    return _node(total, "sum", tuple(edges))


def _not_finite(op: str, total: float, operands: list) -> None:
    """Raise for a total that is inf or nan: ValueError naming an operand that already was (``data``
    written directly, an input), else OverflowError (the sum overflowed)."""
    for x in operands:
        if x - x != 0.0:
            raise ValueError(f"{op}: an operand is {x}, not a finite number")
    checked(total, op, total)


def _constant_first_sum(items: list) -> Value | float:
    """c0 + v1 + ... when the first term is a plain number (left to right, as Python would)."""
    total = items[0]
    for item in items[1:]:
        total = total + item
    if not isinstance(total, Value):
        raise TypeError("sum_values: needs at least one Value among the terms")
    return total


def linear(weights: Iterable[Operand], inputs: Iterable[Operand], bias: Operand | None = None) -> Value:
    """w·x + b as one node (a neuron's pre-activation).

    ∂/∂wᵢ = xᵢ, ∂/∂xᵢ = wᵢ, ∂/∂b = 1. The products are summed left to right and the bias
    added last, bit-for-bit as ``w0*x0 + w1*x1 + ... + b`` with binary operations.
    With Value weights, a Value bias or none, and inputs that are all Values (op "linear") or
    all plain numbers (op "affine") it is one node (with no bias, its bias is a new leaf 0.0);
    any other mix is built from binary operations.
    """
    ws = list(weights)
    xs = list(inputs)
    if len(ws) != len(xs):
        raise ValueError(f"linear: {len(ws)} weights but {len(xs)} inputs")
    if not ws:
        raise ValueError("linear: needs at least one weight")
    if (bias is None or isinstance(bias, Value)) and set(map(type, ws)) == {Value}:
        input_types = set(map(type, xs))
        if input_types == {float} or input_types == {Value}:
            # no bias: a leaf 0.0 in its place, so that the node has the one layout every reader
            # knows (w·x + 0.0 is w·x, but for the sign of a total that is exactly zero)
            return neuron_sum(ws, xs, Value(0.0) if bias is None else bias, input_types == {Value})
    for item in (*ws, *xs, *([] if bias is None else [bias])):
        if not isinstance(item, Value) and as_constant(item, "linear") is None:
            raise TypeError(f"linear: expected Values or real numbers, got {type(item).__name__}")
    total = reduce(operator.add, [w * x for w, x in zip(ws, xs)])
    if bias is not None:
        total = total + bias
    if not isinstance(total, Value):
        raise TypeError("linear: needs at least one Value among the weights, inputs and bias")
    return total


def neuron_sum(ws: list[Value], xs: list, bias: Value, inputs_are_values: bool) -> Value:
    """`linear` for its hot case, a neuron: Value weights and bias, inputs all floats or all Values.

    It checks nothing: callers that have checked the types once for many neurons (a `Layer`)
    use it directly; everyone else calls `linear`.

    The same left-to-right sum as the general path (``reduce`` adds in order, unlike ``sum``,
    which compensates rounding on Python 3.12+), with the loops run in C. With float inputs
    the node is "affine" and each input is kept exactly as its weight's local derivative.
    """
    wd = [w.data for w in ws]
    xd = [x.data for x in xs] if inputs_are_values else xs
    total = reduce(operator.add, map(operator.mul, wd, xd)) + bias.data
    if total - total != 0.0:
        _not_finite("linear", total, [*wd, *xd, bias.data])
    n = len(ws)
    if inputs_are_values:
        edges = [None] * (4 * n + 2)
        edges[0:4 * n:4], edges[1:4 * n:4], edges[2:4 * n:4], edges[3:4 * n:4] = ws, xd, xs, wd
    else:
        edges = [None] * (2 * n + 2)
        edges[0:2 * n:2], edges[1:2 * n:2] = ws, xd
    edges[-2], edges[-1] = bias, 1.0
    return _node(total, "linear" if inputs_are_values else "affine", tuple(edges))
