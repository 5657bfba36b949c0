"""Integer arguments while a step records: which list each one indexes.

A compiled step may take integers (a token, a class label, a sample) or lists of them. To
replay one recording for any values (a *gather*), the recording must know, for every integer,
the list it picked from: ``wte[token]`` picks a row of parameters, ``probs[target]`` one of
the probabilities the function computed. While recording, the function gets an `Index` in
place of each integer. Python calls its ``__index__`` when it is used as a list index; there
the list is found by reading the calling instruction (`container`): the expression left of
the ``[`` is re-evaluated from the caller's variables when it is a plain name, attribute (of an
instance's own dict) or constant subscript of a list, tuple or dict — reading only, never
running the user's code. Any other use of an `Index` (arithmetic, a comparison, a hash,
printing, ``range(i)``) or a list that cannot be found marks the values as mattering in
themselves: the step then keeps one recording per value of the integers, as before.
"""

from __future__ import annotations

import dis
import sys
from functools import lru_cache
from types import FrameType

__all__ = ["Index", "IndexLog", "container", "probe_values"]


class IndexLog:
    """What the integers did during one run: ``events`` (element, list, value), one per use as
    a list index, in program order; ``by_value`` when some use depends on the value itself."""

    def __init__(self) -> None:
        self.events: list[tuple[int, list | tuple, int]] = []
        self.by_value = False


class Index:
    """An integer argument while recording (see the module docstring); ``element`` is its place
    among the step's integers."""

    __slots__ = ("value", "element", "log")

    def __init__(self, value: int, element: int, log: IndexLog) -> None:
        self.value, self.element, self.log = value, element, log

    def __index__(self) -> int:
        found = container(sys._getframe(1))
        if found is None:
            self.log.by_value = True
        else:
            self.log.events.append((self.element, found, self.value))
        return self.value

    def _value(self) -> int:
        self.log.by_value = True
        return self.value

    def __int__(self) -> int:
        return self._value()

    def __hash__(self) -> int:
        return hash(self._value())

    def __eq__(self, other: object) -> bool:
        return self._value() == other

    def __lt__(self, other: object) -> bool:
        return self._value() < other

    def __le__(self, other: object) -> bool:
        return self._value() <= other

    def __gt__(self, other: object) -> bool:
        return self._value() > other

    def __ge__(self, other: object) -> bool:
        return self._value() >= other

    def __bool__(self) -> bool:
        return bool(self._value())

    def __repr__(self) -> str:
        return repr(self._value())

    def __float__(self) -> float:
        return float(self._value())

    def __getattr__(self, name: str):  # ``i.bit_length()``, ``i.real``: the int's, by value
        return getattr(self._value(), name)


def _arithmetic(name: str):
    def method(self: Index, *other):
        return getattr(self._value(), name)(*other)
    method.__name__ = name
    return method


for _name in ("add", "radd", "sub", "rsub", "mul", "rmul", "floordiv", "rfloordiv", "mod", "rmod", "truediv",
              "rtruediv", "pow", "rpow", "neg", "pos", "abs", "and", "rand", "or", "ror", "xor", "rxor", "lshift",
              "rshift", "invert", "format", "round"):
    setattr(Index, f"__{_name}__", _arithmetic(f"__{_name}__"))

# Instructions a subscript's operands may be made of: name -> (values popped, values pushed).
_LOADS = {"LOAD_FAST", "LOAD_CONST", "LOAD_DEREF", "LOAD_CLOSURE", "LOAD_NAME", "LOAD_GLOBAL"}
_EFFECTS = {"LOAD_ATTR": (1, 1), "BINARY_OP": (2, 1), "BINARY_SUBSCR": (2, 1), "COMPARE_OP": (2, 1),
            "UNARY_NEGATIVE": (1, 1), "UNARY_POSITIVE": (1, 1), "UNARY_INVERT": (1, 1), "UNARY_NOT": (1, 1),
            "PUSH_NULL": (0, 1), "PRECALL": (0, 0), "KW_NAMES": (0, 0), "EXTENDED_ARG": (0, 0),
            "LOAD_METHOD": (1, 2), "NOP": (0, 0), "RESUME": (0, 0)}


def _effect(ins: dis.Instruction) -> tuple[int, int] | None:
    if ins.opname in _LOADS:
        return 0, 1 + (ins.opname == "LOAD_GLOBAL" and ins.arg & 1)
    if ins.opname == "CALL":
        return ins.arg + 2, 1
    if ins.opname in ("BUILD_TUPLE", "BUILD_LIST"):
        return ins.arg, 1
    return _EFFECTS.get(ins.opname)


@lru_cache(maxsize=4096)
def _operand(code, offset: int) -> tuple | None:
    """The instructions that push the object subscripted by the BINARY_SUBSCR at ``offset``,
    or None when they are not a plain chain of names, attributes and constant subscripts."""
    instructions = list(dis.get_instructions(code))
    at = next((i for i, ins in enumerate(instructions) if ins.offset == offset), None)
    if at is None or instructions[at].opname != "BINARY_SUBSCR":
        return None
    start = at
    for _ in range(2):  # skip the index's instructions, then find the list's first
        need, end = 1, start
        while need > 0:
            start -= 1
            if start < 0:
                return None
            effect = _effect(instructions[start])
            if effect is None or instructions[start].is_jump_target:
                return None
            need += effect[0] - effect[1]
        if need != 0:
            return None
    chain = tuple(instructions[start:end])
    allowed = _LOADS | {"LOAD_ATTR", "BINARY_SUBSCR", "EXTENDED_ARG"}
    if any(ins.opname not in allowed or (ins.opname == "LOAD_GLOBAL" and ins.arg & 1) for ins in chain):
        return None
    return chain


def container(frame: FrameType) -> list | tuple | None:
    """The list or tuple that the instruction running in ``frame`` subscripts, or None."""
    chain = _operand(frame.f_code, frame.f_lasti)
    if chain is None:
        return None
    stack: list = []
    scope = frame.f_locals
    try:
        for ins in chain:
            name = ins.opname
            if name == "LOAD_CONST":
                stack.append(ins.argval)
            elif name in ("LOAD_FAST", "LOAD_DEREF", "LOAD_CLOSURE"):
                stack.append(scope[ins.argval])
            elif name in ("LOAD_GLOBAL", "LOAD_NAME"):
                found = scope.get(ins.argval, frame.f_globals.get(ins.argval, _MISSING))
                stack.append(frame.f_builtins[ins.argval] if found is _MISSING else found)
            elif name == "LOAD_ATTR":  # only what an instance keeps in its own dict: no code runs
                stack.append(vars(stack.pop())[ins.argval])
            elif name == "BINARY_SUBSCR":
                key = stack.pop()
                obj = stack.pop()
                if type(obj) not in (list, tuple, dict) or type(key) not in (int, str):
                    return None
                stack.append(obj[key])
    except (KeyError, TypeError, IndexError):
        return None
    found = stack[-1] if len(stack) == 1 else None
    return found if type(found) in (list, tuple) else None


_MISSING = object()


def probe_values(values: list[int], events: list) -> list[int] | None:
    """Other values for the integers, for a second run that tells the picks apart: each one
    differs from its own value, and integers that index the same list get different values
    (so that no two pick the same element). None when the lists are too short for that."""
    limit: dict[int, int] = {}
    tables: dict[int, list] = {}
    for element, table, _ in events:
        limit[element] = min(limit.get(element, len(table)), len(table))
        tables.setdefault(element, []).append(table)
    taken: dict[int, set[int]] = {}
    probe = list(values)
    for element in sorted(limit):
        v = values[element]
        own = {v + len(t) if v < 0 else v for t in tables[element]}
        used = set().union(own, *(taken.get(id(t), ()) for t in tables[element]))
        free = next((u for u in range(limit[element]) if u not in used), None)
        if free is None:
            return None
        probe[element] = free
        for t in tables[element]:
            taken.setdefault(id(t), set()).add(free)
    return probe
