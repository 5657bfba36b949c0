"""The one output writer, and the one bounded reader: every file autograd writes, and every
input file it reads whole, goes through here.

Two steps, so that bad input writes nothing and a failure leaves nothing half-written:

1. ``plan_outputs([(path, label), ...])`` (or ``validate_path(path)``) checks every output
   path *before any work*: not empty, not a folder, not a device/pipe/socket, its folder
   exists and is writable, and no file named twice. A bad path raises `OutputError`
   (an `OSError`) reading ``cannot write PATH: reason``.
   It also refuses what the shell's ``echo x > PATH`` would refuse: an existing file this user
   may not write (a read-only file, for anyone but root), one that a shared folder's sticky bit
   protects, and a file name longer than the folder allows (checked here, before any work,
   not when the output is ready).
2. ``write_outputs({path: data, ...})`` (or ``atomic_write(path, data)``) writes each file to
   a temporary file in the target's own folder, flushes and fsyncs it, gives it the mode
   (and, when running as root, the owner) of the file it replaces, and only when *every*
   temporary file is complete renames them over their targets with `os.replace`. On any
   failure, including KeyboardInterrupt, the temporary files are removed and the old files
   are left exactly as they were.

No temporary file outlives the command, whatever signal ends it. Where Linux allows
(``O_TMPFILE``), the temporary file has no name while it is written, so even SIGKILL or a power
cut leaves nothing; it is given a name only to be renamed at once, and those two steps (like
creating a named temporary file and recording it for removal, elsewhere) run with the
asynchronous signals held back, so a signal is acted on before or after them, never between.
Elsewhere a signal whose default action ends the process (SIGHUP, SIGUSR1) while the data is
written can leave a named temporary file; the command line turns SIGTERM and SIGHUP into an
interruption, which removes it.

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

import contextlib
import errno
import os
import secrets
import signal
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import BinaryIO

__all__ = ["OutputError", "validate_path", "plan_outputs", "write_outputs", "atomic_write",
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
    target = _target(text)
    _check_name_length(text, target, where)
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


def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        return 255


def _check_name_length(text: str, target: Path, where: str) -> None:
    """A name the folder cannot hold is refused now, not after the work is done."""
    size, most = len(os.fsencode(target.name)), _name_max(target.parent)
    if size > most:
        raise OutputError(text, f"the file name is {size:,} bytes long, the most this folder allows is {most}{where}")
    size = len(os.fsencode(str(target)))
    if size >= 4096:  # PATH_MAX on Linux, with its closing zero byte
        raise OutputError(text, f"the path is {size:,} bytes long, the most a path may be is 4,095{where}")


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
    pending: list[_Temporary] = []  # created (and so registered) but not yet renamed over their target
    current = items[0][0] if items else ""
    try:
        for (path, data), target in zip(items, targets):
            current = path
            with _signals_held():  # created and recorded in one step: no signal between the two
                pending.append(_Temporary(target))
            pending[-1].fill(data)
        while pending:
            current = items[len(items) - len(pending)][0]
            with _signals_held():  # named and renamed in one step: no named temporary file is left
                pending[0].commit()
                done = pending.pop(0)
            _sync_folder(done.target.parent)
    except OutputError:
        raise
    except OSError as error:
        raise OutputError(current, error.strerror or str(error)) from None
    finally:
        for temporary in pending:
            temporary.discard()


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


# Asynchronous signals, held back while a temporary file is created and recorded, or named and
# renamed; the faults a bug can raise (SIGSEGV...) are never held (held, they would kill at once).
_HELD = (signal.valid_signals() - {getattr(signal, name) for name in
         ("SIGSEGV", "SIGBUS", "SIGFPE", "SIGILL", "SIGTRAP", "SIGSYS", "SIGABRT") if hasattr(signal, name)}
         if hasattr(signal, "pthread_sigmask") else set())


@contextlib.contextmanager
def _signals_held():
    """Hold asynchronous signals back (in this thread) for a few system calls; a signal that
    came meanwhile is acted on when they are done."""
    if not _HELD:
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


class _Temporary:
    """A temporary file beside ``target``: nameless (``O_TMPFILE``) where the file system allows,
    else named ``.NAME.RANDOM.tmp`` with the name shortened to fit the folder's limit."""

    def __init__(self, target: Path) -> None:
        self.target, self.name = target, None
        try:
            self.fd = os.open(target.parent, os.O_TMPFILE | os.O_WRONLY | os.O_CLOEXEC, 0o600)
            if not os.path.isdir("/proc/self/fd"):  # nowhere to name it from
                os.close(self.fd)
                raise OSError(errno.EOPNOTSUPP, "no /proc")
        except (AttributeError, OSError) as error:
            if isinstance(error, OSError) and error.errno not in _NO_TMPFILE:
                raise
            self.name = _temporary_name(target)
            self.fd = os.open(self.name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)

    def fill(self, data: bytes | str) -> None:
        """The data, the target's mode and owner, on disk (fsync) before a rename shows them."""
        view = memoryview(data.encode("utf-8") if isinstance(data, str) else data)
        while view:
            view = view[os.write(self.fd, view):]
        _copy_metadata(self.fd, self.target)
        os.fsync(self.fd)

    def commit(self) -> None:
        """Name the file (if it has no name) and rename it over the target."""
        if self.name is None:
            name = _temporary_name(self.target)
            # linkat(AT_SYMLINK_FOLLOW) of /proc/self/fd/N, the way to name an O_TMPFILE file
            # without privileges (a directory fd makes os.link call linkat, not link)
            fds = os.open("/proc/self/fd", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
            try:
                os.link(str(self.fd), name, src_dir_fd=fds, follow_symlinks=True)
            finally:
                os.close(fds)
            self.name = name
        os.replace(self.name, self.target)
        self.name = None
        self.discard()

    def discard(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        if self.name is not None:
            _remove(self.name)
            self.name = None


# What os.open says when the file system (or an old kernel) has no nameless temporary files.
_NO_TMPFILE = {errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT}


def _temporary_name(target: Path) -> str:
    """``.NAME.RANDOM.tmp`` beside the target, NAME shortened so that it fits the folder's limit."""
    room = _name_max(target.parent) - len(".") - len(".12345678.tmp")
    name = target.name
    while len(os.fsencode(name)) > room:
        name = name[:-1]
    return os.fspath(target.parent / f".{name}.{secrets.token_hex(4)}.tmp")


def _copy_metadata(fd: int, target: Path) -> None:
    """An existing target's mode (and owner, as root); a new file gets 0666 minus the umask
    (the temporary file's own 0600 would silently make outputs private)."""
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
