"""The precision rule (`autograd.checking.precision`): written precision, significant digits,
reading a number, agreeing with the truth, exact integers and fractions, --sig and --rtol."""

import json
import math

import pytest

from autograd.checking import agrees, read_number, significant_digits, written_precision
from autograd.checking.precision import rating, tolerance
from test_checking_report import CHAIN, CHAIN_AT


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


def test_nothing_agrees_with_an_infinite_truth():
    assert not agrees(5.0, 0.0, -math.inf) and not agrees(math.inf, 0.0, math.inf) and not agrees(0.0, 1.0, math.nan)


def test_rating_is_wrong_before_it_is_imprecise():
    assert rating(-0.03, 0.005, 1, -0.0331, sig=3) == "imprecise"
    assert rating(-0.05, 0.005, 1, -0.0331, sig=3) == "wrong"
    assert rating(2.0, 0.0, None, 2.0, sig=5) == "right"  # an exact number has every digit
    assert tolerance("-0.033", -0.033, rtol=0.01) == pytest.approx(0.00033) and tolerance("2", 2.0) == 0.0


@pytest.mark.parametrize("claim, verdict", [
    ("dx=1", "wrong"), ("dy=0", "wrong"), ("f=0", "wrong"),  # whole numbers are exact now
    ("dx=1.4", "right"), ("dx=7/5", "right"), ("dy=3/10", "right"), ("f=21/50", "right"),
    ("dx=1.40", "right"), ("dx=1.39", "wrong"), ("f=0.4", "right"), ("f=0.5", "wrong"), ("f=0.42", "right"),
])
def test_integers_and_fractions_are_exact(claim, verdict, check_json):
    [result] = check_json("f = x*y", ["x=0.3", "y=1.4"], claim)
    assert result["verdict"] == verdict
    assert result["true"] == pytest.approx({"d": {"x": 1.4, "y": 0.3}, "f": {"": 0.42}}[claim[0]][claim[1:2].strip("=")])


def test_sig_makes_short_agreeing_claims_imprecise_and_keeps_wrong_ones_wrong(run_cli, check_json):
    results = check_json(CHAIN, CHAIN_AT, "dw1=-0.03", "dw1=-0.0331", "dw1=-0.05", "dw2=-0.2052",
                         "L=0.04", extra=["--sig", "3"])
    assert [r["verdict"] for r in results] == ["imprecise", "right", "wrong", "right", "imprecise"]
    assert results[0]["significant_digits"] == 1 and results[0]["diagnoses"] == []
    code, out, _ = run_cli("check", CHAIN, "--at", *CHAIN_AT, "--claim", "dw1=-0.03", "--sig", "3")
    assert code == 1  # imprecise is not yet right
    assert out.startswith("imprecise: dL/dw1 = -0.03") and "give at least 3" in out
    assert run_cli("check", CHAIN, "--at", *CHAIN_AT, "--claim", "dw1=-1/30", "--sig", "3")[0] == 1
    assert run_cli("check", "f = 2*x", "--at", "x=1", "--claim", "dx=2", "--sig", "5")[0] == 0


def test_rtol_still_replaces_the_written_precision(check_json):
    [result] = check_json(CHAIN, CHAIN_AT, "dw1=-0.033", extra=["--rtol", "0.01"])
    assert result["verdict"] == "right" and result["tolerance"] == pytest.approx(0.00033)


# ---------------------------------------------------------------- at any magnitude (issue 19, why 1)


def test_tiny_answers_are_judged_at_their_written_precision_and_sign(run_cli):
    code, out, _ = run_cli("check", "f = 1e-14*x", "--at", "x=1", "--claim", "dx=-1e-14", "dx=2e-14", "dx=1e-13",
                           "--json")
    data = json.loads(out)
    assert code == 1 and [c["verdict"] for c in data["claims"]] == ["wrong"] * 3 and data["right"] == 0
    code, out, _ = run_cli("check", "f = exp(-40)*x", "--at", "x=1", "--claim", "dx=4.3e-18", "dx=4.248e-18",
                           "--json")
    assert [c["verdict"] for c in json.loads(out)["claims"]] == ["wrong", "right"]  # off by 5.2e-20 against ±5e-20


@pytest.mark.parametrize("claim, verdict", [
    # at 1e-14 exactly as at 1: "1" right, "2" and "10" wrong, "-1" wrong
    ("dx=1e-14", "right"), ("dx=1.0e-14", "right"), ("dx=1.00e-14", "right"), ("dx=1.04e-14", "wrong"),
    ("dx=2e-14", "wrong"), ("dx=1e-13", "wrong"), ("dx=-1e-14", "wrong"), ("dx=0", "wrong"), ("dx=0.0", "right"),
])
def test_the_rule_at_1e_14(claim, verdict, check_json):
    [result] = check_json("f = 1e-14*x", ["x=1"], claim)
    assert result["verdict"] == verdict, claim


@pytest.mark.parametrize("claim, verdict", [
    ("dx=1e-300", "right"), ("dx=1.0e-300", "right"), ("dx=1.5e-300", "wrong"), ("dx=-1e-300", "wrong"),
    ("dx=2e-300", "wrong"), ("f=3e-300", "right"), ("f=-3e-300", "wrong"), ("f=3.1e-300", "wrong"),
])
def test_the_rule_at_1e_300(claim, verdict, check_json):
    [result] = check_json("f = 1e-300*x", ["x=3"], claim)
    assert result["verdict"] == verdict, claim


def test_the_float_slack_is_relative_and_never_wider_than_the_written_precision():
    assert agrees(1e-14 * (1 + 1e-13), 0.0, 1e-14)  # float rounding of the truth's own size
    assert not agrees(1.1e-14, 0.0, 1e-14)  # an exact claim off by 10%, however small
    assert not agrees(1e-14 + 5.1e-15 * 2, 5e-15, 1e-14)  # at most twice the written precision
    assert agrees(1e5 + 0.5, 0.5, 1e5) and not agrees(1e5 + 0.5 + 2e-7, 0.5, 1e5)  # slack 1e-7 at 1e5


def test_a_wrong_sign_is_wrong_at_any_tolerance_unless_the_truth_is_float_noise():
    assert not agrees(-1e-14, 1.0, 1e-14)  # even with a tolerance of 1
    assert not agrees(-0.1, 10.0, 0.2)  # --rtol 100 does not make the sign right
    assert agrees(-0.0, 0.05, 5.551115123125783e-17)  # 0.1 + 0.2 - 0.3: float noise of 0
    assert agrees(-1e-17, 0.0, 5.551115123125783e-17, noise=3e-13)  # within the noise of numbers of size 0.3
    assert not agrees(-1e-17, 0.0, 5.551115123125783e-17)  # with no noise known, only the sign of 0 is free


def test_a_cancelled_truth_may_be_claimed_as_zero(check_json):
    zero, negative = check_json("f = x + y - z", ["x=0.1", "y=0.2", "z=0.3"], "f=0", "f=-0.0")
    assert zero["true"] == pytest.approx(5.55e-17, rel=1e-2)
    assert zero["verdict"] == "right" and negative["verdict"] == "right"


def test_no_relative_tolerance_makes_a_wrong_sign_right(check_json):
    # the widest --rtol (below 1) is narrower than the claim itself, so it never reaches across 0
    wrong_sign, right = check_json("f = 1e-14*x", ["x=1"], "dx=-0.6e-14", "dx=1.9e-14", extra=("--rtol", "0.99"))
    assert wrong_sign["verdict"] == "wrong" and right["verdict"] == "right"
    assert [d["code"] for d in wrong_sign["diagnoses"]] == ["sign"]
