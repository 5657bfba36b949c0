"""The one output writer, and the one bounded reader: every file autograd writes, and every
input file it reads whole, goes through here.

Two steps, so that bad input writes nothing and a failure leaves nothing half-written:

1. ``plan_outputs([(path, label), ...])`` (or ``validate_path(path)``) checks every output
   path *before any work*: not empty, not a folder, not a device/pipe/socket, its folder
   exists and is writable, and no file named twice. A bad path raises `OutputError`
   (an `OSError`) reading ``cannot write PATH: reason``.
2. ``write_outputs({path: data, ...})`` (or ``atomic_write(path, data)``) writes each file to
   a temporary file in the target's own folder, flushes and fsyncs it, gives it the mode
   (and, when running as root, the owner) of the file it replaces, and only when *every*
   temporary file is complete renames them over their targets with `os.replace`. On any
   failure, including KeyboardInterrupt, the temporary files are removed and the old files
   are left exactly as they were.

Symbolic links are written *through*: ``save("link.json")`` where link.json → real.json
replaces real.json and leaves the link in place (as `open(path, "w")` would, but atomically).

Limits of the all-or-nothing promise: the renames of one command happen one after another;
renames within a folder do not fail for lack of space, so in practice either all outputs are
replaced or none, but a crash between two renames can leave the first replaced.

Reading: ``read_text(path, limit, what)`` reads at most ``limit + 1`` bytes, so a file over the
limit (or an endless one such as /dev/zero) is refused without being read whole, and decodes
them; every failure is an `InputError` (a `ValueError`) reading ``PATH: reason``, one over the
limit an `InputTooLarge` (a caller whose limit is not in bytes words it in its own unit).
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import BinaryIO

__all__ = ["OutputError", "validate_path", "plan_outputs", "write_outputs", "atomic_write", "write_tree",
           "InputError", "InputTooLarge", "read_text"]

PathLike = str | os.PathLike


class OutputError(OSError):
    """An output path that cannot be written: ``cannot write PATH: reason``."""

    def __init__(self, path: PathLike, reason: str) -> None:
        super().__init__(f"cannot write {os.fspath(path) or repr('')}: {reason}")
        self.path, self.reason = os.fspath(path), reason

    def __str__(self) -> str:  # OSError's own str() would add "[Errno ...]" noise
        return self.args[0]


def _target(path: PathLike) -> Path:
    """The file that will really be replaced: a symbolic link's final target, else the path."""
    return Path(os.path.realpath(os.fspath(path)))


def validate_path(path: PathLike, label: str = "") -> Path:
    """Check that ``path`` can be written, without writing anything; return the real target.

    Raises `OutputError` for: an empty path, a folder (or a path ending in /), something that is not a regular file
    (a device node, a FIFO, a socket), a missing or non-folder parent, or a folder this process
    may not write into. ``label`` (e.g. "--svg") is added to the message.
    """
    text = os.fspath(path)
    where = f" ({label})" if label else ""
    if not isinstance(text, str) or not text.strip():
        raise OutputError(text, f"the path is empty{where}")
    if text.endswith(tuple(sep for sep in (os.sep, os.altsep) if sep)):  # realpath would drop the '/'
        raise OutputError(text, f"it names a folder (the path ends with {text[-1]}){where}")
    target = _target(text)
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
    return target


def plan_outputs(outputs: Iterable[tuple[PathLike | None, str]],
                 inputs: Iterable[tuple[PathLike, str]] = ()) -> list[Path]:
    """Validate every (path, label) of one command before any work; ``None`` paths are skipped.

    Also refuses the same file twice (``--svg X --html X``, or through a link), which would
    otherwise be written twice with the second output winning, and an output that is one of
    the command's ``inputs`` (path, what it is), which would destroy it (``grade SET A.csv
    --csv A.csv``). Returns the paths as given.
    """
    read = {_target(path): what for path, what in inputs}
    seen: dict[Path, str] = {}
    planned = []
    for path, label in outputs:
        if path is None:
            continue
        target = validate_path(path, label)
        if target in read:
            raise OutputError(path, f"it is the {read[target]} this command reads ({label})")
        if target in seen:
            raise OutputError(path, f"the same file is given twice ({seen[target]} and {label})")
        seen[target] = label
        planned.append(Path(path))
    return planned


def write_outputs(outputs: Mapping[PathLike, bytes | str] | Iterable[tuple[PathLike, bytes | str]]) -> None:
    """Write all outputs of one command atomically: all temporary files first, then the renames.

    ``str`` data is written as UTF-8. Raises `OutputError` naming the path on failure, after
    removing every temporary file; existing files are then unchanged.
    """
    items = list(outputs.items() if isinstance(outputs, Mapping) else outputs)
    targets = [validate_path(path) for path, _ in items]
    if len(set(targets)) < len(targets):
        raise OutputError(items[0][0], "the same file is given twice")
    written: list[tuple[str, Path]] = []  # temporary files not yet renamed over their target
    current = items[0][0] if items else ""
    try:
        for (path, data), target in zip(items, targets):
            current = path
            written.append((_write_temporary(path, target, data), target))
        for path, _ in items:
            current = path
            temporary, target = written[0]
            os.replace(temporary, target)
            written.pop(0)
            _sync_folder(target.parent)
    except OutputError:
        raise
    except OSError as error:
        raise OutputError(current, error.strerror or str(error)) from None
    finally:
        for temporary, _ in written:
            _remove(temporary)


def atomic_write(path: PathLike, data: bytes | str) -> Path:
    """Write one file atomically (see `write_outputs`); returns the path."""
    write_outputs([(path, data)])
    return Path(path)


# ------------------------------------------------------------------ reading


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


# ------------------------------------------------------------------ helpers


def _write_temporary(path: PathLike, target: Path, data: bytes | str) -> str:
    """A complete, fsynced copy of ``data`` beside ``target``, with the target's mode and owner."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            _copy_metadata(fd, target)
            os.fsync(fd)  # data and mode on disk before the rename makes them visible
        finally:
            os.close(fd)
    except BaseException as error:
        _remove(temporary)
        if isinstance(error, OSError) and not isinstance(error, OutputError):
            raise OutputError(path, error.strerror or str(error)) from None
        raise
    return temporary


def _copy_metadata(fd: int, target: Path) -> None:
    """An existing target's mode (and owner, as root); a new file gets 0666 minus the umask
    (mkstemp's 0600 would silently make outputs private)."""
    try:
        info = os.stat(target)
    except FileNotFoundError:
        os.fchmod(fd, 0o666 & ~_umask())
        return
    os.fchmod(fd, stat.S_IMODE(info.st_mode))
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.fchown(fd, info.st_uid, info.st_gid)


def _umask() -> int:
    """This process's umask, read without changing it where Linux allows (thread-safe)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _sync_folder(folder: Path) -> None:
    """fsync the folder so the rename itself survives a power cut (best effort)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.EBADF, errno.EROFS):
            raise
    finally:
        os.close(fd)


def _remove(temporary: str) -> None:
    try:
        os.unlink(temporary)
    except FileNotFoundError:
        pass


# ------------------------------------------------------------------ a folder of files


def write_tree(folder: PathLike, files: Iterable[tuple[str, bytes | str]], label: str = "") -> list[Path]:
    """Write ``files`` (paths relative to ``folder``, '/' between parts) all or nothing, creating
    ``folder`` (its parent must exist) and any missing subfolder; returns the paths written.

    Each missing folder (the outermost one on a file's way) is built whole in a temporary sibling
    ``.NAME.XXXX.tmp`` and renamed into place once every file is complete, so it appears with its
    contents or not at all; files in folders that exist are written as `write_outputs` writes
    them. The renames come last; on any failure every temporary is removed, and so are the folders
    this call already renamed into place (nothing else was in them).
    """
    root, where = Path(folder), f" ({label})" if label else ""
    items = [(_tree_parts(name, root, where), data) for name, data in files]
    _tree_check(root, where)
    fresh = not root.exists()
    staged: dict[Path, str] = {}  # a missing folder (relative; "." for the root) → its stand-in
    direct, temporaries, placed = [], [], []
    try:
        for parts, data in items:
            top = Path(".") if fresh else _first_missing(root, parts)
            if top is None:
                direct.append((root.joinpath(*parts), data))
                continue
            if top not in staged:
                place = _target(root / top)
                staged[top] = tempfile.mkdtemp(dir=place.parent, prefix=f".{place.name}.", suffix=".tmp")
            _tree_file(Path(staged[top]).joinpath(*parts[len(top.parts):]), data, root.joinpath(*parts))
        for path, data in direct:
            temporaries.append((_write_temporary(path, validate_path(path, label), data), path))
        for top, temporary in staged.items():
            os.chmod(temporary, 0o777 & ~_umask())  # mkdtemp's 0700 would make the folder private
            os.rename(temporary, _target(root / top))  # refused if it appeared meanwhile: never merged
            placed.append(_target(root / top))
        while temporaries:
            os.replace(temporaries[0][0], _target(temporaries[0][1]))
            temporaries.pop(0)
        _sync_folder(_target(root).parent if fresh else _target(root))
    except BaseException as error:
        for path in [*placed, *staged.values()]:
            shutil.rmtree(path, ignore_errors=True)
        for temporary, _ in temporaries:
            _remove(temporary)
        if isinstance(error, OSError) and not isinstance(error, OutputError):
            raise OutputError(root, f"{error.strerror or error}{where}") from None
        raise
    return [root.joinpath(*parts) for parts, _ in items]


def _tree_parts(name: str, root: Path, where: str) -> tuple[str, ...]:
    """A file's place under the folder, refused when it could leave it ('../x', '/x', 'a//b')."""
    parts = tuple(name.split("/"))
    if any(p in ("", ".", "..") or os.sep in p or (os.altsep or os.sep) in p for p in parts):
        raise OutputError(root / name, f"not a plain path inside {root}{where}")
    return parts


def _tree_check(root: Path, where: str) -> None:
    if not os.fspath(root).strip():
        raise OutputError(os.fspath(root), f"the path is empty{where}")
    if root.exists() and not root.is_dir():
        raise OutputError(root, f"it is not a folder{where}")
    folder = _target(root) if root.exists() else _target(root).parent
    if not folder.is_dir():
        raise OutputError(root, f"the folder {folder} does not exist{where}")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(root, f"the folder {folder} is not writable{where}")


def _first_missing(root: Path, parts: tuple[str, ...]) -> Path | None:
    """The outermost folder on the way to a file that does not exist yet (relative), or None."""
    for k in range(1, len(parts)):
        path = root.joinpath(*parts[:k])
        if not path.is_dir():
            if path.exists():
                raise OutputError(path, "it is not a folder")
            return Path(*parts[:k])
    return None


def _tree_file(path: Path, data: bytes | str, shown: Path) -> None:
    """One file inside a temporary folder nobody sees yet: complete and fsynced."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "xb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
    except OSError as error:
        raise OutputError(shown, error.strerror or str(error)) from None
