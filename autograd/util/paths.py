"""Output paths checked before any work: what the one writer (`autograd.util.files`) will
replace, and why it would refuse. Nothing here writes.

``validate_path(path)`` refuses, as `OutputError` (an `OSError`) reading ``cannot write PATH:
reason``: an empty path, a folder, a device/pipe/socket, a missing or read-only folder, and
what the shell's ``echo x > PATH`` would refuse: an existing file this user may not write (a
read-only file, for anyone but root), one that a shared folder's sticky bit protects, and a
file name longer than the folder allows.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["OutputError", "PathLike", "validate_path", "target_of", "check_name_length", "name_max"]

PathLike = str | os.PathLike


class OutputError(OSError):
    """An output path that cannot be written: ``cannot write PATH: reason``."""

    def __init__(self, path: PathLike, reason: str) -> None:
        super().__init__(f"cannot write {os.fspath(path) or repr('')}: {reason}")
        self.path, self.reason = os.fspath(path), reason

    def __str__(self) -> str:  # OSError's own str() would add "[Errno ...]" noise
        return self.args[0]


def target_of(path: PathLike) -> Path:
    """The file that will really be replaced: a symbolic link's final target, else the path."""
    return Path(os.path.realpath(os.fspath(path)))


def validate_path(path: PathLike, label: str = "") -> Path:
    """Check that ``path`` can be written, without writing anything; return the real target.

    Raises `OutputError` for: an empty path, a folder (or a path ending in /), something that is not a regular file
    (a device node, a FIFO, a socket), a missing or non-folder parent, a folder this process
    may not write into, an existing file it may not write (or, in a sticky folder, replace), or
    a name longer than the folder allows. ``label`` (e.g. "--svg") is added to the message.
    """
    text = os.fspath(path)
    where = f" ({label})" if label else ""
    if not isinstance(text, str) or not text.strip():
        raise OutputError(text, f"the path is empty{where}")
    if text.endswith(tuple(sep for sep in (os.sep, os.altsep) if sep)):  # realpath would drop the '/'
        raise OutputError(text, f"it names a folder (the path ends with {text[-1]}){where}")
    target = target_of(text)
    check_name_length(text, target, where)
    try:
        info = os.stat(target)
    except (FileNotFoundError, NotADirectoryError):
        info = None  # the folder checks below say why
    except OSError as error:
        raise OutputError(text, f"{error.strerror or error}{where}") from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise OutputError(text, f"it is a folder{where}")
        if not stat.S_ISREG(info.st_mode):
            raise OutputError(text, f"it is not a regular file (a device, pipe or socket){where}")
    folder = target.parent
    if not folder.exists():
        raise OutputError(text, f"the folder {folder} does not exist{where}")
    if not folder.is_dir():
        raise OutputError(text, f"{folder} is not a folder{where}")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(text, f"the folder {folder} is not writable{where}")
    if info is not None:
        _check_replaceable(text, target, info, where)
    return target


def _check_replaceable(text: str, target: Path, info: os.stat_result, where: str) -> None:
    """Refuse an existing file the shell's ``echo x > PATH`` would refuse: one this user may
    not write (root may), and one the folder's sticky bit keeps for its owner (/tmp's files)."""
    if not os.access(target, os.W_OK):
        raise OutputError(text, f"the file is read-only for this user{where}")
    user = os.geteuid() if hasattr(os, "geteuid") else 0
    folder = os.stat(target.parent)
    if user != 0 and folder.st_mode & stat.S_ISVTX and user not in (info.st_uid, folder.st_uid):
        raise OutputError(text, f"the file belongs to another user in a folder with the sticky bit{where}")


def name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        return 255


def check_name_length(text: str, target: Path, where: str) -> None:
    """A name the folder cannot hold is refused now, not after the work is done."""
    size, most = len(os.fsencode(target.name)), name_max(target.parent)
    if size > most:
        raise OutputError(text, f"the file name is {size:,} bytes long, the most this folder allows is {most}{where}")
    size = len(os.fsencode(str(target)))
    if size >= 4096:  # PATH_MAX on Linux, with its closing zero byte
        raise OutputError(text, f"the path is {size:,} bytes long, the most a path may be is 4,095{where}")
