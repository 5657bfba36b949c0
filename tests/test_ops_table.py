"""The table's entries as written: named fields that are checked when an entry is made, LaTeX
that latex2mathml parses with its placeholders in it, flags that agree with the derivative
formulas, and the README's operation table written by `python -m autograd.core.ops`."""

import dataclasses
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from autograd.core import ops
from autograd.core.ops.check import latex_problems

ROOT = Path(__file__).parent.parent


@pytest.mark.parametrize("op", list(ops.OPS.values()), ids=lambda op: op.name)
def test_every_latex_parses_with_its_placeholders(op):
    assert latex_problems(op) == []


@pytest.mark.parametrize("latex, problem", [
    (r"\frac{{a}}{{b}", "unbalanced braces"),
    (r"\max({a}, {b}", ""),  # an unclosed parenthesis is still LaTeX: nothing to find
    (r"\maxx({a}, {b})", r"unknown LaTeX command \maxx"),
    (r"\text{{a}}({b})", "unknown LaTeX command"),  # the argument would print as the word "\alpha"
])
def test_a_broken_latex_is_found(latex, problem):
    broken = dataclasses.replace(ops.OPS["max"], latex=latex)
    problems = latex_problems(broken)
    assert (problem in " ".join(problems)) if problem else problems == []
    assert all(p.startswith("max: ") for p in problems)


@pytest.mark.parametrize("change, message", [
    ({"latex": r"\max({a}, b)"}, "lacks the placeholder {b}"),
    ({"derivatives": ("1",)}, "1 derivatives for 2 argument"),
    ({"differentiable": False, "twice_differentiable": True}, "twice_differentiable but not differentiable"),
    ({"arity": 3}, "arity 3"),
    ({"forward": None}, "forward is None exactly for the fused nodes"),
    ({"doc": ""}, "are all needed"),
    ({"domain": (1.0, 1.0)}, "an empty domain"),
])
def test_an_incomplete_entry_is_refused_when_it_is_made(change, message):
    with pytest.raises(ValueError, match=f"operation 'min': .*{re.escape(message)}"):
        dataclasses.replace(ops.OPS["min"], **change)


def test_entries_take_named_fields_only():
    with pytest.raises(TypeError):
        ops.Op("exp", 1, None, "exp(a)", ("exp(a)",), "exp", "e^{{a}}", "e to the a", True, True)  # noqa


def test_a_twice_differentiable_operation_has_derivatives_without_kinks():
    """Its derivative formulas call only differentiable functions; the converse need not hold."""
    kinked = [op.name for op in ops.OPS.values() if op.function and not op.differentiable]
    for op in ops.OPS.values():
        called = {name for d in op.derivatives for name in re.findall(r"\b([a-z_0-9]+)\(", d)}
        if op.twice_differentiable:
            assert not called & set(kinked), op.name
    assert not ops.OPS["elu"].twice_differentiable and ops.OPS["elu"].differentiable  # slope 1 | 1, curvature 1 | 0
    assert not ops.OPS["relu"].differentiable and not ops.OPS["max"].differentiable


def test_every_domain_holds_its_operation():
    """Just inside each end of its domain (or at ±3 for an open end), every rule gives a finite
    value and finite slopes."""
    for op in ops.OPS.values():
        if op.forward is None:
            continue
        low, high = op.domain
        ends = [low + 1e-6 if math.isfinite(low) else -3.0, high - 1e-6 if math.isfinite(high) else 3.0]
        for a in ends:
            value, locals_ = op.forward(*[a] * op.arity)
            assert all(math.isfinite(x) for x in (value, *locals_)), (op.name, a)


# ---------------------------------------------------------------- the README's table


def run_ops(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "autograd.core.ops", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=60)


def test_the_command_prints_the_block_and_checks_every_latex():
    done = run_ops("--readme")
    assert done.returncode == 0 and done.stdout == ops.readme_block() + "\n"
    assert done.stdout.startswith(ops.readme.START) and done.stdout.rstrip().endswith(ops.readme.END)
    assert run_ops("--check-latex").returncode == 0
    assert run_ops().returncode == 2


def test_the_command_rewrites_only_the_block(tmp_path):
    page = tmp_path / "README.md"
    page.write_text(f"# title\n\n{ops.readme.START}\nold rows\n{ops.readme.END}\n\nafter\n", encoding="utf-8")
    assert run_ops("--write-readme", str(page)).returncode == 0
    assert page.read_text(encoding="utf-8") == f"# title\n\n{ops.readme_block()}\n\nafter\n"
    page.write_text("no markers\n", encoding="utf-8")
    done = run_ops("--write-readme", str(page))
    assert done.returncode == 2 and done.stderr.startswith("error:") and "ops-table:start" in done.stderr
    assert page.read_text(encoding="utf-8") == "no markers\n"


def test_adding_an_operation_documents_every_field():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Adding an operation"):readme.index("## Reference")]
    for field in dataclasses.fields(ops.Op):
        assert f"| `{field.name}` |" in section, field.name
    assert "register(Op(" in section


def test_the_block_shows_each_functions_flags():
    rows = {line.split("`")[1]: line for line in ops.readme_block().splitlines() if line.startswith("| `")}
    assert "| twice |" in rows["tanh(a)"] and "| once |" in rows["elu(a)"] and "| no |" in rows["relu(a)"]
    assert set(rows) == {op.formula for op in ops.OPS.values() if op.function}
