"""The training loop: mini-batch gradient descent with a progress bar and a history."""

from __future__ import annotations

import gc
from collections import deque
from itertools import chain, repeat
from dataclasses import dataclass, field

import numpy as np
from tqdm import tqdm

from autograd.ml import losses
from autograd.ml.data import batches
from autograd.core import Value, no_grad
from autograd.ml.nn import MLP
from autograd.ml.optim import SGD
from autograd.ml.replay import compile as compile_graph
from autograd.ml.replay import compile_values

__all__ = ["fit", "predict", "accuracy", "History", "LOSSES"]

LOSSES = ("hinge", "bce", "softmax", "mse")


@dataclass
class History:
    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)


def _rows(X) -> list[list[float]]:
    return np.asarray(X, dtype=float).tolist()


def _targets(name: str, labels: list[int]) -> list:
    """What the loss compares each output with: ±1 (hinge, mse), 0/1 (bce), a class index (softmax)."""
    if name in ("hinge", "mse"):
        return [2.0 * y - 1.0 for y in labels]
    if name == "bce":
        return [float(y) for y in labels]
    if name == "softmax":
        return list(labels)
    raise ValueError(f"unknown loss {name!r}: choose one of {', '.join(LOSSES)}")


def _loss(name: str, outputs: list, targets: list) -> Value:
    if name == "hinge":
        return losses.hinge(outputs, targets)
    if name == "bce":
        return losses.bce_with_logits(outputs, targets)
    if name == "mse":
        return losses.mse(outputs, targets)
    if name == "softmax":
        return losses.softmax_cross_entropy(outputs, targets)
    raise ValueError(f"unknown loss {name!r}: choose one of {', '.join(LOSSES)}")


def _label(scores: list[float]) -> int:
    """The predicted class: score > 0 for one output (hinge, bce, mse), the largest score otherwise."""
    return int(scores[0] > 0) if len(scores) == 1 else int(np.argmax(scores))


def _outputs(out: Value | list[Value]) -> list[Value]:
    return [out] if isinstance(out, Value) else list(out)


def predict(model: MLP, X) -> np.ndarray:
    """Class labels: score > 0 for one output (hinge, bce, mse), the largest score otherwise."""
    labels = []
    with no_grad():
        for row in _rows(X):
            labels.append(_label([o.data for o in _outputs(model(row))]))
    return np.array(labels)


def accuracy(model: MLP, X, y) -> float:
    return float(np.mean(predict(model, X) == np.asarray(y)))


def fit(model: MLP, X, y, loss: str = "hinge", optimizer=None, epochs: int = 100, batch_size: int | None = None,
        l1: float = 0.0, l2: float = 0.0, seed: int = 0, progress: bool | None = None,
        compile: bool = True) -> History:  # noqa: A002 (the issue's name for the switch)
    """Train ``model`` on (X, y); each batch: forward, loss + penalties, backward, optimizer step.

    ``batch_size`` None trains on the full set each step. The history keeps, per epoch, the
    mean batch loss and the training accuracy.

    ``compile`` (the default) records each batch size's graph once and replays it
    (`autograd.compile`): bit for bit the plain engine's losses and parameters, many times
    faster. A batch's inputs and targets are then leaf Values whose data is set per batch.
    ``compile=False`` builds the graph every step. Python's cyclic garbage collector is paused
    while training (the graphs hold no cycles; it would only rescan them) and restored after.
    """
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}: choose one of {', '.join(LOSSES)}")
    rows, labels = _rows(X), [int(v) for v in np.asarray(y)]
    params = model.parameters()
    optimizer = optimizer or SGD(params, lr=0.1)
    rng = np.random.default_rng(seed)
    history = History()
    step = _compiled_step(model, loss, l1, l2) if compile else _plain_step(model, loss, l1, l2)
    measure = _compiled_accuracy(model) if compile else None
    bar = tqdm(range(epochs), desc="training", unit="epoch", disable=progress is False if progress is not None else None)
    collecting = gc.isenabled()
    gc.disable()
    try:
        for _ in bar:
            epoch_losses = []
            for index in batches(len(rows), batch_size, rng if batch_size else None):
                epoch_losses.append(step([rows[i] for i in index], _targets(loss, [labels[i] for i in index])))
                optimizer.step()
            history.loss.append(float(np.mean(epoch_losses)))
            history.accuracy.append(measure(rows, labels) if compile else accuracy(model, X, y))
            bar.set_postfix(loss=f"{history.loss[-1]:.4f}", acc=f"{history.accuracy[-1]:.3f}")
    finally:
        if collecting:
            gc.enable()
    return history


def _objective(model: MLP, loss: str, l1: float, l2: float, inputs: list, targets: list) -> Value:
    """The batch's loss plus penalties: what one training step differentiates."""
    total = _loss(loss, [model(row) for row in inputs], targets)
    if l2:
        total = total + l2 * losses.l2_penalty(model.parameters())
    if l1:
        total = total + l1 * losses.l1_penalty(model.parameters())
    return total


def _plain_step(model: MLP, loss: str, l1: float, l2: float):
    """One step with the plain engine: build the graph, backward; returns the loss."""
    def step(inputs: list, targets: list) -> float:
        total = _objective(model, loss, l1, l2, inputs, targets)
        total.backward()
        return total.data
    return step


_CHUNK = 48  # samples per replay when measuring accuracy (measured on digits: recording a larger
# chunk costs more than the fewer replays save); one recording serves every chunk


def _set_data(leaves: list[list[Value]], rows: list[list[float]]) -> None:
    """leaf.data = x for every leaf of every row (the loop runs in C; the setter checks each x)."""
    deque(map(setattr, chain.from_iterable(leaves), repeat("data"), chain.from_iterable(rows)), maxlen=0)


def _compiled_accuracy(model: MLP):
    """`accuracy` by replaying the model's forward pass on chunks of leaf inputs: the same labels."""
    forward = compile_values(lambda inputs: [o for row in inputs for o in _outputs(model(row))])
    leaves: dict[int, list[list[Value]]] = {}  # per chunk: the same rows every epoch, set once
    seen: list = [None]

    def accuracy_of(rows: list[list[float]], labels: list[int]) -> float:
        if seen[0] is not rows:
            leaves.clear()
            seen[0] = rows
        predicted = []
        for start in range(0, len(rows), _CHUNK):
            part = rows[start:start + _CHUNK]
            if start not in leaves:
                leaves[start] = [[Value(x) for x in row] for row in part]
            scores = forward(leaves[start])
            k = len(scores) // len(part)
            predicted += [_label(scores[i * k:(i + 1) * k]) for i in range(len(part))]
        return float(np.mean(np.array(predicted) == np.asarray(labels)))
    return accuracy_of


def _compiled_step(model: MLP, loss: str, l1: float, l2: float):
    """The same step, replayed: inputs and targets go in through leaf Values, one set per batch size.

    A softmax target becomes a one-hot row, so that the graph is the same whatever the labels.
    """
    replay = compile_graph(lambda inputs, targets: _objective(model, loss, l1, l2, inputs, targets),
                           argument_grads=False)  # nobody reads the inputs' gradients
    leaves: dict[int, tuple[list, list]] = {}
    last: dict[int, tuple[list, list]] = {}
    classes = [0]

    def step(inputs: list, targets: list) -> float:
        if loss == "softmax" and not classes[0]:
            with no_grad():
                out = model(inputs[0])
            classes[0] = len(out) if isinstance(out, list) else 1
        if len(inputs) not in leaves:
            leaves[len(inputs)] = ([[Value(x) for x in row] for row in inputs],
                                   [[Value(0.0) for _ in range(classes[0])] for _ in targets] if loss == "softmax"
                                   else [Value(t) for t in targets])
        input_leaves, target_leaves = leaves[len(inputs)]
        if last.get(len(inputs)) == (inputs, targets):  # the full set again: the leaves hold it
            return replay(input_leaves, target_leaves)
        last[len(inputs)] = (inputs, targets)
        _set_data(input_leaves, inputs)
        if loss == "softmax":
            if not all(0 <= label < classes[0] for label in targets):
                _objective(model, loss, l1, l2, inputs, targets)  # raises the loss's own error
            for one_hot, label in zip(target_leaves, targets):
                for k, leaf in enumerate(one_hot):
                    leaf.data = 1.0 if k == label else 0.0
        else:
            for leaf, t in zip(target_leaves, targets):
                leaf.data = t
        return replay(input_leaves, target_leaves)
    return step

