"""The one bounded reader: every input file autograd reads whole goes through here.

``read_text(path, limit, what)`` reads at most ``limit + 1`` bytes, so a file over the limit (or
an endless one such as /dev/zero) is refused without being read whole, and decodes them; every
failure is an `InputError` (a `ValueError`) reading ``PATH: reason``, one over the limit an
`InputTooLarge` (a caller whose limit is not in bytes words it in its own unit).
"""

from __future__ import annotations

import os
from typing import BinaryIO

from autograd.util.paths import PathLike

__all__ = ["InputError", "InputTooLarge", "read_text"]


class InputError(ValueError):
    """An input that cannot be read whole: ``PATH: reason`` (``reason`` alone in ``.reason``)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


class InputTooLarge(InputError):
    """An input over its limit (read no further than one byte past it)."""


def read_text(source: PathLike | BinaryIO, limit: int, what: str, encoding: str = "utf-8") -> str:
    """The text of ``source`` (a path, or a binary stream such as ``sys.stdin.buffer``), read
    without ever holding more than ``limit + 1`` bytes; ``what`` names it ("problem set").

    Raises `InputError` with one of three reasons: ``larger than 16 MiB, the most a problem set
    may be`` (an `InputTooLarge`), ``not UTF-8 text (invalid start byte at byte 7)`` or ``cannot read the problem
    set: No such file or directory``. The text is UTF-8; ``encoding="utf-8-sig"`` also drops a
    byte-order mark.
    """
    is_path = isinstance(source, (str, os.PathLike))
    name = os.fspath(source) if is_path else str(getattr(source, "name", f"<{what}>"))
    try:
        if is_path:
            with open(source, "rb") as f:
                raw = f.read(limit + 1)
        else:
            raw = source.read(limit + 1)
    except OSError as error:
        raise InputError(name, f"cannot read the {what}: {error.strerror or error}") from None
    if len(raw) > limit:
        article = "an" if what[:1].lower() in "aeiou" else "a"
        raise InputTooLarge(name, f"larger than {_size(limit)}, the most {article} {what} may be")
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as error:
        raise InputError(name, f"not UTF-8 text ({error.reason} at byte {error.start})") from None


def _size(limit: int) -> str:
    """16777216 → '16 MiB', 2048 → '2 KiB', 10000 → '10,000 bytes'."""
    for unit, scale in (("MiB", 2**20), ("KiB", 2**10)):
        if limit >= scale and limit % scale == 0:
            return f"{limit // scale:,} {unit}"
    return f"{limit:,} bytes"
