"""The one output writer: every file autograd writes goes through here (the path checks are
`autograd.util.paths`; the one bounded reader is `autograd.util.reading`).

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

"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import tempfile
import shutil
import signal
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path

from autograd.util.paths import OutputError, PathLike, name_max, target_of, validate_path

__all__ = ["OutputError", "validate_path", "plan_outputs", "write_outputs", "atomic_write", "write_tree"]


def plan_outputs(outputs: Iterable[tuple[PathLike | None, str]],
                 inputs: Iterable[tuple[PathLike, str]] = ()) -> list[Path]:
    """Validate every (path, label) of one command before any work; ``None`` paths are skipped.

    Also refuses the same file twice (``--svg X --html X``, or through a link), which would
    otherwise be written twice with the second output winning, and an output that is one of
    the command's ``inputs`` (path, what it is), which would destroy it (``grade SET A.csv
    --csv A.csv``). Returns the paths as given.
    """
    read = {target_of(path): what for path, what in inputs}
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


# Set by the command line when a termination signal came where Python could not raise it (inside
# a callback, whose exceptions the interpreter only reports): every write after it refuses to start.
_stop_requested = False


def request_stop(stop: bool = True) -> None:
    """Refuse every later write with KeyboardInterrupt (a termination signal was received);
    ``request_stop(False)`` allows writes again (a new command starts)."""
    global _stop_requested
    _stop_requested = stop


def _refuse_when_stopped() -> None:
    if _stop_requested:
        raise KeyboardInterrupt("a termination signal was received: nothing is written")


def write_outputs(outputs: Mapping[PathLike, bytes | str] | Iterable[tuple[PathLike, bytes | str]]) -> None:
    """Write all outputs of one command atomically: all temporary files first, then the renames.

    ``str`` data is written as UTF-8. Raises `OutputError` naming the path on failure, after
    removing every temporary file; existing files are then unchanged.
    """
    _refuse_when_stopped()
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
    room = name_max(target.parent) - len(".") - len(".12345678.tmp")
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
    _refuse_when_stopped()
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
                place = target_of(root / top)
                with _signals_held():  # made and recorded in one step, as the writer's files are
                    staged[top] = tempfile.mkdtemp(dir=place.parent, prefix=f".{place.name}.", suffix=".tmp")
            _tree_file(Path(staged[top]).joinpath(*parts[len(top.parts):]), data, root.joinpath(*parts))
        for path, data in direct:
            with _signals_held():
                temporaries.append(_Temporary(validate_path(path, label)))
            temporaries[-1].fill(data)
        for top, temporary in staged.items():
            os.chmod(temporary, 0o777 & ~_umask())  # mkdtemp's 0700 would make the folder private
            os.rename(temporary, target_of(root / top))  # refused if it appeared meanwhile: never merged
            placed.append(target_of(root / top))
        while temporaries:
            with _signals_held():
                temporaries[0].commit()
                temporaries.pop(0)
        _sync_folder(target_of(root).parent if fresh else target_of(root))
    except BaseException as error:
        for path in [*placed, *staged.values()]:
            shutil.rmtree(path, ignore_errors=True)
        for temporary in temporaries:
            temporary.discard()
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
    folder = target_of(root) if root.exists() else target_of(root).parent
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
