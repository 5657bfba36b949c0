"""Small datasets made from a seed (numpy, no download), splits and mini-batches.

Every generator returns ``(X, y)``: X of shape (n, features) as float64, y of shape (n,) with
integer class labels 0..k−1.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

__all__ = ["MissingDependency", "moons", "circles", "xor", "spirals", "blobs", "digits", "DATASETS", "train_test_split", "batches"]


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


DATASETS = {"moons": moons, "circles": circles, "xor": xor, "spirals": spirals, "blobs": blobs, "digits": digits}


def train_test_split(X, y, test_fraction: float = 0.25, seed: int = 0):
    """Shuffle with a seed, then hold out ``test_fraction`` of the samples."""
    if not 0 <= test_fraction < 1:
        raise ValueError(f"test_fraction must be in [0, 1), got {test_fraction}")
    order = np.random.default_rng(seed).permutation(len(X))
    n_test = int(round(len(X) * test_fraction))
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


def batches(n: int, batch_size: int | None, rng: np.random.Generator | None = None) -> Iterator[np.ndarray]:
    """Index arrays for one epoch: batch size 1, k, or None for the full set; shuffled when rng is given."""
    order = rng.permutation(n) if rng is not None else np.arange(n)
    size = n if batch_size is None else batch_size
    if size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    for start in range(0, n, size):
        yield order[start:start + size]
