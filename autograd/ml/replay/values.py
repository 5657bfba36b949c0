"""`compile_values(fn)`: a forward pass only, replayed (a model's outputs on many inputs)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from autograd.core import Value, is_grad_enabled, no_grad
from autograd.ml.replay.arguments import arguments, remember
from autograd.ml.replay.recording import Recording
from autograd.ml.replay.step import NOT_REPRODUCED

__all__ = ["compile_values", "CompiledValues"]


class CompiledValues:
    """``values(*args)`` = ``[v.data for v in fn(*args)]``: a forward pass only, replayed.

    For running a model on many inputs (accuracy after every epoch): ``fn`` returns a list
    of Values; the same recording rules as `CompiledStep`, one recording per shape of the
    arguments, and the plain engine (under `no_grad`) whenever the replay cannot be used.
    """

    def __init__(self, fn: Callable[..., list[Value]]) -> None:
        self.fn = fn
        self.recordings: dict[tuple, Recording] = {}
        self.stats = {"calls": 0, "replays": 0, "recordings": 0, "plain": 0}

    def __call__(self, *args: Any) -> list[float]:
        flat, key, indices = arguments(args)
        key += tuple(indices)  # a forward pass only: one recording per value of the integers
        self.stats["calls"] += 1
        recording = self.recordings.get(key)
        if recording is None and is_grad_enabled():
            return self._record(args, flat, key)
        values = None
        if recording is not None and not recording.reason:
            try:
                values = recording.values(flat)
            except (ArithmeticError, ValueError):
                values = None
        if values is None:
            with no_grad():
                values = [o.data for o in self.fn(*args)]
            self.stats["plain"] += 1
            return values
        self.stats["replays"] += 1
        return values

    def _record(self, args: tuple, flat: list[Value], key: tuple) -> list[float]:
        """A plain run, recorded; the recording is used only if it gives the same values."""
        outputs = list(self.fn(*args))
        recording = Recording(outputs, flat)
        self.stats["recordings"] += 1
        expected = [o.data for o in outputs]
        if not recording.reason and recording.values(flat) != expected:
            recording.reason = NOT_REPRODUCED
            warnings.warn(f"autograd.compile: {recording.reason}; these values come from the plain engine",
                          RuntimeWarning, stacklevel=3)
        remember(self.recordings, key, recording)
        self.stats["plain"] += 1
        return expected


def compile_values(fn: Callable[..., list[Value]]) -> CompiledValues:
    """Record ``fn`` (which returns a list of Values) once; later calls give their values by replay."""
    return CompiledValues(fn)
