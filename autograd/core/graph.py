"""The graph: walking it, reading a node, and the one reverse sweep (the chain rule).

Everything that differentiates a graph goes through this module:

- `topological_order(root)`: every node after all of its children, root last;
- `reaching(order, targets)`: the nodes from which a target can be reached (the part of the
  graph a gradient with respect to the targets flows through);
- `layout(node)`: what a node was computed from, decoded once: its operation's table entry,
  children, local derivatives, the plain-number operand and on which side it stood;
- `reverse_sweep(order, ...)`: ∂root/∂node for every node, by the chain rule in reverse
  topological order, into a dict (no node's ``.grad`` changes)::

      ḡ(root) = seed
      ḡ(child) += ∂node/∂child · ḡ(node)      for every node, for every child

  Its options are the changes other parts of the package make to the chain rule: a different
  local derivative on some edges (the checker's models of classic mistakes), a node's gradient
  replaced by a given number (the grader's follow-through credit), only part of the graph
  (`wanted`), and the same sweep over `Value`s instead of floats (second derivatives);
- `sweep_into_nodes(order, accumulate)`: the same rule specialised for `Value.backward()`,
  the engine's hot path, writing into ``node.grad`` without a dict;
- `forward_sweep(order, tangents)`: forward mode, ṫ(node) = Σ ∂node/∂child · ṫ(child).

A node's edges are one flat tuple ``(child₀, ∂₀, child₁, ∂₁, …[, constant])`` (``node.edges``);
how a node keeps them in its slots is known in `value` (which writes them) and in the two hot
loops here (`topological_order`, `sweep_into_nodes`) only; everyone else reads `layout` or the
`Value` properties, which call the same four rules (`children_of`, `locals_of`, `constant_of`,
`is_reflected`).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Collection, Mapping
from functools import partial, reduce
from typing import TYPE_CHECKING, NamedTuple, Union

from autograd.core import ops

if TYPE_CHECKING:
    from autograd.core.value import Value

__all__ = ["topological_order", "reaching", "Layout", "layout", "children_of", "locals_of", "constant_of",
           "is_reflected", "reverse_sweep", "sweep_into_nodes", "backward_pass", "forward_sweep", "LocalOverride"]

Gradient = Union[float, "Value"]
# (node, k, ∂node/∂child_k as a number) -> the local derivative to use on that edge instead
LocalOverride = Callable[["Value", int, float], Gradient]


# ------------------------------------------------------------------ walking the graph


def topological_order(root: Value) -> list[Value]:
    """The nodes of the graph ending at ``root``, every node after all of its children.

    Iterative depth-first search with an explicit stack: no recursion, so a graph of any
    depth works under the default recursion limit.
    """
    order: list[Value] = []
    visited: set[Value] = set()
    seen, emit = visited.add, order.append
    stack: list = [root]
    pop, extend = stack.pop, stack.extend
    while stack:
        node = pop()
        if node is _EMIT:  # all of the node below the marker's children are done
            emit(pop())
            continue
        if node in visited:
            continue
        seen(node)
        # the children, last first, so the first comes out first (the node's slots: see
        # `autograd.core.value`); one already done is not pushed, or skipped when it comes out
        a = node._a
        if a is None:
            emit(node)  # a leaf is done at once
            continue
        b = node._b
        if b is not None:
            if b in visited:
                if a in visited:
                    emit(node)
                else:
                    stack += (node, _EMIT, a)
            elif a in visited:
                stack += (node, _EMIT, b)
            else:
                stack += (node, _EMIT, b, a)
        elif type(a) is tuple:  # more than two children: ((len & ~1) skips an odd last constant)
            stack += (node, _EMIT)
            extend(a[(len(a) & ~1) - 2::-2])
        elif a in visited:
            emit(node)
        else:
            stack += (node, _EMIT, a)
    return order


_EMIT = object()  # a stack marker: the node beneath it is ready to be emitted


def reaching(order: list[Value], targets: Collection[Value]) -> set[Value]:
    """The nodes of ``order`` (children before parents) from which some target can be reached,
    the targets included: the only nodes a gradient with respect to the targets flows through."""
    reach = set(targets)
    for node in order:
        if node not in reach and any(child in reach for child in children_of(node.edges)):
            reach.add(node)
    return reach


# ------------------------------------------------------------------ reading a node

# The four rules of the edge tuple. `layout` puts them together; `Value.children`, `.local_grads`,
# `.constant` and `.reflected` call them one at a time (cheaper than decoding the whole node).


def children_of(edges: tuple) -> tuple:
    """The children: every other item from the first (an odd last item is the constant, not a child)."""
    return edges[0 : len(edges) - 1 : 2]


def locals_of(edges: tuple) -> tuple:
    """∂node/∂child for each child: every other item from the second (an odd last item is never one)."""
    return edges[1::2]


def constant_of(edges: tuple, op: str) -> float | None:
    """The plain-number operand (``3`` in ``x + 3``), or None: an odd last item, or the c of
    ``x * c``, which keeps c only once, as x's local derivative (∂(x·c)/∂x = c)."""
    if len(edges) % 2:
        return edges[-1]
    if op == "*" and len(edges) == 2:
        return edges[1]
    return None


def is_reflected(op: str) -> bool:
    """True when a constant stood on the left (``3 - x`` is recorded as "r-"): the node's one child
    is then the right-hand operand."""
    return op.startswith(ops.REFLECTED_PREFIX) and op not in ops.OPS


class Layout(NamedTuple):
    """A node decoded: what it was computed from and how.

    ``op`` is the table entry (None for a leaf); ``children`` and ``locals`` pair up, one
    local derivative ∂node/∂child per child, in edge order (a child may appear twice);
    ``constant`` is the plain-number operand (``3`` in ``x + 3``) or None; ``reflected`` says
    that the constant stood on the left (``3 - x``), so the one child is the right operand.
    """

    op: ops.Op | None
    children: tuple
    locals: tuple
    constant: float | None
    reflected: bool

    def argument(self, k: int) -> int:
        """Which argument of the operation the k-th child is (its position in ``op.formula``).

        For the fused nodes, the arguments are ``w0, x0, w1, x1, …, b`` ("affine": each
        input is a constant, so weight k is argument 2k and the bias the last).
        """
        if self.reflected:
            return 1
        if self.op is not None and self.op.name == "affine":
            n = len(self.children)
            return 2 * k if k < n - 1 else 2 * (n - 1)
        return k


_LEAF = Layout(None, (), (), None, False)


def layout(node: Value) -> Layout:
    """Decode ``node.edges`` (see the module docstring): the one place that reads a whole node."""
    edges = node.edges
    if not edges:
        return _LEAF
    name = node.op
    kind = _kinds.get(name) or _kind(name)
    return _new_layout((kind[0], children_of(edges), locals_of(edges), constant_of(edges, name), kind[1]))


_new_layout = partial(tuple.__new__, Layout)  # Layout(...) without its Python-level __new__ (a recording decodes every node)
_kinds: dict[str, tuple] = {}  # op name -> (table entry, reflected): the table changes rarely, graphs are large


def _kind(name: str) -> tuple:
    _kinds[name] = kind = (ops.get(name), is_reflected(name))
    return kind


ops.subscribe(lambda op, added: _kinds.clear())  # an entry added or removed: decode afresh


# ------------------------------------------------------------------ the reverse sweep


def reverse_sweep(order: list[Value], *, seed: Gradient = 1.0, wanted: Collection[Value] | None = None,
                  local: LocalOverride | None = None, replaced: Mapping[Value, float] | None = None,
                  overwrite: bool = False, values: bool = False,
                  add: Callable[[list], Value] | None = None) -> dict[Value, Gradient]:
    """∂root/∂node for the nodes of ``order`` (children before parents, root last).

    The chain rule, in reverse topological order, the contributions to each node added in the
    order `Value.backward()` adds them, so every gradient is bit for bit the one it finds::

        ḡ(root) = seed;   ḡ(child) += ∂node/∂child · ḡ(node)

    A node whose gradient is exactly 0 passes nothing on (as in backward()); a node that no
    gradient reaches is absent from the result (its gradient is 0).

    - ``wanted``: pass gradients only to these nodes (e.g. `reaching` the inputs of interest);
    - ``local(node, k, d)``: the local derivative to use on node's k-th edge instead of ``d``;
    - ``replaced[node]``: that node's gradient, used in place of the one the sweep found
      (once the node's own gradient is complete, before it is passed on);
    - ``overwrite``: ``=`` in place of ``+=`` (a model of forgetting to sum over paths);
    - ``values``: gradients and local derivatives may be `Value`s (``local`` then supplies
      them); factors of exactly 1 or -1 add no node, and the contributions to a node, when all
      are Values, are summed by ``add`` (`autograd.core.sum_values`: one "sum" node; passed in
      because the fused nodes are built above this module), else by binary ``+``.

    A float gradient that overflows to inf or nan raises OverflowError naming the node.
    """
    root = order[-1]
    total = partial(_value_total, add=add) if values else _float_total
    times = _value_times if values else operator.mul
    parts: dict[Value, list] = {root: [seed]}
    grads: dict[Value, Gradient] = {}
    for node in reversed(order):
        received = parts.pop(node, None)
        if replaced is not None and node in replaced:
            g = replaced[node]
        elif received is None:
            continue
        else:
            g = total(received)
        grads[node] = g
        if type(g) is float and g == 0.0:
            continue
        edges = node.edges
        for i in range(0, len(edges) - 1, 2):  # len - 1: an odd last item is a constant
            child = edges[i]
            if wanted is not None and child not in wanted:
                continue
            d = edges[i + 1] if local is None else local(node, i // 2, edges[i + 1])
            if type(d) is float and d == 0.0 and values:
                continue  # a constant 0 adds no node
            contribution = times(d, g)
            if overwrite or child not in parts:
                parts[child] = [contribution]
            else:
                parts[child].append(contribution)
    if not values:
        _check_finite(grads)
    return grads


def _float_total(parts: list[float]) -> float:
    """Σ parts left to right from 0.0, exactly as ``child.grad += …`` adds them (so a lone -0.0
    part gives 0.0, as in backward())."""
    g = 0.0
    for p in parts:
        g += p
    return g


def _value_total(parts: list[Gradient], add: Callable[[list], Value] | None) -> Gradient:
    """Σ parts left to right: ``add(parts)`` when all are Values, else binary ``+``."""
    if len(parts) == 1:
        return parts[0]
    if add is not None and all(not isinstance(p, (int, float)) for p in parts):
        return add(parts)
    return reduce(operator.add, parts)


def _value_times(local: Gradient, g: Gradient) -> Gradient:
    """local · g, with no node for a factor that is exactly 1 or -1."""
    if type(local) is float:
        if type(g) is float:
            return local * g
        return g if local == 1.0 else (-g if local == -1.0 else g * local)
    if type(g) is float:
        return local if g == 1.0 else local * g
    return local * g


def _check_finite(grads: Mapping[Value, float], quantity: str = "gradient") -> None:
    for node, g in grads.items():
        if g - g != 0.0:
            _overflowed(node, g, quantity)


def _overflowed(node: Value, g: float, quantity: str = "gradient") -> None:
    what = f"the {node.op} node" if node.op else "the leaf"
    label = f" {node.label!r}" if node.label else ""
    sweep = "backward" if quantity == "gradient" else "forward"
    raise OverflowError(
        f"{sweep}: the {quantity} of {what}{label} (value {node.data!r}) is {g}: "
        "a product of local derivatives overflowed a float"
    )


def sweep_into_nodes(order: list[Value], accumulate: bool) -> None:
    """`reverse_sweep` with seed 1 and no options, writing ``node.grad`` (Value.backward()).

    The same chain rule in the same order; kept apart because it is the engine's inner loop
    (no dict, no option tests). With ``accumulate`` the leaves keep their gradient and this
    graph's is added to it; inner nodes are always reset.
    """
    if accumulate:
        for node in order:
            if node._a is not None:
                node.grad = 0.0
    else:
        for node in order:
            node.grad = 0.0
    order[-1].grad += 1.0
    seen = 0.0  # the sum of every gradient passed on: inf or nan if any one of them is
    for node in reversed(order):
        g = node.grad
        if g == 0.0:  # nothing to pass on; skipping also spares constant subgraphs
            continue
        seen += g
        # the same rule for every node, read from its slots (see `autograd.core.value`): two
        # children, one, or more (the edges tuple, whose odd last item is no child), or a leaf
        b = node._b
        if b is not None:
            node._a.grad += node._da * g
            b.grad += node._db * g
        else:
            a = node._a
            if type(a) is tuple:
                for i in range(0, len(a) - 1, 2):
                    a[i].grad += a[i + 1] * g
            elif a is not None:
                a.grad += node._da * g
    if seen - seen != 0.0:  # only then is the graph searched for where it began
        for node in reversed(order):
            if node.grad - node.grad != 0.0:
                _overflowed(node, node.grad)
        # a sum of large finite gradients overflowed, but no gradient is itself infinite: fine


def backward_pass(order: list[Value]) -> dict[Value, float]:
    """``order[-1].backward()`` over a graph already sorted, returning ∂root/∂node for every node
    (also left in each node's ``.grad``): the one backward pass a command runs and then reads."""
    sweep_into_nodes(order, accumulate=False)
    return {node: node.grad for node in order}


# ------------------------------------------------------------------ the forward sweep


def forward_sweep(order: list[Value], tangents: Mapping[Value, float]) -> dict[Value, float]:
    """Forward mode: ṫ(node) = Σₖ ∂node/∂childₖ · ṫ(childₖ), children before parents.

    ``tangents`` seeds the leaves (ẋ for each input; absent leaves have tangent 0). The result
    holds every node's tangent, the directional derivative along the seed.
    """
    dot: dict[Value, float] = {}
    for node in order:
        edges = node.edges
        if not edges:
            dot[node] = float(tangents.get(node, 0.0))
            continue
        t = 0.0
        for i in range(0, len(edges) - 1, 2):
            t += edges[i + 1] * dot[edges[i]]
        dot[node] = t
    _check_finite(dot, "tangent")
    return dot
