"""What the tests share: the command-line runner, a check that no test leaves files behind, and
which tests must share one process when `make test` runs the suite in parallel (pytest-xdist).

Derivatives are checked against the package's own central differences,
`autograd.checking.numerical_grads` (one definition, also what `gradcheck` uses).
"""

from __future__ import annotations

import functools
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


# `make test` runs the suite in two pytest-xdist workers. A module's tests run in one worker, in
# file order, when they share state: the site's tests one build (two builds at once would run two
# `npm ci`, each emptying the other's build/site-cache/node_modules), the explorer's browser tests
# one page (each starts from the state the one before left). So do the tests of a module that
# launches chromium (tests/chromium_browser.py), to launch it once.
SHARED_STATE = ("test_site.py", "test_explore.py")


def _reports(config: pytest.Config) -> bool:
    """True in the process that reports the run: pytest alone, or xdist's controller, not a worker."""
    return not hasattr(config, "workerinput")


@functools.cache
def _whole(module: str) -> bool:
    path = ROOT / module
    if path.name in SHARED_STATE:
        return True
    try:
        return "chromium_browser import launch" in path.read_text(encoding="utf-8")
    except OSError:
        return False


def unit_of_work(nodeid: str) -> str:
    """What xdist hands a worker at once: a whole module (see SHARED_STATE), or one test."""
    module = nodeid.split("::", 1)[0]
    return module if _whole(module) else nodeid


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hook (the dev extra installs it)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """xdist's `load` schedule (`-n 2` alone) with the modules above kept whole. (Not
    `--dist loadgroup`: with pytest 9.2 it ignores its xdist_group marks, pytest-xdist issue 1386.)"""
    if config.getvalue("dist") != "load":
        return None  # another --dist asked for by name
    from xdist.scheduler import LoadScopeScheduling

    class Scheduling(LoadScopeScheduling):  # larger units first, then the tests in file order
        def _split_scope(self, nodeid: str) -> str:
            return unit_of_work(nodeid)

    return Scheduling(config, log)


def pytest_sessionstart(session: pytest.Session) -> None:
    if _reports(session.config):  # a worker's snapshot could catch another worker's files mid-test
        session.config._untracked_before = _untracked()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run when the tests (or the notebooks they run) left new files in the working tree
    (checked once, by the process that reports: after every worker has finished)."""
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
            reporter.ensure_newline()  # after a line of progress dots
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
