"""Loss functions and penalties on `Value`s.

Every loss returns a scalar `Value` averaged over the samples given.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce

from autograd.core import Value, sum_values

__all__ = ["mse", "half_squared_error", "hinge", "bce_with_logits", "softmax_cross_entropy", "l1_penalty", "l2_penalty"]


def _mean(terms: list[Value]) -> Value:
    if not terms:
        raise ValueError("a loss needs at least one sample")
    return sum_values(terms) * (1.0 / len(terms))


def _pairs(predictions: Sequence, targets: Sequence, name: str) -> list:
    if len(predictions) != len(targets):
        raise ValueError(f"{name}: {len(predictions)} predictions but {len(targets)} targets")
    return list(zip(predictions, targets))


def mse(predictions: Sequence[Value], targets: Sequence[float]) -> Value:
    """mean (ŷ − y)²."""
    return _mean([(p - y) ** 2 for p, y in _pairs(predictions, targets, "mse")])


def half_squared_error(predictions: Sequence[Value], targets: Sequence[float]) -> Value:
    """mean ½ (y − ŷ)², the worked example's loss: its gradient is simply ŷ − y."""
    return _mean([0.5 * (y - p) ** 2 for p, y in _pairs(predictions, targets, "half_squared_error")])


def hinge(scores: Sequence[Value], labels: Sequence[float]) -> Value:
    """mean max(0, 1 − y·s), labels y ∈ {−1, +1} (the max-margin loss of micrograd's demo)."""
    return _mean([(1 + -y * s).relu() for s, y in _pairs(scores, labels, "hinge")])


def bce_with_logits(logits: Sequence[Value], labels: Sequence[float]) -> Value:
    """Binary cross-entropy on logits z, labels y ∈ {0, 1}, in the stable form
    max(z, 0) − z·y + log(1 + e^−|z|), which never overflows."""
    terms = []
    for z, y in _pairs(logits, labels, "bce_with_logits"):
        terms.append(z.relu() - z * y + ((-abs(z)).exp() + 1).log())
    return _mean(terms)


def softmax_cross_entropy(logits: Sequence[Sequence[Value]], labels: Sequence) -> Value:
    """mean of −log softmax(z)[y] = log Σ e^(zᵢ − m) + m − z_y, with m = max z (log-sum-exp).

    A label is a class index y, or a one-hot row (numbers or Values) whose dot product with
    the logits picks z_y: the same graph for every label, as `autograd.compile` needs.
    m is a node of the graph (max of the logits), not a number read from ``.data``, so that a
    compiled replay recomputes it; mathematically its gradient cancels.
    """
    terms = []
    for row, y in _pairs(logits, labels, "softmax_cross_entropy"):
        m = reduce(Value.maximum, row)
        log_sum = sum_values([(z - m).exp() for z in row]).log() + m
        terms.append(log_sum - _picked(row, y))
    return _mean(terms)


def _picked(row: Sequence[Value], y) -> Value:
    """z_y: the logit of class y, or Σ yᵢ·zᵢ for a one-hot row y (left to right: exactly z_y)."""
    if isinstance(y, Sequence):
        if len(y) != len(row):
            raise ValueError(f"softmax_cross_entropy: a one-hot label of {len(y)} entries for {len(row)} classes")
        return sum_values([z * w for z, w in zip(row, y)])
    if not 0 <= int(y) < len(row):
        raise ValueError(f"softmax_cross_entropy: label {y} is not a class index below {len(row)}")
    return row[int(y)]


def l2_penalty(parameters: Sequence[Value]) -> Value:
    """Σ p²."""
    return sum_values([p * p for p in parameters])


def l1_penalty(parameters: Sequence[Value]) -> Value:
    """Σ |p|."""
    return sum_values([abs(p) for p in parameters])
