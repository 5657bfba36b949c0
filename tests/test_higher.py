"""Second derivatives (the backward pass built from Values) and forward mode, against central
differences, reverse mode, and the textbook's forward-mode table."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, grad, hessian, jvp, sum_values, linear, no_grad
from autograd.core import ops
from autograd.apps.cli import main
from autograd.lang import parse
from autograd.checking.second_order import parse_second_derivative, second_derivative
from autograd.explain.higher_steps import dotted, forward_trace
from autograd.higher import hessian_of, tangents

# ------------------------------------------------------------------ random programs
#
# Each operation of the table is applied through a transform that keeps its argument inside
# its domain and its value moderate (log of a*a + 0.5, arcsin of 0.9·tanh(a), ...), so every
# drawn program can be evaluated at every point near the drawn one.

UNARY = sorted(name for name, op in ops.OPS.items() if op.arity == 1 and op.twice_differentiable)
BINARY = sorted(name for name, op in ops.OPS.items() if op.arity == 2 and op.twice_differentiable)
FORMS = ["value", "constant_right", "constant_left"]  # x ∘ y, x ∘ c, c ∘ x
FUSED = ["sum", "linear", "affine"]


def _positive(a: Value) -> Value:
    return a * a + 0.5


def into_domain(name: str, a: Value) -> Value:
    """a moved inside the operation's domain (the table's), its value moderate: an interval
    (low, high) ← its middle + 0.9·half·tanh(a); (low, ∞) ← low + a² + 0.5; the line ← 2·tanh(a)."""
    low, high = ops.OPS[name].domain
    if math.isinf(high):
        return a.tanh() * 2 if math.isinf(low) else a * a + (low + 0.5)
    return a.tanh() * (0.45 * (high - low)) + (low + high) / 2


def unary(name: str, a: Value) -> Value:
    arg = into_domain(name, a)
    return -arg if name == "neg" else getattr(arg, ops.OPS[name].method_name)()


def binary(name: str, form: str, a: Value, b: Value, c: float) -> Value:
    if name == "/":
        return {"value": lambda: a / _positive(b), "constant_right": lambda: a / c,
                "constant_left": lambda: c / _positive(a)}[form]()
    if name == "**":
        return {"value": lambda: _positive(a) ** b.tanh(), "constant_right": lambda: a ** round(abs(c) * 2 + 1),
                "constant_left": lambda: (abs(c) + 0.5) ** b.tanh()}[form]()
    f = {"+": lambda x, y: x + y, "-": lambda x, y: x - y, "*": lambda x, y: x * y}[name]
    return {"value": lambda: f(a, b), "constant_right": lambda: f(a, c), "constant_left": lambda: f(c, a)}[form]()


def fused(name: str, a: Value, b: Value, c: float) -> Value:
    if name == "sum":
        return sum_values([a, b, a])
    if name == "linear":
        return linear([a, b], [b, a], a)  # a child used three times
    return linear([a, b], [c, 1.5], b)


step = st.one_of(
    st.tuples(st.just("unary"), st.sampled_from(UNARY), st.sampled_from(FORMS)),
    st.tuples(st.just("binary"), st.sampled_from(BINARY), st.sampled_from(FORMS)),
    st.tuples(st.just("fused"), st.sampled_from(FUSED), st.just("")),
)
program = st.lists(st.tuples(step, st.integers(0, 20), st.integers(0, 20),
                             st.floats(-2, 2).filter(lambda c: abs(c) > 0.1)), min_size=1, max_size=6)
point = st.lists(st.floats(-1.5, 1.5), min_size=2, max_size=3)


def build(steps, xs: list[Value]) -> Value:
    """The drawn program on the inputs: every node is summed into the output."""
    nodes = list(xs)
    for (kind, name, form), i, j, c in steps:
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]  # i == j: a repeated child
        if kind == "unary":
            nodes.append(unary(name, a))
        elif kind == "binary":
            nodes.append(binary(name, form, a, b, c))
        else:
            nodes.append(fused(name, a, b, c))
    return sum_values(nodes[len(xs):]) * 0.5 + nodes[-1] * nodes[0]


def backward_grads(f, point: list[float]) -> list[float]:
    xs = [Value(x) for x in point]
    f(xs).backward()
    return [x.grad for x in xs]


def central_hessian(f, point: list[float], h: float = 1e-5) -> list[list[float]]:
    """H[i][j] ≈ (∂f/∂xⱼ(x + h·eᵢ) − ∂f/∂xⱼ(x − h·eᵢ)) / 2h, the first derivatives by backward()."""
    rows = []
    for i in range(len(point)):
        up = backward_grads(f, [x + h * (k == i) for k, x in enumerate(point)])
        down = backward_grads(f, [x - h * (k == i) for k, x in enumerate(point)])
        rows.append([(u - d) / (2 * h) for u, d in zip(up, down)])
    return rows


def assert_hessian_close(f, point: list[float]) -> None:
    xs = [Value(x) for x in point]
    exact = hessian_of(f(xs), xs)
    numeric = central_hessian(f, point)
    scale = 1.0 + max(abs(h) for row in exact for h in row)
    for i, (row, nrow) in enumerate(zip(exact, numeric)):
        for j, (e, n) in enumerate(zip(row, nrow)):
            assert math.isclose(e, n, rel_tol=1e-4, abs_tol=1e-5 * scale), (i, j, e, n)


# ------------------------------------------------------------------ second derivatives


@given(program, point)
@settings(max_examples=60, deadline=None)
def test_hessians_of_random_programs_match_central_differences(steps, xs):
    assert_hessian_close(lambda v: build(steps, v), xs)


@pytest.mark.parametrize("name", UNARY)
def test_every_smooth_unary_operation_twice_differentiated(name):
    # x*y + x uses x twice; the outer * x once more
    assert_hessian_close(lambda v: unary(name, v[0] * v[1] + v[0]) * v[0], [0.3, -0.7])


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("name", BINARY)
def test_every_smooth_binary_operation_twice_differentiated(name, form):
    def f(v):
        x, y = v
        return binary(name, form, x * y, x, 1.7) + binary(name, form, x, x, -1.3)  # a repeated child

    assert_hessian_close(f, [0.8, -0.4])


@pytest.mark.parametrize("name", FUSED)
def test_fused_nodes_twice_differentiated(name):
    assert_hessian_close(lambda v: fused(name, v[0] * v[1], v[1].tanh(), 0.7) ** 2, [0.5, 1.2])


def test_a_known_hessian():
    # f = x²y + sin(xy): f_xx = 2y - y² sin(xy), f_xy = 2x + cos(xy) - xy sin(xy), f_yy = -x² sin(xy)
    x, y = 1.3, -0.6
    H = hessian(lambda a, b: a * a * b + (a * b).sin(), [x, y])
    s, c = math.sin(x * y), math.cos(x * y)
    assert H[0][0] == pytest.approx(2 * y - y * y * s, rel=1e-12)
    assert H[0][1] == pytest.approx(2 * x + c - x * y * s, rel=1e-12)
    assert H[1][0] == pytest.approx(H[0][1], rel=1e-12)
    assert H[1][1] == pytest.approx(-x * x * s, rel=1e-12)


def test_third_derivative_by_differentiating_again():
    x = Value(1.5, label="x")
    (d1,) = grad(x**4, [x], create_graph=True)
    (d2,) = grad(d1, [x], create_graph=True)
    (d3,) = grad(d2, [x], create_graph=True)
    (d4,) = grad(d3, [x])
    assert (d1.data, d2.data, d3.data, d4.data) == pytest.approx((4 * 1.5**3, 12 * 1.5**2, 24 * 1.5, 24.0))


@given(program, point)
@settings(max_examples=40, deadline=None)
def test_gradient_values_equal_backward_bit_for_bit(steps, xs):
    inputs = [Value(x) for x in xs]
    out = build(steps, inputs)
    as_values = [g.data for g in grad(out, inputs, create_graph=True)]
    as_floats = [g.data for g in grad(out, inputs)]
    out.backward()
    assert as_values == as_floats == [x.grad for x in inputs]


def test_grad_touches_no_grad_and_builds_from_the_table():
    x, y = Value(0.5, label="x"), Value(2.0, label="y")
    f = (x * y).tanh()
    f.label = "f"
    x.grad = y.grad = 7.0
    gx, gy = grad(f, [x, y], create_graph=True)
    assert x.grad == y.grad == 7.0 and f.grad == 0.0
    # tanh' = 1 - tanh(a)**2 is built over the tanh node itself: the gradient's graph holds f
    from autograd.core import topological_order

    assert f in topological_order(gx)
    assert gx.label == "df_dx" and gy.label == "df_dy"
    assert gx.data == pytest.approx((1 - math.tanh(1.0) ** 2) * 2.0)


def test_gradient_of_a_constant_function_and_of_an_unused_input():
    x, y = Value(1.0), Value(2.0)
    gx, gy = grad(x * 3.0 + 1.0, [x, y], create_graph=True)
    assert (gx.data, gy.data) == (3.0, 0.0)
    assert gx.is_leaf and grad(gx, [x])[0].data == 0.0


def test_grad_with_respect_to_an_intermediate_and_the_output():
    x = Value(2.0)
    q = x * x
    f = q.exp()
    gq, gf = grad(f, [q, f], create_graph=True)
    assert gq.data == pytest.approx(math.exp(4.0)) and gf.data == 1.0
    assert grad(gq, [x])[0].data == pytest.approx(math.exp(4.0) * 4.0)  # through q = x²


def test_bad_arguments():
    x = Value(1.0)
    with pytest.raises(TypeError, match="out must be a Value"):
        grad(3.0, [x])
    with pytest.raises(TypeError, match=r"xs\[1\] must be a Value"):
        grad(x * x, [x, 2.0])
    with pytest.raises(TypeError, match="create_graph must be True or False"):
        grad(x * x, [x], create_graph="yes")
    with pytest.raises(TypeError, match=r"autograd.grad\(out"):
        (x * x).backward(create_graph=True)
    with pytest.raises(TypeError, match="finite real number"):
        hessian(lambda a: a * a, [math.nan])


def test_inside_no_grad_the_gradients_are_leaves():
    x = Value(3.0)
    f = x * x
    with no_grad():
        (g,) = grad(f, [x], create_graph=True)
    assert g.data == 6.0 and g.is_leaf


# ------------------------------------------------------------------ the documented conventions


def second(f, at: float) -> tuple[float, float]:
    x = Value(at)
    (d1,) = grad(f(x), [x], create_graph=True)
    (d2,) = grad(d1, [x])
    return d1.data, d2.data


def test_kinks_follow_the_tables_conventions():
    assert second(lambda x: x.relu() * x, 0.0) == (0.0, 0.0)  # relu' = step(0) = 0, step' = 0
    assert second(lambda x: x.relu() * x, 2.0) == (4.0, 2.0)
    assert second(lambda x: abs(x), 0.0) == (0.0, 0.0)  # abs' = sign(0) = 0
    assert second(lambda x: abs(x) * x, -1.5) == (3.0, -2.0)
    assert second(lambda x: x.elu(), 0.0) == (1.0, 1.0)  # the left-hand values
    assert second(lambda x: x.leaky_relu(), 0.0) == (0.01, 0.0)
    x, y = Value(1.0), Value(1.0)  # a tie: the first argument has the slope; second derivatives 0
    gx, gy = grad(x.maximum(y) * x, [x, y], create_graph=True)
    assert (gx.data, gy.data) == (2.0, 0.0)  # ∂/∂x (max·x) = 1·x + max; ∂/∂y = 0·x
    assert [g.data for g in grad(gx, [x, y])] == [2.0, 0.0]
    assert [g.data for g in grad(gy, [x, y])] == [0.0, 0.0]


# ------------------------------------------------------------------ forward mode


@given(program, point, st.lists(st.floats(-2, 2), min_size=3, max_size=3))
@settings(max_examples=60, deadline=None)
def test_forward_tangents_match_reverse_gradients(steps, xs, direction):
    direction = direction[: len(xs)]
    value, tangent = jvp(lambda *v: build(steps, list(v)), xs, direction)
    gradients = backward_grads(lambda v: build(steps, v), xs)
    expected = sum(g * d for g, d in zip(gradients, direction))
    scale = sum(abs(g * d) for g, d in zip(gradients, direction))
    assert tangent == pytest.approx(expected, rel=1e-9, abs=1e-12 * (1 + scale))
    assert value == build(steps, [Value(x) for x in xs]).data


def test_the_textbook_forward_trace():
    # f(x1, x2) = ln(x1) + x1·x2 − sin(x2) at (2, 5), seed ẋ1 = 1 (Baydin et al., Table 2)
    evaluation = parse("f = log(x1) + x1*x2 - sin(x2)").evaluate({"x1": 2, "x2": 5})
    record = forward_trace(evaluation.root, {evaluation.values["x1"]: 1.0}, evaluation.constants)
    rows = {step.formula or step.id: (step.value, step.tangent) for step in record.steps}
    assert rows["x1"] == (2.0, 1.0) and rows["x2"] == (5.0, 0.0)
    assert rows["log(x1)"] == pytest.approx((math.log(2), 0.5))
    assert rows["x1 * x2"] == (10.0, 5.0)
    assert rows["sin(x2)"] == pytest.approx((math.sin(5), 0.0))
    assert rows["t1 + t3"] == pytest.approx((math.log(2) + 10, 5.5))
    assert rows["t4 - t5"] == pytest.approx((math.log(2) + 10 - math.sin(5), 5.5))
    assert record.tangent == 5.5 and record.value == pytest.approx(11.652071455223084)
    assert [step.id for step in record.steps[:2]] == ["x1", "x2"]  # inputs first, as in the book
    rules = [step.rule for step in record.steps]
    assert rules == ["ẋ1 (seed)", "ẋ2", "ṫ1 = (1 / x1) · ẋ1", "ṫ3 = x2 · ẋ1 + x1 · ẋ2", "ṫ4 = ṫ1 + ṫ3",
                     "ṫ5 = cos(x2) · ẋ2", "ḟ = ṫ4 - ṫ5"]
    table = record.table()
    assert "ṫ3 = x2 · ẋ1 + x1 · ẋ2 = 5 · 1 + 2 · 0" in table and table.splitlines()[-1].endswith("5.5")
    # every local derivative is program text that evaluates to the number beside it
    names = {s.id: s.value for s in record.steps}
    for s in record.steps:
        for term in s.terms:
            program = parse(f"d = {term.local_expr}")
            at = {n: names[n] for n in program.inputs}
            assert program.evaluate(at).root.data == pytest.approx(term.local, rel=1e-15)


def test_jvp_and_tangents_refuse_bad_seeds():
    x = Value(1.0)
    y = x * 2.0
    with pytest.raises(ValueError, match="leaf"):
        tangents(y, {y: 1.0})
    with pytest.raises(ValueError, match="finite"):
        tangents(y, {x: math.inf})
    with pytest.raises(ValueError, match="2 inputs but 1 tangents"):
        jvp(lambda a, b: a * b, [1, 2], [1])
    assert dotted("v3") == "v\u03073" and dotted("x") == "ẋ"


# ------------------------------------------------------------------ claims and the command line


def test_second_derivative_claims_are_read():
    inputs = ["x", "y", "x2"]
    assert parse_second_derivative("d2f/dx2", "f", inputs) == ("x", "x")
    assert parse_second_derivative("d²f/dx dy", "f", inputs) == ("x", "y")
    assert parse_second_derivative("∂²f/∂y∂x", "f", inputs) == ("y", "x")
    assert parse_second_derivative("d2f/dx2dx2", "f", inputs) == ("x2", "x2")
    assert parse_second_derivative("df/dx", "f", inputs) is None
    with pytest.raises(ValueError, match="the output is 'f'"):
        parse_second_derivative("d2g/dx2", "f", inputs)
    with pytest.raises(ValueError, match="did you mean d2f/dx12"):
        parse_second_derivative("d2f/dx2", "f", ["x1", "y"])
    with pytest.raises(ValueError, match=r"inputs of the program \(y\)"):
        parse_second_derivative("d2f/dz2", "f", ["y"])
    evaluation = parse("f = x**3 * y").evaluate({"x": 2, "y": 5})
    assert second_derivative(evaluation, "x", "x") == 60.0 and second_derivative(evaluation, "x", "y") == 12.0


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_order_2_prints_the_hessian(capsys):
    status, out, err = run(capsys, "grad", "f = x**2 * y + exp(y)", "--at", "x=3", "y=0")
    assert status == 0 and "second derivatives" not in out
    status, out, err = run(capsys, "grad", "f = x**2 * y + exp(y)", "--at", "x=3", "y=0", "--order", "2")
    assert status == 0 and err == ""
    lines = out.splitlines()
    i = lines.index("second derivatives of f (row a, column b: ∂²f/∂a∂b):")
    assert lines[i + 3].split() == ["x", "0", "6"] and lines[i + 4].split() == ["y", "6", "1"]
    status, out, _ = run(capsys, "grad", "f = x**2 * y", "--at", "x=3", "y=2", "--order", "2", "--json")
    data = json.loads(out)
    assert data["hessian"] == {"x": {"x": 4.0, "y": 6.0}, "y": {"x": 6.0, "y": 0.0}}
    assert data["grads"]["x"] == 12.0  # the first-order report is still all there


def test_cli_order_2_steps_shows_the_second_backward_pass(capsys):
    status, out, _ = run(capsys, "grad", "f = sin(x) * y", "--at", "x=0", "y=2", "--order", "2", "--steps")
    assert status == 0
    assert "second backward pass for ∂f/∂x = df_dx" in out
    assert "second backward pass for ∂f/∂y = sin(x)" in out  # the program's own node: ∂f/∂y = sin(x)
    status, out, _ = run(capsys, "grad", "f = sin(x) * y", "--at", "x=0", "y=2", "--order", "2", "--steps", "--json")
    data = json.loads(out)
    assert set(data["second_backward"]) == {"x", "y"}
    assert data["grads"]["x"] == 2.0  # the first backward pass's gradients are intact


def test_cli_forward_mode_prints_the_trace_table(capsys):
    status, out, _ = run(capsys, "grad", "f = log(x1) + x1*x2 - sin(x2)", "--at", "x1=2", "x2=5",
                         "--mode", "forward", "--seed", "x1=1")
    assert status == 0
    assert "ḟ = ∂f/∂x1 = 5.5" in out and "ṫ5 = cos(x2) · ẋ2" in out
    status, out, _ = run(capsys, "grad", "f = x*y", "--at", "x=2", "y=3", "--mode", "forward",
                         "--seed", "x=1", "y=2", "--json")
    data = json.loads(out)
    assert data["tangent"] == 3.0 + 2 * 2.0 and data["seed"] == {"x": 1.0, "y": 2.0}
    assert data["trace"][-1]["rule"] == "ḟ = y · ẋ + x · ẏ"


@pytest.mark.parametrize("argv, message", [
    (["--order", "3"], "--order"),
    (["--mode", "sideways"], "--mode"),
    (["--seed", "x=1"], "--seed sets the direction of forward mode"),
    (["--mode", "forward"], "needs a direction"),
    (["--mode", "forward", "--seed", "z=1"], "not an input"),
    (["--mode", "forward", "--seed", "x=nan"], "x"),
    (["--mode", "forward", "--seed", "x=1", "--order", "2"], "leave out --order 2"),
])
def test_cli_bad_higher_order_input_is_one_error_line(capsys, argv, message):
    status, out, err = run(capsys, "grad", "f = x*y", "--at", "x=2", "y=3", *argv)
    assert status == 2 and out == ""
    assert err.startswith("error:") and message in err and len(err.strip().splitlines()) == 1


def test_the_backward_pass_can_be_drawn():
    from autograd.viz import drawing as viz

    x = Value(0.5, label="x")
    f = (x * x).sigmoid()
    f.label = "f"
    (g,) = grad(f, [x], create_graph=True)
    picture = viz.draw(g)
    assert "df_dx" in picture.source and "σ" in picture.source


def test_a_second_derivative_that_is_infinite_at_the_point_is_one_clear_error(capsys):
    """∂²(a**b)/∂a∂b = a^(b-1)·(1 + b·ln a) has no finite limit at a = 0 when b ≤ 1."""
    x, y = Value(0.0), Value(1.0)
    with pytest.raises(ValueError, match=r"infinite at a = 0 with b = 1.0"):
        grad(x**y, [x, y], create_graph=True)
    status, out, err = run(capsys, "grad", "f = x**y", "--at", "x=0", "y=1", "--order", "2")
    assert status == 2 and out == "" and err.startswith("error: grad(create_graph=True)")


def test_second_derivatives_of_a_power_at_a_zero_base_are_the_limits():
    """The first-order rule of ** takes its limits at a zero base; so do the second derivatives
    (issue 19): each checked against the limit of the closed form as the base tends to 0."""
    x = Value(0.0)
    [g] = grad(x**0, [x], create_graph=True)  # x**0 = 1: every derivative 0
    assert g.data == 0.0 and grad(g, [x])[0].data == 0.0
    y = Value(1.7)
    [g] = grad(0.0**y, [y], create_graph=True)  # 0**y = 0 for y > 0
    assert g.data == 0.0 and grad(g, [y])[0].data == 0.0
    assert hessian(lambda a, b: a ** b, [0.0, 2.0]) == [[2.0, 0.0], [0.0, 0.0]]

    def closed_form(a: float, b: float) -> list[list[float]]:
        """a^b: ∂²/∂a² = b(b-1)a^(b-2), ∂²/∂a∂b = a^(b-1)(1 + b ln a), ∂²/∂b² = a^b ln² a."""
        mixed = a ** (b - 1) * (1 + b * math.log(a))
        return [[b * (b - 1) * a ** (b - 2), mixed], [mixed, a**b * math.log(a) ** 2]]

    for b in (2.0, 2.5, 3.0):
        at_zero = hessian(lambda a, e: a ** e, [0.0, b])
        near = closed_form(1e-12, b)
        for row, limit_row in zip(at_zero, near):
            assert row == pytest.approx(limit_row, abs=1e-4)
    beside = hessian(lambda a, e: a ** e, [1e-9, 2.0])  # beside the limit, the formula itself
    for row, formula_row in zip(beside, closed_form(1e-9, 2.0)):
        assert row == pytest.approx(formula_row, rel=1e-12, abs=1e-20)


def test_cli_order_2_without_inputs_and_tangent_columns_line_up(capsys):
    status, out, _ = run(capsys, "grad", "f = 2*3", "--order", "2")
    assert status == 0 and "none, the program has no inputs" in out
    status, out, _ = run(capsys, "grad", "q = u*v; f = q*q", "--at", "u=1", "v=2", "--mode", "forward",
                         "--seed", "u=1", "v=1")
    rows = [line for line in out.splitlines() if "(seed)" in line or " = " in line and "·" in line]
    ends = {len(line) - sum(1 for c in line if c == "\u0307") for line in rows}  # u̇ is u + a combining dot
    assert len(rows) == 4 and len(ends) == 1  # the tangent column is right-aligned: all rows end together


def test_hessian_of_a_small_networks_loss():
    from autograd.ml.nn import MLP

    model = MLP(2, [3, 1], activation="tanh", seed=0)
    params = model.parameters()
    start = [p.data for p in params]

    def loss(values):
        for p, v in zip(params, values):
            p.data = v.data if isinstance(v, Value) else v
        return (model([0.5, -1.0]) - 1.0) ** 2

    out = loss(start)
    first = grad(out, params, create_graph=True)
    out.backward()
    assert [g.data for g in first] == [p.grad for p in params]  # fused neuron nodes too, bit for bit
    H = [[h.data for h in grad(g, params)] for g in first]
    assert all(math.isclose(H[i][j], H[j][i], rel_tol=1e-9, abs_tol=1e-12) for i in range(len(H)) for j in range(i))
    h = 1e-5
    for i in (0, 4, len(params) - 1):  # a first-layer weight, a second-layer weight, the output bias
        up = [x + h * (k == i) for k, x in enumerate(start)]
        down = [x - h * (k == i) for k, x in enumerate(start)]
        loss(up).backward()
        g_up = [p.grad for p in params]
        loss(down).backward()
        g_down = [p.grad for p in params]
        for j in range(len(params)):
            assert math.isclose(H[i][j], (g_up[j] - g_down[j]) / (2 * h), rel_tol=1e-4, abs_tol=1e-6)


def test_forward_mode_on_a_program_whose_output_is_a_number(capsys):
    """`grad "a = x; f = 2" --mode forward --seed x=1` used to raise IndexError (an empty trace)."""
    assert main(["grad", "a = x; f = 2", "--at", "x=1", "--mode", "forward", "--seed", "x=1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["value"], data["tangent"]) == (2.0, 0.0)
    assert [(s["id"], s["kind"], s["formula"], s["tangent"]) for s in data["trace"]] == [("f", "constant", "2", 0.0)]


def test_check_judges_second_derivative_claims(capsys):
    status, out, _ = run(capsys, "check", "f = x**3 * y", "--at", "x=2", "y=5", "--claim", "d2f/dx2=60",
                         "d2f/dxdy=12", "∂²f/∂y²=0", "df/dx=60")
    assert status == 0 and "right: d2f/dx2 = 60" in out and "right: d2f/dxdy = 12" in out
    status, out, _ = run(capsys, "check", "f = x**3 * y", "--at", "x=2", "y=5", "--claim", "d2f/dx2=59.5",
                         "--json")
    claim = json.loads(out)["claims"][0]
    assert status == 1 and claim["kind"] == "second" and claim["quantity"] == "d2f/dx2"
    assert claim["verdict"] == "wrong" and claim["true"] == 60.0 and claim["diagnoses"] == []
    status, out, err = run(capsys, "check", "f = x**3 * y", "--at", "x=2", "y=5", "--claim", "d2f/dz2=1")
    assert status == 2 and out == "" and err.startswith("error: claim 'd2f/dz2'")
