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


@pytest.mark.parametrize("program, at, claim, meant", [
    # other spellings of a derivative point to the one the grammar reads (issue 19, why 11)
    ("f = x**2 * y", ["x=3", "y=2"], "dfdx=8", "did you mean 'df/dx'?"),
    ("f = x**2 * y", ["x=3", "y=2"], "df_dx=8", "did you mean 'df/dx'?"),
    ("f = x**3", ["x=1"], "f''=6", "did you mean 'd2f/dx2'?"),
    ("f = x**3", ["x=1"], "d^2f/dx^2=6", "did you mean 'd2f/dx2'?"),
    ("f = x**2 * y", ["x=3", "y=2"], "d^2f/dxdy=6", "did you mean 'd2f/dxdy'?"),
    ("f = x**3", ["x=1"], "f'=3", "its derivative is written df/dNAME (e.g. df/dx)"),
    # a word processor's dashes are not minus signs
    ("f = 3 - x", ["x=1"], "dx=–0.5", "starts with an en dash (–), not a minus sign; write -0.5"),
    ("f = 3 - x", ["x=1"], "dx=—0.5", "starts with an em dash (—), not a minus sign; write -0.5"),
])
def test_other_spellings_get_a_suggestion(program, at, claim, meant, run_cli):
    code, out, err = run_cli("check", program, "--at", *at, "--claim", claim)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1 and meant in err, err


def test_a_quantity_really_named_like_a_spelling_is_read_as_itself(check_json):
    [result] = check_json("fdx = 2*x; f = fdx + 1", ["x=1"], "dfdx=1")  # dNAME for the quantity fdx
    assert result["kind"] == "gradient" and result["verdict"] == "right"
