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
from autograd.ml.replay.arguments import MAX_RECORDINGS, arguments, remember, traced
from autograd.ml.replay.gathered import GatheredRecording
from autograd.ml.replay.gathers import gathered
from autograd.ml.replay.indices import IndexLog, probe_values
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
        self._last: tuple | None = None  # (recording or plain output, the Values passed[, the arguments])
        self._reported: set[str] = set()  # the reasons for running plain already warned about
        self._unused = 0  # recordings dropped without ever being replayed
        self._recording_off = False  # set when recording does not pay: then every call runs plain
        self._by_value: dict[tuple, str] = {}  # shapes whose integers cannot be gathers: why

    def __call__(self, *args: Any) -> float:
        if not is_grad_enabled():
            raise RuntimeError(
                "compile: a compiled step computes gradients, and it was called inside no_grad(), which "
                "switches them off: call the step outside the no_grad() block"
            )
        flat, key, indices = arguments(args)
        self.stats["calls"] += 1
        if indices and self._by_value.get(key, self._recording_off):
            key += (tuple(indices),)  # one recording per value of the integers
        elif indices:
            recording = self.recordings.get(key)
            if recording is None:
                return self._record_gathered(args, flat, key, indices)
            if not recording.reason and not recording.select(indices):
                return self._plain(args, flat, key, record=False)
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
        self._last = (recording, flat, args)
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

    def _record_gathered(self, args: tuple, flat: list[Value], key: tuple, indices: list[int]) -> float:
        """The first call with this shape of integer arguments: a plain run (the call's numbers),
        then a recording for every value of the integers (`gathered`), or else one for these."""
        collecting = gc.isenabled()
        gc.disable()
        try:
            log = IndexLog()
            out, order = self._run(traced(args, indices, log))
            self.stats["plain"] += 1
            self._last = (out, flat)
            recording = self._gathered(args, flat, indices, log, out, order)
            if isinstance(recording, str):
                self._by_value[key] = recording
                warnings.warn(f"autograd.compile: the integer arguments are recorded one value at a time: "
                              f"{recording}", RuntimeWarning, stacklevel=3)
                self._record(out, flat, key + (tuple(indices),), order)
            else:
                self.stats["recordings"] += 1
                remember(self.recordings, key, recording)
        finally:
            if collecting:
                gc.enable()
        return out.data

    def _gathered(self, args: tuple, flat: list[Value], indices: list[int], log: IndexLog, out: Value,
                  order: list[Value]) -> GatheredRecording | str:
        """A second run with other values tells which edges the integers pick (`gathers`); the
        recording is kept only if it replays the first run (``out``, ``order``) exactly."""
        if log.by_value or not log.events:
            return "they are used otherwise than as list indices (arithmetic, comparisons, range(), …)"
        if self.exact and any(isinstance(t[v], Value) and t[v].edges for _, t, v in log.events):
            return ("an integer picks a Value the function computed (such as probs[target]): the plain engine "
                    "then adds gradients in an order that depends on the value; compile(fn, exact=False) "
                    "replays one recording for every value")
        probe = probe_values(indices, log.events)
        if probe is None:
            return "the lists they index are too short to tell the picks apart"
        second = IndexLog()
        try:
            other = self.fn(*traced(args, probe, second))
        except Exception as error:  # noqa: BLE001 (any error: the values then matter to the function)
            return f"the function fails with other values ({type(error).__name__})"
        if second.by_value or [(k, len(t)) for k, t, _ in second.events] != [(k, len(t)) for k, t, _ in log.events]:
            return "other values take the function another way"
        gathers = gathered(topological_order(other), second.events)
        if isinstance(gathers, str):
            return gathers
        recording = GatheredRecording(other, flat, gathers, self.argument_grads, self.exact)
        if recording.reason:
            return recording.reason
        try:
            value = recording.run(flat) if recording.select(indices) else None
        except (ArithmeticError, ValueError):
            value = None
        leaves = [node for node in order if not node.edges]
        if value is None or recording.difference(value, out.data, order, leaves, flat, self.argument_grads):
            return "a replay for other values did not reproduce the plain engine"
        return recording

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
        collecting = gc.isenabled()
        gc.disable()  # as while recording: the plain run makes many objects and frees none
        try:
            out, order = self._run(args)
        finally:
            if collecting:
                gc.enable()
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
        found = recording.difference(value, out.data, order, leaves, flat, self.argument_grads)
        if not found:
            return out.data
        raise ReplayMismatch(f"compile: call {self.stats['calls']}: {found}: {_mismatch_advice()}")

    def graph(self) -> Value:
        """The ordinary graph of the last call, for drawing and stepping through.

        After a replay its nodes are new Values holding that call's values, local derivatives
        and gradients (its leaves are copies, with their labels, of the data of that call).
        """
        if self._last is None:
            raise RuntimeError("compile: graph() needs one call of the step first")
        last, flat, *args = self._last
        if isinstance(last, GatheredRecording):  # the plain engine, which gives the same numbers
            out, _ = self._run(args[0])
            return out
        return last if isinstance(last, Value) else last.rebuild(flat)

    def reset(self) -> None:
        """Forget every recording: the next call records afresh."""
        self.recordings.clear()
        self._by_value.clear()


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
