"""Second derivatives and forward mode, both read from the table of operations.

Both are the sweeps of `autograd.core.graph` (`reverse_sweep` with Values, `forward_sweep`); this
module adds only the maths: each local derivative as a Value. The step records and the command's
output are in `autograd.explain.higher_steps`, the claims about second derivatives in
`autograd.checking.second_order`.

**Reverse mode whose result can be differentiated again** (`grad` with ``create_graph=True``).
The backward pass is the chain rule, from the output down::

    ḡ(out) = 1,    ḡ(child) = Σ over the child's uses   ∂node/∂child · ḡ(node)

`Value.backward` runs it on floats. Here every factor is a `Value` instead: each local
derivative ∂node/∂child is the table's own derivative formula (``ops.OPS[op].derivatives``, put
together by `notation.derivative_tree`) evaluated on the child *Values* by the expression
language, so ``1 - tanh(a)**2`` becomes the node ``1 - t**2`` over the very node ``t = tanh(a)``.
The gradients are then Values in one graph with the function, and differentiating them again
gives second (and third, …) derivatives. No derivative is written anywhere but in the table.

**Forward mode** (`jvp`, `tangents`). A tangent ṫ (the derivative along a chosen direction,
the dual part of a dual number) follows the forward pass::

    ṫ(input) = its seed,    ṫ(node) = Σₖ ∂node/∂childₖ · ṫ(childₖ)

with the local derivatives the forward pass stored on the graph. One pass gives the derivative
along one direction; n inputs need n passes for a whole gradient, reverse mode one.

**Where an operation is not twice differentiable** the second derivative is the derivative of
the table's first-derivative formula, with the table's conventions (see `autograd.core.ops`):
relu' = step and step' = 0, so relu'' = 0 everywhere, at 0 too; abs' = sign, so abs'' = 0;
max and min give a tie's slope to the first argument and have second derivatives 0; elu'' at 0
is its left-hand value 1; leaky_relu'' = 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Union

from autograd.core import Value, sum_values, topological_order
from autograd.core import ops
from autograd.core.graph import forward_sweep, layout, reaching, reverse_sweep
from autograd.lang import Binary, Call, Name, Node, Num, Unary, evaluate_tree, is_name, notation

__all__ = ["grad", "gradients", "local_derivative", "hessian", "hessian_of", "jvp", "tangents"]

Gradient = Union[Value, float]  # a gradient while the pass runs: a float while it is a constant


# ------------------------------------------------------------------ reverse mode, as Values


def grad(out: Value, xs: Sequence[Value], create_graph: bool = False) -> list[Value]:
    """∂out/∂x for each x in ``xs``, as Values, without touching any node's ``.grad``.

    ``create_graph=False``: each gradient is a new leaf holding the number (the same numbers
    `Value.backward` finds). ``create_graph=True``: each gradient is a Value computed from the
    graph of ``out``, built from the table's derivative formulas, so ``grad(g, xs)`` of such a
    gradient ``g`` gives second derivatives. A gradient that does not depend on any input is a
    leaf (its own derivatives are 0). Inside `no_grad()` nothing is recorded, so the gradients
    are leaves either way.
    """
    if not isinstance(out, Value):
        raise TypeError(f"grad: out must be a Value, got {type(out).__name__} {out!r}")
    xs = list(xs)
    for i, x in enumerate(xs):
        if not isinstance(x, Value):
            raise TypeError(f"grad: xs[{i}] must be a Value, got {type(x).__name__} {x!r}")
    if create_graph is not True and create_graph is not False:
        raise TypeError(f"grad: create_graph must be True or False, got {create_graph!r}")
    return gradients(out, xs, create_graph)


def gradients(out: Value, xs: Sequence[Value], create_graph: bool = False, constants: list[Value] | None = None,
              order: list[Value] | None = None) -> list[Value]:
    """`grad` without its checks, for callers holding Values already: the number leaves the
    derivative formulas bring in are appended to ``constants``, and ``order`` (the graph of
    ``out`` sorted, when the caller has it) spares a second sort.

    One reverse sweep, over the nodes that reach an input of ``xs`` only (nothing is built for
    parameters and constants not asked for); with ``create_graph`` each factor is a Value
    (`local_derivative`) and the contributions to a node are summed by one "sum" node, so every
    gradient's number is bit for bit the one `Value.backward` finds.
    """
    order = topological_order(out) if order is None else order
    needed = reaching(order, xs)
    if not create_graph:
        found = reverse_sweep(order, wanted=needed)
        return [Value(found.get(x, 0.0)) for x in xs]

    def local(node: Value, k: int, _number: float) -> Gradient:
        return local_derivative(node, k, constants)

    found = reverse_sweep(order, wanted=needed, values=True, add=sum_values, local=local)
    original = set(order)
    for node, g in found.items():  # in the order the sweep found them, so the first node names a shared Value
        if isinstance(g, Value) and g not in original and not g.label:
            g.label = _gradient_label(out, node)
    return [g if isinstance(g, Value) else Value(g) for g in (found.get(x, 0.0) for x in xs)]


def _gradient_label(root: Value, node: Value) -> str:
    """``df_dx`` for the gradient of a labelled output with respect to a labelled node; ""
    otherwise. (A valid name, so the step records of the backward pass's graph show it.)"""
    out, name = root.label, node.label
    if out and name and is_name(out) and is_name(name):
        return f"d{out}_d{name}"
    return ""


# ---------------------------------------------------------------- a local derivative as a Value

_SELF = "_node"  # the name a derivative formula uses for the node itself (exp' = exp: the node)
_CACHE_LIMIT = 10_000
_derivative_cache: dict[tuple, Node] = {}


def local_derivative(node: Value, k: int, constants: list[Value] | None = None) -> Gradient:
    """∂node/∂(its k-th child), as a Value over the node's children (or a float when the
    table's formula is a constant): the formula of `notation.derivative_tree`, evaluated.
    Number leaves of the formula are appended to ``constants`` when it is given."""
    limit = _power_limit_at_zero(node, k)
    if limit is not None:
        return limit
    tree = _derivative_formula(node, k)
    if isinstance(tree, Num):
        return tree.value
    kids = node.children
    bindings = {f"c{i}": child for i, child in enumerate(kids)}
    bindings[_SELF] = node
    if isinstance(tree, Name):
        return bindings[tree.name]
    try:
        return evaluate_tree(tree, bindings, constants)
    except (ValueError, ArithmeticError) as error:  # e.g. ∂(a**b)/∂b = a**b * log(a) at a = 0
        at = notation.text(notation.derivative_tree(node, k, [notation.number(c.data) for c in kids]))
        reason = str(error).split(" in '")[0]  # the evaluator's place is in the formula's own names
        raise ValueError(f"grad(create_graph=True): the local derivative of a {node.op} node with respect to "
                         f"its child {k} is {at} here, which cannot be differentiated again ({reason})") from None


def _power_limit_at_zero(node: Value, k: int) -> float | None:
    """The limit the first-order rule of ``a ** b`` takes at a zero base, as a derivative that is
    itself 0 to any order, where the formula cannot be evaluated there; None elsewhere.

    - ∂(a**b)/∂a = b·a^(b-1) with the exponent a number b = 0: a**0 = 1 for every a, so the
      derivative is 0 identically (its own derivative too), though 0**(-1) is undefined;
    - ∂(a**b)/∂b = a^b·ln a at a = 0: 0 when the base is a number (0**b = 0 for every b > 0),
      and when the base is a Value and b > 1 (then ∂/∂a of it, a^(b-1)·(1 + b·ln a), tends to 0
      and ∂/∂b, a^b·ln²a, too). For b ≤ 1 that mixed derivative is infinite: ValueError.
    """
    if node.op not in ("**", ops.REFLECTED_PREFIX + "**"):
        return None
    lay = layout(node)
    kids = lay.children
    if lay.constant is not None:  # one child: a ** c, or c ** b (reflected)
        base = lay.constant if lay.reflected else kids[0].data
        exponent = kids[0].data if lay.reflected else lay.constant
    else:
        base, exponent = kids[0].data, kids[1].data
    if base != 0.0:
        return None
    if lay.argument(k) == 0:
        return 0.0 if lay.constant is not None and exponent == 0.0 else None
    if lay.reflected or exponent > 1.0:
        return 0.0
    raise ValueError(f"grad(create_graph=True): the derivative of a ** b with respect to b is a**b·log(a), "
                     f"whose derivative with respect to a is infinite at a = 0 with b = {exponent!r} "
                     "(it tends to 0 only for b > 1)")


def _derivative_formula(node: Value, k: int) -> Node:
    """The table's ∂node/∂child_k over the names c0, c1, … of the children, where a part that is
    the node's own formula (the tanh(a) of tanh' = 1 - tanh(a)**2) is the name of the node."""
    op = node.op
    kids = [Name(f"c{i}", 0) for i in range(len(node.children))]
    if op in ("sum", "linear", "affine"):  # a number or one operand, never the node's own formula
        return notation.derivative_tree(node, k, kids)
    constant = node.constant
    key = (op, k, len(kids), None if constant is None else repr(constant))
    tree = _derivative_cache.get(key)
    if tree is None:
        formula = notation.text(notation.formula_tree(node, kids))
        tree = _replace_formula(notation.derivative_tree(node, k, kids), formula)
        if len(_derivative_cache) >= _CACHE_LIMIT:
            _derivative_cache.clear()
        _derivative_cache[key] = tree
    return tree


def _replace_formula(tree: Node, formula: str) -> Node:
    """A copy of ``tree`` with every part written as ``formula`` replaced by the name `_SELF`."""
    if isinstance(tree, (Unary, Binary, Call)) and notation.text(tree) == formula:
        return Name(_SELF, 0)
    if isinstance(tree, Unary):
        return Unary(tree.op, _replace_formula(tree.operand, formula), tree.column)
    if isinstance(tree, Binary):
        return Binary(tree.op, _replace_formula(tree.left, formula), _replace_formula(tree.right, formula),
                      tree.column)
    if isinstance(tree, Call):
        return Call(tree.function, tuple(_replace_formula(a, formula) for a in tree.args), tree.column)
    return tree  # a name or a number, kept as it is (a template of a few nodes: shallow recursion)


# ------------------------------------------------------------------ Hessians


def hessian_of(out: Value, xs: Sequence[Value]) -> list[list[float]]:
    """H[i][j] = ∂²out/∂xᵢ∂xⱼ: the gradient as Values, then each of its entries differentiated."""
    first = grad(out, xs, create_graph=True)
    return [[h.data for h in grad(g, xs)] for g in first]


def hessian(f: Callable[..., Value], xs: Sequence[float]) -> list[list[float]]:
    """The Hessian of ``f`` (a function of Values returning a Value) at the numbers ``xs``:
    n + 1 backward passes for n inputs, so meant for small functions."""
    inputs = [Value(x, label=f"x{i}") for i, x in enumerate(_numbers(xs, "hessian"))]
    out = f(*inputs)
    if not isinstance(out, Value):
        raise TypeError(f"hessian: f must return a Value, got {type(out).__name__} {out!r}")
    return hessian_of(out, inputs)


def _numbers(xs: Iterable, what: str) -> list[float]:
    numbers = [x.data if isinstance(x, Value) else x for x in xs]
    for i, x in enumerate(numbers):
        if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
            raise TypeError(f"{what}: xs[{i}] must be a finite real number, got {x!r}")
    return [float(x) for x in numbers]


# ------------------------------------------------------------------ forward mode


def tangents(out: Value, seeds: Mapping[Value, float], order: list[Value] | None = None) -> dict[Value, float]:
    """ṫ for every node of the graph ending at ``out``, in one forward sweep.

    ``seeds`` gives the tangent of some leaves (the direction); every other leaf has 0.
    ``order`` is the graph of ``out`` sorted, when the caller has it.
    """
    for node, seed in seeds.items():
        if not isinstance(node, Value) or node.edges:
            raise ValueError(f"tangents: a seed is given to a leaf (an input), not to {_describe(node)}")
        if not isinstance(seed, (int, float)) or isinstance(seed, bool) or not math.isfinite(seed):
            raise ValueError(f"tangents: the seed of {_describe(node)} must be a finite number, got {seed!r}")
    return forward_sweep(topological_order(out) if order is None else order, seeds)


def jvp(f: Callable[..., Value], xs: Sequence[float], tangent: Sequence[float]) -> tuple[float, float]:
    """f(xs) and its derivative along ``tangent`` (Σᵢ ∂f/∂xᵢ · tangentᵢ), by forward mode."""
    point = _numbers(xs, "jvp")
    direction = _numbers(tangent, "jvp")
    if len(point) != len(direction):
        raise ValueError(f"jvp: {len(point)} inputs but {len(direction)} tangents")
    inputs = [Value(x, label=f"x{i}") for i, x in enumerate(point)]
    out = f(*inputs)
    if not isinstance(out, Value):
        raise TypeError(f"jvp: f must return a Value, got {type(out).__name__} {out!r}")
    return out.data, tangents(out, dict(zip(inputs, direction)))[out]


def _describe(node: object) -> str:
    if not isinstance(node, Value):
        return f"{type(node).__name__} {node!r}"
    what = f"the {node.op} node" if node.op else "the leaf"
    return f"{what} {node.label!r}" if node.label else what
