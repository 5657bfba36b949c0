"""Claims (`autograd.checking.claims`): the forms a claim is written in, bad claims, updates and
their learning rate."""

import pytest


@pytest.mark.parametrize("claim", ["∂f/∂x=1.4", "df/dx=1.4", "dx=1.4", "x.grad=1.4", "∂f/∂x = 7/5", "dy=3/10",
                                   "y.grad=0.3"])
def test_claim_forms(claim, check_json):
    [result] = check_json("f = x*y", ["x=0.3", "y=1.4"], claim)
    assert result["verdict"] == "right" and result["kind"] == "gradient"
    assert result["claim"] == claim


def test_unicode_minus_in_claims(check_json):
    [result] = check_json("f = 3 - x", ["x=1"], "dx=−1")
    assert result["verdict"] == "right" and result["claimed"] == -1.0


@pytest.mark.parametrize("claim, words", [
    ("f=nan", "not a finite number"), ("f=inf", "not a finite number"), ("dx=1e999", "beyond the range"),
    ("dx=1e-999", "beyond the range"), ("dx=1/0", "divides by zero"), ("dx=١", "0-9"),
    ("w'=1", "needs the learning rate"), ("dq=1", "no quantity named 'q'"), ("dxx=1", "did you mean 'x'"),
    ("dx=" + "9" * 5000 + "/1", "longer than"), ("f=" + "1" * 5000, "longer than"),
])
def test_bad_claims_are_one_error_line_and_exit_2(claim, words, run_cli):
    code, out, err = run_cli("check", "f = x*w", "--at", "x=1", "w=2", "--claim", claim)
    assert (code, out) == (2, "")
    assert err.startswith("error: ") and err.count("\n") == 1 and words in err, err


def test_update_claims_need_a_positive_learning_rate(run_cli):
    for lr in ("0", "-0.1"):
        code, out, err = run_cli("check", "f = x*w", "--at", "x=1", "w=2", "--claim", "w'=1", "--lr", lr)
        assert (code, out) == (2, "") and "above 0" in err


def test_an_update_that_overflows_is_bad_input_not_right(run_cli):
    """x' = 1 - 1e300·1e10 is -inf, and every claim was within inf of it: `x'=5` was 'right'
    and --json printed -Infinity (not JSON)."""
    code, out, err = run_cli("check", "f = 1e10*x", "--at", "x=1", "--claim", "x'=5", "--lr", "1e300", "--json")
    assert (code, out) == (2, "")
    assert err == ("error: claim \"x'=5\": x - η·∂/∂x overflows a float with η = 1e+300: "
                   "the learning rate is too large\n")  # the gradient is not given away (--hide)
