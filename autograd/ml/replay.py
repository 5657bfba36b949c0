"""Compiled replay: record a graph once, then recompute it with numpy, bit for bit.

    step = autograd.compile(lambda: loss(model))
    for _ in range(100):
        value = step()          # = out = fn(); out.backward(); out.data, without building nodes
        optimizer.step()

**Recording.** The first call runs ``fn`` with the plain engine, calls ``backward()`` and walks
the graph once (`engine.topological_order`). Every node gets a number; per node the recording
keeps its operation, the numbers of its operands, its plain-number constants, and the local
derivatives the engine computed. Leaves (nodes with no children) are the inputs: their
``data`` is read afresh on every call; plain numbers are constants, baked in.

**Tracing rule** (as in other frameworks' tracing compilers): ``fn`` must build the same graph
every time. Python branches on ``.data`` (``if x.data > 0``, a constant computed from a value
such as ``max(z.data for z in row)``) are not seen: the recording keeps what they chose on the
first call. So are Values created inside ``fn`` (``Value(x)`` there is read once, a constant).
Operations that decide by value (relu, max, abs, ...) are fine: they are replayed.
``compile(fn, check=N)`` runs the plain engine every N calls and raises `ReplayMismatch` if the
two disagree, which catches a broken rule. A graph that changes in a way the arguments do not
show (a model given a new layer) needs ``step.reset()``: the next call then records afresh.

**Inputs that change** (mini-batches) are leaves passed as arguments: ``step(xs, ys)`` calls
``fn(xs, ys)`` when it records, where the arguments are Values or (nested) lists of Values.
Their *positions* are recorded, so the next call may pass other Values in the same places. One
recording is kept per shape of the arguments (a short last batch gets its own); a new shape
runs the plain engine once and records.

**Replay.** Forward: node groups level by level (a node's level is one more than its deepest
operand's), one numpy operation per group where the operation is plain IEEE arithmetic that
numpy computes exactly as Python does (+, -, *, / by a constant, neg, relu, abs, max, min, and
the fused sum / linear / affine nodes, whose terms are added strictly left to right, one whole
row of the group at a time);
every other operation calls the table's own scalar forward rule (`autograd.core.ops`) element by
element, so exp, log, tanh, ``**`` ... give the very same floats as the engine.

Backward: the plain loop adds ``local · grad(parent)`` into each child, parents in reverse
topological order and each parent's children in edge order. Floating-point addition is not
associative, so the replay keeps that order: nodes are grouped by their distance from the
output along the longest path (every parent of a node is nearer than the node), and a group's
gradients are ``np.bincount(slot, local · grad(parent))`` over its incoming edges, listed in
the plain loop's order. ``bincount`` adds its weights one by one, in array order, from +0.0,
exactly as ``child.grad += ...`` does. (Skipping a parent whose gradient is 0, as the engine
does, adds only ±0.0, which changes no sum that starts at +0.0.)

**Falling back.** A graph the replay cannot express (an operation without a rule, an argument
that is not a leaf, an output that is a leaf), a value, derivative or gradient that is not
finite, an error raised by a forward rule, or a call inside `no_grad()`: the call runs the
plain engine instead, which computes the same thing or raises its own clear error. No Python
source is generated or run anywhere in this module.

**Why numpy, not generated code** (measured on micrograd's moons step, 100 samples, MLP 2-16-16-1,
on the 2-core development machine): this replay takes about 0.6 ms a step and 0.1 s to record;
a prototype of generated straight-line code per sample took about 0.7 ms and 8 ms to compile
(issue 14). Similar speed, and the numpy replay needs no source text, no code cache, and one
generic mechanism for any graph; the recording time is paid once per shape.
"""

from __future__ import annotations

import itertools
import math
import operator
import warnings
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd.core import ops
from autograd.core import Value, is_grad_enabled, no_grad, topological_order
from autograd.core.value import _node

__all__ = ["compile", "compile_values", "CompiledStep", "CompiledValues", "ReplayMismatch", "VECTOR_RULES",
           "OTHER_FACTOR", "replay_rule"]

_data = operator.attrgetter("data")
_GRAD = itertools.repeat("grad")
_each = deque(maxlen=0).extend  # runs an iterator to its end in C (setattr over many leaves)
_MAX_RECORDINGS = 16  # shapes of arguments remembered per step (oldest dropped first)


class ReplayMismatch(RuntimeError):
    """The compiled replay and the plain engine disagreed (raised by ``compile(fn, check=N)``)."""


# ------------------------------------------------------------------ exact vectorised rules

# (op, pattern) -> (value(a, b), locals(a, b) or None or OTHER_FACTOR). The pattern says which
# operands are nodes ("v") and which are constants ("c"), in the order the table's forward rule
# takes them. ``locals`` returns the local derivatives of the node operands, in edge order; None
# means they depend on the constants only, so the ones the engine recorded stay right forever;
# OTHER_FACTOR means each is the other operand's value (a product), which the backward pass
# reads straight from the values instead of storing a copy. Each rule is plain IEEE arithmetic
# or a comparison, which numpy computes exactly as Python does; tests/test_replay.py checks
# every one bit for bit against ``ops.OPS[op].forward``.

OTHER_FACTOR = "the other factor"


def _sign(a: np.ndarray) -> np.ndarray:
    return np.where(a > 0.0, 1.0, np.where(a < 0.0, -1.0, 0.0))


VECTOR_RULES: dict[tuple[str, str], tuple[Callable, Callable | str | None]] = {
    ("+", "vv"): (np.add, None),
    ("+", "vc"): (np.add, None),
    ("-", "vv"): (np.subtract, None),
    ("-", "vc"): (np.subtract, None),
    ("r-", "cv"): (np.subtract, None),
    ("*", "vv"): (np.multiply, OTHER_FACTOR),
    ("*", "vc"): (np.multiply, None),
    ("/", "vc"): (np.divide, None),
    ("neg", "v"): (np.negative, None),
    ("relu", "v"): (lambda a: np.where(a > 0.0, a, 0.0), lambda a: (np.where(a > 0.0, 1.0, 0.0),)),
    ("abs", "v"): (np.abs, lambda a: (_sign(a),)),
    ("max", "vv"): (lambda a, b: np.where(a >= b, a, b),
                    lambda a, b: (np.where(a >= b, 1.0, 0.0), np.where(a >= b, 0.0, 1.0))),
    ("max", "vc"): (lambda a, c: np.where(a >= c, a, c), lambda a, c: (np.where(a >= c, 1.0, 0.0),)),
    ("min", "vv"): (lambda a, b: np.where(a <= b, a, b),
                    lambda a, b: (np.where(a <= b, 1.0, 0.0), np.where(a <= b, 0.0, 1.0))),
    ("min", "vc"): (lambda a, c: np.where(a <= c, a, c), lambda a, c: (np.where(a <= c, 1.0, 0.0),)),
}

_FUSED = ("sum", "linear", "affine")  # n-ary nodes the engine builds itself (no scalar rule)


def replay_rule(op: str, pattern: str) -> str | None:
    """How a node is replayed: "vector", "scalar" (the table's rule element by element),
    "fused", or None when it cannot be."""
    if op in _FUSED:
        return "fused"
    if (op, pattern) in VECTOR_RULES:
        return "vector"
    try:
        entry = ops.get(op)
    except KeyError:
        return None
    if entry.forward is None or entry.arity != len(pattern):
        return None
    return "scalar"


# ------------------------------------------------------------------ the recording


def _pattern(node: Value, kids: tuple) -> str | None:
    """Which operands of the table's forward rule are nodes (v) and which constants (c)."""
    odd = len(node.edges) % 2 == 1
    if len(kids) == 2 and not odd:
        return "vv"
    if len(kids) == 1:
        if node.op.startswith(ops.REFLECTED_PREFIX) and node.op not in ops.OPS:
            return "cv" if odd else None
        if odd or node.op == "*":  # x * c keeps c as its local derivative, not as a last item
            return "vc"
        return "v"
    return None


def _constant_of(node: Value) -> float:
    edges = node.edges
    return edges[-1] if len(edges) % 2 else edges[1]  # the odd last item, or c of x * c


class _Recording:
    """One recorded graph, renumbered for the replay, with its forward groups and backward levels."""

    def __init__(self, out: Value | list[Value], flat_args: list[Value], argument_grads: bool = True) -> None:
        self.reason = ""  # why this graph runs on the plain engine; "" when it is replayed
        outputs = out if isinstance(out, list) else [out]
        if not outputs or any(not o.edges for o in outputs):
            self.reason = "an output is a leaf"
            return
        if isinstance(out, list):  # several outputs (values only): one root above them all
            out = _node(0.0, "sum", tuple(x for o in outputs for x in (o, 1.0)))
        order = topological_order(out)
        position = {node: i for i, node in enumerate(order)}  # Values hash by identity
        arg_slot: dict[Value, int] = {}
        for slot, v in enumerate(flat_args):
            if v in arg_slot:
                self.reason = "the same Value is passed twice as an argument"
                return
            arg_slot[v] = slot
        n = len(order)
        # ---- edges in topological order (comprehensions: the per-edge work runs in C);
        # ``len & ~1`` leaves out an odd last item, the node's constant
        all_edges = [node.edges for node in order]
        counts = [len(e) >> 1 for e in all_edges]
        child = [position[k] for e in all_edges for k in e[0:len(e) & ~1:2]]
        local = [x for e in all_edges for x in e[1:len(e) & ~1:2]]
        first = [0] * n
        total = 0
        for i, c in enumerate(counts):
            first[i] = total
            total += c
        kinds: list[tuple[str, str] | None] = [None] * n
        flevel = [0] * n
        level_of = flevel.__getitem__
        for i, node in enumerate(order):
            if not counts[i]:
                continue
            if node in arg_slot:
                self.reason = "an argument is a computed Value, not a leaf"
                return
            op = node.op
            pattern = f"n{counts[i]}" if op in _FUSED else _pattern(node, node.children)
            if pattern is None or replay_rule(op, pattern) is None:
                self.reason = f"no replay rule for the operation {op!r}"
                return
            kinds[i] = (op, pattern)
            lo = first[i]
            flevel[i] = max(map(level_of, child[lo:lo + counts[i]])) + 1
        self.size = n
        echild = np.array(child, dtype=np.intp)
        eparent = np.repeat(np.arange(n, dtype=np.intp), counts)
        # ---- backward levels: distance from the output along the longest path; every
        # parent comes after its children, so walking backwards each node's parents are done
        by_child = np.argsort(echild, kind="stable")
        parents = eparent[by_child].tolist()
        bounds = np.searchsorted(echild[by_child], np.arange(n + 1)).tolist()
        levels = [0] * n
        level_of = levels.__getitem__
        for c in range(n - 2, -1, -1):
            lo, hi = bounds[c], bounds[c + 1]
            if lo < hi:
                levels[c] = max(map(level_of, parents[lo:hi])) + 1
        blevel = np.array(levels, dtype=np.intp)
        self._number(order, eparent, echild, np.array(local, dtype=float), blevel, first)
        self._groups(order, kinds, flevel, first, eparent, echild)
        # ---- leaves: captured (parameters) or arguments (inputs), read on every call
        leaves = [i for i, node in enumerate(order) if not node.edges]
        self.captured = [order[i] for i in leaves if order[i] not in arg_slot]
        self.captured_idx = self.new[[i for i in leaves if order[i] not in arg_slot]]
        self.arg_pos = [arg_slot[order[i]] for i in leaves if order[i] in arg_slot]
        self.arg_idx = self.new[[i for i in leaves if order[i] in arg_slot]]
        # where each argument's data goes: its node, or a scratch slot past the end when the
        # graph does not use it (so that one C-speed read covers all arguments)
        where = np.full(len(flat_args), n, dtype=np.intp)
        where[self.arg_pos] = self.arg_idx
        self.arg_where = where
        self.root = int(self.new[n - 1])
        self.outputs = self.new[[position[o] for o in outputs]]
        self._sources(argument_grads)
        # ---- what `graph()` needs to rebuild nodes: op, constant, in topological order
        self.ops = [node.op for node in order]
        self.constants = {i: node.edges[-1] for i, node in enumerate(order) if len(node.edges) % 2}
        self.labels = {i: node.label for i, node in enumerate(order) if node.label}
        self.first = first
        self.topo_child = echild

    def _number(self, order, eparent, echild, local, blevel, first) -> None:
        """Renumber nodes by backward level and lay the edges out in the backward loop's order."""
        n = len(order)
        topo = np.arange(n)
        new_order = np.lexsort((topo, blevel))  # nodes sorted by (level, topological position)
        new = np.empty(n, dtype=np.intp)
        new[new_order] = np.arange(n)
        self.new = new
        e = len(echild)
        # the plain loop: parents in reverse topological order, children in edge order;
        # a stable sort by the child's level then keeps that order within every level
        plain = np.lexsort((np.arange(e), -eparent))
        by_level = plain[np.argsort(blevel[echild[plain]], kind="stable")]
        self.edge_pos = np.empty(e, dtype=np.intp)  # topological edge number -> place in `loc`
        self.edge_pos[by_level] = np.arange(e)
        # one buffer: the values (and a scratch slot for unused arguments), then the local
        # derivatives in backward order; a product's derivative is read from the values
        self.mem = np.zeros(n + 1 + e)
        self.val, self.loc = self.mem[:n + 1], self.mem[n + 1:]
        self.loc[:] = local[by_level]
        self.partner = np.full(e, -1, dtype=np.intp)  # per derivative: the value it equals, or -1
        self.g = np.zeros(n)
        levels = []
        child_new = new[echild[by_level]]
        parent_new = new[eparent[by_level]]
        counts = np.bincount(blevel, minlength=int(blevel.max()) + 1)
        node_start = np.concatenate(([0], np.cumsum(counts)))
        edge_levels = blevel[echild[by_level]]
        edge_start = np.searchsorted(edge_levels, np.arange(len(counts) + 1))
        for level in range(1, len(counts)):
            a, b = int(node_start[level]), int(node_start[level + 1])
            s, t = int(edge_start[level]), int(edge_start[level + 1])
            if a == b:
                continue
            levels.append((a, b, s, t, parent_new[s:t].copy(), (child_new[s:t] - a).copy()))
        self.levels = levels

    def _groups(self, order, kinds, flevel, first, eparent, echild) -> None:
        """Forward groups: nodes of one level and one (operation, pattern), as index arrays."""
        buckets: dict[tuple, list[int]] = {}
        for i, kind in enumerate(kinds):
            if kind is not None:
                buckets.setdefault((flevel[i], *kind), []).append(i)
        new, pos = self.new, self.edge_pos
        groups = []
        for (_, op, pattern), members in sorted(buckets.items(), key=lambda item: item[0][0]):
            nodes = np.array(members, dtype=np.intp)
            starts = np.array([first[i] for i in members], dtype=np.intp)
            out = new[nodes]
            if op in _FUSED:
                k = int(pattern[1:])
                cols = starts[:, None] + np.arange(k)
                kids = new[echild[cols]]
                edges = pos[cols]
                if op == "linear":  # wᵢ's derivative is xᵢ and xᵢ's is wᵢ
                    self.partner[edges[:, 0:k - 1:2]] = kids[:, 1:k - 1:2]
                    self.partner[edges[:, 1:k - 1:2]] = kids[:, 0:k - 1:2]
                groups.append(_fused_group(op, out, kids, edges, self.loc))
                continue
            constants = None
            if "c" in pattern:
                constants = np.array([_constant_of(order[i]) for i in members])
            node_edges = [pos[starts + j] for j in range(pattern.count("v"))]
            operands = [new[echild[starts + j]] for j in range(pattern.count("v"))]
            if replay_rule(op, pattern) == "vector":
                if VECTOR_RULES[(op, pattern)][1] is OTHER_FACTOR:
                    self.partner[node_edges[0]] = operands[1]
                    self.partner[node_edges[1]] = operands[0]
                groups.append(_vector_group(op, pattern, out, operands, constants, node_edges))
            else:
                groups.append(_scalar_group(op, pattern, out, operands, constants, node_edges))
        self.groups = groups

    def _sources(self, argument_grads: bool) -> None:
        """Where each backward level reads its derivatives: a slice of `loc`, or a gather from
        `mem` when some are products' (the other factor's value) or when the edges into the
        arguments are left out (``argument_grads`` False: nobody reads those gradients)."""
        n = len(self.val) - 1
        is_argument = np.zeros(n + 1, dtype=bool)
        if not argument_grads:
            is_argument[self.arg_idx] = True
        levels = []
        for a, b, s, t, parents, slots in self.levels:
            partner = self.partner[s:t]
            positions = np.arange(s, t)
            keep = ~is_argument[slots + a]
            if not keep.all():
                parents, slots, partner, positions = parents[keep], slots[keep], partner[keep], positions[keep]
            source = None
            if len(positions) < t - s or (partner >= 0).any():
                source = np.where(partner >= 0, partner, n + 1 + positions)
            levels.append((a, b, s, t, parents, slots, source))
        self.levels = levels

    # ------------------------------------------------------------------ one replay

    def run(self, flat_args: list[Value]) -> float | None:
        """Forward and backward with the current leaf data; None when the plain engine must run."""
        val, loc, g = self.val, self.loc, self.g
        self._load_leaves(flat_args)
        with np.errstate(all="ignore"):
            for group in self.groups:
                group(val, loc)
            # a sum of floats is finite only if every term is (inf - inf is nan)
            if not (math.isfinite(val.sum()) and math.isfinite(loc.sum())):
                return None
            g[:] = 0.0
            g[self.root] = 1.0
            bincount = np.bincount
            mem = self.mem
            for a, b, s, t, parents, slots, source in self.levels:
                local = loc[s:t] if source is None else mem[source]
                g[a:b] = bincount(slots, local * g[parents], b - a)
            if not math.isfinite(g.sum()):
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

    def matches(self, out: Value, flat_args: list[Value], arguments: bool = True) -> bool:
        """True when the last replay equals a plain run: the output and every leaf's gradient
        (the arguments' too unless ``arguments`` is False)."""
        if float(self.val[self.root]) != out.data:
            return False
        g = self.g
        for leaf, grad in zip(self.captured, g[self.captured_idx].tolist()):
            if leaf.grad != grad:
                return False
        for p, grad in zip(self.arg_pos if arguments else (), g[self.arg_idx].tolist()):
            if flat_args[p].grad != grad:
                return False
        return True

    def rebuild(self, flat_args: list[Value]) -> Value:
        """Value nodes holding the last replay's values, derivatives and gradients."""
        n = self.size
        new, val, g, loc, pos = self.new, self.val, self.g, self.loc, self.edge_pos
        nodes: list[Value] = [None] * n  # type: ignore[list-item]
        child = self.topo_child
        for i in range(n):
            j = int(new[i])
            op = self.ops[i]
            if op:
                lo = self.first[i]
                hi = self.first[i + 1] if i + 1 < n else len(child)
                edges: list = []
                for e in range(lo, hi):
                    p = pos[e]
                    edges += (nodes[int(child[e])], float(val[self.partner[p]] if self.partner[p] >= 0 else loc[p]))
                if i in self.constants:  # an odd last item: the node's constant
                    edges.append(self.constants[i])
                node = _node(float(val[j]), op, tuple(edges))  # the engine's own node maker
                if i in self.labels:
                    node.label = self.labels[i]
            else:
                node = Value(float(val[j]), label=self.labels.get(i, ""))
            node.grad = float(g[j])
            nodes[i] = node
        return nodes[n - 1]


def _vector_group(op, pattern, out, operands, constants, node_edges) -> Callable:
    value_rule, locals_rule = VECTOR_RULES[(op, pattern)]
    if locals_rule is OTHER_FACTOR:
        locals_rule = None  # read from the values by the backward pass

    def operands_of(val: np.ndarray) -> list:
        nodes = iter([val[index] for index in operands])
        return [next(nodes) if p == "v" else constants for p in pattern]

    def run(val: np.ndarray, loc: np.ndarray) -> None:
        args = operands_of(val)
        val[out] = value_rule(*args)
        if locals_rule is not None and loc is not None:
            for where, derivative in zip(node_edges, locals_rule(*args)):
                loc[where] = derivative

    return run


def _scalar_group(op, pattern, out, operands, constants, node_edges) -> Callable:
    forward = ops.get(op).forward
    # which of the rule's local derivatives belong to node operands, in edge order
    wanted = [k for k, p in enumerate(pattern) if p == "v"]
    const_list = constants.tolist() if constants is not None else None
    negative_base_guard = op == "**" and pattern == "vv"

    def run(val: np.ndarray, loc: np.ndarray) -> None:
        nodes = iter([val[index].tolist() for index in operands])
        columns = [next(nodes) if p == "v" else const_list for p in pattern]
        if negative_base_guard and min(columns[0]) < 0.0:
            # the engine refuses a negative base with a Value exponent (engine._binary)
            raise ValueError("** of a negative base to a Value exponent")
        results = list(map(forward, *columns))
        val[out] = [r[0] for r in results]
        for where, k in zip(node_edges, wanted if loc is not None else ()):
            loc[where] = [r[1][k] for r in results]

    return run


def _rows_left_to_right(terms: np.ndarray) -> np.ndarray:
    """((t₀ + t₁) + t₂) + ... over the rows of a (k, m) array: never pairwise, never regrouped.

    For a few columns ``np.add.accumulate`` (a strictly sequential scan) is fastest; for many,
    a loop of whole-row additions (numpy's 2-D accumulate is slow).
    """
    if terms.shape[1] <= 4:
        return np.add.accumulate(terms, axis=0)[-1]
    total = terms[0].copy()
    for row in terms[1:]:
        total += row
    return total


def _fused_group(op, out, kids, edges, loc_template) -> Callable:
    """sum: Σ terms; linear: Σ wᵢ·xᵢ + b over Values; affine: Σ wᵢ·cᵢ + b with constant cᵢ.

    Added strictly left to right, as the engine's ``reduce(operator.add, ...)`` does: the
    terms of the group's m nodes are the columns of a (k, m) array, added row after row
    (`_rows_left_to_right`).
    """
    kids, edges = kids.T.copy(), edges.T.copy()  # (terms, nodes): each row one vector operation
    k, m = kids.shape
    if op == "sum":
        def run(val, loc):
            val[out] = _rows_left_to_right(val[kids])
        return run
    buf = np.empty((k, m)) if op == "affine" else np.empty(((k + 1) // 2, m))
    if op == "affine":
        w, b = kids[:-1], kids[-1]
        c = loc_template[edges[:-1]].copy()  # the constant inputs, kept as w's derivatives

        def run(val, loc):
            np.multiply(val[w], c, out=buf[:-1])
            buf[-1] = val[b]
            val[out] = _rows_left_to_right(buf)
        return run
    n = (k - 1) // 2  # linear: w0, x0, w1, x1, ..., b
    w, x, b = kids[0:2 * n:2], kids[1:2 * n:2], kids[-1]  # derivatives: read from the values

    def run(val, loc):
        wv, xv = val[w], val[x]
        np.multiply(wv, xv, out=buf[:-1])
        buf[-1] = val[b]
        val[out] = _rows_left_to_right(buf)
    return run


# ------------------------------------------------------------------ the compiled step


_JUST_VALUES = {Value}


def _arguments(args: tuple) -> tuple[list[Value], tuple]:
    """The arguments' Values in order, and the shape that picks their recording."""
    flat: list[Value] = []
    shape: list = []
    _flatten(args, flat, shape)
    return flat, tuple(shape)


def _flatten(args: Sequence, flat: list, shape: list) -> None:
    for item in args:
        if type(item) is Value or isinstance(item, Value):
            flat.append(item)
            shape.append(None)
        elif isinstance(item, (list, tuple)):
            if set(map(type, item)) == _JUST_VALUES:
                flat.extend(item)
                shape.append(-1 - len(item))
            else:
                shape.append(len(item))
                _flatten(item, flat, shape)
        else:
            raise TypeError(
                f"compile: a step's arguments must be Values or lists of Values, got {type(item).__name__} "
                f"{item!r} (a plain number would be baked into the recording: use a Value)"
            )


class CompiledStep:
    """``step(*args)`` = ``out = fn(*args); out.backward(); out.data``, replayed (see the module doc)."""

    def __init__(self, fn: Callable[..., Value], check: int = 0, argument_grads: bool = True) -> None:
        if not callable(fn):
            raise TypeError(f"compile: expected a function returning a Value, got {type(fn).__name__}")
        if isinstance(check, bool) or not isinstance(check, int) or check < 0:
            raise ValueError(f"compile: check must be a whole number >= 0 (0: never), got {check!r}")
        self.fn, self.check, self.argument_grads = fn, check, argument_grads
        self.recordings: dict[tuple, _Recording] = {}
        self.stats = {"calls": 0, "replays": 0, "recordings": 0, "plain": 0}
        self._last: tuple[Any, list[Value]] | None = None  # (recording or plain output, arguments)

    def __call__(self, *args: Any) -> float:
        flat, key = _arguments(args)
        self.stats["calls"] += 1
        recording = self.recordings.get(key)
        if recording is None or recording.reason or not is_grad_enabled():
            return self._plain(args, flat, key, record=recording is None and is_grad_enabled())
        try:
            value = recording.run(flat)
        except (ArithmeticError, ValueError):  # a forward rule refused: the engine says why
            value = None
        if value is None:
            return self._plain(args, flat, key, record=False)
        recording.write_grads(flat, self.argument_grads)
        self.stats["replays"] += 1
        self._last = (recording, flat)
        if self.check and self.stats["calls"] % self.check == 0:
            self._verify(recording, args, flat, value)
        return value

    def _plain(self, args: tuple, flat: list[Value], key: tuple, record: bool) -> float:
        out = self.fn(*args)
        if not isinstance(out, Value):
            raise TypeError(f"compile: the function must return a Value, got {type(out).__name__}")
        out.backward()
        self.stats["plain"] += 1
        self._last = (out, flat)
        if record:
            self._record(out, flat, key)
        return out.data

    def _record(self, out: Value, flat: list[Value], key: tuple) -> None:
        recording = _Recording(out, flat, self.argument_grads)
        self.stats["recordings"] += 1
        if not recording.reason:
            # Replay once on the data just used and compare with the plain run: a recording
            # that does not reproduce it exactly is never used.
            try:
                ok = recording.run(flat) is not None and recording.matches(out, flat, self.argument_grads)
            except (ArithmeticError, ValueError):
                ok = False
            if not ok:
                recording.reason = "the replay did not reproduce the plain engine"
                warnings.warn(f"autograd.compile: {recording.reason}; this graph runs on the plain engine",
                              RuntimeWarning, stacklevel=3)
        if len(self.recordings) >= _MAX_RECORDINGS:
            self.recordings.pop(next(iter(self.recordings)))
        self.recordings[key] = recording

    def _verify(self, recording: _Recording, args: tuple, flat: list[Value], value: float) -> None:
        out = self.fn(*args)
        out.backward()
        if out.data != value or not recording.matches(out, flat, self.argument_grads) or \
                len([n for n in topological_order(out) if not n.edges]) != \
                len(recording.captured) + len(recording.arg_pos):
            raise ReplayMismatch(
                f"compile: call {self.stats['calls']}: the replay gave {value!r}, the plain engine "
                f"{out.data!r} (or different gradients): the function does not build the same graph "
                "every time (a Python branch or a constant taken from .data?)"
            )

    def graph(self) -> Value:
        """The ordinary graph of the last call, for drawing and stepping through.

        After a replay its nodes are new Values holding that call's values, local derivatives
        and gradients (its leaves are copies, with their labels, of the data of that call).
        """
        if self._last is None:
            raise RuntimeError("compile: graph() needs one call of the step first")
        last, flat = self._last
        return last if isinstance(last, Value) else last.rebuild(flat)

    def reset(self) -> None:
        """Forget every recording: the next call records afresh."""
        self.recordings.clear()


class CompiledValues:
    """``values(*args)`` = ``[v.data for v in fn(*args)]``: a forward pass only, replayed.

    For running a model on many inputs (accuracy after every epoch): ``fn`` returns a list
    of Values; the same recording rules as `CompiledStep`, one recording per shape of the
    arguments, and the plain engine (under `no_grad`) whenever the replay cannot be used.
    """

    def __init__(self, fn: Callable[..., list[Value]]) -> None:
        self.fn = fn
        self.recordings: dict[tuple, _Recording] = {}
        self.stats = {"calls": 0, "replays": 0, "recordings": 0, "plain": 0}

    def __call__(self, *args: Any) -> list[float]:
        flat, key = _arguments(args)
        self.stats["calls"] += 1
        recording = self.recordings.get(key)
        if recording is None and is_grad_enabled():
            outputs = list(self.fn(*args))
            recording = _Recording(outputs, flat)
            self.stats["recordings"] += 1
            expected = [o.data for o in outputs]
            if not recording.reason and recording.values(flat) != expected:
                recording.reason = "the replay did not reproduce the plain engine"
                warnings.warn(f"autograd.compile: {recording.reason}; these values come from the plain engine",
                              RuntimeWarning, stacklevel=2)
            if len(self.recordings) >= _MAX_RECORDINGS:
                self.recordings.pop(next(iter(self.recordings)))
            self.recordings[key] = recording
            self.stats["plain"] += 1
            return expected
        values = None
        if recording is not None and not recording.reason:
            try:
                values = recording.values(flat)
            except (ArithmeticError, ValueError):
                values = None
        if values is None:
            with no_grad():
                values = [o.data for o in self.fn(*args)]
            self.stats["plain"] += 1
            return values
        self.stats["replays"] += 1
        return values


def compile_values(fn: Callable[..., list[Value]]) -> CompiledValues:
    """Record ``fn`` (which returns a list of Values) once; later calls give their values by replay."""
    return CompiledValues(fn)


def compile(fn: Callable[..., Value], *, check: int = 0,  # noqa: A001 (the issue's name)
            argument_grads: bool = True) -> CompiledStep:
    """Record ``fn``'s graph on the first call, replay it on later calls, bit for bit.

    ``step = compile(fn)``; ``step(*args)`` returns ``out.data`` and leaves every leaf's
    ``grad`` exactly as ``out = fn(*args); out.backward()`` would. ``check=N`` also runs the
    plain engine every N calls and raises `ReplayMismatch` when they differ.
    ``argument_grads=False`` neither computes nor writes the gradients of the Values passed as
    arguments (inputs whose gradient nobody reads, as in training: a third of the work there);
    an overflow in those gradients alone then goes unnoticed. The plain engine, when it runs,
    still sets them. See the module documentation for the tracing rule and when the plain engine
    runs instead.
    """
    return CompiledStep(fn, check, argument_grads)
