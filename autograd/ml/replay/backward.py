"""The backward replay: the plain loop's additions, one numpy ``bincount`` per level.

The engine's loop adds ``local · grad(parent)`` into each child, parents in reverse topological
order, children in edge order. Here a node's *backward level* is its distance from the output
along the longest path, so every parent of a node sits at a lower level than the node; the
nodes are renumbered by level, and a level's gradients are

    g[level] = bincount(slot, local · g[parent])

over its incoming edges, listed in the plain loop's order. ``bincount`` adds its weights one by
one, in array order, from +0.0, exactly as ``child.grad += …`` does: the same floats, bit for
bit. (Skipping a parent whose gradient is 0, as the engine does, adds only ±0.0, which changes
no sum that starts at +0.0.)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["backward_levels", "renumber", "backward_edge_order", "level_slices", "with_sources", "backward"]

# One backward level: nodes a:b, edges s:t (in backward order), the parents' slots, the
# children's slots within the level, and where the local derivatives are read (None: loc[s:t]).
Level = tuple


def backward_levels(n: int, echild: np.ndarray, eparent: np.ndarray) -> np.ndarray:
    """Each node's distance from the output (node n - 1) along the longest path.

    ``echild``/``eparent``: per edge, in topological order, its child's and parent's number.
    Every parent comes after its children, so walking the nodes backwards finds each node's
    parents done.
    """
    by_child = np.argsort(echild, kind="stable")
    parents = eparent[by_child].tolist()
    bounds = np.searchsorted(echild[by_child], np.arange(n + 1)).tolist()
    levels = [0] * n
    level_of = levels.__getitem__
    for c in range(n - 2, -1, -1):
        lo, hi = bounds[c], bounds[c + 1]
        if lo < hi:
            levels[c] = max(map(level_of, parents[lo:hi])) + 1
    return np.array(levels, dtype=np.intp)


def renumber(blevel: np.ndarray) -> np.ndarray:
    """new[i]: node i's slot, nodes sorted by (backward level, topological position)."""
    n = len(blevel)
    new = np.empty(n, dtype=np.intp)
    new[np.lexsort((np.arange(n), blevel))] = np.arange(n)
    return new


def backward_edge_order(eparent: np.ndarray, echild: np.ndarray, blevel: np.ndarray) -> np.ndarray:
    """The edges (topological numbers) in the order the backward levels add them.

    The plain loop's order (parents in reverse topological order, children in edge order),
    then a stable sort by the child's level, which keeps that order within every level.
    """
    plain = np.lexsort((np.arange(len(echild)), -eparent))
    return plain[np.argsort(blevel[echild[plain]], kind="stable")]


def level_slices(blevel: np.ndarray, new: np.ndarray, echild: np.ndarray, eparent: np.ndarray,
                 by_level: np.ndarray) -> list[Level]:
    """Per backward level below the output: (a, b, s, t, parent slots, child slots - a)."""
    child_new = new[echild[by_level]]
    parent_new = new[eparent[by_level]]
    counts = np.bincount(blevel, minlength=int(blevel.max()) + 1)
    node_start = np.concatenate(([0], np.cumsum(counts)))
    edge_start = np.searchsorted(blevel[echild[by_level]], np.arange(len(counts) + 1))
    levels = []
    for level in range(1, len(counts)):
        a, b = int(node_start[level]), int(node_start[level + 1])
        s, t = int(edge_start[level]), int(edge_start[level + 1])
        if a < b:
            levels.append((a, b, s, t, parent_new[s:t].copy(), (child_new[s:t] - a).copy()))
    return levels


def with_sources(levels: list[Level], partner: np.ndarray, n: int, skipped: Sequence[int] = ()) -> list[Level]:
    """Each level with where it reads its derivatives: a slice of ``loc``, or a gather from the
    whole buffer (values, then ``loc`` from n + 1) when some are products' (``partner``: the
    value a derivative equals, or -1) or when edges into the ``skipped`` slots are left out
    (the arguments' gradients, when nobody reads them)."""
    is_skipped = np.zeros(n + 1, dtype=bool)
    is_skipped[np.asarray(skipped, dtype=np.intp)] = True
    out = []
    for a, b, s, t, parents, slots in levels:
        partners = partner[s:t]
        positions = np.arange(s, t)
        keep = ~is_skipped[slots + a]
        if not keep.all():
            parents, slots, partners, positions = parents[keep], slots[keep], partners[keep], positions[keep]
        source = None
        if len(positions) < t - s or (partners >= 0).any():
            source = np.where(partners >= 0, partners, n + 1 + positions)
        out.append((a, b, s, t, parents, slots, source))
    return out


def backward(g: np.ndarray, mem: np.ndarray, loc: np.ndarray, levels: list[Level], root: int) -> None:
    """g ← ∂root/∂node for every node, level by level (see the module docstring)."""
    g[:] = 0.0
    g[root] = 1.0
    bincount = np.bincount
    for a, b, s, t, parents, slots, source in levels:
        local = loc[s:t] if source is None else mem[source]
        g[a:b] = bincount(slots, local * g[parents], b - a)
