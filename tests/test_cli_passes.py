"""Gradients are computed once per command: one backward pass per output a command
differentiates (second order: one more per row of the Hessian) and one topological sort per
graph. Every graph walk goes through autograd.core.graph, so counting its calls counts them all
(whatever name a module holds them by)."""

from __future__ import annotations

import sys
from collections import Counter

import pytest

import autograd.core.graph as graph
from autograd.apps.cli import main

SWEEPS = {"sweep_into_nodes": "backward", "reverse_sweep": "backward", "topological_order": "sort"}


@pytest.fixture
def passes(monkeypatch):
    """Counts of backward passes and topological sorts, and the roots that were sorted."""
    import autograd.apps.worked  # noqa: F401  (loaded before patching: they hold the names too)
    import autograd.higher  # noqa: F401

    counts: Counter = Counter()
    sorted_roots: list = []
    wrappers = {}
    for name, kind in SWEEPS.items():
        original = getattr(graph, name)

        def counting(*args, _original=original, _kind=kind, **kwargs):
            counts[_kind] += 1
            if _kind == "sort":
                sorted_roots.append(args[0])
            return _original(*args, **kwargs)

        wrappers[original] = counting
    for module_name, module in list(sys.modules.items()):
        if module_name.split(".")[0] == "autograd" and module is not None:
            for attribute, value in list(vars(module).items()):
                if callable(value) and value in wrappers:
                    monkeypatch.setattr(module, attribute, wrappers[value])
    counts.roots = sorted_roots
    return counts


def run(capsys, *args: str) -> str:
    code = main(list(args))
    out, _ = capsys.readouterr()
    assert code in (0, 1), out
    return out


def test_grad_steps_json_runs_one_pass_and_one_sort(passes, capsys):
    run(capsys, "grad", "h = sigmoid(w*x); L = (h - 1)**2", "--at", "w=0.5", "x=2", "--steps", "--json")
    assert (passes["backward"], passes["sort"]) == (1, 1)


def test_grad_pictures_reuse_the_commands_pass_and_order(passes, capsys, tmp_path):
    pytest.importorskip("graphviz")
    run(capsys, "grad", "f = x*y + sin(x)", "--at", "x=1", "y=2", "--html", str(tmp_path / "a.html"),
        "--svg", str(tmp_path / "a.svg"))
    assert (passes["backward"], passes["sort"]) == (1, 1)


def test_walkthrough_runs_one_pass_and_one_sort_per_step(passes, capsys, tmp_path):
    pytest.importorskip("graphviz")
    run(capsys, "walkthrough", "--html", str(tmp_path / "w.html"), "--svg", str(tmp_path / "w.svg"))
    assert (passes["backward"], passes["sort"]) == (1, 1)
    passes.clear()
    run(capsys, "walkthrough", "--json", "--steps", "3")  # three graphs, one per step
    assert (passes["backward"], passes["sort"]) == (3, 3)


def test_check_runs_one_pass_and_one_sort(passes, capsys):
    run(capsys, "check", "f = x*y", "--at", "x=1", "y=2", "--claim", "dx=2", "f=2", "--json")
    assert (passes["backward"], passes["sort"]) == (1, 1)


def test_check_of_a_wrong_claim_sorts_the_graph_once(passes, capsys):
    run(capsys, "check", "f = x*y", "--at", "x=1", "y=2", "--claim", "dx=3")
    assert passes["sort"] == 1


def test_forward_mode_runs_no_backward_pass(passes, capsys):
    run(capsys, "grad", "f = x*y", "--at", "x=1", "y=2", "--mode", "forward", "--seed", "x=1")
    assert passes["backward"] == 0


@pytest.mark.xfail(strict=True, reason="autograd.higher.command_result sorts the program's graph again and "
                                        "each gradient's graph twice (for the Hessian row, then for its step "
                                        "records), and sweeps by hand: the core helper's move to "
                                        "explain/higher_steps.py")
def test_grad_order_2_steps_runs_one_more_pass_per_row(passes, capsys):
    run(capsys, "grad", "f = x*x*x", "--at", "x=1", "--order", "2", "--steps")
    # one input: the first pass, one more for the Hessian's one row; graphs: f and ∂f/∂x
    assert passes["backward"] == 2
    assert len(passes.roots) == len(set(map(id, passes.roots))) == 2
