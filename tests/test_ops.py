"""The operation table: every entry's rule against finite differences, every written formula
evaluated by our own expression language against the number the engine stored, and the places
that must read the table (Value methods, the language's functions, the README) kept in step."""

import math
import re
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograd import Value, no_grad
from autograd.checking import numerical_grads
from formulas import close, evaluate, local_holds  # the records' formulas, evaluated
from autograd.core import ops
from autograd.core.graph import reverse_sweep, topological_order
from autograd.lang import FUNCTIONS, ExprError, parse
from autograd.explain import trace

# Points inside each operation's domain (the table's), away from kinks; domain edges and kinks
# are tested apart.
GENERAL = [-2.3, -0.7, -0.1, 0.35, 1.2, 2.9]
POSITIVE = [0.05, 0.4, 1.0, 2.5, 7.0]
INSIDE = [-0.9, -0.3, 0.2, 0.8]  # of an interval, as fractions of its half-width from the middle


def points(op: ops.Op) -> list[float]:
    """Where the tests evaluate ``op``: spread over its domain, whichever kind of interval it is."""
    low, high = op.domain
    if math.isinf(high):
        return GENERAL if math.isinf(low) else [low + p for p in POSITIVE]
    return [(low + high) / 2 + f * (high - low) / 2 for f in INSIDE]


def _trace(root):
    """Step records of the graph ending at root, from its own reverse sweep."""
    return trace(root, reverse_sweep(topological_order(root)))


UNARY = [op for op in ops.OPS.values() if op.arity == 1]
BINARY = [op for op in ops.OPS.values() if op.arity == 2]



# ---------------------------------------------------------------- the rules themselves


@pytest.mark.parametrize("op", UNARY, ids=lambda op: op.name)
def test_every_unary_rule_matches_central_differences(op):
    for x in points(op):
        value, (local,) = op.forward(x)
        numeric = numerical_grads(lambda t: op.forward(t)[0], [x], floats=True)[0]
        assert local == pytest.approx(numeric, rel=1e-6, abs=1e-8), (op.name, x)


@pytest.mark.parametrize("op", BINARY, ids=lambda op: op.name)
def test_every_binary_rule_matches_central_differences(op):
    for a in points(op):
        for b in points(op)[::2]:
            if a == b:
                continue
            _, (da, db) = op.forward(a, b)
            assert da == pytest.approx(numerical_grads(lambda t: op.forward(t, b)[0], [a], floats=True)[0], rel=1e-6, abs=1e-8)
            assert db == pytest.approx(numerical_grads(lambda t: op.forward(a, t)[0], [b], floats=True)[0], rel=1e-6, abs=1e-8)


def test_conventions_where_there_is_no_derivative():
    assert ops.OPS["relu"].forward(0.0) == (0.0, (0.0,))
    assert ops.OPS["abs"].forward(0.0)[1] == (0.0,)
    assert ops.OPS["step"].forward(0.0) == (0.0, (0.0,))
    assert ops.OPS["leaky_relu"].forward(0.0)[1] == (ops.LEAKY_SLOPE,)
    assert ops.OPS["elu"].forward(0.0)[1] == (1.0,)
    assert ops.OPS["max"].forward(2.0, 2.0)[1] == (1.0, 0.0)
    assert ops.OPS["min"].forward(2.0, 2.0)[1] == (1.0, 0.0)


@pytest.mark.parametrize("name, x, error", [
    ("log", 0.0, ValueError), ("log2", -1.0, ValueError), ("log1p", -1.0, ValueError),
    ("sqrt", -1.0, ValueError), ("arcsin", 1.5, ValueError), ("arccos", -2.0, ValueError),
    ("arcsin", 1.0, ZeroDivisionError), ("sqrt", 0.0, ZeroDivisionError),
    ("exp", 1000.0, OverflowError), ("sinh", 1000.0, OverflowError), ("cosh", -1000.0, OverflowError),
])
def test_domain_errors_name_the_operation_and_the_value(name, x, error):
    with pytest.raises(error, match=re.escape(f"{name} of {x!r}")):
        getattr(Value(x), name)()


def test_large_arguments_keep_their_finite_slopes():
    assert Value(1e200).arctan().local_grads == (0.0,)
    y = 0.0 ** Value(0.5)  # only ∂/∂b is needed for a constant base: its limit 0
    assert y.data == 0.0 and y.local_grads == (0.0,)


def test_generated_methods_are_documented():
    assert Value.tanh.__doc__.startswith("tanh(a): hyperbolic tangent (a = self).  ∂/∂a = 1 - tanh(a)**2")
    assert "∂/∂b = step(b - a)" in Value.maximum.__doc__


def test_a_non_finite_local_derivative_is_an_overflow_error():
    with pytest.raises(OverflowError, match="log of 1e-320"):
        Value(1e-320).log()
    with pytest.raises(OverflowError, match="/"):
        Value(1.0) / Value(1e-200)


# ---------------------------------------------------------------- every place reads the table


def test_every_function_is_a_value_method_and_a_function_of_the_language():
    for op in ops.OPS.values():
        if not op.function:
            continue
        assert callable(getattr(Value, op.method_name)), op.name
        assert FUNCTIONS[op.name] == op.arity
        args = ", ".join(["x"] * op.arity)
        x = 0.3
        evaluation = parse(f"f = {op.name}({args})").evaluate({"x": x})
        assert evaluation.root.data == op.forward(*[x] * op.arity)[0]


def test_every_entry_is_complete():
    for op in ops.OPS.values():
        assert op.symbol and op.latex and op.doc and op.formula, op.name
        if op.arity:
            assert len(op.derivatives) == op.arity, op.name


def test_the_readme_table_is_current():
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert ops.readme_block() in readme, "run: python -m autograd.core.ops --write-readme README.md"
    section = readme[readme.index(ops.readme.START):readme.index(ops.readme.END)]
    assert set(re.findall(r"`([a-z_0-9]+)\(", section)) == set(FUNCTIONS)


def test_the_grad_help_lists_every_function(capsys):
    from autograd.apps.cli import main

    with pytest.raises(SystemExit):
        main(["grad", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    for name in FUNCTIONS:
        assert re.search(rf"\b{name}\b", shown), name


# ---------------------------------------------------------------- written formulas are right



def assert_records_evaluate(root: Value, constants=()) -> None:
    """Every node's formula gives its value; every contribution's local_expr gives its local."""
    record = trace(root, reverse_sweep(topological_order(root)), constants)
    values = {step.id: step.value for step in record.forward}
    for step in record.forward:
        assert re.fullmatch(r"[A-Za-z_][A-Za-z_0-9]*", step.id)
        if step.formula:
            assert close(evaluate(step.formula, values), step.value), (step.formula, step.value)
    for step in record.backward:
        for c in step.contributions:
            assert local_holds(c.local_expr, values, c.local), (step.node, c.local_expr, c.local)
    names = [step.name for step in record.forward if step.kind != "constant"]  # a literal may recur
    assert len(names) == len(set(names)), "distinct nodes need distinct display names"


@pytest.mark.parametrize("op", [op for op in UNARY if op.function or op.name == "neg"], ids=lambda op: op.name)
def test_unary_formulas_evaluate_to_the_stored_numbers(op):
    call = "-x" if op.name == "neg" else f"{op.name}(x)"
    for x in points(op):
        evaluation = parse(f"f = {call}").evaluate({"x": x})
        assert_records_evaluate(evaluation.root, evaluation.constants)


REPEATED = ["x + x", "x - x", "x * x", "x / x", "x**x", "max(x, x)", "min(x, x)", "x * y - y / x",
            "max(x, y) * min(y, x)", "y**x + x**y"]


@pytest.mark.parametrize("program", REPEATED)
def test_repeated_children_get_the_derivative_of_their_own_position(program):
    for x, y in [(1.7, 0.6), (0.4, 2.2), (1.3, 1.3)]:
        at = {name: value for name, value in {"x": x, "y": y}.items() if name in parse(program).inputs}
        evaluation = parse(f"f = {program}").evaluate(at)
        assert_records_evaluate(evaluation.root, evaluation.constants)


def test_x_over_x_shows_both_derivatives():
    record = _trace(parse("f = x / x").evaluate({"x": 3.0}).root)
    (step,) = record.backward
    assert [(c.local_expr, round(c.local, 6)) for c in step.contributions] == [
        ("1 / x", 0.333333), ("-x / x**2", -0.333333)]
    record = _trace(parse("f = x - x").evaluate({"x": 3.0}).root)
    assert [(c.local_expr, c.local) for c in record.backward[0].contributions] == [("1", 1.0), ("-1", -1.0)]


CONSTANT_GRAPHS = {
    "x + 3": (lambda x: x + 3, "x + 3"), "3 + x": (lambda x: 3 + x, "x + 3"),
    "x - 3": (lambda x: x - 3, "x - 3"), "3 - x": (lambda x: 3 - x, "3 - x"),
    "x * 3": (lambda x: x * 3, "x * 3"), "3 * x": (lambda x: 3 * x, "x * 3"),
    "x / 4": (lambda x: x / 4, "x / 4"), "3 / x": (lambda x: 3 / x, "3 / x"),
    "x ** 3": (lambda x: x**3, "x**3"), "2 ** x": (lambda x: 2**x, "2**x"),
    "x ** -1.5": (lambda x: x**-1.5, "x**(-1.5)"),
    "max(x, 2)": (lambda x: x.maximum(2.0), "max(x, 2)"), "min(x, 0.1)": (lambda x: x.minimum(0.1), "min(x, 0.1)"),
    "1e17 + x": (lambda x: 1e17 + x, "x + 1e+17"),
}


@pytest.mark.parametrize("case", sorted(CONSTANT_GRAPHS))
def test_constants_are_kept_and_shown_exactly(case):
    build, shown = CONSTANT_GRAPHS[case]
    for x in [0.7, 2.5]:
        root = build(Value(x, label="x"))
        root.label = "f"
        record = _trace(root)
        assert record.forward[-1].formula == shown
        assert_records_evaluate(root)


def test_a_zero_base_keeps_its_constant_power():
    root = Value(0.0, label="x") ** 3
    root.label = "f"
    assert _trace(root).forward[-1].formula == "x**3"


def test_fused_nodes_are_written_and_evaluate():
    from autograd import linear, sum_values

    w = [Value(0.5, label="w0"), Value(-1.5, label="w1")]
    b = Value(0.25, label="b")
    xs = [Value(2.0, label="x0"), Value(3.0, label="x1")]
    for root in (linear(w, xs, b), linear(w, [2.0, 3.0], b), sum_values(w + xs), linear(w, [Value(1.0), 2.0], 0.5)):
        root.label = "f"
        assert_records_evaluate(root)
    affine = linear(w, [2.0, -3.0], b)
    affine.label = "f"
    assert _trace(affine).forward[-1].formula == "w0 * 2 + w1 * (-3) + b"


# ---------------------------------------------------------------- clean notation


def test_the_walkthrough_reads_like_a_board():
    from autograd.apps import worked

    for example in (worked.Example(), worked.Example(x=1.0, w1=-1.0)):
        text = worked.report(example, worked.run(example))
        for noise in (r"\*\*1\b", r"\(\(", r"--\d", r"- -\d", "∂L/∂L", r"· -\d", r"e\^-"):
            assert not re.search(noise, text), (noise, example)
        assert "e = y - yhat" in text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_programs_formulas_evaluate_to_their_numbers(data):
    functions = [name for name, arity in FUNCTIONS.items() if arity == 1]
    two = [name for name, arity in FUNCTIONS.items() if arity == 2]
    operators = [op.name for op in ops.OPS.values() if op.arity == 2 and not op.function]
    leaves = st.sampled_from(["x", "y", "x", "2", "0.5"])

    def extend(inner):
        return st.one_of(
            st.tuples(inner, st.sampled_from(operators), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(st.sampled_from(functions), inner).map(lambda t: f"{t[0]}({t[1]})"),
            st.tuples(st.sampled_from(two), inner, inner).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
            inner.map(lambda e: f"-{e}"),
        )

    expression = data.draw(st.recursive(leaves, extend, max_leaves=8))
    shared = data.draw(st.sampled_from(["", "s = x * y\n"]))  # a shared subexpression, used twice
    source = f"{shared}f = {expression}" + (" + s * s" if shared else "")
    program = parse(source)
    at = {name: data.draw(st.floats(0.2, 2.0)) for name in program.inputs}
    try:
        evaluation = program.evaluate(at)
    except ExprError:
        return  # outside a domain (log of a negative, an overflow): nothing to write
    assert_records_evaluate(evaluation.root, evaluation.constants)


# ---------------------------------------------------------------- engine correctness


def test_no_grad_in_one_thread_does_not_stop_another_recording():
    inside, recorded = threading.Event(), {}

    def quiet():
        with no_grad():
            inside.set()
            done.wait(5)

    done = threading.Event()
    other = threading.Thread(target=quiet)
    other.start()
    assert inside.wait(5)
    x = Value(2.0)
    y = x * x + 1
    recorded["edges"] = y.edges
    done.set()
    other.join()
    assert recorded["edges"] and not y.is_leaf
    with no_grad():
        assert (x * x).is_leaf


def test_backward_takes_only_a_bool():
    y = Value(2.0) * 3
    for wrong in (5, 1, "yes", None):
        with pytest.raises(TypeError, match="accumulate"):
            y.backward(wrong)


def test_non_finite_gradients_and_data_are_refused():
    x = Value(-1.0, label="x")
    with pytest.raises(OverflowError, match="gradient of the .* node"):
        ((x.relu() * 1e200) * 1e200).backward()
    a, b = Value(10.0), Value(308.0)
    with pytest.raises(OverflowError):
        (a**b).backward()
    with pytest.raises(ValueError, match="not a finite number"):
        x.set_data(math.nan)
    with pytest.raises(ValueError, match="'x'"):
        x.set_data(math.inf)
    x.set_data(3)
    assert x.data == 3.0 and type(x.data) is float
    x.data = math.nan  # a plain attribute: refused where it is used
    for use in (lambda: x + 1.0, lambda: x.relu(), lambda: x.maximum(1.0), lambda: 2.0 - x):
        with pytest.raises(ValueError, match="'x'|not a finite number"):
            use()


def test_a_node_is_never_shown_under_another_nodes_name():
    evaluation = parse("f = (x*1)*y").evaluate({"x": 2.0, "y": 3.0})
    record = trace(evaluation.root, evaluation.gradients, evaluation.constants)
    names = [step.name for step in record.forward if step.kind != "constant"]
    assert names == ["x", "x * 1", "y", "f"]


def test_a_constant_exponent_may_be_computed_and_numbers_never_vanish():
    evaluation = parse("f = x**(1+1)").evaluate({"x": -2.0})
    evaluation.gradients  # the one backward pass
    assert evaluation.root.data == 4.0 and evaluation.values["x"].grad == -4.0
    with pytest.raises(ExprError, match="beyond the range of a float"):
        parse("f = x + 1e-999")
    with no_grad():
        assert (Value(-2.0) ** Value(2.0)).data == 4.0  # no gradient, so no complaint about ln(-2)


def test_numeric_flags_follow_the_rule_of_at(capsys):
    from autograd.apps.cli import main

    assert main(["walkthrough", "--x", "\u0661"]) == 2
    assert "only the digits 0-9" in capsys.readouterr().err


@pytest.mark.parametrize("op", [op for op in ops.OPS.values() if op.output_derivative], ids=lambda op: op.name)
def test_output_form_derivatives_agree_with_the_table(op):
    for x in points(op):
        y, (local,) = op.forward(x)
        assert close(evaluate(op.output_derivative, {"y": y}), local)
