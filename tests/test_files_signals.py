"""Signals against the writer and the command: no temporary file outlives a command, whatever
signal ends it, and a SIGTERM at any moment of `autograd` is `error: interrupted` (130), never
a traceback."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from autograd.apps.cli import main, process
from autograd.util import files

ROOT = Path(__file__).resolve().parent.parent
GRAD = ["grad", "q = x + y; f = q * z", "--at", "x=-2", "y=5", "z=-4"]

# A child process writes two files with write_outputs, and sends itself SIGNAL right after the
# COUNT-th call of os.STEP (each system call of the writer in turn: creating, writing, mode,
# fsync, closing, naming, renaming). SIGTERM is handled as the command line handles it.
CHILD = textwrap.dedent("""
    import os, signal, sys
    from autograd.util import files
    step, signum, count, folder = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    real, calls = getattr(os, step), []

    def hooked(*args, **kwargs):
        result = real(*args, **kwargs)
        calls.append(step)
        if len(calls) == count:
            os.kill(os.getpid(), signum)
        return result

    setattr(os, step, hooked)
    if signum == signal.SIGTERM:
        def interrupt(s, f):
            raise KeyboardInterrupt
        signal.signal(signal.SIGTERM, interrupt)
    try:
        files.write_outputs({os.path.join(folder, "a.txt"): "new a" * 1000, os.path.join(folder, "b.txt"): "new b"})
    except KeyboardInterrupt:
        sys.exit(130)
""")
STEPS = ["open", "write", "fchmod", "fsync", "close", "link", "replace"]


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name not in ("a.txt", "b.txt"))


# SIGKILL, which nothing can catch or hold back, is sent only while the data is written: a named
# temporary file exists only between naming and renaming, and there the other signals are held.
CASES = [(step, signum, count) for step in STEPS for count in (1, 2)
         for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1, signal.SIGKILL)
         if signum != signal.SIGKILL or step in ("open", "write", "fchmod", "fsync")]


@pytest.mark.parametrize("step, signum, count", CASES)
def test_a_signal_at_any_step_of_a_write_leaves_no_temporary_file(tmp_path, step, signum, count):
    """SIGTERM, SIGHUP, SIGUSR1 right after each system call of the writer (the gap between
    creating a temporary file and recording it for removal left one); SIGKILL, which nothing can
    catch, too: the temporary file has no name until the moment it is renamed."""
    (tmp_path / "a.txt").write_text("old a")
    (tmp_path / "b.txt").write_text("old b")
    done = subprocess.run([sys.executable, "-c", CHILD, step, str(int(signum)), str(count), str(tmp_path)],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert "Traceback" not in done.stderr, done.stderr
    assert leftovers(tmp_path) == []
    a, b = (tmp_path / "a.txt").read_text(), (tmp_path / "b.txt").read_text()
    assert a in ("old a", "new a" * 1000) and b in ("old b", "new b")  # each whole, old or new
    if done.returncode == 0:
        assert (a, b) == ("new a" * 1000, "new b")


def test_the_temporary_file_has_no_name_while_it_is_written(tmp_path, monkeypatch):
    """Linux's O_TMPFILE: while the data is written, the folder shows only the old file."""
    seen = []
    real_fsync = os.fsync

    def looking(fd):
        seen.append(sorted(p.name for p in tmp_path.iterdir()))
        return real_fsync(fd)

    (tmp_path / "a.txt").write_text("old")
    monkeypatch.setattr(os, "fsync", looking)
    files.atomic_write(tmp_path / "a.txt", "new")
    assert seen and seen[0] == ["a.txt"]
    assert (tmp_path / "a.txt").read_text() == "new"


def test_without_nameless_files_the_named_one_is_removed_too(tmp_path, monkeypatch):
    """A file system without O_TMPFILE: a named, shortened temporary file, removed on failure."""
    real_open = os.open

    def no_tmpfile(path, flags, *args, **kwargs):
        if flags & os.O_TMPFILE == os.O_TMPFILE:
            raise OSError(95, "Operation not supported")
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", no_tmpfile)
    target = tmp_path / ("n" * 255)
    files.atomic_write(target, "whole")
    assert target.read_text() == "whole" and sorted(p.name for p in tmp_path.iterdir()) == [target.name]

    def full(fd, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(files.OutputError, match="No space left"):
        files.atomic_write(target, "other")
    assert target.read_text() == "whole" and sorted(p.name for p in tmp_path.iterdir()) == [target.name]


# ---------------------------------------------------------------- SIGTERM and the command


@pytest.mark.parametrize("where", ["build_parser", "parse_args", "run", "error"])
def test_sigterm_at_any_moment_of_the_command_is_an_interruption(where, capsys, monkeypatch):
    """A SIGTERM while the parser was built (outside the handler's reach) ended in a
    KeyboardInterrupt traceback; now every moment is `error: interrupted`, 130."""
    def term():
        os.kill(os.getpid(), signal.SIGTERM)

    if where == "build_parser":
        real = process.build_parser
        monkeypatch.setattr(process, "build_parser", lambda: (term(), real())[1])
    elif where == "parse_args":
        monkeypatch.setattr(process, "programs_may_start_with_minus", lambda argv: (term(), argv)[1])
    elif where == "run":
        signal_while_running(monkeypatch, signal.SIGTERM)
    else:  # while the error line of bad input is printed
        monkeypatch.setattr(process, "_message", lambda error: (term(), str(error))[1])
    argv = GRAD + ["--at", "x=oops"] if where == "error" else GRAD
    status = main(argv)
    monkeypatch.undo()  # before anything else prints: the handler is gone now
    assert status == 130
    assert capsys.readouterr().err.endswith("error: interrupted\n")
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def signal_while_running(monkeypatch, signum):
    """`autograd grad` sends itself ``signum`` as it starts its work."""
    from autograd.apps.cli import grad

    real = grad.run
    monkeypatch.setattr(grad, "run", lambda args: (os.kill(os.getpid(), signum), real(args))[1])


def test_a_closed_terminal_is_an_interruption_and_an_ignored_one_stays_ignored(capsys, monkeypatch):
    signal_while_running(monkeypatch, signal.SIGHUP)
    status = main(GRAD)
    monkeypatch.undo()
    assert status == 130
    assert capsys.readouterr().err.endswith("error: interrupted\n")
    assert signal.getsignal(signal.SIGHUP) == signal.SIG_DFL
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as under `nohup`
    try:
        signal_while_running(monkeypatch, signal.SIGHUP)
        status = main(GRAD)
        monkeypatch.undo()
        assert status == 0
        assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, previous)


def test_sigterm_early_in_train_is_never_a_traceback_nor_a_leftover(tmp_path):
    """`autograd train xor --save` killed at moments through its start, its work and its write:
    before the handler exists the process ends silently by the signal (the interpreter is still
    starting), afterwards it is `error: interrupted` with 130; a traceback or a temporary file never."""
    model = tmp_path / "m.json"
    statuses = []
    delays = [0.0, 0.1, 0.2, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.8, 1.0]
    for delay in delays:
        child = subprocess.Popen([sys.executable, "-m", "autograd", "train", "xor", "--save", str(model)],
                                 cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        child.send_signal(signal.SIGTERM)
        err = child.communicate(timeout=60)[1]
        statuses.append(child.returncode)
        assert "Traceback" not in err, (delay, err)
        assert child.returncode in (0, 130, -signal.SIGTERM), (delay, child.returncode, err)
        if child.returncode == 130:
            assert err.endswith("error: interrupted\n"), err
        if child.returncode == -signal.SIGTERM:  # before the handler, or after the command was done
            assert all(line.startswith("wrote ") for line in err.splitlines()), err
        if model.exists():
            json.loads(model.read_text())  # whole, never half-written
        assert [p.name for p in tmp_path.iterdir() if p.name != "m.json"] == []
        if delay == delays[-1] and 130 not in statuses and delay < 8:
            delays.append(delay * 1.5)  # a loaded machine starts slowly: later moments too
    assert 130 in statuses  # some of the moments fell after the handler was installed


def test_a_signal_only_reported_by_a_callback_still_interrupts_and_writes_nothing(tmp_path, monkeypatch, capsys):
    """A SIGTERM that lands in a callback (importlib's module-lock `cb`) is only reported by Python,
    which then goes on: the command must still end as interrupted, print no traceback, write nothing."""
    target = tmp_path / "out.txt"

    def command(argv):
        class Report:  # what Python hands sys.unraisablehook for an exception a callback raised
            exc_type, exc_value, exc_traceback, err_msg, object = process.Terminated, process.Terminated(), None, None, None
        sys.unraisablehook(Report())
        files.atomic_write(target, "late")
        return 0

    monkeypatch.setattr(process, "_main", command)
    assert main([]) == 130
    err = capsys.readouterr().err
    assert err == "error: interrupted\n" and not target.exists()
    monkeypatch.undo()
    files.atomic_write(target, "next command")  # the next command writes again
    assert target.read_text() == "next command"
    assert sys.unraisablehook is sys.__unraisablehook__ or "report_unless_lost_signal" not in repr(sys.unraisablehook)
