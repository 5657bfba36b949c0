"""The command line's modules read in one pass: one module per command, each under 400 lines,
every function under 60."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "autograd"
MODULES = sorted((ROOT / "apps" / "cli").glob("*.py")) + [
    ROOT / "apps" / "worked.py", ROOT / "explain" / "report.py", ROOT / "util" / "validate.py"]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_module_and_function_sizes(path):
    source = path.read_text(encoding="utf-8")
    assert len(source.splitlines()) < 400
    long = [node.name for node in ast.walk(ast.parse(source))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno + 1 >= 60]
    assert long == []


def test_one_module_per_command():
    from autograd.apps.cli import build_parser
    from autograd.apps.cli.parser import COMMANDS

    commands = {name for name in build_parser().format_help().split("commands:")[1].split() if name.isalpha()}
    modules = {module.__name__.rsplit(".", 1)[1] for module in COMMANDS}
    assert modules == {"walkthrough", "grad", "check", "train", "evaluate", "predict", "models", "explore", "course",
                       "site"}
    assert {"walkthrough", "grad", "check", "train", "explore", "sheet", "key", "grade"} <= commands
