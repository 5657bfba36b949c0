"""What the tests share: the command-line runner, and a check that no test leaves files behind.

Derivatives are checked against the package's own central differences,
`autograd.checking.numerical_grads` (one definition, also what `gradcheck` uses).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from autograd.apps.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def run_cli(capsys):
    """``run_cli(*args)`` runs ``autograd ARGS…`` in this process: (exit status, stdout, stderr).
    ``--help`` (which argparse ends with SystemExit) gives its status too."""

    def run(*args: str) -> tuple[int, str, str]:
        try:
            code = main(list(args))
        except SystemExit as done:
            code = done.code
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def _untracked() -> set[str] | None:
    """Files in the working tree that git neither tracks nor ignores (None outside a checkout)."""
    try:
        done = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT,
                              capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return {line[3:] for line in done.stdout.splitlines() if line.startswith("??")}


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config._untracked_before = _untracked()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run when the tests (or the notebooks they run) left new files in the working tree."""
    before = getattr(session.config, "_untracked_before", None)
    after = _untracked()
    if before is None or after is None:
        return
    left = sorted(after - before)
    if left:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = "tests left files in the working tree (write under tmp_path instead): " + ", ".join(left[:10])
        if reporter is not None:
            reporter.write_line(f"FAILED {message}", red=True)
        else:
            print(message)


@pytest.fixture
def check_json(run_cli):
    """``check_json(program, at, *claims, extra=())``: `autograd check … --json`'s claims, after
    checking that its exit status (0 all right, 1 some wrong) is the one the JSON states."""

    def check(program: str, at: list[str], *claims: str, extra: tuple = ()) -> list[dict]:
        code, out, err = run_cli("check", program, "--at", *at, "--claim", *claims, *extra, "--json")
        assert code in (0, 1), err
        data = json.loads(out)
        assert data["exit_status"] == code
        return data["claims"]

    return check
