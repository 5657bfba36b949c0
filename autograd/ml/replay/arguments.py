"""A step's arguments: the Values whose data changes between calls, integer indices, and the key
that picks their recording (one recording per shape; a short last batch gets its own).

An integer (a token, a class label) or a list of them chooses *which* nodes the function uses,
so its values are part of the key: each choice of indices is recorded once and replayed when it
comes again (the `MAX_RECORDINGS` most recent are kept)."""

from __future__ import annotations

from collections.abc import Sequence

from autograd.core import Value

__all__ = ["arguments", "remember", "MAX_RECORDINGS"]

MAX_RECORDINGS = 16  # shapes of arguments remembered per step (oldest dropped first)

_JUST_VALUES = {Value}
_JUST_INTS = {int}


def arguments(args: tuple) -> tuple[list[Value], tuple]:
    """The arguments' Values in order, and the shape that picks their recording.

    An argument is a Value, an integer, or a (nested) list or tuple of them; a flat list of
    Values adds one entry ``-1 - len`` to the shape, a nested one its length and then its items';
    an integer or a flat list of integers adds its values.
    """
    flat: list[Value] = []
    shape: list = []
    _flatten(args, flat, shape)
    return flat, tuple(shape)


def _flatten(args: Sequence, flat: list, shape: list) -> None:
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
                shape.append(("indices", tuple(item)))
            else:
                shape.append(len(item))
                _flatten(item, flat, shape)
        elif type(item) is int:
            shape.append(("index", item))
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
