"""The training loop: mini-batch gradient descent with a progress bar and a history."""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass, field

import numpy as np
from tqdm import tqdm

from autograd import losses
from autograd.data import DATASETS, batches, train_test_split
from autograd.engine import Value, no_grad
from autograd.nn import ACTIVATIONS, INITS, MLP
from autograd.optim import SGD, Adam, constant, linear_decay

__all__ = ["fit", "predict", "accuracy", "History", "LOSSES", "add_train_command"]

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


# ------------------------------------------------------------------ the `autograd train` command

DEFAULTS = {
    "moons": dict(hidden="16,16", loss="hinge", optimizer="sgd", lr=1.0, epochs=100, batch_size=0, l2=1e-4, n=100),
    "circles": dict(hidden="16,16", loss="hinge", optimizer="adam", lr=0.05, epochs=60, batch_size=0, l2=1e-4, n=200),
    "xor": dict(hidden="8,8", loss="hinge", optimizer="adam", lr=0.05, epochs=60, batch_size=0, l2=0.0, n=200),
    "spirals": dict(hidden="32,32", loss="hinge", optimizer="adam", lr=0.03, epochs=150, batch_size=0, l2=0.0, n=200),
    "blobs": dict(hidden="16", loss="softmax", optimizer="adam", lr=0.05, epochs=40, batch_size=0, l2=0.0, n=300),
    "digits": dict(hidden="32", loss="softmax", optimizer="adam", lr=0.01, epochs=10, batch_size=16, l2=0.0, n=0),
}


def add_train_command(commands) -> None:
    train = commands.add_parser(
        "train", help="train an MLP on a small dataset",
        description="Train an MLP with gradient descent on a dataset made from a seed. "
                    "Defaults are chosen per dataset so that the plain command trains well.",
        epilog="examples:\n  autograd train moons\n  autograd train digits --json\n"
               "  autograd train spirals --hidden 32,32 --activation tanh --optimizer adam --lr 0.02",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    train.add_argument("dataset", choices=sorted(DATASETS), help="which dataset")
    train.add_argument("--hidden", help="hidden layer sizes, e.g. 16,16")
    train.add_argument("--activation", choices=ACTIVATIONS[:3], default="relu")
    train.add_argument("--loss", choices=LOSSES)
    train.add_argument("--optimizer", choices=("sgd", "adam"))
    train.add_argument("--lr", type=float, help="learning rate")
    train.add_argument("--epochs", type=int)
    train.add_argument("--batch-size", type=int, help="samples per step; 0 = the full set")
    train.add_argument("--init", choices=INITS, default="uniform")
    train.add_argument("--l2", type=float, help="L2 penalty weight")
    train.add_argument("--seed", type=int, default=1337)
    train.add_argument("--save", metavar="PATH", help="save the trained model as JSON")
    train.add_argument("--json", action="store_true", help="print one JSON object")
    train.set_defaults(run=run_train)


def run_train(args: argparse.Namespace) -> int:
    settings = dict(DEFAULTS[args.dataset])
    for key in ("hidden", "loss", "optimizer", "lr", "epochs", "batch_size", "l2"):
        if getattr(args, key) is not None:
            settings[key] = getattr(args, key)
    try:
        hidden = [int(h) for h in str(settings["hidden"]).split(",") if h.strip()]
    except ValueError:
        raise ValueError(f"--hidden {settings['hidden']!r} is not sizes like 16,16") from None
    if any(h < 1 for h in hidden) or settings["epochs"] < 1 or settings["lr"] <= 0 or settings["batch_size"] < 0:
        raise ValueError("--hidden sizes, --epochs and --lr must be positive, --batch-size at least 0")
    X, y = DATASETS[args.dataset]() if args.dataset == "digits" else DATASETS[args.dataset](n=settings["n"], seed=args.seed)
    Xtr, Xte, ytr, yte = train_test_split(X, y, 0.25, seed=args.seed)
    classes = int(y.max()) + 1
    loss = settings["loss"]
    if classes > 2 and loss != "softmax":
        raise ValueError(f"{args.dataset} has {classes} classes: use --loss softmax")
    outputs = classes if loss == "softmax" else 1
    model = MLP(X.shape[1], [*hidden, outputs], activation=args.activation, init=args.init, seed=args.seed)
    params = model.parameters()
    steps_per_epoch = 1 if not settings["batch_size"] else -(-len(Xtr) // settings["batch_size"])
    if settings["optimizer"] == "sgd":
        schedule = linear_decay(settings["lr"], settings["epochs"] * steps_per_epoch, 0.1 * settings["lr"])
        optimizer = SGD(params, lr=schedule)
    else:
        optimizer = Adam(params, lr=constant(settings["lr"]))
    started = time.perf_counter()
    history = fit(model, Xtr, ytr, loss=loss, optimizer=optimizer, epochs=settings["epochs"],
                  batch_size=settings["batch_size"] or None, l2=settings["l2"], seed=args.seed,
                  progress=False if args.json else None)
    seconds = time.perf_counter() - started
    result = {"dataset": args.dataset, "train_accuracy": accuracy(model, Xtr, ytr),
              "test_accuracy": accuracy(model, Xte, yte), "seconds": seconds,
              "loss_history": history.loss, "accuracy_history": history.accuracy,
              "settings": {**settings, "hidden": hidden, "activation": args.activation, "init": args.init}}
    if args.save:
        model.save(args.save)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{args.dataset}: MLP({X.shape[1]}, {[*hidden, outputs]}), {settings['epochs']} epochs in {seconds:.1f} s")
        print(f"  final loss      {history.loss[-1]:.4f}")
        print(f"  train accuracy  {result['train_accuracy']:.3f}")
        print(f"  test accuracy   {result['test_accuracy']:.3f}")
    return 0
