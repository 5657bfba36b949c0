"""Judging claimed answers (the precision rule, the claim forms, --sig, --json) and diagnosing
the classic mistakes on textbook exercises; random programs whose correct claims are never
diagnosed."""

import json
import math

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from autograd.checking.check import (
    MISTAKES, Diagnoser, _Chain, agrees, gradient_variants, parse_claim, read_number,
    significant_digits, written_precision,
)
from autograd.apps.cli import main
from autograd.lang import parse
from autograd.explain import trace

CHAIN = "z = w1*x; h = sigmoid(z); yhat = w2*h; L = 0.5*(y - yhat)**2"
CHAIN_AT = ["x=2", "w1=0.5", "w2=0.3", "y=0.5"]


def run_cli(capsys, *args):
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def check_json(capsys, program, at, *claims, extra=()):
    code, out, err = run_cli(capsys, "check", program, "--at", *at, "--claim", *claims, *extra, "--json")
    assert code in (0, 1), err
    data = json.loads(out)
    assert data["exit_status"] == code
    return data["claims"]


# ---------------------------------------------------------------- the precision rule


@pytest.mark.parametrize("text, tolerance, digits", [
    ("-0.0331", 0.00005, 3), ("0.03310", 0.000005, 4), ("3.5e-5", 5e-7, 2), ("2.0", 0.05, 2),
    ("2", 0.0, None), ("-4", 0.0, None), ("1/4", 0.0, None), ("-3/8", 0.0, None), ("−0.5", 0.05, 1),
    ("0.0", 0.05, 0), ("100.", 0.5, 3),
])
def test_written_precision_and_significant_digits(text, tolerance, digits):
    assert written_precision(text) == pytest.approx(tolerance, rel=1e-12, abs=0)
    assert significant_digits(text) == digits


def test_read_number_fractions_and_the_unicode_minus():
    assert read_number("1/4", "c") == 0.25
    assert read_number("-3/8", "c") == -0.375
    assert read_number("−4", "c") == -4.0
    assert read_number(" 1e-3 ", "c") == 0.001


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "1e999", "1e-999", "1/0", "1/" + "0" * 3, "٣", "1,5",
                                  "9" * 400 + "/1"])
def test_read_number_refuses_what_is_not_a_finite_number(text):
    with pytest.raises(ValueError):
        read_number(text, "claim")


def test_agrees_has_only_float_slack_for_exact_claims():
    assert agrees(0.1 + 0.2, 0.0, 0.3)
    assert not agrees(1.0, 0.0, 1.4)
    assert not agrees(0.0, 0.0, 0.3)
    assert agrees(-0.0331, 0.00005, -0.033111)


@pytest.mark.parametrize("claim, verdict", [
    ("dx=1", "wrong"), ("dy=0", "wrong"), ("f=0", "wrong"),  # whole numbers are exact now
    ("dx=1.4", "right"), ("dx=7/5", "right"), ("dy=3/10", "right"), ("f=21/50", "right"),
    ("dx=1.40", "right"), ("dx=1.39", "wrong"), ("f=0.4", "right"), ("f=0.5", "wrong"), ("f=0.42", "right"),
])
def test_integers_and_fractions_are_exact(claim, verdict, capsys):
    [result] = check_json(capsys, "f = x*y", ["x=0.3", "y=1.4"], claim)
    assert result["verdict"] == verdict
    assert result["true"] == pytest.approx({"d": {"x": 1.4, "y": 0.3}, "f": {"": 0.42}}[claim[0]][claim[1:2].strip("=")])


@pytest.mark.parametrize("claim", ["∂f/∂x=1.4", "df/dx=1.4", "dx=1.4", "x.grad=1.4", "∂f/∂x = 7/5", "dy=3/10",
                                   "y.grad=0.3"])
def test_claim_forms(claim, capsys):
    [result] = check_json(capsys, "f = x*y", ["x=0.3", "y=1.4"], claim)
    assert result["verdict"] == "right" and result["kind"] == "gradient"
    assert result["claim"] == claim


def test_unicode_minus_in_claims(capsys):
    [result] = check_json(capsys, "f = 3 - x", ["x=1"], "dx=−1")
    assert result["verdict"] == "right" and result["claimed"] == -1.0


def test_sig_makes_short_agreeing_claims_imprecise_and_keeps_wrong_ones_wrong(capsys):
    results = check_json(capsys, CHAIN, CHAIN_AT, "dw1=-0.03", "dw1=-0.0331", "dw1=-0.05", "dw2=-0.2052",
                         "L=0.04", extra=["--sig", "3"])
    assert [r["verdict"] for r in results] == ["imprecise", "right", "wrong", "right", "imprecise"]
    assert results[0]["significant_digits"] == 1 and results[0]["diagnoses"] == []
    code, out, _ = run_cli(capsys, "check", CHAIN, "--at", *CHAIN_AT, "--claim", "dw1=-0.03", "--sig", "3")
    assert code == 1  # imprecise is not yet right
    assert out.startswith("imprecise: dL/dw1 = -0.03") and "give at least 3" in out
    assert run_cli(capsys, "check", CHAIN, "--at", *CHAIN_AT, "--claim", "dw1=-1/30", "--sig", "3")[0] == 1
    assert run_cli(capsys, "check", "f = 2*x", "--at", "x=1", "--claim", "dx=2", "--sig", "5")[0] == 0


def test_rtol_still_replaces_the_written_precision(capsys):
    [result] = check_json(capsys, CHAIN, CHAIN_AT, "dw1=-0.033", extra=["--rtol", "0.01"])
    assert result["verdict"] == "right" and result["tolerance"] == pytest.approx(0.00033)


@pytest.mark.parametrize("claim, words", [
    ("f=nan", "not a finite number"), ("f=inf", "not a finite number"), ("dx=1e999", "beyond the range"),
    ("dx=1e-999", "beyond the range"), ("dx=1/0", "divides by zero"), ("dx=١", "0-9"),
    ("w'=1", "needs the learning rate"), ("dq=1", "no quantity named 'q'"), ("dxx=1", "did you mean 'x'"),
    ("dx=" + "9" * 5000 + "/1", "longer than"), ("f=" + "1" * 5000, "longer than"),
])
def test_bad_claims_are_one_error_line_and_exit_2(claim, words, capsys):
    code, out, err = run_cli(capsys, "check", "f = x*w", "--at", "x=1", "w=2", "--claim", claim)
    assert (code, out) == (2, "")
    assert err.startswith("error: ") and err.count("\n") == 1 and words in err, err


def test_the_help_examples_run(capsys):
    import shlex

    from autograd.checking import CHECK_HELP

    examples = CHECK_HELP.split("examples:\n")[1].replace("\\\n", " ").strip().splitlines()
    assert len(examples) == 4
    for line in examples:
        args = shlex.split(line)[1:]
        code, out, err = run_cli(capsys, *args)
        assert code in (0, 1) and out and not err, line


# ---------------------------------------------------------------- the JSON contract


def test_update_claims_need_a_positive_learning_rate(capsys):
    for lr in ("0", "-0.1"):
        code, out, err = run_cli(capsys, "check", "f = x*w", "--at", "x=1", "w=2", "--claim", "w'=1", "--lr", lr)
        assert (code, out) == (2, "") and "above 0" in err


def test_check_json_contract(capsys):
    code, out, _ = run_cli(capsys, "check", CHAIN, "--at", *CHAIN_AT, "--claim", "L=0.0394", "dL/dw2=0.2052",
                           "--json")
    data = json.loads(out)
    assert code == 1 and (data["right"], data["wrong"], data["imprecise"]) == (1, 1, 0)
    value, grad = data["claims"]
    assert value == {"claim": "L=0.0394", "quantity": "L", "kind": "value", "claimed": 0.0394, "verdict": "right",
                     "tolerance": pytest.approx(5e-5), "significant_digits": 3,
                     "true": pytest.approx(0.0393913, rel=1e-5), "diagnoses": [], "chain": []}
    assert grad["verdict"] == "wrong" and grad["true"] == pytest.approx(-0.2051953, rel=1e-6)
    assert [d["code"] for d in grad["diagnoses"]] == ["sign"]
    assert grad["diagnoses"][0]["text"].startswith("your answer is what you get if you drop the minus sign")
    assert grad["chain"][-1] == "∂L/∂w2 = ∂L/∂yhat · ∂yhat/∂w2 = -0.2807 · 0.7311 = -0.2052"


def test_hide_leaves_out_true_values_diagnoses_and_steps(capsys):
    code, out, _ = run_cli(capsys, "check", CHAIN, "--at", *CHAIN_AT, "--claim", "dw2=0.2052", "--hide", "--json")
    [claim] = json.loads(out)["claims"]
    assert "true" not in claim and claim["diagnoses"] == [] and claim["chain"] == []
    code, out, _ = run_cli(capsys, "check", CHAIN, "--at", *CHAIN_AT, "--claim", "dw2=0.2052", "--hide")
    assert out.splitlines()[0] == "wrong: dL/dw2 = 0.2052" and "0.205195" not in out and "sign" not in out


# ---------------------------------------------------------------- diagnoses on textbook exercises

# Matt Mazur's "A step by step backpropagation example": two inputs, two sigmoid hidden units sharing
# the bias b1, two sigmoid outputs sharing b2, squared error; his figures are right to the digits he printed.
MAZUR = """net_h1 = w1*i1 + w2*i2 + b1; out_h1 = sigmoid(net_h1)
net_h2 = w3*i1 + w4*i2 + b1; out_h2 = sigmoid(net_h2)
net_o1 = w5*out_h1 + w6*out_h2 + b2; out_o1 = sigmoid(net_o1)
net_o2 = w7*out_h1 + w8*out_h2 + b2; out_o2 = sigmoid(net_o2)
E = 0.5*(t1 - out_o1)**2 + 0.5*(t2 - out_o2)**2"""
MAZUR_AT = ["i1=.05", "i2=.10", "w1=.15", "w2=.20", "w3=.25", "w4=.30", "b1=.35", "w5=.40", "w6=.45", "w7=.50",
            "w8=.55", "b2=.60", "t1=0.01", "t2=0.99"]


def test_mazurs_published_figures_are_right(capsys):
    results = check_json(capsys, MAZUR, MAZUR_AT, "E=0.298371109", "dE/dw5=0.082167041", "w5'=0.35891648",
                         "dE/dw1=0.000438568", "w1_new=0.149780716", "dout_h1=0.036350306", extra=["--lr", "0.5"])
    assert [r["verdict"] for r in results] == ["right"] * 6


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
    # quotient rule, one division
    ("f = 1/x", ["x=2"], "dx=1/4", None, "quotient-rule"),
    ("f = 1/x", ["x=2"], "dx=-1/2", None, "quotient-rule"),
    ("f = a/b", ["a=3", "b=2"], "db=0.75", None, "quotient-rule"),
]


@pytest.mark.parametrize("program, at, claim, lr, code", EXERCISES)
def test_each_mistake_is_diagnosed_on_a_worked_exercise(program, at, claim, lr, code, capsys):
    extra = ["--lr", lr] if lr else []
    [result] = check_json(capsys, program, at, claim, extra=extra)
    assert result["verdict"] == "wrong"
    codes = [d["code"] for d in result["diagnoses"]]
    assert code in codes, (claim, result["diagnoses"])
    for d in result["diagnoses"]:
        assert d["text"].startswith("your answer is what you get if you ")
        assert MISTAKES[d["code"]].example in d["text"]


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
def test_the_examples_in_the_diagnoses_are_true(program, at, claim, code, capsys):
    [result] = check_json(capsys, program, at, claim)
    assert code in [d["code"] for d in result["diagnoses"]]


def test_update_examples_are_true(capsys):
    wrong_sign, no_lr, right = check_json(capsys, "L = -0.2*w", ["w=0.3"], "w'=0.298", "w'=0.5", "w'=0.302",
                                          extra=["--lr", "0.01"])
    assert [d["code"] for d in wrong_sign["diagnoses"]] == ["update-sign"]
    assert [d["code"] for d in no_lr["diagnoses"]] == ["update-lr"]
    assert right["verdict"] == "right" and right["diagnoses"] == []


def test_the_articles_figures_get_no_invented_diagnosis(capsys):
    results = check_json(capsys, CHAIN, CHAIN_AT, "L=0.0405", "dL/dw2=-0.1473", "dL/dw1=-0.0652",
                         "w2'=0.301473", "w1'=0.500652", extra=["--lr", "0.01"])
    assert [r["verdict"] for r in results] == ["wrong"] * 5
    assert all(r["diagnoses"] == [] for r in results)  # nothing matches: only the chain path is shown
    assert results[1]["chain"] and results[3]["chain"][-1].startswith("w2' = w2 - η·∂L/∂w2 = 0.3 - 0.01·(-0.2052)")


def test_text_report_shows_the_diagnosis_then_the_chain(capsys):
    code, out, _ = run_cli(capsys, "check", "f = log(x)/x", "--at", "x=2", "--claim", "df/dx=0.25")
    lines = out.splitlines()
    assert code == 1 and lines[0].startswith("wrong: df/dx = 0.25   true value 0.07671320486")
    assert lines[1].startswith("  [missed-path] your answer is what you get if you leave out the path f → x")
    assert lines[2].startswith("  [overwrote] ") and lines[3] == "  the chain rule to it:"


def test_missed_path_search_is_bounded():
    # 2**13 paths from f to x: subsets are not enumerated, single uses are left out instead
    source = "; ".join([f"a{i} = {'x' if i == 0 else f'a{i - 1}'} + {'x' if i == 0 else f'a{i - 1}'}"
                        for i in range(13)]) + "; f = a12"
    evaluation = parse(source).evaluate({"x": 1.0})
    evaluation.gradients  # the one backward pass
    diagnoser = Diagnoser(evaluation.root, evaluation.constants)
    chain = _Chain(evaluation.root, evaluation.values["x"], diagnoser.order, diagnoser.names, diagnoser.constants)
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
    chain = _Chain(evaluation.root, node, diagnoser.order, diagnoser.names, diagnoser.constants)
    for code, _, value in list(gradient_variants(chain))[:30]:
        if math.isfinite(value) and abs(value - truth) > 1e-9 * max(1.0, abs(truth)):
            claim = parse_claim(f"d{name}={value:.17e}", "g", evaluation.values)  # to the last digit
            assert code in [d.code for d in diagnoser.diagnose(claim, node, truth)]


# ---------------------------------------------------------------- a quantity the output does not depend on


def test_a_wrong_claim_about_a_quantity_off_the_outputs_path_is_judged_not_a_traceback(capsys):
    """`check "a = 2*x; f = y" --claim da=1` used to raise KeyError while diagnosing, and the
    chain said 'a is the output: df/da = 1'. df/da is 0: no path leads from f to a."""
    claims = check_json(capsys, "a = 2*x; f = y", ["x=1", "y=1"], "da=1", "x'=2", "da=0", extra=("--lr", "0.1"))
    assert [(c["verdict"], c["true"], c["diagnoses"]) for c in claims] == [
        ("wrong", 0.0, []), ("wrong", 1.0, []), ("right", 0.0, [])]
    assert claims[0]["chain"] == ["f does not depend on a (no path leads from one to the other): df/da = 0"]
    assert claims[1]["chain"][0] == "f does not depend on x (no path leads from one to the other): df/dx = 0"
    code, out, err = run_cli(capsys, "check", "a = 2*x; f = y", "--at", "x=1", "y=1", "--claim", "da=1")
    assert code == 1 and err == "" and "where the chain went wrong" not in out


def test_an_update_that_overflows_is_bad_input_not_right(capsys):
    """x' = 1 - 1e300·1e10 is -inf, and every claim was within inf of it: `x'=5` was 'right'
    and --json printed -Infinity (not JSON)."""
    code, out, err = run_cli(capsys, "check", "f = 1e10*x", "--at", "x=1", "--claim", "x'=5", "--lr", "1e300", "--json")
    assert (code, out) == (2, "")
    assert err == ("error: claim \"x'=5\": x - η·∂/∂x overflows a float with η = 1e+300: "
                   "the learning rate is too large\n")  # the gradient is not given away (--hide)


def test_nothing_agrees_with_an_infinite_truth():
    assert not agrees(5.0, 0.0, -math.inf) and not agrees(math.inf, 0.0, math.inf) and not agrees(0.0, 1.0, math.nan)


def test_the_number_of_claims_is_bounded(capsys):
    """5,000 claims on a long program took 90 s and 5 GB; past MAX_CLAIMS it is one error line."""
    from autograd.checking import MAX_CLAIMS

    claims = [f"dx=1.{i}" for i in range(MAX_CLAIMS + 1)]
    code, out, err = run_cli(capsys, "check", "f = x*x", "--at", "x=1", "--claim", *claims)
    assert (code, out) == (2, "") and err == f"error: --claim gives {MAX_CLAIMS + 1} claims, at most {MAX_CLAIMS} at a time\n"
    code, out, err = run_cli(capsys, "check", "f = x*x", "--at", "x=1", "--claim", *claims[:MAX_CLAIMS])
    assert code == 1 and sum(line.startswith("wrong: df/dx") for line in out.splitlines()) == MAX_CLAIMS
