"""The training loop: mini-batch gradient descent with a progress bar and a history."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from tqdm import tqdm

from autograd import losses
from autograd.data import batches
from autograd.engine import Value, no_grad
from autograd.nn import MLP
from autograd.optim import SGD

__all__ = ["fit", "predict", "accuracy", "History", "LOSSES", "DEFAULTS"]

LOSSES = ("hinge", "bce", "softmax", "mse")


@dataclass
class History:
    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)


def _rows(X) -> list[list[float]]:
    return np.asarray(X, dtype=float).tolist()


def _loss(name: str, outputs: list, labels: list[int]) -> Value:
    if name == "hinge":
        return losses.hinge(outputs, [2.0 * y - 1.0 for y in labels])
    if name == "bce":
        return losses.bce_with_logits(outputs, [float(y) for y in labels])
    if name == "mse":
        return losses.mse(outputs, [2.0 * y - 1.0 for y in labels])
    if name == "softmax":
        return losses.softmax_cross_entropy(outputs, labels)
    raise ValueError(f"unknown loss {name!r}: choose one of {', '.join(LOSSES)}")


def predict(model: MLP, X) -> np.ndarray:
    """Class labels: score > 0 for one output (hinge, bce, mse), the largest score otherwise."""
    labels = []
    with no_grad():
        for row in _rows(X):
            out = model(row)
            if isinstance(out, Value):
                labels.append(int(out.data > 0))
            else:
                labels.append(int(np.argmax([o.data for o in out])))
    return np.array(labels)


def accuracy(model: MLP, X, y) -> float:
    return float(np.mean(predict(model, X) == np.asarray(y)))


def fit(model: MLP, X, y, loss: str = "hinge", optimizer=None, epochs: int = 100, batch_size: int | None = None,
        l1: float = 0.0, l2: float = 0.0, seed: int = 0, progress: bool | None = None) -> History:
    """Train ``model`` on (X, y); each batch: forward, loss + penalties, backward, optimizer step.

    ``batch_size`` None trains on the full set each step. The history keeps, per epoch, the
    mean batch loss and the training accuracy.
    """
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}: choose one of {', '.join(LOSSES)}")
    rows, labels = _rows(X), [int(v) for v in np.asarray(y)]
    params = model.parameters()
    optimizer = optimizer or SGD(params, lr=0.1)
    rng = np.random.default_rng(seed)
    history = History()
    bar = tqdm(range(epochs), desc="training", unit="epoch", disable=progress is False if progress is not None else None)
    for _ in bar:
        epoch_losses = []
        for index in batches(len(rows), batch_size, rng if batch_size else None):
            outputs = [model(rows[i]) for i in index]
            total = _loss(loss, outputs, [labels[i] for i in index])
            if l2:
                total = total + l2 * losses.l2_penalty(params)
            if l1:
                total = total + l1 * losses.l1_penalty(params)
            total.backward()
            optimizer.step()
            epoch_losses.append(total.data)
        history.loss.append(float(np.mean(epoch_losses)))
        history.accuracy.append(accuracy(model, X, y))
        bar.set_postfix(loss=f"{history.loss[-1]:.4f}", acc=f"{history.accuracy[-1]:.3f}")
    return history


# ------------------------------------------------------------------ per-dataset settings

# What `autograd train DATASET` uses unless a flag says otherwise (its arguments live in cli.py).
DEFAULTS = {
    "moons": dict(hidden="16,16", loss="hinge", optimizer="sgd", lr=1.0, epochs=100, batch_size=0, l2=1e-4, n=100),
    "circles": dict(hidden="16,16", loss="hinge", optimizer="adam", lr=0.05, epochs=60, batch_size=0, l2=1e-4, n=200),
    "xor": dict(hidden="8,8", loss="hinge", optimizer="adam", lr=0.05, epochs=60, batch_size=0, l2=0.0, n=200),
    "spirals": dict(hidden="32,32", loss="hinge", optimizer="adam", lr=0.03, epochs=150, batch_size=0, l2=0.0, n=200),
    "blobs": dict(hidden="16", loss="softmax", optimizer="adam", lr=0.05, epochs=40, batch_size=0, l2=0.0, n=300),
    "digits": dict(hidden="32", loss="softmax", optimizer="adam", lr=0.01, epochs=10, batch_size=16, l2=0.0, n=0),
}
