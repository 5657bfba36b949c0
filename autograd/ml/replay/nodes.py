"""Making engine nodes: the replay's one contact with how the engine builds and stores a node.

The replay reads every recorded node through `autograd.core.graph.layout`. Only two things
need more: a root above several outputs (`CompiledValues`), and `CompiledStep.graph()`, which
rebuilds ordinary nodes after a replay. Both call the engine's private node maker, and the
rebuilt node must be stored exactly as the engine stores it, so the storage format (pairs of
child and local derivative, then whatever the engine keeps after them) is read here and
nowhere else in the replay.
"""

from __future__ import annotations

import sys

from autograd.core import Value
from autograd.core.value import _node  # the engine's own node maker (no operation is run)

__all__ = ["joint_root", "stored_tails", "make_node", "made_inside", "uses_of"]


def joint_root(outputs: list[Value]) -> Value:
    """One node above all ``outputs`` (a sum whose value is never read), so that a graph with
    several outputs is recorded like a graph with one."""
    return _node(0.0, "sum", tuple(x for o in outputs for x in (o, 1.0)))


def stored_tails(edges: list[tuple], counts: list[int]) -> dict[int, tuple]:
    """What the engine stores after each node's (child, local derivative) pairs (its constant,
    when it keeps one there), for the nodes that store something (given their ``edges`` and
    numbers of children): kept as it is, to rebuild a node the way the engine built it."""
    return {i: e[2 * c:] for i, e, c in zip(range(len(edges)), edges, counts) if len(e) > 2 * c}


def make_node(data: float, op: str, pairs: list, tail: tuple, label: str = "") -> Value:
    """A node with value ``data`` made from (child, local derivative) ``pairs`` flattened, then
    ``tail`` (from `stored_tails`), as the engine would have built it."""
    node = _node(data, op, (*pairs, *tail))
    if label:
        node.label = label
    return node


def uses_of(order: list[Value], values: list[Value]) -> list[int]:
    """How many times each of ``values`` is a child in the graph ``order`` (one reference each)."""
    wanted = {id(v): 0 for v in values}
    for node in order:
        for child in node.edges[0:len(node.edges) - 1:2]:
            if id(child) in wanted:
                wanted[id(child)] += 1
    return [wanted[id(v)] for v in values]


def made_inside(leaves: list[Value], uses: list[int], holders: int) -> list[bool]:
    """For each leaf: True when nothing refers to it but its parents in the graph (``uses``
    references) and ``holders`` lists of the caller's, ``leaves`` among them.

    Such a leaf is a Value made inside the recorded function: nobody else can read its gradient
    or change its data, so it is a constant. Any other leaf was taken from outside and must be
    the very same object on every call (its identity, not its data, is what is recorded).
    Counted with `sys.getrefcount` against a probe held the same way; an unexpected reference
    makes a leaf count as taken from outside, the safe side (its identity is then checked).
    """
    probe = Value(0.0)
    held = [[probe] for _ in range(holders - 1)]  # the caller's lists but ``leaves``
    values = [*leaves, probe]
    del probe
    counts = list(map(sys.getrefcount, values))
    base = counts.pop() + 1  # + ``leaves``, which holds every leaf but not the probe
    del held
    return [count - use == base for count, use in zip(counts, uses)]
