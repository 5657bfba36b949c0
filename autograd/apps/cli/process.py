"""The `autograd` process: parse the command line, run the command, and turn what goes wrong
into an exit status.

Bad input of any kind prints one ``error: ...`` line on stderr and exits with status 2,
without a traceback and without writing any file. A closed pipe (`autograd ... | head`) is no
error of ours (141); Ctrl-C, a plain `kill` (SIGTERM) and a closed terminal (SIGHUP) end the
command as an interruption (130), so that the writer's cleanup runs.
"""

from __future__ import annotations

import errno
import os
import signal
import sys
import threading
from collections.abc import Sequence

from autograd.apps.cli.options import UsageError, programs_may_start_with_minus
from autograd.apps.cli.parser import build_parser
from autograd.lang import ExprError
from autograd.util import files
from autograd.util.files import OutputError

EXIT_BAD_INPUT = 2

# The project's own bad-input errors become one `error:` line and exit status 2; anything else
# escaping a command is a bug and keeps its traceback. ZeroDivisionError and OverflowError: a
# program's arithmetic at the given numbers; OutputError: an output path; MemoryError: a request
# past what the machine holds (the flags' limits are meant to prevent it).
BAD_INPUT = (UsageError, ExprError, ValueError, ZeroDivisionError, OverflowError, OutputError, MemoryError)
# Errors of modules loaded only by the commands that need them (found without importing them):
# RenderError, a picture Graphviz cannot lay out; MissingDependency, an optional package missing.
LAZY_BAD_INPUT = (("autograd.viz", "RenderError"), ("autograd.ml.data", "MissingDependency"))
_ADDRESS_ERRORS = {errno.EADDRINUSE, errno.EADDRNOTAVAIL}
# The standard output could not be written: a full disk (`autograd ... > /dev/full`), a quota, an
# I/O error, or closed. Reported as an output file's failure is (those carry a path: OutputError).
_STDOUT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EBADF}


def main(argv: Sequence[str] | None = None) -> int:
    """Run `autograd ARGV...` (default: the process's arguments) and return the exit status.

    The termination signals are caught first of all, and an interruption is answered here, around
    everything else: a signal at any moment (while the parser is built, while an error is
    printed) ends the command with ``error: interrupted`` and status 130, never a traceback.
    """
    previous: dict = {}
    hook = sys.unraisablehook
    _LOST.clear()
    files.request_stop(False)
    try:
        try:
            _terminate_as_interrupt(previous)
            if sys.stdout is None:  # `autograd ... >&-`: print() would drop the report without a word
                sys.stdout = _ClosedOutput()
            status = _main(argv)
            if _LOST:  # the signal came inside a callback, which only reported it: still an interruption
                raise Terminated
            return status
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            sys.unraisablehook = hook
            files.request_stop(False)
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(programs_may_start_with_minus(argv))
        if not getattr(args, "run", None):
            parser.print_help()
            return EXIT_BAD_INPUT
        status = args.run(args)
        sys.stdout.flush()  # here, not at exit: a full disk is then reported like any failed output
        return status
    except BrokenPipeError:  # `autograd ... | head`: the reader has gone, which is no error of ours
        _silence_stdout()  # so that exit's flush is quiet
        return 141
    except Exception as error:
        if _stdout_failed(error):
            print(f"error: cannot write the standard output: {error.strerror}", file=sys.stderr)
            _silence_stdout()
            return EXIT_BAD_INPUT
        if not _is_bad_input(error):
            raise  # a bug: keep the traceback, so that it is reported and fixed
        print(f"error: {_message(error)}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _is_bad_input(error: Exception) -> bool:
    if isinstance(error, BAD_INPUT):
        return True
    for module, name in LAZY_BAD_INPUT:
        loaded = sys.modules.get(module)
        if loaded is not None and isinstance(error, getattr(loaded, name)):
            return True
    # a file that cannot be read, or a port that cannot be opened, is bad input too
    return isinstance(error, OSError) and (error.filename is not None or error.errno in _ADDRESS_ERRORS)


def _message(error: Exception) -> str:
    if isinstance(error, MemoryError):
        return "out of memory: ask for less (see the limits in the command's --help)"
    return str(error)


class _ClosedOutput:
    """Stands in for a closed standard output (Python makes it None): writing to it fails."""

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "the standard output is closed")

    def flush(self) -> None:
        pass


def _stdout_failed(error: Exception) -> bool:
    return (isinstance(error, OSError) and not isinstance(error, (OutputError, BrokenPipeError))
            and error.filename is None and error.errno in _STDOUT_ERRNOS)


def _silence_stdout() -> None:
    """Point the standard output at /dev/null, so that the interpreter's last flush of what is
    still buffered neither fails again nor prints a second message."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, AttributeError, ValueError):
        pass


# The signals that end a command as an interruption: a plain `kill` (SIGTERM) and a closed
# terminal (SIGHUP). Ctrl-C (SIGINT) is Python's KeyboardInterrupt already.
TERMINATING = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


# Termination signals that landed in a callback and were only reported there (see `main`).
_LOST: list = []


class Terminated(KeyboardInterrupt):
    """A termination signal, handled as an interruption. Its own class because CPython marks a
    plain KeyboardInterrupt that crosses some of its C entry points (during an import, say) as
    unhandled and ends the process by SIGINT at exit, even after the command answered 130."""


def _terminate_as_interrupt(previous: dict) -> None:
    """SIGTERM and SIGHUP end the command as Ctrl-C does, so that the writer's cleanup runs and
    no temporary file is left behind. A signal the caller ignores (`nohup`) stays ignored; the
    handlers replaced are recorded in ``previous`` one by one, so that they are put back even
    when a signal comes while they are being installed."""
    if threading.current_thread() is not threading.main_thread():
        return

    def interrupt(signum, frame):
        raise Terminated

    def report_unless_lost_signal(unraisable) -> None:
        # A signal that lands in a callback (importlib's module-lock `cb`, a __del__) cannot stop the
        # command there: Python reports the exception and goes on. Remember it instead, so that no
        # file is written after it and the command still ends as interrupted, without a traceback.
        if isinstance(unraisable.exc_value, Terminated):
            _LOST.append(unraisable.exc_value)
            files.request_stop()
        else:
            reporter(unraisable)

    reporter = sys.unraisablehook
    sys.unraisablehook = report_unless_lost_signal

    for signum in TERMINATING:
        if signal.getsignal(signum) == signal.SIG_DFL:
            previous[signum] = signal.SIG_DFL
            signal.signal(signum, interrupt)
