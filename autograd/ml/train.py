"""The training loop: mini-batch gradient descent with a progress bar and a history."""

from __future__ import annotations

import gc
import math
from collections import deque
from itertools import chain, repeat
from dataclasses import dataclass, field

import numpy as np
from tqdm import tqdm

from autograd.ml import losses
from autograd.ml.data import batches
from autograd.core import Value, no_grad
from autograd.ml.nn import LOSS_NAMES, MLP
from autograd.ml.optim import SGD
from autograd.ml.replay import compile as compile_graph
from autograd.ml.replay import compile_values

__all__ = ["fit", "predict", "accuracy", "evaluate", "scores", "label", "History", "LOSSES", "Diverged", "loss_text"]

LOSSES = LOSS_NAMES
# A batch loss this many times the first one (or above it when the first is below 1) means the
# steps are growing without bound: gradient descent has diverged, every later step is noise.
EXPLODING = 1e6


class Diverged(ValueError):
    """Training stopped: a loss was not finite or exploded. The model holds the last parameters
    whose loss was good (``step`` is the 1-based optimiser step whose loss was bad)."""

    def __init__(self, step: int, epoch: int, loss: float) -> None:
        what = "not a finite number" if not math.isfinite(loss) else f"{loss_text(loss)}, exploding"
        super().__init__(f"training diverged at step {step} (epoch {epoch}): the loss is {what}; "
                         "try a smaller learning rate (--lr)")
        self.step, self.epoch, self.loss = step, epoch, loss


def loss_text(loss: float) -> str:
    """A loss as text: four decimals, or scientific notation when large or tiny (1.2346e+08)."""
    return f"{loss:.4f}" if loss == 0 or 1e-3 <= abs(loss) < 1e5 else f"{loss:.4e}"


@dataclass
class History:
    """Per epoch: the mean batch loss and training accuracy; with a validation set, its loss and
    accuracy; ``best_epoch`` (0-based) the epoch kept by ``keep_best``."""
    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    best_epoch: int | None = None


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


def label(scores: list[float]) -> int:
    """The predicted class: score > 0 for one output (hinge, bce, mse), the largest score otherwise."""
    return int(scores[0] > 0) if len(scores) == 1 else int(np.argmax(scores))


_label = label


def _outputs(out: Value | list[Value]) -> list[Value]:
    return [out] if isinstance(out, Value) else list(out)


def predict(model: MLP, X) -> np.ndarray:
    """Class labels: score > 0 for one output (hinge, bce, mse), the largest score otherwise."""
    labels = []
    with no_grad():
        for row in _rows(X):
            labels.append(_label([o.data for o in _outputs(model(row))]))
    return np.array(labels)


def accuracy(model: MLP, X, y, compile: bool = False) -> float:  # noqa: A002
    """The fraction of rows of X whose predicted label is y's; ``compile`` replays the model's
    forward pass on chunks of rows (the same labels: worth it for many rows of a large model)."""
    if compile:
        return _compiled_accuracy(model)(_rows(X), [int(v) for v in np.asarray(y)])
    return float(np.mean(predict(model, X) == np.asarray(y)))


def scores(model: MLP, X) -> list[list[float]]:
    """The model's outputs for each row of X, as plain floats (no graph is kept)."""
    with no_grad():
        return [[o.data for o in _outputs(model(row))] for row in _rows(X)]


def evaluate(model: MLP, X, y, loss: str) -> dict:
    """``loss`` (the mean, without penalties), ``accuracy`` and the predicted ``labels`` of X."""
    rows, labels = _rows(X), [int(v) for v in np.asarray(y)]
    with no_grad():
        outputs = [_outputs(model(row)) for row in rows]
        total = _loss(loss, [out[0] if len(out) == 1 else out for out in outputs], _targets(loss, labels)).data
    predicted = [_label([o.data for o in out]) for out in outputs]
    return {"loss": total, "accuracy": float(np.mean(np.array(predicted) == np.asarray(labels))),
            "labels": predicted}


def fit(model: MLP, X, y, loss: str = "hinge", optimizer=None, epochs: int = 100, batch_size: int | None = None,
        l1: float = 0.0, l2: float = 0.0, seed: int = 0, progress: bool | None = None,
        compile: bool = True, validation=None, keep_best: bool = False, exact: bool = True) -> History:  # noqa: A002
    """Train ``model`` on (X, y); each batch: forward, loss + penalties, backward, optimizer step.

    ``batch_size`` None trains on the full set each step. The history keeps, per epoch, the
    mean batch loss and the training accuracy; with ``validation=(X_val, y_val)`` also the
    validation loss (without penalties) and accuracy after each epoch. ``keep_best`` ends with
    the parameters of the epoch of least validation loss (least training loss without a set).

    A batch loss that is not finite, or more than `EXPLODING` times the first (and above 1),
    stops training with `Diverged`; the model then holds the parameters of the last good step.

    ``compile`` (the default) records each batch size's graph once and replays it
    (`autograd.compile`): bit for bit the plain engine's losses and parameters, many times
    faster (``exact=False``: sums reordered into matrix products, within 1e-12 relative). A batch's
    inputs and targets are then leaf Values whose data is set per batch. ``compile=False`` builds
    the graph every step. Python's cyclic garbage collector is paused while training (the graphs
    hold no cycles; it would only rescan them) and restored after.
    """
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}: choose one of {', '.join(LOSSES)}")
    rows, labels = _rows(X), [int(v) for v in np.asarray(y)]
    params = model.parameters()
    optimizer = optimizer or SGD(params, lr=0.1)
    rng = np.random.default_rng(seed)
    history = History()
    step = _compiled_step(model, loss, l1, l2, exact) if compile else _plain_step(model, loss, l1, l2)
    measure = _compiled_accuracy(model) if compile else None
    bar = tqdm(range(epochs), desc="training", unit="epoch", disable=progress is False if progress is not None else None)
    guard = _Guard(params)
    best: tuple[float, int, list[float]] | None = None
    collecting = gc.isenabled()
    gc.disable()
    try:
        for epoch in bar:
            epoch_losses = _epoch(bar, guard, step, optimizer, rows, labels, loss, epoch,
                                  batches(len(rows), batch_size, rng if batch_size else None))
            history.loss.append(float(np.mean(epoch_losses)))
            history.accuracy.append(measure(rows, labels) if compile else accuracy(model, X, y))
            shown = {"loss": loss_text(history.loss[-1]), "acc": f"{history.accuracy[-1]:.3f}"}
            if validation is not None:
                result = evaluate(model, validation[0], validation[1], loss)
                history.val_loss.append(result["loss"])
                history.val_accuracy.append(result["accuracy"])
                shown.update(val_loss=loss_text(result["loss"]), val_acc=f"{result['accuracy']:.3f}")
            bar.set_postfix(shown)
            judged = (history.val_loss or history.loss)[-1]
            if keep_best and math.isfinite(judged) and (best is None or judged < best[0]):
                best = (judged, epoch, [p.data for p in params])
    finally:
        if collecting:
            gc.enable()
    if best is not None:
        history.best_epoch = best[1]
        for p, value in zip(params, best[2]):
            p.data = value
    return history


def _epoch(bar, guard: "_Guard", step, optimizer, rows: list, labels: list, loss: str, epoch: int,
           indices) -> list[float]:
    """One pass over the batches: each batch's loss; with many batches the bar shows the batch
    reached (a large model's epoch takes seconds)."""
    indices = list(indices)
    losses_seen = []
    for k, index in enumerate(indices):
        losses_seen.append(guard.step(step, optimizer, [rows[i] for i in index],
                                      _targets(loss, [labels[i] for i in index]), epoch))
        if len(indices) > 1:
            bar.set_postfix_str(f"batch {k + 1}/{len(indices)}, loss {loss_text(losses_seen[-1])}")
    return losses_seen


class _Guard:
    """Watches each step's loss for divergence and keeps the parameters of the last good step,
    restoring them before raising `Diverged` (the check runs before the optimiser moves them;
    an optimiser step that would make a parameter inf or nan fails, and is divergence too)."""

    def __init__(self, params: list[Value]) -> None:
        self.params, self.first, self.steps, self.good = params, None, 0, [p.data for p in params]

    def step(self, step, optimizer, inputs: list, targets: list, epoch: int) -> float:
        """One training step, watched: the batch's loss, then the optimiser's update."""
        try:
            loss = step(inputs, targets)
        except OverflowError:  # the engine refuses a float overflow: the loss would be inf
            loss = math.inf
        self.check(loss, epoch)
        try:
            optimizer.step()
        except (OverflowError, ValueError):  # a step to inf or nan, which a parameter refuses
            self.fail(math.inf, epoch)
        return loss

    def check(self, loss: float, epoch: int) -> None:
        self.steps += 1
        if self.first is None:
            self.first = loss
        if not math.isfinite(loss) or abs(loss) > EXPLODING * max(1.0, abs(self.first)):
            self.fail(loss, epoch)
        self.good = [p.data for p in self.params]

    def fail(self, loss: float, epoch: int) -> None:
        for p, value in zip(self.params, self.good):
            p.data = value
        raise Diverged(self.steps, epoch + 1, loss)


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
# chunk costs more than the fewer replays save); one recording serves every chunk. A large model
# takes fewer: a chunk's recording grows faster than its size (measured on mnist's 784-100-10,
# 16 rows record in a quarter of 48's time and replay 1.3 times slower per row).
_CHUNK_WEIGHTS = 120_000  # rows per chunk × parameters, at most (digits: 48 × 2,410)
_CHUNK_LEAST = 16


def _set_data(leaves: list[list[Value]], rows: list[list[float]]) -> None:
    """leaf.data = x for every leaf of every row (the loop runs in C; `data` is a plain slot, so a
    number that is not finite is refused where the engine first uses it)."""
    deque(map(setattr, chain.from_iterable(leaves), repeat("data"), chain.from_iterable(rows)), maxlen=0)


def _compiled_accuracy(model: MLP):
    """`accuracy` by replaying the model's forward pass on chunks of rows: the same labels.

    One chunk of leaf inputs is made once and its data set per chunk; the last chunk is the last
    rows of a full chunk (overlapping the one before), so one recording serves every set of rows.
    """
    forward = compile_values(lambda inputs: [o for row in inputs for o in _outputs(model(row))])
    leaves: list[list[Value]] = []
    chunk = max(_CHUNK_LEAST, min(_CHUNK, _CHUNK_WEIGHTS // len(model.parameters())))

    def accuracy_of(rows: list[list[float]], labels: list[int]) -> float:
        if not rows:
            return math.nan
        size = min(chunk, len(rows))
        if len(leaves) != size or len(leaves[0]) != len(rows[0]):
            leaves[:] = [[Value(0.0) for _ in rows[0]] for _ in range(size)]
        predicted = []
        for start in range(0, len(rows), size):
            begin = min(start, len(rows) - size)
            _set_data(leaves, rows[begin:begin + size])
            scores = forward(leaves)
            k = len(scores) // size
            predicted += [_label(scores[i * k:(i + 1) * k]) for i in range(start - begin, size)]
        return float(np.mean(np.array(predicted) == np.asarray(labels)))
    return accuracy_of


def _compiled_step(model: MLP, loss: str, l1: float, l2: float, exact: bool = True):
    """The same step, replayed: inputs and targets go in through leaf Values, one set per batch size.

    A softmax target becomes a one-hot row, so that the graph is the same whatever the labels.
    """
    replay = compile_graph(lambda inputs, targets: _objective(model, loss, l1, l2, inputs, targets),
                           argument_grads=False, exact=exact)  # nobody reads the inputs' gradients
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

