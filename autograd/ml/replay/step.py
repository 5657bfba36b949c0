"""`compile(fn)`: the compiled step, ``out = fn(*args); out.backward(); out.data`` by replay.

The first call with a shape of arguments runs the plain engine and records its graph
(`recording.Recording`, with the cyclic garbage collector paused: the recording makes many
objects and frees none); the recording is replayed once on the same data and used only if it
reproduces the plain run exactly. Later calls replay it; anything the replay cannot do (no rule,
a non-finite number, an error from a forward rule) runs the plain engine instead, which computes
the same thing or raises its own clear error; a recording that cannot be used is reported once,
with the reason, as a RuntimeWarning.

**Never silently wrong.** Data reaches a replay only through the arguments. A function that
reads anything else that changes (a Python list of token ids, a ``.data`` turned into a constant)
would replay its first call's choices; so every recording is checked against the plain engine on
its first replay (the step's second call with those arguments) and again after 4, 16, 64, …
replays: the plain engine runs first (its numbers are that call's), then the replay on the same
data, and any difference in the output, the graph's size, a gradient, or which leaves it reads
raises `ReplayMismatch`, which says what to pass as an argument instead. Leaves are recorded by
identity, not by value: another Value with the same data at a recorded leaf's place is a
mismatch, except a constant made inside the function (which nothing else can read or change).
``check=N`` adds the same check every N calls.
"""

from __future__ import annotations

import gc
import warnings
from collections.abc import Callable
from typing import Any

from autograd.core import Value, is_grad_enabled
from autograd.core.graph import sweep_into_nodes, topological_order
from autograd.ml.replay.arguments import MAX_RECORDINGS, arguments, remember
from autograd.ml.replay.recording import Recording

__all__ = ["compile", "CompiledStep", "ReplayMismatch"]

NOT_REPRODUCED = "the replay did not reproduce the plain engine"
WASTED = (f"{MAX_RECORDINGS} recordings were dropped unused: the arguments (integer indices?) take new values on "
          "almost every call, and each value needs its own recording")


class ReplayMismatch(RuntimeError):
    """The compiled replay and the plain engine disagreed: the function read something that is not
    one of its arguments, or built another graph (see `autograd.ml.replay.step`)."""


def _mismatch_advice() -> str:
    return ("the function reads something that changes but is not one of the step's arguments (a Python "
            "variable such as a list of token ids or a label, a .data turned into a constant, a Value made inside "
            "it), or builds another graph: pass what changes as an argument, e.g. step(doc) with doc a list of "
            "integer indices, step(xs, ys) with xs and ys Values (or call step.reset() after changing the model)")


class CompiledStep:
    """``step(*args)`` = ``out = fn(*args); out.backward(); out.data``, replayed (see `compile`)."""

    def __init__(self, fn: Callable[..., Value], check: int = 0, argument_grads: bool = True,
                 exact: bool = True) -> None:
        if not callable(fn):
            raise TypeError(f"compile: expected a function returning a Value, got {type(fn).__name__}")
        if isinstance(check, bool) or not isinstance(check, int) or check < 0:
            raise ValueError(f"compile: check must be a whole number >= 0 (0: never), got {check!r}")
        if exact is not True and exact is not False:
            raise TypeError(f"compile: exact must be True or False, got {exact!r}")
        self.fn, self.check, self.argument_grads, self.exact = fn, check, argument_grads, exact
        self.recordings: dict[tuple, Recording] = {}
        self.stats = {"calls": 0, "replays": 0, "recordings": 0, "plain": 0}
        self._last: tuple[Any, list[Value]] | None = None  # (recording or plain output, arguments)
        self._reported: set[str] = set()  # the reasons for running plain already warned about
        self._unused = 0  # recordings dropped without ever being replayed
        self._recording_off = False  # set when recording does not pay: then every call runs plain

    def __call__(self, *args: Any) -> float:
        if not is_grad_enabled():
            raise RuntimeError(
                "compile: a compiled step computes gradients, and it was called inside no_grad(), which "
                "switches them off: call the step outside the no_grad() block"
            )
        flat, key = arguments(args)
        self.stats["calls"] += 1
        recording = self.recordings.get(key)
        if recording is None or recording.reason:
            return self._plain(args, flat, key, record=recording is None and not self._recording_off)
        recording.replays += 1
        due = recording.replays >= recording.next_check
        if due:
            recording.next_check *= 4
        if due or (self.check and self.stats["calls"] % self.check == 0):
            return self._checked(recording, args, flat)
        try:
            value = recording.run(flat)
        except (ArithmeticError, ValueError):  # a forward rule refused: the engine says why
            value = None
        if value is None:
            return self._plain(args, flat, key, record=False)
        recording.write_grads(flat, self.argument_grads)
        self.stats["replays"] += 1
        self._last = (recording, flat)
        return value

    def _run(self, args: tuple) -> tuple[Value, list[Value]]:
        """``out = fn(*args); out.backward()`` on the plain engine: the output and its graph."""
        out = self.fn(*args)
        if not isinstance(out, Value):
            raise TypeError(f"compile: the function must return a Value, got {type(out).__name__}")
        order = topological_order(out)
        sweep_into_nodes(order, False)  # out.backward(), keeping the order for the recording
        return out, order

    def _plain(self, args: tuple, flat: list[Value], key: tuple, record: bool) -> float:
        collecting = record and gc.isenabled()
        if collecting:
            gc.disable()
        try:
            out, order = self._run(args)
            self.stats["plain"] += 1
            self._last = (out, flat)
            if record:
                self._record(out, flat, key, order)
        finally:
            if collecting:
                gc.enable()
        return out.data

    def _record(self, out: Value, flat: list[Value], key: tuple, order: list[Value]) -> None:
        recording = Recording(out, flat, self.argument_grads, self.exact, order)
        self.stats["recordings"] += 1
        if not recording.reason:
            # Replay once on the data just used and compare with the plain run: a recording
            # that does not reproduce it exactly is never used.
            try:
                leaves = [node for node in order if not node.edges]
                ok = recording.run(flat) is not None and recording.matches(out.data, leaves, self.argument_grads)
            except (ArithmeticError, ValueError):
                ok = False
            if not ok:
                recording.reason = NOT_REPRODUCED
        if recording.reason:
            self._report(recording.reason)
        dropped = remember(self.recordings, key, recording)
        if dropped is not None and not dropped.replays and not dropped.reason:
            self._unused += 1
            if self._unused >= MAX_RECORDINGS:  # each call a new key (indices that keep changing)
                self._recording_off = True
                self._report(WASTED)

    def _report(self, reason: str) -> None:
        if reason not in self._reported:
            self._reported.add(reason)
            warnings.warn(f"autograd.compile: {reason}; this graph runs on the plain engine", RuntimeWarning,
                          stacklevel=5)

    def _checked(self, recording: Recording, args: tuple, flat: list[Value]) -> float:
        """A call that checks the replay: the plain engine runs first, and its numbers are the
        call's; then the replay runs on the same data, and any difference (the output, the
        graph's size, which leaves it reads, a gradient) raises `ReplayMismatch`."""
        kept = None if self.argument_grads else [x.grad for x in flat]  # the check leaves them alone too
        out, order = self._run(args)
        if kept is not None:
            for x, grad in zip(flat, kept):
                x.grad = grad
        self._last = (out, flat)
        try:
            value = recording.run(flat)
        except (ArithmeticError, ValueError):
            value = None
        if value is None:  # the replay cannot run on this data: the plain run's numbers stand
            self.stats["plain"] += 1
            return out.data
        self.stats["replays"] += 1
        leaves = [node for node in order if not node.edges]
        if not recording.matches_value(value, out.data):
            found = f"the replay gave {value!r}, the plain engine {out.data!r}"
        elif len(order) != recording.size:
            found = f"the plain engine built {len(order)} nodes, the recording has {recording.size}"
        elif recording.reads_other_leaves(order, leaves, flat):
            found = "the graph reads another leaf (Value) than the recording at the same place"
        elif not recording.matches(out.data, leaves, self.argument_grads):
            found = "a gradient differs"
        else:
            return out.data
        raise ReplayMismatch(f"compile: call {self.stats['calls']}: {found}: {_mismatch_advice()}")

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
            argument_grads: bool = True, exact: bool = True) -> CompiledStep:
    """Record ``fn``'s graph on the first call, replay it on later calls, bit for bit.

    ``step = compile(fn)``; ``step(*args)`` returns ``out.data`` and leaves every leaf's
    ``grad`` exactly as ``out = fn(*args); out.backward()`` would. ``check=N`` also runs the
    plain engine every N calls and raises `ReplayMismatch` when they differ.
    ``argument_grads=False`` neither computes nor writes the gradients of the Values passed as
    arguments (inputs whose gradient nobody reads, as in training: a third of the work there);
    an overflow in those gradients alone then goes unnoticed. The plain engine, when it runs,
    still sets them. ``exact=False`` lets the replay add the terms of fused nodes (sums, a
    neuron's w·x + b) in numpy's order, as matrix products where a layer meets a mini-batch:
    results within 1e-12 relative of the plain engine's, not bit for bit (the checks then allow
    1e-9). See `autograd.ml.replay` for the tracing rule and when the plain engine runs instead.
    """
    return CompiledStep(fn, check, argument_grads, exact)
