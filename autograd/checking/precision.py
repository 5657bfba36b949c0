"""THE precision rule: how a written number is read and when it agrees with the truth.

Every verdict and every diagnosis of the checker, the course grader and the worked example's
check of published figures judge a number by this module, and by nothing else:

- a decimal ("-0.0331", "3.5e-5", "2.0") means the truth rounded to the digits written:
  it is right within half a unit of its last digit (±0.00005, ±5e-7, ±0.05), at any magnitude;
- an integer ("2", "-4") or a fraction ("1/4", "-3/8") is exact: right only within float
  rounding;
- float rounding (the forward and backward passes', not the student's) is allowed for as a
  slack relative to the truth, FLOAT_SLACK·|truth|, never wider than the written precision of a
  decimal; so a claim may be off by at most twice its written precision, and only when the
  truth is that large (the claim "1e-14" allows 5e-15 + 1e-26 about a truth of 1e-14):

      |claim − truth| ≤ precision + min(precision, FLOAT_SLACK·|truth| + noise)   (a decimal)
      |claim − truth| ≤ FLOAT_SLACK·|truth| + noise                               (exact)

  where ``noise`` is the float noise of the truth in absolute terms, when the caller knows it
  (FLOAT_SLACK times the magnitude of the numbers it was added up from; 0 otherwise);
- a claim of the wrong sign is never right, unless the truth itself is within float noise of
  0 (|truth| ≤ noise): a truth that cancelled to 5.6e-17 may be claimed as 0 or -0.0;
- `--rtol R` replaces the written precision by R·|claim|;
- `--sig N`: a claim that agrees at its precision but has fewer than N significant digits
  is "imprecise" (too imprecise to judge). A claim that disagrees at its own precision is
  wrong whatever its digits: every more precise number that rounds to it disagrees too.

At 1e-14 (f = 1e-14·x, df/dx = 1e-14): "1e-14" and "1.0e-14" are right, "2e-14", "1e-13" and
"-1e-14" are wrong. At 1e-300 (f = 1e-300·x): "1e-300" is right, "1.5e-300" and "-1e-300" are
wrong, exactly as "1", "1.5" and "-1" are about a truth of 1.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from fractions import Fraction

from autograd.lang import MAX_NUMBER_LENGTH, number_value

__all__ = ["FLOAT_SLACK", "written_precision", "significant_digits", "tolerance", "agrees", "rating", "read_number"]

FLOAT_SLACK = 1e-12

_DASHES = {"\u2013": "an en dash (–)", "\u2014": "an em dash (—)"}  # what a word processor makes of '-'
_INTEGER = re.compile(r"[+-]?[0-9]+\Z")
_FRACTION = re.compile(r"([+-]?[0-9]+)/([0-9]+)\Z")


def written_precision(number: str) -> float:
    """How far from the truth a written number may be: half a unit in its last written digit
    for a decimal ("-0.0331" → 0.00005, "3.5e-5" → 5e-7), 0 for an integer or a fraction."""
    text = _normal(number)
    if _INTEGER.match(text) or _FRACTION.match(text):
        return 0.0
    exponent = Decimal(text).as_tuple().exponent
    return 0.5 * 10.0 ** exponent


def significant_digits(number: str) -> int | None:
    """Digits from the first non-zero one to the last written ("0.03310" → 4, "0.0" → 0);
    None for an exact number (an integer or a fraction), which has as many as anyone wants."""
    text = _normal(number)
    if _INTEGER.match(text) or _FRACTION.match(text):
        return None
    digits = "".join(str(d) for d in Decimal(text).as_tuple().digits).lstrip("0")
    return len(digits)


def tolerance(number: str, claimed: float, rtol: float | None = None) -> float:
    """How far from the truth the number ``number`` (read as ``claimed``) may be and still be
    right: its written precision, or ``rtol·|claimed|`` when a relative tolerance is given."""
    return written_precision(number) if rtol is None else rtol * abs(claimed)


def agrees(claimed: float, tolerance: float, truth: float, noise: float = 0.0) -> bool:
    """The claim is within its tolerance of ``truth``, plus float slack relative to the truth
    (FLOAT_SLACK·|truth| + ``noise``, never more than a decimal's ``tolerance``), and of the
    truth's sign unless the truth is within float noise of 0 (|truth| ≤ ``noise``).
    Nothing agrees with an infinite or nan truth (every number is within inf of it)."""
    if not math.isfinite(truth):
        return False
    if claimed * truth < 0.0 and abs(truth) > noise:
        return False
    slack = FLOAT_SLACK * abs(truth) + noise
    if tolerance > 0.0:
        slack = min(slack, tolerance)
    return abs(claimed - truth) <= tolerance + slack


def rating(claimed: float, tolerance: float, significant: int | None, truth: float, sig: int | None = None,
           noise: float = 0.0) -> str:
    """"right" when the claim agrees with the truth at its precision (`agrees`); "wrong" when it
    does not; "imprecise" when it agrees but has fewer than ``sig`` significant digits."""
    if not agrees(claimed, tolerance, truth, noise):
        return "wrong"
    if sig is not None and significant is not None and significant < sig:
        return "imprecise"
    return "right"


def read_number(text: str, what: str) -> float:
    """A claimed number: a decimal (`expr.number_value`: ASCII digits, '−' accepted) or a
    fraction of integers such as "-3/8". nan, inf and numbers beyond a float are bad input."""
    written = _normal(text)
    if written[:1] in _DASHES:
        raise ValueError(f"{what}: {text!r} starts with {_DASHES[written[0]]}, not a minus sign; "
                         f"write -{written[1:]}")
    fraction = _FRACTION.match(written)
    if not fraction or len(written) > MAX_NUMBER_LENGTH:
        return number_value(written, what)
    top, bottom = (int(part) for part in fraction.groups())
    if bottom == 0:
        raise ValueError(f"{what}: {text!r} divides by zero")
    try:
        value = float(Fraction(top, bottom))
    except OverflowError:
        value = math.inf
    if math.isinf(value) or (value == 0.0 and top != 0):
        raise ValueError(f"{what}: {text!r} is not a finite number (it is beyond the range of a float)")
    return value


def _normal(number: str) -> str:
    return number.strip().replace("\u2212", "-")
