"""Gradients are computed once per command: one backward pass per output a command
differentiates (second order: one more per row of the Hessian) and one topological sort per
graph. Every graph walk goes through autograd.core.graph, so counting its calls counts them all
(whatever name a module holds them by)."""

from __future__ import annotations

import sys
from collections import Counter

import pytest

import autograd.core.graph as graph

SWEEPS = {"sweep_into_nodes": "backward", "reverse_sweep": "backward", "topological_order": "sort"}


@pytest.fixture
def passes(monkeypatch):
    """Counts of backward passes and topological sorts, and the roots that were sorted."""
    import autograd.apps.worked  # noqa: F401  (loaded before patching: they hold the names too)
    import autograd.explain.higher_steps  # noqa: F401
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



def test_grad_steps_json_runs_one_pass_and_one_sort(passes, run_cli):
    assert run_cli("grad", "h = sigmoid(w*x); L = (h - 1)**2", "--at", "w=0.5", "x=2", "--steps", "--json")[0] in (0, 1)
    assert (passes["backward"], passes["sort"]) == (1, 1)


def test_grad_pictures_reuse_the_commands_pass_and_order(passes, run_cli, tmp_path):
    pytest.importorskip("graphviz")
    assert run_cli("grad", "f = x*y + sin(x)", "--at", "x=1", "y=2", "--html", str(tmp_path / "a.html"),
                   "--svg", str(tmp_path / "a.svg"))[0] == 0
    assert (passes["backward"], passes["sort"]) == (1, 1)


def test_walkthrough_runs_one_pass_and_one_sort_per_step(passes, run_cli, tmp_path):
    pytest.importorskip("graphviz")
    assert run_cli("walkthrough", "--html", str(tmp_path / "w.html"), "--svg", str(tmp_path / "w.svg"))[0] in (0, 1)
    assert (passes["backward"], passes["sort"]) == (1, 1)
    passes.clear()
    assert run_cli("walkthrough", "--json", "--steps", "3")[0] == 0  # three graphs, one per step
    assert (passes["backward"], passes["sort"]) == (3, 3)


def test_check_runs_one_pass_and_one_sort(passes, run_cli):
    assert run_cli("check", "f = x*y", "--at", "x=1", "y=2", "--claim", "dx=2", "f=2", "--json")[0] in (0, 1)
    assert (passes["backward"], passes["sort"]) == (1, 1)


def test_check_of_a_wrong_claim_sorts_the_graph_once(passes, run_cli):
    assert run_cli("check", "f = x*y", "--at", "x=1", "y=2", "--claim", "dx=3")[0] in (0, 1)
    assert passes["sort"] == 1


def test_forward_mode_runs_no_backward_pass(passes, run_cli):
    assert run_cli("grad", "f = x*y", "--at", "x=1", "y=2", "--mode", "forward", "--seed", "x=1")[0] in (0, 1)
    assert passes["backward"] == 0


def test_grad_order_2_steps_runs_one_more_pass_per_row(passes, run_cli):
    assert run_cli("grad", "f = x*x*x", "--at", "x=1", "--order", "2", "--steps")[0] in (0, 1)
    # one input, so two outputs differentiated, f and ∂f/∂x, one pass each; second order: one more
    # (the sweep that builds ∂f/∂x as Values); graphs sorted: f and ∂f/∂x, once each
    assert passes["backward"] == 3
    assert len(passes.roots) == len(set(map(id, passes.roots))) == 2
