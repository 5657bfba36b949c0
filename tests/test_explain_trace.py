"""Step records (`autograd.explain.trace`): pure, and every formula they write evaluates.

`trace` reads gradients handed to it: it never runs a backward pass and never changes a node's
``.grad``. Every ``formula`` and ``local_expr`` of its records, evaluated by the program language
over the nodes' ids, gives back the number printed beside it, and the running totals end at
the gradients it was given. (tests/test_ops.py checks the same of single random expressions;
here: programs of several statements that reuse their names, repeated subexpressions, long
formulas named by id, and fused nodes whose children repeat.)
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import autograd.core.value
import autograd.core.graph
from autograd import Value, linear, sum_values
from autograd.core.graph import reverse_sweep, topological_order
from autograd.explain import Trace, trace
from autograd.lang import FUNCTIONS, ExprError, parse
from formulas import close, evaluate, local_holds  # the records' formulas, evaluated

PROGRAM = "h = sigmoid(w1 * x); yhat = w2 * h + h * h; e = y - yhat; L = 0.5 * e**2 + exp(w1 * x) / (1 + h)"
AT = {"x": 2.0, "w1": 0.5, "w2": -0.3, "y": 0.5}


def _no_backward(*args, **kwargs):
    raise AssertionError("a step record ran a backward sweep")


def _forbid_sweeps(patch: pytest.MonkeyPatch) -> None:
    """Every way of running the chain rule fails (the engine holds its own name for the sweep)."""
    for module in (autograd.core.graph, autograd.core.value):
        if hasattr(module, "sweep_into_nodes"):
            patch.setattr(module, "sweep_into_nodes", _no_backward)
    patch.setattr(autograd.core.graph, "reverse_sweep", _no_backward)
    patch.setattr(autograd.core.graph, "backward_pass", _no_backward)
    patch.setattr(Value, "backward", _no_backward)


@pytest.fixture
def no_sweeps(monkeypatch):
    _forbid_sweeps(monkeypatch)


def test_the_sweep_patch_is_effective(no_sweeps):
    with pytest.raises(AssertionError, match="backward sweep"):
        (Value(2.0) * 3).backward()


@pytest.mark.parametrize("with_order", [True, False])
def test_trace_never_runs_backward_nor_changes_a_grad(with_order, monkeypatch):
    evaluation = parse(PROGRAM).evaluate(AT)
    grads, order = evaluation.gradients, evaluation.order  # the one backward pass, before the patch
    sentinels = {node: 1000.0 + i for i, node in enumerate(order)}
    for node, g in sentinels.items():
        node.grad = g
    with monkeypatch.context() as patch:
        _forbid_sweeps(patch)
        record = trace(evaluation.root, grads, evaluation.constants, order=order if with_order else None)
        record.to_dict(), record.chain_lines(), record.forward_table(), record.backward_table()
    assert {node: node.grad for node in order} == sentinels
    assert record.backward and record.backward[0].grad == 1.0


def test_trace_reads_the_gradients_it_is_given(no_sweeps):
    """Made-up gradients come back in the records: nothing is recomputed."""
    evaluation = parse("q = x * y; f = q + exp(q)").evaluate({"x": 1.5, "y": -0.5})
    made_up = {node: float(i + 2) for i, node in enumerate(evaluation.order)}
    record = trace(evaluation.root, made_up, evaluation.constants)
    for step in record.backward:
        node = evaluation.order[step.index]
        assert step.grad == made_up[node]
        for c in step.contributions:
            assert c.product == c.local * made_up[node]


# ---------------------------------------------------------------- every written formula evaluates




def assert_records_hold(record: Trace, grads: dict, order: list[Value]) -> None:
    """Formulas give their values, local_exprs their locals, totals end at the gradients given,
    and ids are distinct names of the language."""
    values = {step.id: step.value for step in record.forward}
    ids = [step.id for step in record.forward]
    assert len(ids) == len(set(ids))
    for step in record.forward:
        assert re.fullmatch(r"[A-Za-z_][A-Za-z_0-9]*", step.id) and step.id not in FUNCTIONS
        if step.formula:
            assert close(evaluate(step.formula, values), step.value), (step.formula, step.value)
    last_total: dict[int, float] = {}
    for step in record.backward:
        assert step.grad == grads.get(order[step.index], 0.0)
        for c in step.contributions:
            assert local_holds(c.local_expr, values, c.local), (step.node, c.local_expr, c.local)
            assert c.first == (c.child_index not in last_total)
            last_total[c.child_index] = c.total
    for index, total in last_total.items():
        assert total == grads.get(order[index], 0.0), record.forward[index].name


_UNARY = [name for name, arity in FUNCTIONS.items() if arity == 1]


@st.composite
def programs(draw) -> str:
    """Several statements over x and y, each using earlier names (often more than once), with
    subexpressions repeated inside a statement (two nodes with one formula) and long ones."""
    names = ["x", "y"]
    statements = []
    for i in range(draw(st.integers(1, 4))):
        leaves = st.sampled_from(names + names[-1:] * 2 + ["2", "0.5"])

        def extend(inner):
            return st.one_of(
                st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
                st.tuples(st.sampled_from(_UNARY), inner).map(lambda t: f"{t[0]}({t[1]})"),
                st.tuples(st.sampled_from(["max", "min"]), inner, inner).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
                inner.map(lambda e: f"({e})**2"),
            )

        part = draw(st.recursive(leaves, extend, max_leaves=5))
        shape = draw(st.sampled_from(["{p}", "{p} * {p}", "tanh({p}) + {p}", "{p} - sigmoid({p}) * {p}"]))
        name = f"q{i}"
        statements.append(f"{name} = {shape.format(p=part)}")
        names.append(name)
    return "\n".join(statements)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(), st.floats(0.2, 2.0), st.floats(-2.0, -0.2))
def test_records_of_programs_with_repeated_namesevaluate(source, x, y):
    program = parse(source)
    at = {name: value for name, value in {"x": x, "y": y}.items() if name in program.inputs}
    try:
        evaluation = program.evaluate(at)
        grads = evaluation.gradients
    except (ExprError, OverflowError):
        return  # outside a domain, or an overflow: nothing to write
    record = trace(evaluation.root, grads, evaluation.constants, order=evaluation.order)
    assert_records_hold(record, grads, evaluation.order)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_records_of_fused_nodes_with_repeated_childrenevaluate(data):
    pool = [Value(v, label=name) for v, name in [(0.5, "a"), (-1.5, "b"), (2.0, "c")]]
    pick = st.sampled_from(pool)
    n = data.draw(st.integers(1, 3))
    weights = data.draw(st.lists(pick, min_size=n, max_size=n))
    numbers = data.draw(st.booleans())
    inputs = data.draw(st.lists(st.sampled_from([2.0, -3.0, 0.25]) if numbers else pick, min_size=n, max_size=n))
    fused = linear(weights, inputs, data.draw(pick))
    root = sum_values([fused, data.draw(pick), fused * data.draw(pick)])
    root.label = "f"
    order = topological_order(root)
    grads = reverse_sweep(order)
    assert_records_hold(trace(root, grads, order=order), grads, order)


# ---------------------------------------------------------------- printed arithmetic checks (issue 19)

from autograd.explain.tables import shown_product, shown_sum, within_shown  # noqa: E402

_finite = st.floats(-1e6, 1e6, allow_nan=False).filter(lambda v: v == 0 or abs(v) > 1e-6)


@settings(max_examples=300, deadline=None)
@given(_finite, _finite, st.integers(3, 6))
def test_a_shown_product_multiplies_out_to_the_shown_result(a, b, digits):
    """0.5 · 1.1 = 0.5498 was printed: the factors now carry the digits the product needs."""
    c = a * b
    sa, sb, sc = shown_product(a, b, c, digits)
    assert within_shown(float(sa) * float(sb), sc) and within_shown(c, sc)
    assert shown_product(0.5, 1.0996, 0.5 * 1.0996, 4) == ("0.5", "1.0996", "0.5498")


@settings(max_examples=200, deadline=None)
@given(st.lists(_finite, min_size=2, max_size=5), st.integers(3, 6))
def test_a_shown_sum_adds_up_to_the_shown_total(terms, digits):
    total = 0.0
    for t in terms:
        total += t
    shown, result = shown_sum(terms, total, digits)
    running = 0.0
    for t in shown:
        running += float(t)
    assert within_shown(running, result) and within_shown(total, result)
