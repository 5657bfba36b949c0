"""A standard-library core: `grad`, `check` and `walkthrough` (text and --json) run without
numpy, graphviz, wasmtime or tqdm, and without the training modules; so does building the
parser. Each runs in a fresh interpreter whose sys.modules is then inspected."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("numpy", "graphviz", "wasmtime", "tqdm", "autograd.ml", "autograd.viz")

PROBE = """
import contextlib, io, json, sys
from autograd.apps.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        status = main(json.loads(sys.argv[1]))
    except SystemExit as done:  # --help
        status = done.code
loaded = sorted(m for m in sys.modules if m in {heavy} or m.startswith(tuple(h + "." for h in {heavy})))
print(json.dumps({{"status": status, "loaded": loaded}}))
""".format(heavy=repr(HEAVY))


def loaded_by(args: list[str]) -> tuple[int, list[str]]:
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    return result["status"], result["loaded"]


@pytest.mark.parametrize("args", [
    ["grad", "h = sigmoid(w*x); L = (h - 1)**2", "--at", "w=0.5", "x=2"],
    ["grad", "f = x*y", "--at", "x=1", "y=2", "--steps", "--json"],
    ["grad", "f = x*x*y", "--at", "x=1", "y=2", "--order", "2", "--steps"],
    ["check", "f = x*y", "--at", "x=1", "y=2", "--claim", "dx=2", "dy=3"],
    ["check", "f = x*y", "--at", "x=1", "y=2", "--claim", "dx=2", "--json"],
    ["walkthrough"],
    ["walkthrough", "--json", "--steps", "2"],
])
def test_the_teaching_commands_need_only_the_standard_library(args):
    status, loaded = loaded_by(args)
    assert status in (0, 1)
    assert loaded == []


def test_train_loads_numpy_only_when_it_runs():
    """Its names (datasets, losses, activations) come from the training modules, read lazily."""
    status, loaded = loaded_by(["train", "--help"])
    assert status == 0 and "numpy" in loaded
