"""Every printed ``a · b = c``, sum and update step can be checked by hand: parse each equation
of the walkthrough, `check`'s update lines and diagnoses and `grad --mode forward`'s trace, and
recompute it exactly from the numbers as printed (issue 19, Build 4)."""

from __future__ import annotations

import math
import re
from decimal import Decimal, localcontext

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from autograd.apps.worked import Example, report, run
from autograd.explain.tables import shown_factors, shown_numbers, shown_product, shown_sum, shown_update

NUMBER = r"\d+(?:\.\d+)?(?:e[+-]?\d+)?"
RESULT = re.compile(rf"(-?{NUMBER})(?=$|[\s.;,)])")


def _is_arithmetic(text: str) -> bool:
    """Only numbers and what a reader works out by hand: no names, so "w1 · x" is not an equation."""
    bare = text.replace("exp(", "(")
    return (bool(re.fullmatch(r"[-+·/()½² 0-9.e]+", bare)) and re.search(r"\d", bare) is not None
            and re.search(r"[·/²]| [-+] ", bare) is not None)


def equations(text: str) -> list[tuple[str, str]]:
    """Each printed ``arithmetic = number`` (a table row's numbers and its next column too)."""
    found = []
    for line in text.splitlines():
        parts = line.split(" = ")
        for left, right in zip(parts, parts[1:]):
            left = left.split(": ")[-1].strip()  # "…instead of subtracting it: 0.3 + 0.01·(-0.2)"
            cells = re.split(r"\s{2,}", right.strip())
            if len(cells) > 1 and _is_arithmetic(cells[0]) and re.fullmatch(f"-?{NUMBER}", cells[1]):
                found.append((cells[0], cells[1]))  # a table: "1.3 · 1 + 0.7 · 0.5      1.65"
            elif _is_arithmetic(left) and (m := RESULT.match(right.strip())):
                found.append((left, m.group(1)))
    return found


def reader(expression: str) -> Decimal:
    """The expression worked out exactly from the numbers as printed."""
    python = expression.replace("exp(", "EXP(").replace("·", "*").replace("½", "HALF").replace("²", "**2")
    python = re.sub(NUMBER, lambda m: f"D('{m.group()}')", python)
    with localcontext() as exact:
        exact.prec = 80
        return eval(python, {"D": Decimal, "HALF": Decimal("0.5"), "EXP": lambda x: x.exp()})  # test-only text


def _float_noise(expression: str) -> Decimal:
    """For numbers shown at 17 digits (the floats themselves): the rounding a float computation
    may add, a few units of 1e-16 of the terms' sizes (every term taken positive)."""
    digits = max(len(m.group().split("e")[0].replace(".", "").lstrip("0")) for m in re.finditer(NUMBER, expression))
    return Decimal("4e-16") * reader(expression.replace("-", "+")) if digits >= 17 else Decimal(0)


def wrong_arithmetic(text: str) -> list[str]:
    """The equations whose shown numbers do not give the shown result: strictly within half a
    unit of its last digit (a tie could be rounded either way), or for numbers already at 17
    digits within the float noise of a cancelling sum (`shown_numbers` can do no better)."""
    bad = []
    for expression, shown in equations(text):
        half = Decimal(1).scaleb(Decimal(shown).as_tuple().exponent) / 2
        if not abs(reader(expression) - Decimal(shown)) < half + _float_noise(expression):
            bad.append(f"{expression} = {shown} (the shown numbers give {reader(expression)})")
    return bad


def test_the_parser_finds_and_judges_equations():
    assert equations("  z = w1 · x = 0.5 · 2 = 1") == [("0.5 · 2", "1")]
    assert equations("add η·g to w: 0.3 + 0.01·(-0.2) = 0.298. For") == [("0.3 + 0.01·(-0.2)", "0.298")]
    assert wrong_arithmetic("∂L/∂h = 0.5 · 1.1 = 0.5498") and not wrong_arithmetic("0.5 · 1.0996 = 0.5498")
    assert wrong_arithmetic("x = 0.5 · 0.561365 = 0.280682")  # a tie: 0.2806825 rounds either way


# ---------------------------------------------------------------- the rule itself


def test_the_rule_adds_digits_only_where_needed():
    assert shown_product(0.5, 1.09961, 0.5 * 1.09961) == ("0.5", "1.0996", "0.5498")
    assert shown_product(2.0, 3.0, 6.0) == ("2", "3", "6")
    assert shown_sum([0.1, 0.2], 0.1 + 0.2) == (["0.1", "0.2"], "0.3")
    assert shown_update(0.3, -0.147329, 0.01, 0.3 - 0.01 * -0.147329) == ("0.3", "0.01", "-0.1473", "0.301473")
    g = -0.20519530
    assert shown_update(0.3, g, 0.01, 0.3 - 0.01 * g, digits=9, weight_digits=6, grad_digits=6) == (
        "0.3", "0.01", "-0.2051953", "0.302051953")  # 0.3 - 0.01 · (-0.205195) is 0.30205195
    # w + g was printed 0.3 + (-0.2052) = 0.0948047
    assert shown_update(0.3, g, None, 0.3 + g, sign=1) == ("0.3", None, "-0.2051953", "0.0948047")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False).filter(lambda x: abs(x) > 1e-6), min_size=1, max_size=4),
       st.integers(1, 9))
def test_shown_factors_and_sums_check_by_hand(xs, digits):
    product = 1.0
    for x in xs:
        product *= x
    shown, result = shown_factors(xs, product, digits)
    assert not wrong_arithmetic(" · ".join(f"({s})" for s in shown) + f" = {result}")
    total = sum(xs)
    shown, result = shown_sum(xs, total, digits)
    assert not wrong_arithmetic(" + ".join(f"({s})" for s in shown) + f" = {result}")


def test_a_tie_at_the_asked_digits_gets_a_digit_more_never_a_false_line():
    # the gradient arrived by another route, one ulp from the product of the numbers shown:
    # 1.45 · 2.1025 is exactly 3.048625, a tie at 6 digits (this printed "= 3.0486249999999999")
    assert shown_product(1.45, 2.1025, 3.0486249999999999, 6) == ("1.45", "2.1025", "3.048625")
    assert shown_sum([1.0, 2.1025, 2.1025, 2.1025], 7.3075000000000001, 4) == (["1", "2.1025", "2.1025", "2.1025"],
                                                                               "7.3075")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(-100, 100, allow_nan=False).map(lambda x: round(x, 2)).filter(lambda x: abs(x) > 0.01),
                min_size=2, max_size=4), st.integers(1, 9), st.sampled_from([-1, 0, 1]))
def test_results_an_ulp_away_still_check_by_hand(xs, digits, ulps):
    product = math.prod(xs)
    for _ in range(abs(ulps)):
        product = math.nextafter(product, math.copysign(math.inf, ulps))
    shown, result = shown_factors(xs, product, digits)
    assert not wrong_arithmetic(" · ".join(f"({s})" for s in shown) + f" = {result}")
    total = sum(xs)
    for _ in range(abs(ulps)):
        total = math.nextafter(total, math.copysign(math.inf, ulps))
    if abs(total) > 1e-9:  # a sum that cancels to float noise is shown at 17 digits, as the rule says
        shown, result = shown_sum(xs, total, digits)
        assert not wrong_arithmetic(" + ".join(f"({s})" for s in shown) + f" = {result}")


def test_infinite_numbers_are_shown_as_they_are():
    assert shown_numbers([float("inf"), 2.0], lambda v: v[0] * v[1], float("inf")) == (["inf", "2"], "inf")


# ---------------------------------------------------------------- the four places


def test_every_walkthrough_equation_checks_by_hand():
    text = report(Example(), run(Example(), 3))
    assert len(equations(text)) == 17  # 5 forward and loss, 8 chain, 2 closed form, 2 updates
    assert wrong_arithmetic(text) == []
    assert "L = ½ e²               = ½ · 0.2806824² = 0.0393913" in text  # 0.280682² / 2 is 0.0393912
    assert "w2 = 0.3 - 0.01 · (-0.2051953) = 0.302051953" in text
    assert "5 of 7 are wrong: L, dL/dw2, dL/dw1, w2 updated, w1 updated." in text  # the published figures


@settings(max_examples=25, deadline=None)
@given(st.floats(-3, 3), st.floats(-2, 2), st.floats(-2, 2), st.floats(-2, 2), st.sampled_from([0.01, 0.1, 0.5]))
def test_walkthrough_equations_check_by_hand_for_any_numbers(x, w1, w2, y, lr):
    example = Example(x, w1, w2, y, lr)
    assert wrong_arithmetic(report(example, run(example))) == []


UPDATE = ("a = sigmoid(w*x + b); C = 0.5*(y - a)**2", ["w=0.6", "b=0.9", "x=1", "y=0"])


def test_check_update_lines_and_diagnoses_check_by_hand(run_cli):
    code, out, _ = run_cli("check", "L = -0.2051953*w", "--at", "w=0.3", "--lr", "0.01",
                           "--claim", "w'=0.302052", "w'=0.29795", "w'=0.5051953", "w'=0.0948047", "w'=0.31")
    assert code == 1
    assert "[update-sign]" in out and "[update-lr]" in out
    assert len(equations(out)) >= 5
    assert wrong_arithmetic(out) == []
    code, out, _ = run_cli("check", UPDATE[0], "--at", *UPDATE[1], "--lr", "0.1", "--claim", "w'=0.4781")
    assert "0.6 - 0.1·(0.12194) = 0.587806" in out and wrong_arithmetic(out) == []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.floats(-5, 5).filter(lambda g: abs(g) > 1e-3), st.floats(-2, 2), st.sampled_from(["0.01", "0.1", "0.003"]))
def test_update_claims_check_by_hand_for_any_numbers(run_cli, g, w, lr):
    step = float(lr) * g
    claims = [f"w'={w + step:.6g}", f"w'={w - g:.6g}", f"w'={w + g:.6g}", f"w'={w - step + 1:.6g}"]
    _, out, err = run_cli("check", f"L = {g!r}*w", "--at", f"w={w!r}", "--lr", lr, "--claim", *claims)
    assert err == "" and wrong_arithmetic(out) == []


@pytest.mark.parametrize("program, at, seeds", [
    ("f = x*y + sin(x)", ["x=0.7", "y=1.3"], ["x=1", "y=0.5"]),
    ("f = exp(x)/(x+y) - x*x*y", ["x=0.7", "y=1.3"], ["x=1", "y=0.5"]),
    ("f = tanh(x*w + b) * 3.7 - log(x)", ["x=1.37", "w=-0.61", "b=0.29"], ["x=1", "w=-2.3"]),
])
def test_forward_mode_rows_check_by_hand(run_cli, program, at, seeds):
    code, out, _ = run_cli("grad", program, "--at", *at, "--mode", "forward", *(a for s in seeds for a in ("--seed", s)))
    assert code == 0 and len(equations(out)) >= 3
    assert wrong_arithmetic(out) == []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.floats(0.1, 3), st.floats(-3, 3).filter(lambda y: abs(y) > 0.01), st.floats(-3, 3))
def test_forward_mode_rows_check_by_hand_for_any_numbers(run_cli, x, y, seed):
    _, out, err = run_cli("grad", "f = x*y*x + exp(x)/y - x/(y*y + 1)", "--at", f"x={x!r}", f"y={y!r}",
                          "--mode", "forward", "--seed", "x=1", "--seed", f"y={seed!r}")
    assert err == "" and wrong_arithmetic(out) == []
