"""Integer indices replayed as gathers: one recording for every value of a step's integers.

A run with `indices.Index` arguments says, for every use of an integer as a list index, the
list and the value (``wte[token]``, ``probs[target]``). In its graph, an edge whose child is
the element picked (a Value, or an element of a picked row) becomes an edge to a `Slot`: a
node whose value is ``candidates[index]``, the index read on every replay, and whose local
derivatives are 1 for the candidate picked and 0 for the others. Every candidate joins the
graph, so the replay computes them all (``probs[u]`` for every u) and picks.

**Bit for bit.** Adding a 0 to a gradient changes no sum that starts at +0.0, so the zeros
sent to the candidates not picked change nothing; the slot sits just before its parent in the
order, so the picked candidate receives its gradient where the plain engine's edge would have
given it. Candidates the run did not compute (``probs[u]`` for other u) are placed right after
their last child in the run's order. Whether all of this reproduces the plain engine is not
assumed: a step keeps a gathered recording only when it replays another run exactly (`step`).
"""

from __future__ import annotations

from autograd.core import Value
from autograd.core.graph import children_of

__all__ = ["Slot", "Gathers", "gathered"]



class Slot:
    """A gathered operand: the node ``candidates[i]``, where i is the step's integer number
    ``element`` on each call; ``row`` is the element's place in a picked row (None: a Value)."""

    __slots__ = ("element", "candidates", "row")
    edges = ()
    op = "gather"
    label = ""
    is_leaf = False

    def __init__(self, element: int, candidates: list[Value], row: int | None) -> None:
        self.element, self.candidates, self.row = element, candidates, row


class Gathers:
    """A run's graph with its picked operands made slots: ``order`` (children before parents,
    the output last), ``rewired`` (parent, edge number) -> slot, ``slots`` in order, and
    ``chosen``: the leaves that only slots reach (written only when picked)."""

    def __init__(self, order: list, rewired: dict[tuple[int, int], Slot], slots: list[Slot],
                 chosen: set[int]) -> None:
        self.order, self.rewired, self.slots, self.chosen = order, rewired, slots, chosen


def _picks(events: list) -> dict[int, tuple[int, list, int | None]] | str:
    """id of every object an index picked -> (element, list, place in the row or None)."""
    picked: dict[int, tuple[int, list, int | None]] = {}
    for element, table, value in events:
        chosen = table[value]
        if isinstance(chosen, Value):
            if not all(isinstance(x, Value) for x in table):
                return "a list indexed by an integer holds other things than Values"
            items = [(chosen, None)]
        elif type(chosen) in (list, tuple):
            n = len(chosen)
            if not all(type(r) in (list, tuple) and len(r) == n and all(isinstance(x, Value) for x in r)
                       for r in table):
                return "a list indexed by an integer holds rows of different lengths or other things than Values"
            items = [(x, j) for j, x in enumerate(chosen)]
        else:
            return "a list indexed by an integer holds other things than Values"
        for x, j in items:
            entry = (element, table, j)
            if picked.setdefault(id(x), entry) != entry and picked[id(x)][0] != element:
                return "two integers picked the same Value"
    return picked


def _outside(starts: list[Value], inside: dict[int, int]) -> list[Value]:
    """The nodes reached from ``starts`` that are not ``inside`` the run's graph, children
    before parents: the candidates the run did not compute (a walk that stops at the run's
    graph, which `topological_order` cannot do)."""
    order: list[Value] = []
    done: set[int] = set(inside)
    stack = [(x, False) for x in reversed(starts)]
    while stack:
        node, ready = stack.pop()
        if ready:
            order.append(node)
        elif id(node) not in done:
            done.add(id(node))
            stack.append((node, True))
            stack.extend((c, False) for c in reversed(children_of(node.edges)))
    return order


def gathered(order: list[Value], events: list) -> Gathers | str:
    """The run's graph (``order``) with the picks of ``events`` made slots, or why it cannot be."""
    picked = _picks(events)
    if isinstance(picked, str):
        return picked
    position = {id(node): i for i, node in enumerate(order)}
    tables = {(id(t), j): (t, j) for _, t, j in picked.values()}.values()
    leaves = {id(x) for t, j in tables for x in (t if j is None else (r[j] for r in t)) if not x.edges}
    found, uses, gathered_uses = [], dict.fromkeys(leaves, 0), dict.fromkeys(leaves, 0)
    for i, node in enumerate(order):
        edges = node.edges
        if not edges:
            continue
        for e, child in enumerate(children_of(edges)):
            c = id(child)
            if c in leaves:
                uses[c] += 1
            if c in picked:
                found.append((i, e, picked[c]))
                if c in leaves:
                    gathered_uses[c] += 1
    if not found:
        return "no integer picked a Value the output depends on"
    slots = [Slot(k, [t[u] for u in range(len(t))] if j is None else [r[j] for r in t], j) for _, _, (k, t, j) in found]
    extra = _outside([c for s in slots for c in s.candidates], position)
    # a leaf may stand anywhere before its parents: all go first, so that any can be a candidate
    anchor = {i: -1 if not order[p].edges else p for i, p in position.items()}
    for node in extra:
        anchor[id(node)] = max((anchor[id(c)] for c in children_of(node.edges)), default=-1)
    after: dict[int, list] = {}
    for node in extra:
        after.setdefault(anchor[id(node)], []).append(node)
    for (parent, _, _), slot in zip(found, slots):
        if max(anchor[id(c)] for c in slot.candidates) >= parent:
            return "a candidate of a gather comes after the node that uses it"
        after.setdefault(parent - 1, []).append(slot)
    union = [node for node in order if not node.edges]
    union += after.get(-1, ())
    for i, node in enumerate(order):
        if node.edges:
            union.append(node)
        union += after.get(i, ())
    where = {id(node): i for i, node in enumerate(union)}
    rewired = {(where[id(order[parent])], e): slot for (parent, e, _), slot in zip(found, slots)}
    chosen = {c for c in leaves if uses[c] == gathered_uses[c]}  # leaves that only gathers reach
    return Gathers(union, rewired, slots, chosen)

