"""One recorded graph: its nodes renumbered, its forward groups and backward levels, replayable.

**Recording.** The graph ending at the output is walked once (`topological_order`) and every
node read through `layout`: its operation, its children (numbered), its plain-number constant
and the local derivatives the engine computed. Leaves are the inputs, read afresh on every
replay: *captured* Values (parameters) and the step's *arguments* (by position). A graph the
replay cannot express gets a `reason` instead, and then runs on the plain engine.

All numbers live in one buffer ``mem``: the values (``val``, one scratch slot past the last
node for arguments the graph does not use), then the local derivatives in backward order
(``loc``); the gradients in ``g``. A product's derivative is not stored: it is the other
factor's value (``partner``).
"""

from __future__ import annotations

import itertools
import math
import operator
from collections import deque

import numpy as np

from autograd.core import Value
from autograd.core.graph import children_of, constant_of, layout, locals_of, topological_order
from autograd.ml.replay import backward as bw
from autograd.ml.replay.forward import Group, fused_group, reordered_group, scalar_group, vector_group
from autograd.ml.replay.gathers import Slot
from autograd.ml.replay.nodes import joint_root, made_inside, make_node, stored_tails, uses_of
from autograd.ml.replay.rules import FUSED, OTHER_FACTOR, VECTOR_RULES, pattern, replay_rule

__all__ = ["Recording"]

_data = operator.attrgetter("data")
_grad = operator.attrgetter("grad")
REORDERED = 1e-9  # how far a replay with exact=False may be from the plain engine before it is a mismatch


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=REORDERED, abs_tol=REORDERED)
_GRAD = itertools.repeat("grad")
_each = deque(maxlen=0).extend  # runs an iterator to its end in C (setattr over many leaves)


class _CannotReplay(Exception):
    """Why a graph runs on the plain engine (becomes `Recording.reason`)."""


class _Edges:
    """The graph read once: edges in topological order, per node its kind (operation, pattern)
    and forward level (one more than its deepest operand's). Nodes are read in bulk through the
    edge rules of `autograd.core.graph` (children, locals, constant); each kind of node (its
    operation and number of edges) is decoded once with `layout`."""

    def __init__(self, order: list[Value], arguments: dict[Value, int], rewired: dict | None = None) -> None:
        if any(a.edges for a in arguments):
            raise _CannotReplay("an argument is a computed Value, not a leaf")
        self.edges = list(map(_EDGES, order))
        self.names = names = list(map(_OP, order))
        children = list(map(children_of, self.edges))
        local = list(map(locals_of, self.edges))
        if rewired:  # the operands an integer picks (`gathers`): slots, and edges to them
            for (i, e), slot in rewired.items():
                children[i] = (*children[i][:e], slot, *children[i][e + 1:])
                j = slot.at
                children[j], local[j] = tuple(slot.candidates), (0.0,) * len(slot.candidates)
        self.position = position = {node: i for i, node in enumerate(order)}  # Values hash by identity
        self.counts = counts = list(map(len, children))
        self.child = child = list(map(position.__getitem__, itertools.chain.from_iterable(children)))
        self.local = list(itertools.chain.from_iterable(local))
        self.first = first = list(itertools.accumulate(counts, initial=0))[:-1]
        # each kind of node (operation, number of edges) decoded once: few kinds, many nodes
        keys = list(zip(names, map(len, self.edges)))
        where = dict(zip(keys, range(len(keys))))
        known = {key: _kind(order[i]) if key[0] else None for key, i in where.items()}
        self.kinds: list[tuple[str, str] | None] = list(map(known.__getitem__, keys))
        self.flevel = flevel = [0] * len(order)
        level_of = flevel.__getitem__
        for i in itertools.compress(range(len(order)), names):
            lo = first[i]
            flevel[i] = max(map(level_of, child[lo:lo + counts[i]])) + 1

    def constant(self, i: int) -> float | None:
        """Node i's plain-number operand, or None."""
        return constant_of(self.edges[i], self.names[i])


_EDGES = operator.attrgetter("edges")
_OP = operator.attrgetter("op")
_LABEL = operator.attrgetter("label")


def _kind(node: Value) -> tuple[str, str]:
    """(operation, pattern) of a node, decoded with `layout`; `_CannotReplay` when no rule takes it."""
    if type(node) is Slot:
        return ("gather", "g")
    try:
        decoded = layout(node)
    except KeyError:  # an operation the table does not know
        raise _CannotReplay(f"no replay rule for the operation {node.op!r}") from None
    kind = (decoded.op.name, pattern(decoded))
    if kind[1] is None or replay_rule(*kind) is None:
        raise _CannotReplay(f"no replay rule for the operation {node.op!r}")
    return kind


def _argument_slots(flat_args: list[Value]) -> dict[Value, int]:
    slots: dict[Value, int] = {}
    for slot, v in enumerate(flat_args):
        if v in slots:
            raise _CannotReplay("the same Value is passed twice as an argument")
        slots[v] = slot
    return slots


class Recording:
    """One recorded graph (see the module docstring); ``reason`` is "" when it can be replayed."""

    rewired: dict | None = None  # (parent, edge) -> `gathers.Slot`, in a `gathered.GatheredRecording`

    def __init__(self, out: Value | list[Value], flat_args: list[Value], argument_grads: bool = True,
                 exact: bool = True, order: list[Value] | None = None) -> None:
        self.reason = ""
        self.exact = exact  # False: fused sums in numpy's order (`forward.reordered_group`)
        self.replays, self.next_check = 0, 1  # checked against the plain engine after 1, 4, 16, … replays
        try:
            self._record(out, flat_args, argument_grads, order)
        except _CannotReplay as why:
            self.reason = str(why)

    def _record(self, out: Value | list[Value], flat_args: list[Value], argument_grads: bool,
                order: list[Value] | None) -> None:
        """``order``: `topological_order(out)` when the caller has it already (one walk fewer)."""
        outputs = out if isinstance(out, list) else [out]
        if not outputs or any(o.is_leaf for o in outputs):
            raise _CannotReplay("an output is a leaf")
        if order is None or isinstance(out, list):
            order = topological_order(joint_root(outputs) if isinstance(out, list) else out)
        arguments = _argument_slots(flat_args)
        edges = _Edges(order, arguments, self.rewired)
        n = self.size = len(order)
        echild = np.array(edges.child, dtype=np.intp)
        eparent = np.repeat(np.arange(n, dtype=np.intp), edges.counts)
        levels = self._lay_out(edges, echild, eparent)
        self.groups = self._forward_groups(edges, echild)
        self.outputs = self.new[[edges.position[o] for o in outputs]]
        # what `rebuild` needs: op names, what the engine stored after the pairs, labels
        self.ops = edges.names
        self.tails = stored_tails(edges.edges, edges.counts)
        self.labels = {i: label for i, label in enumerate(map(_LABEL, order)) if label}
        # kept for `rebuild` only: 32-bit indices (a recording holds far fewer than 2**31 edges)
        self.first, self.topo_child = np.asarray(edges.first, dtype=np.int32), echild.astype(np.int32)
        del edges  # its decoded nodes refer to every child: gone before the leaves are counted
        self._leaves(order, arguments, len(flat_args), np.bincount(echild, minlength=n))
        self.levels = bw.with_sources(levels, self.partner, n, () if argument_grads else self.arg_idx)
        self.root = int(self.new[n - 1])

    def _lay_out(self, edges: _Edges, echild: np.ndarray, eparent: np.ndarray) -> list[bw.Level]:
        """Renumber the nodes by backward level and place the buffers (module docstring)."""
        n, e = self.size, len(echild)
        blevel = bw.backward_levels(n, echild, eparent)
        self.new = bw.renumber(blevel)
        by_level = bw.backward_edge_order(eparent, echild, blevel)
        self.edge_pos = np.empty(e, dtype=np.int32)  # topological edge number -> place in `loc`
        self.edge_pos[by_level] = np.arange(e)
        self.mem = np.zeros(n + 1 + e)
        self.val, self.loc = self.mem[:n + 1], self.mem[n + 1:]
        self.loc[:] = np.array(edges.local, dtype=float)[by_level]
        self.partner = np.full(e, -1, dtype=np.int32)  # per derivative: the value it equals, or -1
        self.g = np.zeros(n)
        return bw.level_slices(blevel, self.new, echild, eparent, by_level)

    def _forward_groups(self, edges: _Edges, echild: np.ndarray) -> list[Group]:
        """Nodes of one forward level and one (operation, pattern), one callable each, in level order."""
        buckets: dict[tuple, list[int]] = {}
        for i, kind in enumerate(edges.kinds):
            if kind is not None:
                buckets.setdefault((edges.flevel[i], *kind), []).append(i)
        new, pos = self.new, self.edge_pos
        groups = []
        for (_, op, pat), members in sorted(buckets.items(), key=lambda item: item[0][0]):
            starts = np.array([edges.first[i] for i in members], dtype=np.intp)
            out = new[np.array(members, dtype=np.intp)]
            if op in FUSED:
                groups.append(self._fused(op, int(pat[1:]), out, starts, echild))
                continue
            if op == "gather":
                groups.append(self._gather(members, out, starts, np.array([edges.counts[i] for i in members]), echild))
                continue
            constants = np.array([edges.constant(i) for i in members]) if "c" in pat else None
            node_edges = [pos[starts + j] for j in range(pat.count("v"))]
            operands = [new[echild[starts + j]] for j in range(pat.count("v"))]
            if replay_rule(op, pat) == "scalar":
                groups.append(scalar_group(op, pat, out, operands, constants, node_edges))
                continue
            if VECTOR_RULES[(op, pat)][1] is OTHER_FACTOR:  # each factor's derivative is the other
                self.partner[node_edges[0]] = operands[1]
                self.partner[node_edges[1]] = operands[0]
            groups.append(vector_group(op, pat, out, operands, constants, node_edges))
        return groups

    def _fused(self, op: str, k: int, out: np.ndarray, starts: np.ndarray, echild: np.ndarray) -> Group:
        cols = starts[:, None] + np.arange(k)
        kids = self.new[echild[cols]]
        places = self.edge_pos[cols]
        if op == "linear":  # wᵢ's derivative is xᵢ and xᵢ's is wᵢ
            self.partner[places[:, 0:k - 1:2]] = kids[:, 1:k - 1:2]
            self.partner[places[:, 1:k - 1:2]] = kids[:, 0:k - 1:2]
        return (fused_group if self.exact else reordered_group)(op, out, kids, places, self.loc)

    def _gather(self, members: list[int], out: np.ndarray, starts: np.ndarray, counts: np.ndarray,
                echild: np.ndarray) -> Group:
        raise _CannotReplay("an operand picked by an integer")  # only a GatheredRecording has slots

    def _leaves(self, order: list[Value], arguments: dict[Value, int], n_args: int, uses: np.ndarray) -> None:
        """Captured leaves (parameters) and arguments (inputs): read on every replay. A captured
        leaf nothing else refers to was made inside the function: a constant (`nodes.made_inside`)."""
        leaves = [i for i, node in enumerate(order) if node.is_leaf]
        captured = [i for i in leaves if order[i] not in arguments]
        passed = [i for i in leaves if order[i] in arguments]
        self.captured = [order[i] for i in captured]
        self.captured_idx = self.new[captured]
        self.arg_pos = [arguments[order[i]] for i in passed]
        # each leaf in topological order: the captured Value itself, or the argument's position
        self._leaf_order = [arguments[order[i]] if order[i] in arguments else order[i] for i in leaves]
        self.leaf_slots = self.new[leaves]  # each leaf's slot, in topological order
        # held by order, self.captured and self._leaf_order (three lists)
        inside = made_inside(self.captured, uses[captured].tolist(), 3)
        self.constants = {id(leaf) for leaf, fresh in zip(self.captured, inside) if fresh}
        self.arg_idx = self.new[passed]
        # where each argument's data goes: its node, or the scratch slot past the end when the
        # graph does not use it (so that one C-speed read covers all arguments)
        where = np.full(n_args, self.size, dtype=np.intp)
        where[self.arg_pos] = self.arg_idx
        self.arg_where = where

    # ------------------------------------------------------------------ one replay

    def run(self, flat_args: list[Value]) -> float | None:
        """Forward and backward with the current leaf data; None when the plain engine must run."""
        val, loc = self.val, self.loc
        self._load_leaves(flat_args)
        with np.errstate(all="ignore"):
            for group in self.groups:
                group(val, loc)
            # a sum of floats is finite only if every term is (inf - inf is nan)
            if not (math.isfinite(val.sum()) and math.isfinite(loc.sum())):
                return None
            bw.backward(self.g, self.mem, loc, self.levels, self.root)
            if not math.isfinite(self.g.sum()):
                return None
        return float(val[self.root])

    def values(self, flat_args: list[Value]) -> list[float] | None:
        """The outputs' values only (no derivatives, no backward); None when not all finite."""
        val = self.val
        self._load_leaves(flat_args)
        with np.errstate(all="ignore"):
            for group in self.groups:
                group(val, None)
            outputs = val[self.outputs]
            if not math.isfinite(val.sum()):  # the engine refuses any non-finite value on the way
                return None
        return outputs.tolist()

    def _load_leaves(self, flat_args: list[Value]) -> None:
        """The leaves' current data into the value array: the captured Values, then the arguments."""
        self.val[self.captured_idx] = list(map(_data, self.captured))
        if self.arg_pos:
            self.val[self.arg_where] = list(map(_data, flat_args))

    def write_grads(self, flat_args: list[Value], arguments: bool = True) -> None:
        """Every leaf's gradient (the arguments' too unless ``arguments`` is False)."""
        g = self.g
        _each(map(setattr, self.captured, _GRAD, g[self.captured_idx].tolist()))
        if arguments and self.arg_pos:
            _each(map(setattr, map(flat_args.__getitem__, self.arg_pos), _GRAD, g[self.arg_idx].tolist()))

    def leaves(self, flat_args: list[Value]) -> list[Value]:
        """The graph's leaves in topological order, with this call's arguments in their places."""
        return [flat_args[x] if type(x) is int else x for x in self._leaf_order]

    def reads_other_leaves(self, order: list[Value], plain_leaves: list[Value], flat_args: list[Value]) -> bool:
        """True when a plain run's graph (``order``, its leaves ``plain_leaves``) reads other leaves
        than the recording. A leaf is the same when it is the same object; a constant made inside
        the function (`nodes.made_inside`) may be a new one, with the same data, made inside too."""
        recorded = self.leaves(flat_args)
        if len(recorded) != len(plain_leaves):
            return True
        where = [i for i, (a, b) in enumerate(zip(plain_leaves, recorded)) if a is not b]
        if not where:
            return False
        if any(id(recorded[i]) not in self.constants or plain_leaves[i].data != recorded[i].data for i in where):
            return True
        suspects = [plain_leaves[i] for i in where]
        return not all(made_inside(suspects, uses_of(order, suspects), 3))  # order, plain_leaves, suspects

    def difference(self, value: float, plain: float, order: list[Value], plain_leaves: list[Value],
                   flat_args: list[Value], arguments: bool) -> str:
        """What differs between the last replay (its output ``value``) and a plain run on the same
        data (its output ``plain``, graph ``order`` and leaves ``plain_leaves``), or ""."""
        if not self.matches_value(value, plain):
            return f"the replay gave {value!r}, the plain engine {plain!r}"
        if len(order) != self.size:
            return f"the plain engine built {len(order)} nodes, the recording has {self.size}"
        if self.reads_other_leaves(order, plain_leaves, flat_args):
            return "the graph reads another leaf (Value) than the recording at the same place"
        if not self.matches(plain, plain_leaves, arguments):
            return "a gradient differs"
        return ""

    def matches_value(self, replayed: float, plain: float) -> bool:
        """The replay's output against the plain engine's (bit for bit, or close with exact=False)."""
        return replayed == plain if self.exact else _close(replayed, plain)

    def matches(self, value: float, plain_leaves: list[Value], arguments: bool = True) -> bool:
        """True when the last replay equals a plain run: its output ``value`` and the gradient of
        every leaf of its graph (``plain_leaves``, in topological order; the arguments' too unless
        ``arguments`` is False); bit for bit, or with ``exact=False`` within `REORDERED` relative
        (and as much absolute, for numbers near 0)."""
        same = operator.eq if self.exact else _close
        if not same(float(self.val[self.root]), value):
            return False
        grads = self.g[self.leaf_slots].tolist()
        return all(same(leaf.grad, grad) for leaf, grad, x in zip(plain_leaves, grads, self._leaf_order)
                   if arguments or type(x) is not int)

    def rebuild(self, flat_args: list[Value]) -> Value:
        """Value nodes holding the last replay's values, derivatives and gradients."""
        n = self.size
        new, val, g, loc, pos, partner = self.new, self.val, self.g, self.loc, self.edge_pos, self.partner
        child = self.topo_child
        nodes: list[Value] = [None] * n  # type: ignore[list-item]
        for i in range(n):
            j = int(new[i])
            if self.ops[i]:
                lo, hi = self.first[i], self.first[i + 1] if i + 1 < n else len(child)
                pairs: list = []
                for e in range(lo, hi):
                    p = pos[e]
                    pairs += (nodes[int(child[e])], float(val[partner[p]] if partner[p] >= 0 else loc[p]))
                node = make_node(float(val[j]), self.ops[i], pairs, self.tails.get(i, ()), self.labels.get(i, ""))
            else:
                node = Value(float(val[j]), label=self.labels.get(i, ""))
            node.grad = float(g[j])
            nodes[i] = node
        return nodes[n - 1]
