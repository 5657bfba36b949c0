"""A step's arguments: the Values whose data changes between calls, and the shape that picks
their recording (one recording per shape; a short last batch gets its own)."""

from __future__ import annotations

from collections.abc import Sequence

from autograd.core import Value

__all__ = ["arguments", "remember", "MAX_RECORDINGS"]

MAX_RECORDINGS = 16  # shapes of arguments remembered per step (oldest dropped first)

_JUST_VALUES = {Value}


def arguments(args: tuple) -> tuple[list[Value], tuple]:
    """The arguments' Values in order, and the shape that picks their recording.

    An argument is a Value or a (nested) list or tuple of Values; a flat list of Values adds
    one entry ``-1 - len`` to the shape, a nested one its length and then its items'.
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
            if set(map(type, item)) == _JUST_VALUES:
                flat.extend(item)
                shape.append(-1 - len(item))
            else:
                shape.append(len(item))
                _flatten(item, flat, shape)
        else:
            raise TypeError(
                f"compile: a step's arguments must be Values or lists of Values, got {type(item).__name__} "
                f"{item!r} (a plain number would be baked into the recording: use a Value)"
            )


def remember(recordings: dict, key: tuple, recording: object) -> None:
    """Keep ``recording`` under ``key``, dropping the oldest past `MAX_RECORDINGS`."""
    if len(recordings) >= MAX_RECORDINGS:
        recordings.pop(next(iter(recordings)))
    recordings[key] = recording
