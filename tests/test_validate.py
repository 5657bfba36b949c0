"""autograd.util.validate: the one reader of numbers and sizes from outside the program."""

from __future__ import annotations

import math

import pytest

from autograd.lang import ExprError, number_value
from autograd.util import validate
from autograd.util.validate import InvalidValue


@pytest.mark.parametrize("text, value", [("2", 2.0), ("-1.5", -1.5), (" 3e2 ", 300.0), ("\u22124", -4.0),
                                         (".5", 0.5), ("+7.", 7.0), ("1e-300", 1e-300)])
def test_read_number_takes_the_languages_numbers(text, value):
    assert validate.read_number(text) == value


@pytest.mark.parametrize("text, words, suggestion", [
    ("nan", "'nan' is not a finite number", None), ("-inf", "is not a finite number", None),
    ("1e999", "beyond the range of a float", None), ("1e-999", "beyond the range of a float", None),
    ("1,5", "'1,5' is not a number", "decimals are written with a point (did you mean 1.5?)"),
    ("١٠", "is not a number", "only the digits 0-9 are numbers (did you mean 10?)"),
    ("1_0", "is not a number", None), ("0x10", "is not a number", None),
    ("1" * 61, "longer than 60 characters", None),
])
def test_read_number_refuses_with_the_reason(text, words, suggestion):
    with pytest.raises(InvalidValue) as raised:
        validate.read_number(text, "--at x")
    assert raised.value.message.startswith("--at x: ") and words in raised.value.message
    assert raised.value.suggestion == suggestion
    assert isinstance(raised.value, ValueError)


def test_the_languages_number_reader_is_validates_reader():
    """lang.number_value is read_number with the language's error type: one rule, two layers."""
    for text in ("2.5", "1,5", "nan", "1e999", "١٠"):
        try:
            expected = ("value", validate.read_number(text, "x"))
        except InvalidValue as error:
            expected = ("error", error.message, error.suggestion)
        try:
            got = ("value", number_value(text, "x"))
        except ExprError as error:
            got = ("error", error.message, error.suggestion)
        assert got == expected


@pytest.mark.parametrize("text, value", [("0", 0), ("-12", -12), ("+3", 3)])
def test_read_whole(text, value):
    assert validate.read_whole(text) == value


@pytest.mark.parametrize("text", ["٣", "1_0", " 3", "3.0", "", "1" * 31])
def test_read_whole_takes_only_ascii_digits(text):
    with pytest.raises(InvalidValue, match="is not a whole number"):
        validate.read_whole(text)


def test_read_sizes():
    assert validate.read_sizes("16, 8") == [16, 8]
    for text in ("", ",,", "0", "16,-1", "٣"):
        with pytest.raises(InvalidValue, match="is not layer sizes"):
            validate.read_sizes(text)


@pytest.mark.parametrize("value", [True, "1", None, math.nan, math.inf, 10**400, [1]])
def test_finite_refuses_what_is_not_a_finite_number(value):
    with pytest.raises(InvalidValue, match="^the value of 'x' must be a finite number, got"):
        validate.finite(value, "the value of 'x'")


def test_finite_and_whole_take_decoded_numbers():
    assert validate.finite(3, "x") == 3.0 and isinstance(validate.finite(3, "x"), float)
    assert validate.whole(4, "steps") == 4
    for value in (True, 4.0, "4"):
        with pytest.raises(InvalidValue, match="steps must be a whole number"):
            validate.whole(value, "steps")


@pytest.mark.parametrize("value, kwargs, words", [
    (0, dict(low=1, high=17), "must be at least 1 and at most 17"),
    (18, dict(low=1, high=17), "must be at least 1 and at most 17"),
    (0.0, dict(low=0, low_open=True), "must be more than 0"),
    (1.0, dict(low=0, high=1, low_open=True, high_open=True), "must be more than 0 and less than 1"),
    (-1, dict(low=0), "must be at least 0"),
])
def test_in_range_has_one_wording(value, kwargs, words):
    with pytest.raises(InvalidValue) as raised:
        validate.in_range(value, "'v'", **kwargs)
    assert str(raised.value) == f"'v' {words}"


def test_in_range_returns_the_value_inside():
    assert validate.in_range(17, "digits", 1, 17) == 17
    assert validate.in_range(0.5, "rtol", 0, 1, low_open=True, high_open=True) == 0.5


def test_at_most():
    assert validate.at_most(5, 5, "--at") == 5
    with pytest.raises(InvalidValue, match="^--at gives 6,000 values, at most 5,000$"):
        validate.at_most(6000, 5000, "--at", "values")


def test_arguments_of_the_wrong_type_are_a_type_error():
    """A Python caller's wrong type is a TypeError, as Python's own functions raise; a bool is
    not a number, nor is the string of one."""
    for value in (True, "0.1", None, [0.1]):
        with pytest.raises(TypeError, match="^SGD: momentum must be a real number, got"):
            validate.finite_argument(value, "SGD: momentum")
    for value in (False, 2.0, "2", None):
        with pytest.raises(TypeError, match="^Neuron: nin must be a whole number, got"):
            validate.whole_argument(value, "Neuron: nin")


def test_arguments_take_any_real_number_and_refuse_what_is_not_finite():
    from fractions import Fraction

    import numpy as np

    assert validate.finite_argument(np.float32(0.5), "x") == 0.5 and validate.finite_argument(Fraction(1, 4), "x") == 0.25
    assert validate.whole_argument(np.int64(3), "n") == 3 and type(validate.whole_argument(np.int64(3), "n")) is int
    for value in (math.nan, -math.inf, np.float64("nan"), 10**400, Fraction(10**400)):
        with pytest.raises(InvalidValue, match="^lr must be a finite number, got"):
            validate.finite_argument(value, "lr")


def test_shown_keeps_messages_short_even_for_huge_integers():
    assert validate.shown("abc") == "'abc'"
    assert validate.shown("x" * 100) == "'" + "x" * 36 + "..."
    assert validate.shown(10**400) == "an integer of 401 digits"
    assert validate.shown(10**20000) == "an integer of about 20,000 digits"  # beyond int-to-text's limit
