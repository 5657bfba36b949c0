"""Making engine nodes: the replay's one contact with how the engine builds and stores a node.

The replay reads every recorded node through `autograd.core.graph.layout`. Only two things
need more: a root above several outputs (`CompiledValues`), and `CompiledStep.graph()`, which
rebuilds ordinary nodes after a replay. Both call the engine's private node maker, and the
rebuilt node must be stored exactly as the engine stores it, so the storage format (pairs of
child and local derivative, then whatever the engine keeps after them) is read here and
nowhere else in the replay.
"""

from __future__ import annotations

from autograd.core import Value
from autograd.core.value import _node  # the engine's own node maker (no operation is run)

__all__ = ["joint_root", "stored_tail", "make_node"]


def joint_root(outputs: list[Value]) -> Value:
    """One node above all ``outputs`` (a sum whose value is never read), so that a graph with
    several outputs is recorded like a graph with one."""
    return _node(0.0, "sum", tuple(x for o in outputs for x in (o, 1.0)))


def stored_tail(node: Value, children: int) -> tuple:
    """What the engine stores after the node's (child, local derivative) pairs (its constant,
    when it keeps one there): kept as it is, to rebuild the node the way the engine built it."""
    return node.edges[2 * children:]


def make_node(data: float, op: str, pairs: list, tail: tuple, label: str = "") -> Value:
    """A node with value ``data`` made from (child, local derivative) ``pairs`` flattened, then
    ``tail`` (from `stored_tail`), as the engine would have built it."""
    node = _node(data, op, (*pairs, *tail))
    if label:
        node.label = label
    return node
