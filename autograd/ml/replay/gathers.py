"""Integer indices replayed as gathers: one recording for every value of a step's integers.

A run with `indices.Index` arguments says, for every use of an integer as a list index, the
list and the value (``wte[token]``, ``probs[target]``). In its graph, an edge whose child is
the element picked (a Value, or an element of a picked row) becomes an edge to a `Slot`: a
node whose value is ``candidates[index]``, the index read on every replay, and whose local
derivatives are 1 for the candidate picked and 0 for the others. Every candidate joins the
graph, so the replay computes them all (``probs[u]`` for every u) and picks.

**Bit for bit, when leaves are picked.** Adding a 0 to a gradient changes no sum that starts
at +0.0, so the zeros sent to the candidates not picked change nothing; the slot sits just
before its parent in the order, so the picked candidate receives its gradient where the plain
engine's edge would have given it. A leaf has no children, so which leaf is picked changes
nothing else in the plain engine's order: rows picked by tokens replay bit for bit. A computed
Value picked (``probs[target]``) is different: the plain engine's depth-first order visits the
picked one's operands first, so the order in which gradients are added, and their last bits,
depend on the value; such a step is gathered only with ``exact=False`` (`step`). Candidates the
run did not compute (``probs[u]`` for other u) are placed right after their last child in the
run's order. Whether all of this reproduces the plain engine is not assumed: a step keeps a
gathered recording only when it replays another run exactly (or, with ``exact=False``, closely).
"""

from __future__ import annotations

import itertools
import operator

import numpy as np

from autograd.core import Value
from autograd.core.graph import children_of

__all__ = ["Slot", "Gathers", "gathered"]

_EDGES = operator.attrgetter("edges")



class Slot:
    """A gathered operand: the node ``candidates[i]``, where i is the step's integer number
    ``element`` on each call; ``row`` is the element's place in a picked row (None: a Value)."""

    __slots__ = ("element", "candidates", "row", "at")
    edges = ()
    op = "gather"
    label = ""
    is_leaf = False

    def __init__(self, element: int, candidates: list[Value], row: int | None) -> None:
        self.element, self.candidates, self.row = element, candidates, row
        self.at = -1  # its place in the recorded order


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
            if picked.setdefault(id(x), (element, table, j))[0] != element:
                return "two integers picked the same Value"
    return picked


def _outside(starts: list[Value], inside: dict[int, int]) -> list[Value]:
    """The nodes reached from ``starts`` that are not ``inside`` the run's graph, children
    before parents: the candidates the run did not compute (a walk that stops at the run's
    graph, which `topological_order` cannot do)."""
    order: list[Value] = []
    done: set[int] = set()
    stack = [(x, False) for x in reversed(starts)]
    while stack:
        node, ready = stack.pop()
        if ready:
            order.append(node)
        elif id(node) not in done and id(node) not in inside:
            done.add(id(node))
            stack.append((node, True))
            stack.extend((c, False) for c in reversed(children_of(node.edges)))
    return order


def _edges_to(order: list[Value], picked: dict, leaves: set[int]) -> tuple[list, dict, dict]:
    """The edges whose child was picked, as (parent, edge number, pick), and per candidate
    leaf its number of parents, all and through picked edges: one pass over the edges in C."""
    children = list(map(children_of, map(_EDGES, order)))
    counts = np.fromiter(map(len, children), np.intp, len(children))
    ids = np.fromiter(map(id, itertools.chain.from_iterable(children)), np.int64, int(counts.sum()))
    hits = np.flatnonzero(np.isin(ids, np.fromiter(picked, np.int64, len(picked))))
    parents = np.repeat(np.arange(len(order)), counts)[hits]
    first = np.concatenate(([0], np.cumsum(counts)[:-1]))
    found = [(p, e, picked[c]) for p, e, c in zip(parents.tolist(), (hits - first[parents]).tolist(), ids[hits].tolist())]
    leaf_ids = np.fromiter(leaves, np.int64, len(leaves))
    uses = dict(zip(*(a.tolist() for a in np.unique(ids[np.isin(ids, leaf_ids)], return_counts=True))))
    through = ids[hits]
    picked_uses = dict(zip(*(a.tolist() for a in np.unique(through[np.isin(through, leaf_ids)], return_counts=True))))
    return found, uses, picked_uses


def gathered(order: list[Value], events: list) -> Gathers | str:
    """The run's graph (``order``) with the picks of ``events`` made slots, or why it cannot be."""
    picked = _picks(events)
    if isinstance(picked, str):
        return picked
    tables = {(id(t), j): (t, j) for _, t, j in picked.values()}.values()
    leaves = {id(x) for t, j in tables for x in (t if j is None else (r[j] for r in t)) if not x.edges}
    found, uses, picked_uses = _edges_to(order, picked, leaves)
    if not found:
        return "no integer picked a Value the output depends on"
    slots = [Slot(k, [t[u] for u in range(len(t))] if j is None else [r[j] for r in t], j) for _, _, (k, t, j) in found]
    position = dict(zip(map(id, order), itertools.count()))
    extra = _outside([c for s in slots for c in s.candidates], position)
    # a leaf may stand anywhere before its parents: all go first, so that any can be a candidate
    anchor = {id(x): -1 for x in extra if not x.edges}
    for node in extra:
        if node.edges:
            anchor[id(node)] = max((anchor[id(c)] if id(c) in anchor else (position[id(c)] if c.edges else -1))
                                   for c in children_of(node.edges))
    after: dict[int, list] = {}
    for node in extra:
        after.setdefault(anchor[id(node)], []).append(node)
    for (parent, _, _), slot in zip(found, slots):
        latest = max((anchor[id(c)] if id(c) in anchor else (position[id(c)] if c.edges else -1))
                     for c in slot.candidates)
        if latest >= parent:
            return "a candidate of a gather comes after the node that uses it"
        after.setdefault(parent - 1, []).append(slot)
    inner = list(map(bool, map(_EDGES, order)))
    union = list(itertools.compress(order, [not x for x in inner])) + after.pop(-1, [])
    start = 0
    for at in sorted(after):
        union += itertools.compress(order[start:at + 1], inner[start:at + 1])
        union += after[at]
        start = at + 1
    union += itertools.compress(order[start:], inner[start:])
    where = dict(zip(map(id, union), itertools.count()))
    rewired = {(where[id(order[parent])], e): slot for (parent, e, _), slot in zip(found, slots)}
    for slot in slots:
        slot.at = where[id(slot)]
    chosen = {c for c in leaves if uses.get(c, 0) == picked_uses.get(c, 0)}  # leaves that only gathers reach
    return Gathers(union, rewired, slots, chosen)
