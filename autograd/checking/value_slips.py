"""Slips in a forward pass: the value a quantity would have under one classic mistake.

A wrong *value* claim is recomputed under each mistake below, each one change to one node of
the real forward pass, the rest of the graph re-evaluated by the operation table's own forward
rules (`ops.Op.forward`, the numbers `Value` computed the first time)::

    v(leaf) = its value;   v(node) = op(v(child₀), v(child₁) | constant)   children first

with one node's rule replaced:

- ``dropped-constant``: a constant factor, divisor or term left out (c·u → u, u / c → u,
  u + c → u): the loss without its ½;
- ``sign``: a subtraction the other way round (a − b → b − a), a negation dropped (−u → u),
  or the whole answer's sign;
- ``missed-term``: one term of a sum or difference of two computed quantities left out;
- ``activation-left-out``: an activation (sigmoid, tanh, relu, …) replaced by its input.

How a node was computed is read through `autograd.core.graph.layout`, never from its edges.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

from autograd.core import Value, topological_order
from autograd.core.graph import Layout, layout
from autograd.explain import fmt

__all__ = ["ACTIVATIONS", "forward_value", "value_variants"]

# the operations a network applies after its weighted sum; leaving one out is the slip
ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus")

Rule = Callable[[Layout, list[float]], float]  # (the node, its children's values) -> its value
Variant = tuple[str, str, float]  # (code, what was done, the value it gives)
Shown = Callable[[Value], str]  # how a node is named to the student


def forward_value(order: list[Value], changed: dict[Value, Rule] | None = None) -> float:
    """The last node of ``order`` (children first) re-evaluated with ``changed[node]`` in place
    of that node's own rule; nan when a changed pass leaves a function's domain or overflows."""
    values: dict[Value, float] = {}
    try:
        for node in order:
            lay = layout(node)
            if lay.op is None:
                values[node] = node.data
                continue
            args = [values[child] for child in lay.children]
            rule = (changed or {}).get(node, _apply)
            values[node] = rule(lay, args)
    except (ValueError, ZeroDivisionError, OverflowError):
        return math.nan
    return values[order[-1]]


def _apply(lay: Layout, args: list[float]) -> float:
    """The node's own forward rule, from the table, with its plain-number operand in place."""
    op = lay.op
    if op.forward is None:  # a fused sum or neuron: not a slip a student writes by hand
        raise ValueError("fused node")
    if op.arity == 2 and len(args) == 1:
        args = [lay.constant, args[0]] if lay.reflected else [args[0], lay.constant]
    return op.forward(*args)[0]


def value_variants(target: Value, constants: set, shown: Shown, limit: int | None = None) -> Iterator[Variant]:
    """The target's value under each slip, in the order they are reported. Each slip re-evaluates
    the nodes below the target: beyond ``limit`` of them only the whole value's sign is tried."""
    order = topological_order(target)
    for node in order if limit is None or len(order) <= limit else ():
        lay = layout(node)
        if lay.op is None or lay.op.forward is None:
            continue
        for code, what, rule in _slips(node, lay, constants, shown):
            yield code, what, forward_value(order, {node: rule})
    yield "sign", f"flip the sign of {shown(target)}", -target.data


def _slips(node: Value, lay: Layout, constants: set, shown: Shown) -> Iterator[tuple[str, str, Rule]]:
    name, kids = lay.op.name, lay.children
    where = shown(node)
    constant = _constant_operand(lay, constants)
    if name in ("*", "/", "+", "-") and constant is not None:
        c, k = constant
        if c not in (0.0, 1.0, -1.0) or name in ("+", "-"):
            how = {"*": "the constant factor", "/": "the division by"}.get(name, "the constant term")
            keep = _operand(1 - k, lay)
            if name == "/" and k == 0:  # c / u without c is 1 / u
                how, keep = "the constant factor", lambda lay, args: 1.0 / args[-1]
            elif name == "-" and k == 0:  # c - u without c is -u
                keep = lambda lay, args: -args[-1]  # noqa: E731
            yield "dropped-constant", f"leave out {how} {fmt(c)} in {where}", keep
    if name == "-":
        yield "sign", f"subtract the other way round in {where}", lambda lay, args: -_apply(lay, args)
    if name == "neg":
        yield "sign", f"drop the minus sign of {where}", lambda lay, args: args[0]
    if name in ("+", "-") and len(kids) == 2 and not any(kid in constants for kid in kids):
        for k in (0, 1):
            left_out = shown(kids[k])
            if name == "-" and k == 0:
                rule = lambda lay, args: -args[1]  # noqa: E731
            else:
                rule = _operand(1 - k, lay)
            yield "missed-term", f"leave out the term {left_out} of {where}", rule
    if name in ACTIVATIONS:
        yield ("activation-left-out", f"leave out the activation {name} in {where} (take its input "
               f"{shown(kids[0])} = {fmt(kids[0].data, 4)} as its output)", lambda lay, args: args[0])


def _constant_operand(lay: Layout, constants: set) -> tuple[float, int] | None:
    """(c, which argument c is) when one operand of a binary node is a number: the node's
    plain-number operand, or a number literal of the program beside a child that is not one."""
    kids = lay.children
    if len(kids) == 1 and lay.constant is not None and lay.op.arity == 2:
        return lay.constant, 0 if lay.reflected else 1
    if len(kids) == 2:
        for k in (0, 1):
            if kids[k] in constants and kids[1 - k] not in constants:
                return kids[k].data, k
    return None


def _operand(k: int, lay: Layout) -> Rule:
    """A rule that keeps only the k-th argument (the one computed operand when the other is a
    plain number)."""
    if len(lay.children) == 1:
        return lambda lay, args: args[0]
    return lambda lay, args: args[k]
