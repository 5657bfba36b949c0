"""`compile(fn)`: the compiled step, ``out = fn(*args); out.backward(); out.data`` by replay.

The first call with a shape of arguments runs the plain engine and records its graph
(`recording.Recording`); the recording is replayed once on the same data and used only if it
reproduces the plain run exactly. Later calls replay it; anything the replay cannot do (no rule,
a non-finite number, an error from a forward rule, a call inside `no_grad`) runs the plain
engine instead, which computes the same thing or raises its own clear error.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from autograd.core import Value, is_grad_enabled
from autograd.core.graph import topological_order
from autograd.ml.replay.arguments import arguments, remember
from autograd.ml.replay.recording import Recording

__all__ = ["compile", "CompiledStep", "ReplayMismatch"]

NOT_REPRODUCED = "the replay did not reproduce the plain engine"


class ReplayMismatch(RuntimeError):
    """The compiled replay and the plain engine disagreed (raised by ``compile(fn, check=N)``)."""


class CompiledStep:
    """``step(*args)`` = ``out = fn(*args); out.backward(); out.data``, replayed (see `compile`)."""

    def __init__(self, fn: Callable[..., Value], check: int = 0, argument_grads: bool = True) -> None:
        if not callable(fn):
            raise TypeError(f"compile: expected a function returning a Value, got {type(fn).__name__}")
        if isinstance(check, bool) or not isinstance(check, int) or check < 0:
            raise ValueError(f"compile: check must be a whole number >= 0 (0: never), got {check!r}")
        self.fn, self.check, self.argument_grads = fn, check, argument_grads
        self.recordings: dict[tuple, Recording] = {}
        self.stats = {"calls": 0, "replays": 0, "recordings": 0, "plain": 0}
        self._last: tuple[Any, list[Value]] | None = None  # (recording or plain output, arguments)

    def __call__(self, *args: Any) -> float:
        flat, key = arguments(args)
        self.stats["calls"] += 1
        recording = self.recordings.get(key)
        if recording is None or recording.reason or not is_grad_enabled():
            return self._plain(args, flat, key, record=recording is None and is_grad_enabled())
        try:
            value = recording.run(flat)
        except (ArithmeticError, ValueError):  # a forward rule refused: the engine says why
            value = None
        if value is None:
            return self._plain(args, flat, key, record=False)
        recording.write_grads(flat, self.argument_grads)
        self.stats["replays"] += 1
        self._last = (recording, flat)
        if self.check and self.stats["calls"] % self.check == 0:
            self._verify(recording, args, flat, value)
        return value

    def _plain(self, args: tuple, flat: list[Value], key: tuple, record: bool) -> float:
        out = self.fn(*args)
        if not isinstance(out, Value):
            raise TypeError(f"compile: the function must return a Value, got {type(out).__name__}")
        out.backward()
        self.stats["plain"] += 1
        self._last = (out, flat)
        if record:
            self._record(out, flat, key)
        return out.data

    def _record(self, out: Value, flat: list[Value], key: tuple) -> None:
        recording = Recording(out, flat, self.argument_grads)
        self.stats["recordings"] += 1
        if not recording.reason:
            # Replay once on the data just used and compare with the plain run: a recording
            # that does not reproduce it exactly is never used.
            try:
                ok = recording.run(flat) is not None and recording.matches(out, flat, self.argument_grads)
            except (ArithmeticError, ValueError):
                ok = False
            if not ok:
                recording.reason = NOT_REPRODUCED
                warnings.warn(f"autograd.compile: {recording.reason}; this graph runs on the plain engine",
                              RuntimeWarning, stacklevel=3)
        remember(self.recordings, key, recording)

    def _verify(self, recording: Recording, args: tuple, flat: list[Value], value: float) -> None:
        out = self.fn(*args)
        out.backward()
        leaves = sum(1 for node in topological_order(out) if node.is_leaf)
        if out.data != value or not recording.matches(out, flat, self.argument_grads) or \
                leaves != len(recording.captured) + len(recording.arg_pos):
            raise ReplayMismatch(
                f"compile: call {self.stats['calls']}: the replay gave {value!r}, the plain engine "
                f"{out.data!r} (or different gradients): the function does not build the same graph "
                "every time (a Python branch or a constant taken from .data?)"
            )

    def graph(self) -> Value:
        """The ordinary graph of the last call, for drawing and stepping through.

        After a replay its nodes are new Values holding that call's values, local derivatives
        and gradients (its leaves are copies, with their labels, of the data of that call).
        """
        if self._last is None:
            raise RuntimeError("compile: graph() needs one call of the step first")
        last, flat = self._last
        return last if isinstance(last, Value) else last.rebuild(flat)

    def reset(self) -> None:
        """Forget every recording: the next call records afresh."""
        self.recordings.clear()


def compile(fn: Callable[..., Value], *, check: int = 0,  # noqa: A001 (the issue's name)
            argument_grads: bool = True) -> CompiledStep:
    """Record ``fn``'s graph on the first call, replay it on later calls, bit for bit.

    ``step = compile(fn)``; ``step(*args)`` returns ``out.data`` and leaves every leaf's
    ``grad`` exactly as ``out = fn(*args); out.backward()`` would. ``check=N`` also runs the
    plain engine every N calls and raises `ReplayMismatch` when they differ.
    ``argument_grads=False`` neither computes nor writes the gradients of the Values passed as
    arguments (inputs whose gradient nobody reads, as in training: a third of the work there);
    an overflow in those gradients alone then goes unnoticed. The plain engine, when it runs,
    still sets them. See `autograd.ml.replay` for the tracing rule and when the plain engine
    runs instead.
    """
    return CompiledStep(fn, check, argument_grads)
