"""The forward replay: one callable per group of nodes (same level, same operation and pattern).

A node's level is one more than its deepest operand's, so a group's operands are all computed
by earlier groups. Each group writes its nodes' values into ``val`` and, when a backward pass
follows (``loc`` not None), the local derivatives that depend on the values into ``loc``:

- *vector* groups: one numpy operation (`rules.VECTOR_RULES`, exact IEEE arithmetic);
- *scalar* groups: the table's own forward rule element by element, so exp, log, tanh, ``**``
  … give the very floats the engine gives;
- *fused* groups (sum, linear, affine): their terms added strictly left to right, one whole row
  of the group at a time, as the engine's ``reduce(operator.add, …)`` adds them.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from autograd.core import ops
from autograd.ml.replay.rules import OTHER_FACTOR, VECTOR_RULES

__all__ = ["vector_group", "scalar_group", "fused_group", "reordered_group", "gather_group", "Group"]

Group = Callable[[np.ndarray, "np.ndarray | None"], None]  # (values, local derivatives or None)


def vector_group(op: str, pattern: str, out, operands, constants, node_edges) -> Group:
    """``val[out] = rule(operands…)``; ``out`` the group's node slots, ``operands`` one index array
    per node operand, ``constants`` one per node (or None), ``node_edges`` where each operand's
    local derivative goes in ``loc``."""
    value_rule, locals_rule = VECTOR_RULES[(op, pattern)]
    if locals_rule is OTHER_FACTOR:
        locals_rule = None  # read from the values by the backward pass

    def operands_of(val: np.ndarray) -> list:
        nodes = iter([val[index] for index in operands])
        return [next(nodes) if p == "v" else constants for p in pattern]

    def run(val: np.ndarray, loc: np.ndarray | None) -> None:
        args = operands_of(val)
        val[out] = value_rule(*args)
        if locals_rule is not None and loc is not None:
            for where, derivative in zip(node_edges, locals_rule(*args)):
                loc[where] = derivative

    return run


def scalar_group(op: str, pattern: str, out, operands, constants, node_edges) -> Group:
    """The same as `vector_group` with the table's scalar rule: (value, locals) per node."""
    forward = ops.OPS[op].forward
    # which of the rule's local derivatives belong to node operands, in edge order
    wanted = [k for k, p in enumerate(pattern) if p == "v"]
    const_list = constants.tolist() if constants is not None else None
    negative_base_guard = op == "**" and pattern == "vv"

    def run(val: np.ndarray, loc: np.ndarray | None) -> None:
        nodes = iter([val[index].tolist() for index in operands])
        columns = [next(nodes) if p == "v" else const_list for p in pattern]
        if negative_base_guard and min(columns[0]) < 0.0:
            # the engine refuses a negative base with a Value exponent
            raise ValueError("** of a negative base to a Value exponent")
        results = list(map(forward, *columns))
        val[out] = [r[0] for r in results]
        for where, k in zip(node_edges, wanted if loc is not None else ()):
            loc[where] = [r[1][k] for r in results]

    return run


def rows_left_to_right(terms: np.ndarray) -> np.ndarray:
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


def reordered_group(op: str, out, kids, edges, loc_template) -> Group:
    """`fused_group` for ``compile(fn, exact=False)``: the same sums in numpy's order, not left to right.

    A group of linear nodes that apply a few weight vectors to a few input vectors (a layer on a
    mini-batch) is one matrix product of the distinct weights by the distinct inputs, each node
    then picking its entry; otherwise each node's Σ wᵢ·xᵢ is one ``einsum``. Results differ from
    the left-to-right sums by rounding only (of the order of 1e-16 relative per term).
    """
    kids = kids.T.copy()  # (terms, nodes)
    k, m = kids.shape
    if op == "sum":
        def run_sum(val, loc):
            val[out] = val[kids].sum(axis=0)
        return run_sum
    if op == "affine":
        w, b = kids[:-1], kids[-1]
        c = loc_template[edges.T[:-1]].copy()

        def run_affine(val, loc):
            val[out] = np.einsum("km,km->m", val[w], c) + val[b]
        return run_affine
    n = (k - 1) // 2
    w, x, b = kids[0:2 * n:2], kids[1:2 * n:2], kids[-1]
    weights, which_w = np.unique(w.T, axis=0, return_inverse=True)
    inputs, which_x = np.unique(x.T, axis=0, return_inverse=True)
    which_w, which_x = which_w.reshape(-1), which_x.reshape(-1)
    if len(weights) * len(inputs) <= 2 * m:  # the full product computes few entries nobody reads
        def run_product(val, loc):
            val[out] = (val[weights] @ val[inputs].T)[which_w, which_x] + val[b]
        return run_product

    def run_each(val, loc):
        val[out] = np.einsum("km,km->m", val[w], val[x]) + val[b]
    return run_each


def fused_group(op: str, out, kids, edges, loc_template) -> Group:
    """sum: Σ terms; linear: Σ wᵢ·xᵢ + b over Values; affine: Σ wᵢ·cᵢ + b with constant cᵢ.

    ``kids`` and ``edges`` are (m, k): per node, its children's slots and its edges' places in
    ``loc``. The terms of the group's m nodes become the columns of a (k, m) array, added row
    after row (`rows_left_to_right`). Their local derivatives never need writing: a sum's are
    1, an affine node's are its constants, a linear node's are read from the values.
    """
    kids, edges = kids.T.copy(), edges.T.copy()  # (terms, nodes): each row one vector operation
    k, m = kids.shape
    if op == "sum":
        def run_sum(val, loc):
            val[out] = rows_left_to_right(val[kids])
        return run_sum
    buf = np.empty((k, m)) if op == "affine" else np.empty(((k + 1) // 2, m))
    if op == "affine":
        w, b = kids[:-1], kids[-1]
        c = loc_template[edges[:-1]].copy()  # the constant inputs, kept as w's derivatives

        def run_affine(val, loc):
            np.multiply(val[w], c, out=buf[:-1])
            buf[-1] = val[b]
            val[out] = rows_left_to_right(buf)
        return run_affine
    n = (k - 1) // 2  # linear: w0, x0, w1, x1, ..., b
    w, x, b = kids[0:2 * n:2], kids[1:2 * n:2], kids[-1]

    def run_linear(val, loc):
        np.multiply(val[w], val[x], out=buf[:-1])
        buf[-1] = val[b]
        val[out] = rows_left_to_right(buf)
    return run_linear


def gather_group(out, candidates, edges, starts, which, choice) -> Group:
    """Slots (`gathers.Slot`): ``val[out] = val[candidates[choice]]``, with local derivatives 1
    for the candidate picked and 0 for the others. ``candidates`` and ``edges`` list every
    slot's candidates and their places in ``loc`` one slot after another, each slot's from
    ``starts``; ``choice[which]`` is what the integers picked on this call (set before the run)."""
    def run(val, loc):
        picked = starts + choice[which]
        val[out] = val[candidates[picked]]
        if loc is not None:
            loc[edges] = 0.0
            loc[edges[picked]] = 1.0
    return run
