"""gradcheck (`autograd.checking.gradcheck`): backward() against central differences, and
`numerical_grads`, the package's one numerical derivative."""

import math

import pytest

from autograd.checking import GradcheckError, gradcheck, numerical_grads
from autograd.checking.gradcheck import analytic_grads
from autograd.lang import parse


def test_numerical_grads_of_a_function_of_values():
    [dx, dy] = numerical_grads(lambda x, y: (x * y).tanh() + x ** 2, [0.3, -1.2])
    t = math.tanh(0.3 * -1.2)
    assert dx == pytest.approx((1 - t * t) * -1.2 + 0.6, rel=1e-8)
    assert dy == pytest.approx((1 - t * t) * 0.3, rel=1e-8)


def test_numerical_grads_of_a_function_of_floats_returning_a_value_or_a_number():
    program = parse("f = x * exp(y)")
    [dx, dy] = numerical_grads(lambda x, y: program.evaluate({"x": x, "y": y}).root, [2.0, 0.5], floats=True)
    assert (dx, dy) == (pytest.approx(math.exp(0.5), rel=1e-8), pytest.approx(2 * math.exp(0.5), rel=1e-8))
    [d] = numerical_grads(lambda t: math.sin(t), [1.0], floats=True)
    assert d == pytest.approx(math.cos(1.0), rel=1e-8)


def test_the_step_grows_with_the_input():
    seen = []
    numerical_grads(lambda x: seen.append(x) or x, [1e6], floats=True)
    assert seen == [1e6 + 1.0, 1e6 - 1.0]  # h · max(1, |x|) = 1e-6 · 1e6
    seen.clear()
    numerical_grads(lambda x: seen.append(x) or x, [0.0], floats=True, h=1e-3)
    assert seen == [1e-3, -1e-3]  # below 1 the step is h itself


@pytest.mark.parametrize("h", [0.0, -1e-6, math.nan, math.inf])
def test_a_step_that_is_not_positive_and_finite_is_refused(h):
    with pytest.raises(ValueError, match="the step h"):
        numerical_grads(lambda x: x, [1.0], h=h)


def test_gradcheck_returns_backwards_gradients_and_names_a_wrong_one():
    assert gradcheck(lambda x, y: x * y + x.exp(), [1.0, 2.0]) == analytic_grads(lambda x, y: x * y + x.exp(),
                                                                                  [1.0, 2.0])[1]
    with pytest.raises(GradcheckError, match=r"gradient of input 0 \(x0 = 0.0\)"):
        gradcheck(lambda x: x.relu(), [0.0])  # relu at 0: a convention; the difference quotient gives 1/2
