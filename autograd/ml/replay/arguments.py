"""A step's arguments: the Values whose data changes between calls, integer indices, and the key
that picks their recording (one recording per shape; a short last batch gets its own).

An integer (a token, a class label) or a list of them chooses *which* nodes the function uses.
The key holds only how many there are: one recording serves every value, the integers read
on each replay as gathers (`gathers`); while recording, the function gets `indices.Index`
objects in their places (`traced`). When that cannot be done, the values join the key: each
choice of indices is recorded once (the `MAX_RECORDINGS` most recent are kept)."""

from __future__ import annotations

from collections.abc import Sequence

from autograd.core import Value
from autograd.ml.replay.indices import Index, IndexLog

__all__ = ["arguments", "traced", "remember", "MAX_RECORDINGS"]

MAX_RECORDINGS = 16  # shapes of arguments remembered per step (oldest dropped first)

_JUST_VALUES = {Value}
_JUST_INTS = {int}


def arguments(args: tuple) -> tuple[list[Value], tuple, list[int]]:
    """The arguments' Values in order, the shape that picks their recording, and the integers.

    An argument is a Value, an integer, or a (nested) list or tuple of them; a flat list of
    Values adds one entry ``-1 - len`` to the shape, a nested one its length and then its items';
    an integer adds ``("index",)``, a flat list of integers ``("indices", len)``.
    """
    flat: list[Value] = []
    shape: list = []
    indices: list[int] = []
    _flatten(args, flat, shape, indices)
    return flat, tuple(shape), indices


def traced(args: tuple, values: list[int], log: IndexLog) -> tuple:
    """``args`` with its integers replaced, in `arguments`' order, by `Index` objects holding
    ``values`` (the same integers, or others of the same count) and reporting to ``log``."""
    count = iter(range(len(values)))

    def swap(item):
        if type(item) is int:
            k = next(count)
            return Index(values[k], k, log)
        if isinstance(item, (list, tuple)) and not isinstance(item, Value):
            return type(item)(map(swap, item)) if type(item) in (list, tuple) else item
        return item

    return tuple(map(swap, args))


def _flatten(args: Sequence, flat: list, shape: list, indices: list) -> None:
    for item in args:
        if type(item) is Value or isinstance(item, Value):
            flat.append(item)
            shape.append(None)
        elif isinstance(item, (list, tuple)):
            kinds = set(map(type, item))
            if kinds == _JUST_VALUES:
                flat.extend(item)
                shape.append(-1 - len(item))
            elif kinds == _JUST_INTS:
                shape.append(("indices", len(item)))
                indices.extend(item)
            else:
                shape.append(len(item))
                _flatten(item, flat, shape, indices)
        elif type(item) is int:
            shape.append(("index",))
            indices.append(item)
        else:
            raise TypeError(
                f"compile: a step's arguments must be Values, integer indices or lists of them, got "
                f"{type(item).__name__} {item!r} (a plain number would be baked into the recording: use a Value)"
            )


def remember(recordings: dict, key: tuple, recording: object) -> object | None:
    """Keep ``recording`` under ``key``, dropping the oldest past `MAX_RECORDINGS` (returned)."""
    dropped = None
    if len(recordings) >= MAX_RECORDINGS:
        dropped = recordings.pop(next(iter(recordings)))
    recordings[key] = recording
    return dropped
