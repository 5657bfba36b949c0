"""Training settings per dataset, and the model and optimiser a set of settings describes.

`autograd train DATASET` and the explorer's training tab both start from here::

    settings = settings_for("moons", lr=0.5)          # DEFAULTS["moons"], then the overrides
    X, y = load_data(settings)
    model, optimizer = build(settings, inputs=X.shape[1], classes=int(y.max()) + 1, samples=len(X))
    fit(model, X, y, optimizer=optimizer, **fit_options(settings))

Settings are a plain dict (it goes into `train --json` as it is):

- ``dataset``, ``n`` (samples to generate; digits and mnist are fixed sets), ``seed`` (data,
  split, weights; mnist's held-out digits are the same whatever the seed, see `held_out`);
- the network: ``hidden`` (layer sizes), ``activation``, ``init``; its output layer follows from
  the loss: one output per class for ``softmax``, one score for ``hinge``, ``bce`` and ``mse``;
- the optimiser: ``optimizer`` (sgd or adam), ``lr``, ``schedule``: ``constant``, or
  ``linear_decay`` from lr to lr/10 over the whole run (micrograd's demo; SGD's default);
- the run: ``loss``, ``epochs``, ``batch_size`` (0: the whole set each step), ``l2``, ``exact``
  (False lets the compiled replay reorder sums into matrix products, within 1e-12 relative:
  `autograd.compile`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from autograd.ml.data import DATASETS, stratified_split, train_test_split
from autograd.ml.nn import ACTIVATIONS, INITS, MLP
from autograd.ml.optim import SGD, Adam, linear_decay
from autograd.ml.train import LOSSES

__all__ = ["DEFAULTS", "OPTIMIZERS", "SCHEDULES", "settings_for", "layer_sizes", "steps_per_epoch", "build",
           "load_data", "held_out", "fit_options", "HELD_OUT", "TEST_FRACTION"]

# What `autograd train DATASET` uses unless a flag says otherwise.
DEFAULTS = {
    "moons": dict(hidden=[16, 16], loss="hinge", optimizer="sgd", lr=1.0, epochs=100, batch_size=0, l2=1e-4, n=100),
    "circles": dict(hidden=[16, 16], loss="hinge", optimizer="adam", lr=0.05, epochs=60, batch_size=0, l2=1e-4, n=200),
    "xor": dict(hidden=[8, 8], loss="hinge", optimizer="adam", lr=0.05, epochs=60, batch_size=0, l2=0.0, n=200),
    "spirals": dict(hidden=[32, 32], loss="hinge", optimizer="adam", lr=0.03, epochs=150, batch_size=0, l2=0.0, n=200),
    "blobs": dict(hidden=[16], loss="softmax", optimizer="adam", lr=0.05, epochs=40, batch_size=0, l2=0.0, n=300),
    "digits": dict(hidden=[32], loss="softmax", optimizer="adam", lr=0.01, epochs=10, batch_size=16, l2=0.0, n=0),
    # the seed article's network, 784-100 ReLU-10 softmax, He-initialised for its ReLU layer
    "mnist": dict(hidden=[100], loss="softmax", optimizer="adam", lr=0.004, schedule="linear_decay", epochs=3,
                  batch_size=32, l2=0.0, n=0, init="he", exact=False),
}
# The same for every dataset unless its defaults or an override say otherwise.
COMMON = dict(activation="relu", init="uniform", seed=1337, exact=True)
# Held out for the test accuracy (and for `autograd evaluate` of a saved model): this fraction,
# shuffled by the seed; or, for a fixed set of real images, that many, stratified, always the same.
TEST_FRACTION = 0.25
HELD_OUT = {"mnist": 1000}
_HELD_OUT_SEED = 0
OPTIMIZERS = ("sgd", "adam")
SCHEDULES = ("constant", "linear_decay")
_CHOICES = {"loss": LOSSES, "optimizer": OPTIMIZERS, "schedule": SCHEDULES, "activation": ACTIVATIONS, "init": INITS}
_DECAY_TO = 0.1  # linear_decay ends at this fraction of the learning rate


def settings_for(dataset: str, **overrides) -> dict:
    """`DEFAULTS` for ``dataset`` with ``overrides`` applied (None means "the default").

    ``schedule`` defaults to ``linear_decay`` for SGD and ``constant`` for Adam (after the
    overrides, so ``optimizer="adam"`` alone gives a constant rate). Raises ValueError for an
    unknown dataset or choice (naming the choices), TypeError for an unknown setting.
    """
    if dataset not in DEFAULTS:
        raise ValueError(f"unknown dataset {dataset!r}: choose one of {', '.join(DEFAULTS)}")
    settings = {"dataset": dataset, **COMMON, "schedule": None, **DEFAULTS[dataset]}
    unknown = sorted(set(overrides) - set(settings))
    if unknown:
        raise TypeError(f"settings_for: no setting {unknown[0]!r} to override; the settings are "
                        f"{', '.join(key for key in settings if key != 'dataset')}")
    settings.update((key, value) for key, value in overrides.items() if value is not None)
    if settings["schedule"] is None:
        settings["schedule"] = "linear_decay" if settings["optimizer"] == "sgd" else "constant"
    for key, choices in _CHOICES.items():
        if settings[key] not in choices:
            raise ValueError(f"unknown {key} {settings[key]!r}: choose one of {', '.join(choices)}")
    settings["hidden"] = _hidden(settings["hidden"])
    if not isinstance(settings["exact"], bool):
        raise ValueError(f"exact must be True or False, got {settings['exact']!r}")
    return settings


def _hidden(sizes: Sequence[int]) -> list[int]:
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence) or \
            not all(isinstance(s, int) and not isinstance(s, bool) and s >= 1 for s in sizes):
        raise ValueError(f"hidden must be a list of layer sizes (whole numbers >= 1), got {sizes!r}")
    return list(sizes)


def layer_sizes(settings: dict, inputs: int, classes: int) -> list[int]:
    """``[inputs, *hidden, outputs]``: one output per class for softmax, else one score.

    Raises ValueError for more than two classes with a one-score loss (it could not tell them apart).
    """
    loss = settings["loss"]
    if classes > 2 and loss != "softmax":
        raise ValueError(f"{settings['dataset']} has {classes} classes: the {loss} loss scores two, "
                         "use the softmax loss")
    return [inputs, *settings["hidden"], classes if loss == "softmax" else 1]


def steps_per_epoch(settings: dict, samples: int) -> int:
    """Optimiser steps in one pass over ``samples`` training samples (⌈samples / batch⌉)."""
    batch = settings["batch_size"]
    return 1 if not batch else -(-samples // batch)


def build(settings: dict, inputs: int, classes: int, samples: int | None = None) -> tuple[MLP, SGD | Adam]:
    """The network and its optimiser: ``MLP(inputs, layer_sizes(...)[1:])`` seeded by ``seed``,
    and SGD or Adam over its named parameters with the settings' learning-rate schedule.

    ``samples`` (the training set's size) is needed by ``linear_decay`` only, which spreads
    the decay over ``epochs · steps_per_epoch`` steps.
    """
    sizes = layer_sizes(settings, inputs, classes)
    model = MLP(inputs, sizes[1:], activation=settings["activation"], init=settings["init"], seed=settings["seed"])
    lr = settings["lr"]
    if settings["schedule"] == "linear_decay":
        if samples is None:
            raise ValueError("build: the linear_decay schedule needs the number of training samples")
        lr = linear_decay(lr, settings["epochs"] * steps_per_epoch(settings, samples), _DECAY_TO * lr)
    # a constant rate goes in as the number itself, which the optimiser checks
    kind = SGD if settings["optimizer"] == "sgd" else Adam
    return model, kind(model.named_parameters(), lr=lr)


def load_data(settings: dict) -> tuple[np.ndarray, np.ndarray]:
    """The dataset's (X, y): ``n`` samples made from ``seed``; digits and mnist are fixed sets."""
    make = DATASETS[settings["dataset"]]
    return make() if settings["dataset"] in ("digits", "mnist") else make(n=settings["n"], seed=settings["seed"])


def held_out(settings: dict, X, y, test_fraction: float = TEST_FRACTION):
    """(X_train, X_test, y_train, y_test): the part training never sees.

    A dataset in `HELD_OUT` keeps that many samples, stratified by class and the same whatever
    the seed (as MNIST's own test set is fixed: runs with different seeds are compared on the
    same digits); the others hold out ``test_fraction``, shuffled by the settings' seed.
    """
    if settings["dataset"] in HELD_OUT:
        return stratified_split(X, y, HELD_OUT[settings["dataset"]], seed=_HELD_OUT_SEED)
    return train_test_split(X, y, test_fraction, seed=settings["seed"])


def fit_options(settings: dict) -> dict:
    """The keyword arguments of `autograd.ml.train.fit` that the settings decide."""
    return {"loss": settings["loss"], "epochs": settings["epochs"], "batch_size": settings["batch_size"] or None,
            "l2": settings["l2"], "seed": settings["seed"], "exact": settings["exact"]}
