"""Loss functions and penalties on `Value`s.

Every loss returns a scalar `Value` averaged over the samples given.
"""

from __future__ import annotations

from collections.abc import Sequence

from autograd.engine import Value, sum_values

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


def softmax_cross_entropy(logits: Sequence[Sequence[Value]], labels: Sequence[int]) -> Value:
    """mean of −log softmax(z)[y] = log Σ e^(zᵢ − m) + m − z_y, with m = max z (log-sum-exp)."""
    terms = []
    for row, y in _pairs(logits, labels, "softmax_cross_entropy"):
        if not 0 <= int(y) < len(row):
            raise ValueError(f"softmax_cross_entropy: label {y} is not a class index below {len(row)}")
        m = max(z.data for z in row)  # a constant shift: it cancels in the gradient
        log_sum = sum_values([(z - m).exp() for z in row]).log() + m
        terms.append(log_sum - row[int(y)])
    return _mean(terms)


def l2_penalty(parameters: Sequence[Value]) -> Value:
    """Σ p²."""
    return sum_values([p * p for p in parameters])


def l1_penalty(parameters: Sequence[Value]) -> Value:
    """Σ |p|."""
    return sum_values([abs(p) for p in parameters])
