"""Pictures and pages read gradients computed once: one topological sort and one backward pass
per call of draw_steps, stepper_html or page_model, and none when the caller hands both in."""

import sys

import pytest

from autograd.core import graph
from autograd.lang import parse
from autograd.viz import draw, draw_steps, page_model, stepper_html


@pytest.fixture
def counts(monkeypatch):
    """How many times the graph is sorted and swept backward (every module's reference to the
    sort is counted, however it was imported)."""
    counted = {"sorts": 0, "backward passes": 0}
    sort, sweep = graph.topological_order, graph.sweep_into_nodes

    def counting_sort(root):
        counted["sorts"] += 1
        return sort(root)

    def counting_sweep(order, accumulate):
        counted["backward passes"] += 1
        return sweep(order, accumulate)

    for name, module in list(sys.modules.items()):
        if name.startswith("autograd") and getattr(module, "topological_order", None) is sort:
            monkeypatch.setattr(module, "topological_order", counting_sort)
    monkeypatch.setattr(graph, "sweep_into_nodes", counting_sweep)
    return counted


def evaluation():
    return parse("d = x - y; e = d * d; f = e / (x + 10) + 2**x - x**y").evaluate({"x": 1.5, "y": 0.5})


def test_draw_steps_sorts_once_and_runs_one_backward_pass(counts):
    ev = evaluation()
    steps = draw_steps(ev.root, constants=ev.constants)
    assert len(steps) > 5
    assert counts == {"sorts": 1, "backward passes": 1}


def test_draw_steps_with_the_order_given_does_not_sort(counts):
    ev = evaluation()
    order = ev.order
    counts["sorts"] = 0
    draw_steps(ev.root, constants=ev.constants, order=order)
    assert counts == {"sorts": 0, "backward passes": 1}


def test_stepper_sorts_once_and_runs_one_backward_pass(counts):
    ev = evaluation()
    stepper_html(ev.root, constants=ev.constants)
    assert counts == {"sorts": 1, "backward passes": 1}


def test_with_order_and_gradients_given_nothing_is_computed_again(counts):
    ev = evaluation()
    order, grads = ev.order, ev.gradients  # the command's one sort and one backward pass
    assert counts == {"sorts": 1, "backward passes": 1}
    given = page_model(ev.root, constants=ev.constants, order=order, grads=grads)
    stepper_html(ev.root, constants=ev.constants, order=order, grads=grads)
    draw(ev.root, constants=ev.constants, order=order)
    assert counts == {"sorts": 1, "backward passes": 1}
    assert given == page_model(ev.root, constants=ev.constants)  # the same page as computing them here


def test_an_order_of_another_graph_is_refused():
    ev, other = evaluation(), parse("x * y").evaluate({"x": 1.0, "y": 2.0})
    with pytest.raises(ValueError, match="order must be the topological order"):
        draw(ev.root, order=other.order)
    with pytest.raises(ValueError, match="order must be the topological order"):
        page_model(ev.root, order=other.order)
