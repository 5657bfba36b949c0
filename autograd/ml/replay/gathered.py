"""A recording whose operands picked by integers are slots (`gathers`): one for every value.

Each call first says what the integers pick (`GatheredRecording.select`); the replay then
reads the picked candidates (`forward.gather_group`) and writes gradients to the leaves the
plain engine would reach: those every call reaches, and the candidates picked.
"""

from __future__ import annotations

import numpy as np

from autograd.core import Value
from autograd.ml.replay.forward import Group, gather_group
from autograd.ml.replay.gathers import Gathers
from autograd.ml.replay.nodes import made_inside, uses_of
from autograd.ml.replay.recording import _GRAD, Recording, _close, _each

__all__ = ["GatheredRecording"]


class GatheredRecording(Recording):
    """`Recording` of a `Gathers` graph (see the module docstring)."""

    def __init__(self, out: Value, flat_args: list[Value], gathers: Gathers, argument_grads: bool = True,
                 exact: bool = True) -> None:
        self.rewired = gathers.rewired
        self._slot_number = {id(slot): n for n, slot in enumerate(gathers.slots)}
        self._order = gathers.order
        self.choice = np.zeros(len(gathers.slots), dtype=np.intp)
        super().__init__(out, flat_args, argument_grads, exact, gathers.order)
        del self._order, self.rewired
        if not self.reason:
            self._picking(gathers)

    def _gather(self, members: list[int], out: np.ndarray, starts: np.ndarray, counts: np.ndarray,
                echild: np.ndarray) -> Group:
        edges = np.concatenate([np.arange(s, s + c) for s, c in zip(starts.tolist(), counts.tolist())])
        offsets = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.intp)
        which = np.array([self._slot_number[id(self._order[i])] for i in members], dtype=np.intp)
        return gather_group(out, self.new[echild[edges]], self.edge_pos[edges], offsets, which, self.choice)

    def _picking(self, gathers: Gathers) -> None:
        """What `select` and `write_grads` read: per slot its integer and its candidates."""
        slots = gathers.slots
        self.slot_element = np.array([s.element for s in slots], dtype=np.intp)
        self.slot_size = np.array([len(s.candidates) for s in slots], dtype=np.intp)
        self.slot_of = {id(leaf): slot for leaf, slot in zip(self.captured, self.captured_idx.tolist())}
        self.fixed = [x for x in self.captured if id(x) not in gathers.chosen]
        self.fixed_idx = np.array([self.slot_of[id(x)] for x in self.fixed], dtype=np.intp)
        self.g_values = [c for s in slots for c in s.candidates]
        self.g_offsets = np.concatenate(([0], np.cumsum(self.slot_size)[:-1])).astype(np.intp)
        self.g_chosen = np.array([id(c) in gathers.chosen for c in self.g_values], dtype=bool)
        self.g_slots = np.array([self.slot_of.get(id(c), -1) for c in self.g_values], dtype=np.intp)

    def select(self, indices: list[int]) -> bool:
        """Pick the candidates for this call's integers; False when one is out of its list's
        range (the plain engine then runs, and raises Python's own IndexError)."""
        try:
            picked = np.array(indices, dtype=np.intp)[self.slot_element]
        except OverflowError:
            return False
        picked = np.where(picked < 0, picked + self.slot_size, picked)
        if ((picked < 0) | (picked >= self.slot_size)).any():
            return False
        self.choice[:] = picked
        return True

    def _picked_leaves(self) -> np.ndarray:
        picked = self.g_offsets + self.choice
        return picked[self.g_chosen[picked]]

    def write_grads(self, flat_args: list[Value], arguments: bool = True) -> None:
        g = self.g
        _each(map(setattr, self.fixed, _GRAD, g[self.fixed_idx].tolist()))
        picked = self._picked_leaves()
        _each(map(setattr, map(self.g_values.__getitem__, picked.tolist()), _GRAD, g[self.g_slots[picked]].tolist()))
        if arguments and self.arg_pos:
            _each(map(setattr, map(flat_args.__getitem__, self.arg_pos), _GRAD, g[self.arg_idx].tolist()))

    def difference(self, value: float, plain: float, order: list[Value], plain_leaves: list[Value],
                   flat_args: list[Value], arguments: bool) -> str:
        """As `Recording.difference`; leaves are compared as sets: the ones every call reaches
        and the candidates picked, against the plain run's (constants made inside aside)."""
        if not self.matches_value(value, plain):
            return f"the replay gave {value!r}, the plain engine {plain!r}"
        passed = {id(x) for x in flat_args}
        unknown = [x for x in plain_leaves if id(x) not in self.slot_of and id(x) not in passed]
        if unknown and not all(made_inside(unknown, uses_of(order, unknown), 3)):  # order, plain_leaves, unknown
            return "the graph reads another leaf (Value) than the recording"
        del unknown
        read = {id(x) for x in plain_leaves if id(x) in self.slot_of}
        written = {id(x) for x in self.fixed} | {id(self.g_values[i]) for i in self._picked_leaves().tolist()}
        if read != written:
            return "the graph reads other leaves (Values) than the recording picks"
        same = (lambda a, b: a == b) if self.exact else _close
        g = self.g
        if not all(same(x.grad, g[self.slot_of[id(x)]]) for x in plain_leaves if id(x) in self.slot_of):
            return "a gradient differs"
        if arguments and not all(same(flat_args[p].grad, grad) for p, grad in zip(self.arg_pos, g[self.arg_idx].tolist())):
            return "a gradient differs"
        return ""

    def rebuild(self, flat_args: list[Value]) -> Value:
        raise NotImplementedError  # `CompiledStep.graph` runs the plain engine instead
