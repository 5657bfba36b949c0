"""Toy datasets for the training tab, in plain Python (no numpy: the same code runs in Pyodide).

Every generator takes ``n`` (points), ``noise`` (a standard deviation, scaled to each shape)
and a `random.Random`, and returns a list of points. A classification point is
``(x1, x2, label)`` with label 0..k−1; a regression point is ``(x, t)``: the input and the
target t = f(x) + noise, with f(x) = sin(2x) on [−2, 2].

`split` holds out a fraction for testing; `read_csv` / `write_csv` are the CSV form a user
loads and saves (``x1,x2,label`` or ``x,t``), read with the number grammar of
`autograd.util.validate`, bounded in size, every bad line named.
"""

from __future__ import annotations

import math
import random

from autograd.util import validate

__all__ = ["CLASSIFY", "REGRESS", "DATASETS", "MAX_POINTS", "MAX_CSV_CHARS", "MAX_CLASSES", "make", "split",
           "read_csv", "write_csv", "classes_of"]

CLASSIFY = ("moons", "circles", "xor", "spirals", "blobs")
REGRESS = ("regression",)
DATASETS = CLASSIFY + REGRESS
MAX_POINTS = 600  # more than the page's engine trains at a readable pace
MAX_CSV_CHARS = 40_000  # a CSV of MAX_POINTS rows of three short numbers fits
MAX_CLASSES = 5
COORDINATE = 1e3  # a coordinate's size limit: the plane is drawn around the data


def _moons(n, noise, rng):
    """Two interleaving half circles (as scikit-learn's make_moons)."""
    half = n // 2
    points = []
    for i in range(half):
        a = math.pi * i / max(half - 1, 1)
        points.append((math.cos(a), math.sin(a), 0))
    for i in range(n - half):
        a = math.pi * i / max(n - half - 1, 1)
        points.append((1 - math.cos(a), 0.5 - math.sin(a), 1))
    return [(x + rng.gauss(0, noise), y + rng.gauss(0, noise), c) for x, y, c in points]


def _circles(n, noise, rng):
    """A circle of radius 0.5 (class 1) inside one of radius 1 (class 0)."""
    half = n // 2
    points = []
    for count, radius, label in ((half, 1.0, 0), (n - half, 0.5, 1)):
        for i in range(count):
            a = 2 * math.pi * i / count
            points.append((radius * math.cos(a) + rng.gauss(0, noise), radius * math.sin(a) + rng.gauss(0, noise), label))
    return points


def _xor(n, noise, rng):
    """Four clusters at (±1, ±1); the label is 1 where the signs differ."""
    points = []
    for _ in range(n):
        a, b = rng.choice((-1, 1)), rng.choice((-1, 1))
        points.append((a + rng.gauss(0, 3 * noise), b + rng.gauss(0, 3 * noise), int(a != b)))
    return points


def _spirals(n, noise, rng):
    """Two interleaved spirals, r = t/(3π) for t from 0.75π to 3π."""
    half = n // 2
    points = []
    for count, sign, label in ((half, 1, 0), (n - half, -1, 1)):
        for i in range(count):
            t = (0.25 + 0.75 * i / max(count - 1, 1)) * 3 * math.pi
            x, y = sign * t * math.cos(t) / (3 * math.pi), sign * t * math.sin(t) / (3 * math.pi)
            points.append((x + rng.gauss(0, 0.3 * noise), y + rng.gauss(0, 0.3 * noise), label))
    return points


def _blobs(n, noise, rng, classes):
    """``classes`` Gaussian clusters around centres on a circle of radius 2 (σ = 5·noise)."""
    points = []
    for i in range(n):
        c = i % classes
        a = 2 * math.pi * c / classes
        points.append((2 * math.cos(a) + rng.gauss(0, 5 * noise), 2 * math.sin(a) + rng.gauss(0, 5 * noise), c))
    return points


def _regression(n, noise, rng):
    """t = sin(2x) + ε for x uniform on [−2, 2] (ε ~ N(0, noise²))."""
    xs = sorted(rng.uniform(-2, 2) for _ in range(n))
    return [(x, math.sin(2 * x) + rng.gauss(0, noise)) for x in xs]


def make(name: str, n: int = 100, noise: float = 0.1, seed: int = 1, classes: int = 3) -> list[tuple]:
    """``n`` points of the dataset ``name``, made from ``seed`` alone (``classes``: blobs only)."""
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {validate.shown(name)}: choose one of {', '.join(DATASETS)}")
    validate.in_range(n, f"the number of points {n}", 2, MAX_POINTS)
    validate.in_range(noise, f"the noise {noise:g}", 0, 1)
    rng = random.Random(seed)
    if name == "blobs":
        validate.in_range(classes, f"blobs with {classes} classes", 2, MAX_CLASSES)
        return _blobs(n, noise, rng, classes)
    return {"moons": _moons, "circles": _circles, "xor": _xor, "spirals": _spirals,
            "regression": _regression}[name](n, noise, rng)


def split(points: list, test: float, seed: int = 1) -> tuple[list, list]:
    """(train, test): the points shuffled with ``seed``, round(test·n) held out for testing."""
    validate.in_range(test, f"the test fraction {test:g}", 0, 0.9)
    order = list(range(len(points)))
    random.Random(seed).shuffle(order)
    held = round(test * len(points))
    return [points[i] for i in sorted(order[held:])], [points[i] for i in sorted(order[:held])]


def classes_of(points: list) -> int:
    """How many classes the labels of classification points name (the largest label + 1)."""
    return max(p[2] for p in points) + 1


def read_csv(text: str, regression: bool) -> list[tuple]:
    """Points from CSV text: ``x1,x2,label`` rows (label 0..4), or ``x,t`` rows for regression;
    a first line that is not numbers is a header and skipped; blank lines are skipped.
    Raises `validate.InvalidValue` naming the line for anything else."""
    if len(text) > MAX_CSV_CHARS:
        raise validate.InvalidValue(f"the CSV has {len(text):,} characters, at most {MAX_CSV_CHARS:,}")
    columns = 2 if regression else 3
    header = "x,t" if regression else "x1,x2,label"
    points = []
    for number, line in enumerate(text.splitlines(), 1):
        cells = [cell.strip() for cell in line.split(",")]
        if not line.strip() or (number == 1 and not any(c[:1].isdigit() or c[:1] in "+-." for c in cells)):
            continue
        where = f"CSV line {number}"
        if len(cells) != columns:
            raise validate.InvalidValue(f"{where} has {len(cells)} values; each line is {header}")
        x, y = (validate.in_range(validate.read_number(c, where), f"{where}: {c}", -COORDINATE, COORDINATE)
                for c in cells[:2])
        if regression:
            points.append((x, y))
        else:
            label = validate.in_range(validate.read_whole(cells[2], f"{where}: the label"),
                                      f"{where}: the label {cells[2]}", 0, MAX_CLASSES - 1)
            points.append((x, y, label))
        validate.at_most(len(points), MAX_POINTS, "the CSV", "points")
    if len(points) < 2:
        raise validate.InvalidValue(f"the CSV holds {len(points)} point{'s' * (len(points) != 1)}; "
                                    f"at least 2 lines of {header}")
    return points


def write_csv(points: list, regression: bool) -> str:
    """The points as CSV with a header (what `read_csv` reads back); numbers in full (repr)."""
    lines = ["x,t" if regression else "x1,x2,label"]
    lines += [",".join(repr(float(v)) for v in p) if regression else f"{float(p[0])!r},{float(p[1])!r},{int(p[2])}"
              for p in points]
    return "\n".join(lines) + "\n"
