"""Diagnosing the classic mistakes (`autograd.checking.diagnosis`) on textbook exercises; random
programs whose correct claims are never diagnosed and whose every mistake, made exactly, is."""

import math

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from autograd.checking import MISTAKES, Diagnoser, agrees, gradient_variants, parse_claim
from autograd.checking.chain import Chain
from autograd.checking.value_slips import forward_value, value_variants
from autograd.core import topological_order
from autograd.explain import trace
from autograd.lang import parse
from test_checking_report import CHAIN, CHAIN_AT, MAZUR, MAZUR_AT


# (program, inputs, claim, learning rate, the diagnosis that must come out)
EXERCISES = [
    # Mazur: ∂E/∂out_h1 from out_o1's error only (0.055399425): the path through out_o2 is missed
    (MAZUR, MAZUR_AT, "dout_h1=0.055399425", None, "missed-path"),
    (MAZUR, MAZUR_AT, "dw1=0.000668", None, "missed-path"),
    (MAZUR, MAZUR_AT, "dw5=0.1643", None, "dropped-constant"),
    # log(x)/x: x is used twice; 0.25 = 1/x² is the path through log alone
    ("f = log(x)/x", ["x=2"], "df/dx=0.25", None, "missed-path"),
    ("f = log(x)/x", ["x=2"], "df/dx=1/4", None, "missed-path"),
    ("f = log(x)/x", ["x=2"], "df/dx=0.25", None, "overwrote"),
    ("f = log(x)/x", ["x=2"], "df/dx=0.4233", None, "quotient-rule"),  # +ln x/x² for -ln x/x²
    ("f = log(x)/x", ["x=2"], "df/dx=-0.0966", None, "quotient-rule"),  # -ln x/x for -ln x/x²
    ("f = x*x", ["x=3"], "dx=3", None, "overwrote"),
    # CS231n: (x + y)·z at x = -2, y = 5, z = -4
    ("q = x + y; f = q * z", ["x=-2", "y=5", "z=-4"], "df/dx=4", None, "sign"),
    ("q = x + y; f = q * z", ["x=-2", "y=5", "z=-4"], "df/dz=-3", None, "sign"),
    ("q = x + y; f = q * z", ["x=-2", "y=5", "z=-4"], "df/dx=1", None, "dropped-local"),
    # CS231n's sigmoid neuron: w0 = 2, x0 = -1, w1 = -3, x1 = -2, w2 = -3; z = 1
    ("f = sigmoid(w0*x0 + w1*x1 + w2)", ["w0=2", "x0=-1", "w1=-3", "x1=-2", "w2=-3"], "dw0=-0.219", None,
     "activation-at-input"),  # σ(σ(z))(1 - σ(σ(z))): the derivative taken at the output, applied again
    ("f = sigmoid(w0*x0 + w1*x1 + w2)", ["w0=2", "x0=-1", "w1=-3", "x1=-2", "w2=-3"], "dw0=0", None,
     "activation-at-input"),  # z(1 - z) = 0 at z = 1
    ("f = sigmoid(w0*x0 + w1*x1 + w2)", ["w0=2", "x0=-1", "w1=-3", "x1=-2", "w2=-3"], "dw0=-1", None,
     "dropped-local"),
    # micrograd's tanh neuron: n = 0.8814, o = tanh(n) = 0.7071, do/dn = 1 - o² = 0.5
    ("n = x1*w1 + x2*w2 + b; o = tanh(n)", ["x1=2", "x2=0", "w1=-3", "w2=1", "b=6.8813735870195432"],
     "dw1=0.4464", None, "activation-at-input"),  # (1 - n²)·x1
    ("n = x1*w1 + x2*w2 + b; o = tanh(n)", ["x1=2", "x2=0", "w1=-3", "w2=1", "b=6.8813735870195432"],
     "do/dn=0.2232", None, "activation-at-input"),
    ("n = x1*w1 + x2*w2 + b; o = tanh(n)", ["x1=2", "x2=0", "w1=-3", "w2=1", "b=6.8813735870195432"],
     "dx1=-3", None, "dropped-local"),
    # the worked example
    (CHAIN, CHAIN_AT, "dL/dw2=0.2052", None, "sign"),
    (CHAIN, CHAIN_AT, "dL/dw2=-0.4104", None, "dropped-constant"),  # the ½ dropped
    (CHAIN, CHAIN_AT, "dL/dw2=-0.1026", None, "dropped-constant"),  # the 2 of the square dropped
    (CHAIN, CHAIN_AT, "dL/dw1=0", None, "activation-at-input"),  # z(1 - z) at z = 1
    (CHAIN, CHAIN_AT, "dL/dw1=-0.1684", None, "dropped-local"),  # σ′ left out
    (CHAIN, CHAIN_AT, "w2'=0.297948", "0.01", "update-sign"),
    (CHAIN, CHAIN_AT, "w2_new=0.5052", "0.01", "update-lr"),
    (CHAIN, CHAIN_AT, "w1'=0.499669", "0.01", "update-sign"),
    (CHAIN, CHAIN_AT, "w1'=1/2", "0.01", "activation-at-input"),  # stepped with the zero gradient of z(1 - z)
    # the two: σ(z) for σ′(z) (z = 1.5, σ = 0.8176, 0.8176·0.8176 = 0.6684) and tanh(2) for tanh′(2)
    ("a = sigmoid(w*x + b); C = 0.5*(y - a)**2", ["w=0.6", "b=0.9", "x=1", "y=0"], "dC/dw=0.6684", None,
     "activation-as-derivative"),
    ("f = tanh(x)", ["x=2"], "df/dx=0.964", None, "activation-as-derivative"),
    ("f = relu(3*x)", ["x=2"], "dx=18", None, "activation-as-derivative"),  # relu(6)·3 for relu′(6)·3
    # values: the loss without its ½, a sign, a term and an activation left out
    (CHAIN, CHAIN_AT, "L=0.07878", None, "dropped-constant"),
    (CHAIN, CHAIN_AT, "L=-0.03939", None, "sign"),
    (CHAIN, CHAIN_AT, "L=0.125", None, "missed-term"),  # ½y², yhat left out
    (CHAIN, CHAIN_AT, "yhat=0.3", None, "activation-left-out"),  # h = z = 1
    (CHAIN, CHAIN_AT, "L=0.02", None, "activation-left-out"),
    # quotient rule, one division
    ("f = 1/x", ["x=2"], "dx=1/4", None, "quotient-rule"),
    ("f = 1/x", ["x=2"], "dx=-1/2", None, "quotient-rule"),
    ("f = a/b", ["a=3", "b=2"], "db=0.75", None, "quotient-rule"),
]


@pytest.mark.parametrize("program, at, claim, lr, code", EXERCISES)
def test_each_mistake_is_diagnosed_on_a_worked_exercise(program, at, claim, lr, code, check_json):
    extra = ["--lr", lr] if lr else []
    [result] = check_json(program, at, claim, extra=extra)
    assert result["verdict"] == "wrong"
    codes = [d["code"] for d in result["diagnoses"]]
    assert code in codes, (claim, result["diagnoses"])
    for d in result["diagnoses"]:
        assert d["text"].startswith("your answer is what you get if you ")
        assert MISTAKES[d["code"]].example_for(result["kind"]) in d["text"]


def test_every_code_has_an_exercise():
    assert {code for *_, code in EXERCISES} == set(MISTAKES)


@pytest.mark.parametrize("program, at, claim, code", [
    # the examples the diagnoses quote are themselves diagnosed as they say
    ("f = x*x", ["x=3"], "dx=3", "missed-path"),
    ("f = x*x", ["x=3"], "dx=3", "overwrote"),
    ("f = 5 - x", ["x=1"], "dx=1", "sign"),
    ("f = sin(x*y)", ["x=0", "y=2"], "dx=1", "dropped-local"),
    ("h = sigmoid(z)", ["z=1"], "dz=0", "activation-at-input"),
    ("L = 0.5*(y - yhat)**2", ["y=1", "yhat=0"], "dyhat=-2", "dropped-constant"),
    ("L = 0.5*(y - yhat)**2", ["y=1", "yhat=0"], "dyhat=-1/2", "dropped-constant"),
    ("f = 1/x", ["x=2"], "dx=-1/2", "quotient-rule"),
])
def test_the_examples_in_the_diagnoses_are_true(program, at, claim, code, check_json):
    [result] = check_json(program, at, claim)
    assert code in [d["code"] for d in result["diagnoses"]]


def test_update_examples_are_true(check_json):
    wrong_sign, no_lr, right = check_json("L = -0.2*w", ["w=0.3"], "w'=0.298", "w'=0.5", "w'=0.302",
                                          extra=["--lr", "0.01"])
    assert [d["code"] for d in wrong_sign["diagnoses"]] == ["update-sign"]
    assert [d["code"] for d in no_lr["diagnoses"]] == ["update-lr"]
    assert right["verdict"] == "right" and right["diagnoses"] == []


def test_the_articles_figures_get_no_invented_diagnosis(check_json):
    results = check_json(CHAIN, CHAIN_AT, "L=0.0405", "dL/dw2=-0.1473", "dL/dw1=-0.0652",
                         "w2'=0.301473", "w1'=0.500652", extra=["--lr", "0.01"])
    assert [r["verdict"] for r in results] == ["wrong"] * 5
    assert all(r["diagnoses"] == [] for r in results)  # nothing matches: only the chain path is shown
    assert results[1]["chain"] and results[3]["chain"][-1].startswith("w2' = w2 - η·∂L/∂w2 = 0.3 - 0.01·(-0.2052)")


def test_missed_path_search_is_bounded():
    # 2**13 paths from f to x: subsets are not enumerated, single uses are left out instead
    source = "; ".join([f"a{i} = {'x' if i == 0 else f'a{i - 1}'} + {'x' if i == 0 else f'a{i - 1}'}"
                        for i in range(13)]) + "; f = a12"
    evaluation = parse(source).evaluate({"x": 1.0})
    evaluation.gradients  # the one backward pass
    diagnoser = Diagnoser(evaluation.root, evaluation.constants)
    chain = Chain(evaluation.root, evaluation.values["x"], diagnoser.order, diagnoser.names, diagnoser.constants)
    assert chain.paths() is None
    claim = parse_claim("dx=4096", "f", evaluation.values)  # one of the two uses of a11 left out
    assert [d.code for d in diagnoser.diagnose(claim, evaluation.values["x"], 8192.0)][:1] == ["missed-path"]


# ---------------------------------------------------------------- random programs


@st.composite
def programs(draw, depth=0):
    """Small random programs over x and y, smooth at every point drawn (no abs, no relu)."""
    leaf = st.one_of(st.sampled_from(["x", "y", "x", "y"]), st.sampled_from(["2", "0.5", "3"]))
    if depth > 3 or draw(st.booleans()):
        return draw(leaf)
    kind = draw(st.sampled_from(["bin", "fn", "neg", "div"]))
    a = draw(programs(depth=depth + 1))
    if kind == "neg":
        return f"-({a})"
    if kind == "fn":
        return f"{draw(st.sampled_from(['tanh', 'sigmoid', 'sin', 'cos', 'exp']))}(tanh({a}))"
    b = draw(programs(depth=depth + 1))
    if kind == "div":
        return f"({a}) / (2 + sigmoid({b}))"
    return f"({a}) {draw(st.sampled_from(['+', '-', '*']))} ({b})"


def _evaluated(source, x, y):
    program = parse("g = " + source)
    at = {name: {"x": x, "y": y}[name] for name in program.inputs}
    evaluation = program.evaluate(at)
    trace(evaluation.root, evaluation.gradients, evaluation.constants)
    return evaluation


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(), st.floats(-2, 2), st.floats(-2, 2), st.integers(1, 12))
def test_correct_claims_are_right_and_never_diagnosed(source, x, y, digits):
    evaluation = _evaluated(source, x, y)
    diagnoser = Diagnoser(evaluation.root, evaluation.constants)
    grads = evaluation.grads()
    for name in evaluation.program.inputs:
        truth = grads[name]
        written = f"{truth:.{digits - 1}e}"  # rounded to that many significant digits (never an integer)
        claim = parse_claim(f"dg/d{name}={written}", "g", evaluation.values)
        assert agrees(claim.claimed, claim.tolerance, truth)
        assert diagnoser.diagnose(claim, evaluation.values[name], truth) == []
        exact = parse_claim(f"d{name}={truth:.17e}", "g", evaluation.values)
        assert diagnoser.diagnose(exact, evaluation.values[name], truth) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(), st.floats(-2, 2), st.floats(-2, 2))
def test_every_mistake_made_exactly_is_diagnosed_with_its_code(source, x, y):
    evaluation = _evaluated(source, x, y)
    assume(evaluation.program.inputs)
    diagnoser = Diagnoser(evaluation.root, evaluation.constants)
    name = evaluation.program.inputs[0]
    node, truth = evaluation.values[name], evaluation.grads()[name]
    chain = Chain(evaluation.root, node, diagnoser.order, diagnoser.names, diagnoser.constants)
    for code, _, value in list(gradient_variants(chain))[:30]:
        if math.isfinite(value) and abs(value - truth) > 1e-9 * max(1.0, abs(truth)):
            claim = parse_claim(f"d{name}={value:.17e}", "g", evaluation.values)  # to the last digit
            assert code in [d.code for d in diagnoser.diagnose(claim, node, truth)]


# ---------------------------------------------------------------- value claims: slips in the forward pass


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(), st.floats(-2, 2), st.floats(-2, 2), st.integers(1, 12))
def test_the_forward_pass_recomputed_is_the_engines_and_right_values_are_never_diagnosed(source, x, y, digits):
    evaluation = _evaluated(source, x, y)
    root = evaluation.root
    assert forward_value(topological_order(root)) == root.data  # bit for bit: the table's own rules
    diagnoser = Diagnoser(root, evaluation.constants)
    written = f"{root.data:.{digits - 1}e}"
    for text in (f"g={written}", f"g={root.data:.17e}"):
        claim = parse_claim(text, "g", evaluation.values)
        assert diagnoser.diagnose(claim, root, root.data) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(), st.floats(-2, 2), st.floats(-2, 2))
def test_every_value_slip_made_exactly_is_diagnosed_with_its_code(source, x, y):
    evaluation = _evaluated(source, x, y)
    diagnoser = Diagnoser(evaluation.root, evaluation.constants)
    root, truth = evaluation.root, evaluation.root.data
    for code, _, value in list(value_variants(root, diagnoser.constants, str))[:30]:
        if math.isfinite(value) and abs(value - truth) > 1e-9 * max(1.0, abs(truth)):
            claim = parse_claim(f"g={value:.17e}", "g", evaluation.values)
            assert code in [d.code for d in diagnoser.diagnose(claim, root, truth)]


def test_a_wrong_value_gets_the_forward_steps_that_compute_it(check_json):
    [result] = check_json(CHAIN, CHAIN_AT, "L=0.07878")  # the loss without its ½ (issue 19, why 7)
    assert [d["code"] for d in result["diagnoses"]] == ["dropped-constant"]
    assert "leave out the constant factor 0.5" in result["diagnoses"][0]["text"]
    assert result["chain"][0] == "z = w1 * x = 1" and result["chain"][-1].startswith("L = 0.5 * ")
    assert result["chain"][-1].endswith(" = 0.0393913")
    [right] = check_json(CHAIN, CHAIN_AT, "L=0.03939")
    assert right["verdict"] == "right" and right["diagnoses"] == [] and right["chain"] == []


def test_value_slips_on_a_long_program_try_only_the_sign():
    source = "; ".join(f"a{i} = {'x' if i == 0 else f'a{i - 1}'} * 1.001 + 0.5" for i in range(300)) + "; f = a299"
    evaluation = parse(source).evaluate({"x": 1.0})
    diagnoser = Diagnoser(evaluation.root, evaluation.constants)
    root = evaluation.root
    assert [code for code, *_ in value_variants(root, diagnoser.constants, str, limit=400)] == ["sign"]
    claim = parse_claim(f"f={-root.data!r}", "f", evaluation.values)
    assert [d.code for d in diagnoser.diagnose(claim, root, root.data)] == ["sign"]


@pytest.mark.parametrize("program, at, claim, words", [
    ("f = 3/x", ["x=2"], "f=0.5", "leave out the constant factor 3 in f"),
    ("f = 3 - x", ["x=2"], "f=-2", "leave out the constant term 3 in f"),
    ("f = x - 3", ["x=2"], "f=2", "leave out the constant term 3 in f"),
    ("f = 2*x + 1", ["x=2"], "f=4", "leave out the constant term 1 in f"),
    ("f = x/4", ["x=2"], "f=2", "leave out the division by 4 in f"),
])
def test_a_dropped_constant_in_a_value(program, at, claim, words, check_json):
    [result] = check_json(program, at, claim)
    texts = [d["text"] for d in result["diagnoses"] if d["code"] == "dropped-constant"]
    assert texts and words in texts[0], result["diagnoses"]
