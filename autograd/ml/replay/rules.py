"""Which operations the replay computes, and how: numpy's exact rules, the table's scalar rules.

A node's *pattern* says which operands of the table's forward rule are nodes (``v``) and which
are plain-number constants (``c``), in the rule's argument order: ``x * y`` is ``vv``,
``x * 3`` is ``vc``, ``3 - x`` is ``cv``, ``x.tanh()`` is ``v``; a fused node with k edges is
``nk``. The pair (operation, pattern) picks the replay rule.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from autograd.core import ops
from autograd.core.graph import Layout

__all__ = ["VECTOR_RULES", "OTHER_FACTOR", "FUSED", "pattern", "replay_rule"]

# (op, pattern) -> (value(a, b), locals(a, b) or None or OTHER_FACTOR). ``op`` is the table's
# name (``"-"`` also for ``3 - x``, whose pattern ``cv`` says the constant comes first).
# ``locals`` returns the local derivatives of the node operands, in edge order; None means they
# depend on the constants only, so the ones the engine recorded stay right forever;
# OTHER_FACTOR means each is the other operand's value (a product), which the backward pass
# reads straight from the values instead of storing a copy. Each rule is plain IEEE arithmetic
# or a comparison, which numpy computes exactly as Python does; tests/test_replay.py checks
# every one bit for bit against the table's forward rule.

OTHER_FACTOR = "the other factor"


def _sign(a: np.ndarray) -> np.ndarray:
    return np.where(a > 0.0, 1.0, np.where(a < 0.0, -1.0, 0.0))


VECTOR_RULES: dict[tuple[str, str], tuple[Callable, Callable | str | None]] = {
    ("+", "vv"): (np.add, None),
    ("+", "vc"): (np.add, None),
    ("-", "vv"): (np.subtract, None),
    ("-", "vc"): (np.subtract, None),
    ("-", "cv"): (np.subtract, None),
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

FUSED = ("sum", "linear", "affine")  # n-ary nodes the engine builds itself (no scalar rule)


def pattern(node: Layout) -> str | None:
    """The pattern of a decoded node (see the module docstring), None when no rule could take it."""
    n = len(node.children)
    if node.op.name in FUSED:
        return f"n{n}"
    if node.reflected:
        return "cv" if n == 1 and node.constant is not None else None
    if n == 2 and node.constant is None:
        return "vv"
    if n == 1:
        return "v" if node.constant is None else "vc"
    return None


def replay_rule(op: str, pattern: str) -> str | None:
    """How a node is replayed: "vector", "scalar" (the table's rule element by element),
    "fused", or None when it cannot be. ``op`` is the table's name of the operation."""
    if op in FUSED:
        return "fused"
    if (op, pattern) in VECTOR_RULES:
        return "vector"
    entry = ops.OPS.get(op)
    if entry is None or entry.forward is None or entry.arity != len(pattern):
        return None
    return "scalar"
