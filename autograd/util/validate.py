"""Numbers and sizes from outside the program, checked in one place.

Three kinds of input reach the package from outside: **text** (a command-line flag, an ``--at``
value, a claim), **decoded values** (a JSON request, a TOML problem set, a saved model) and
**arguments** of a Python call (``SGD(params, lr=0.1, momentum=0.9)``, ``MLP(2, [16, 1])``).
Text is read by one grammar, the language's number (an optional sign, ASCII digits, a point, an
exponent)::

    NUMBER := [0-9]+ '.'? [0-9]* | '.' [0-9]+ ,  then optionally  [eE] [+-]? [0-9]+

so that ``'١٠'``, ``'1_0'``, ``' 10 '``, ``nan`` and ``1e999`` are refused everywhere alike, with
the spelling that was meant when it is clear. A decoded value must be a real number (not a
bool) and finite; in a document a wrong type is a wrong value. An argument of the wrong type is
the caller's mistake, a TypeError, as Python's own functions raise: any real number but a bool
(numpy's too) for a number, any integer but a bool for a whole number. A range is stated in one
style: ``must be at least 1 and at most 17``, ``must be more than 0``.

Every check of a value raises `InvalidValue` (a ValueError) whose message names the value;
callers add where it came from (argparse prefixes ``argument --lr:``, the explorer answers 400
with it, the problem-set reader names the file, line and field).
Standard library only, the lowest layer: the language (`autograd.lang.number_value`) reads its
numbers through `read_number`.
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata

__all__ = [
    "NUMBER", "MAX_NUMBER_LENGTH", "MAX_DIGITS", "InvalidValue", "beyond_float", "read_number", "read_whole",
    "read_sizes", "finite", "whole", "finite_argument", "whole_argument", "shown", "bounds", "in_range", "at_most",
]

# Only ASCII digits are numbers ([0-9], not \d, which matches every script's digits).
NUMBER = r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
MAX_NUMBER_LENGTH = 60  # longer than any float needs: 17 digits, a point, a sign, an exponent
MAX_DIGITS = 17  # significant digits a float holds: asking for more shows only rounding noise

_SIGNED_NUMBER = re.compile(r"[+-]?" + NUMBER + r"\Z")
_WHOLE = re.compile(r"[+-]?[0-9]{1,30}\Z")  # 30 digits: past any limit, short of a giant int
_NOT_FINITE = ("nan", "inf", "infinity")


class InvalidValue(ValueError):
    """A number or size that is not acceptable: ``message`` says why, naming the value;
    ``suggestion`` (or None) the spelling that was probably meant."""

    def __init__(self, message: str, suggestion: str | None = None) -> None:
        super().__init__(message + (f" ({suggestion})" if suggestion else ""))
        self.message = message
        self.suggestion = suggestion


# ------------------------------------------------------------------ text


def beyond_float(written: str, value: float) -> bool:
    """True for a number too large for a float (1e999) or too small to be told from 0 (1e-999)."""
    mantissa = re.split("[eE]", written)[0]
    return math.isinf(value) or (value == 0.0 and re.search(r"[1-9]", mantissa) is not None)


def read_number(text: str, what: str = "") -> float:
    """A finite float written as the language writes numbers (``-1.5``, ``2e-3``; the Unicode
    minus − too; spaces around are ignored). ``what`` (when given) starts the message."""
    written = text.strip().replace("\u2212", "-")
    prefix = f"{what}: " if what else ""
    if len(written) > MAX_NUMBER_LENGTH:
        raise InvalidValue(f"{prefix}the number is longer than {MAX_NUMBER_LENGTH} characters")
    if written.lower().lstrip("+-") in _NOT_FINITE:
        raise InvalidValue(f"{prefix}{text!r} is not a finite number")
    if not _SIGNED_NUMBER.match(written):
        raise InvalidValue(f"{prefix}{text!r} is not a number", _meant_number(written))
    value = float(written)
    if beyond_float(written, value):
        raise InvalidValue(f"{prefix}{text!r} is not a finite number (it is beyond the range of a float)")
    return value


def _meant_number(written: str) -> str | None:
    """'1,5' → did you mean 1.5; other scripts' digits → ASCII."""
    ascii_digits = "".join(str(unicodedata.decimal(c)) if unicodedata.decimal(c, None) is not None else c
                           for c in written)
    meant = re.sub(r"(?<=[0-9]),(?=[0-9])", ".", ascii_digits)
    if meant != written and _SIGNED_NUMBER.match(meant):
        why = "decimals are written with a point" if "," in written else "only the digits 0-9 are numbers"
        return f"{why} (did you mean {meant}?)"
    return None


def read_whole(text: str, what: str = "") -> int:
    """A whole number in ASCII digits with an optional sign, nothing around it: int() alone
    would also take ``'١٠'``, ``'1_0'`` and ``' 10 '``."""
    if not _WHOLE.match(text):
        prefix = f"{what}: " if what else ""
        raise InvalidValue(f"{prefix}{text!r} is not a whole number (digits 0-9)")
    return int(text)


def read_sizes(text: str, what: str = "") -> list[int]:
    """``'16,16'`` → [16, 16]: one or more whole numbers >= 1 separated by commas (layer sizes)."""
    parts = [part.strip() for part in text.split(",")]
    if not all(re.fullmatch("[0-9]{1,30}", part) and int(part) >= 1 for part in parts):
        prefix = f"{what}: " if what else ""
        raise InvalidValue(f"{prefix}{text!r} is not layer sizes like 16,16 (whole numbers >= 1)")
    return [int(part) for part in parts]


# ------------------------------------------------------------------ decoded values (JSON, TOML)


def finite(value: object, what: str) -> float:
    """A decoded number (int or float, not a bool) that is finite, as a float."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidValue(f"{what} must be a finite number, got {shown(value)}")
    return _finite_float(value, what)


def _finite_float(value: numbers.Real, what: str) -> float:
    """``value`` as a float, or InvalidValue when that is inf or nan (never OverflowError)."""
    try:
        number = float(value)
    except OverflowError:  # a 400-digit integer from JSON
        number = math.inf
    if not math.isfinite(number):
        raise InvalidValue(f"{what} must be a finite number, got {shown(value)}")
    return number


def whole(value: object, what: str) -> int:
    """A decoded whole number (an int, not a bool)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValue(f"{what} must be a whole number, got {shown(value)}")
    return value


# ------------------------------------------------------------------ arguments of a Python call


def finite_argument(value: object, what: str) -> float:
    """A number handed to a function (``lr=0.1``): any real number but a bool, else TypeError
    (a string such as ``'0.1'`` too: a caller's mistake is not guessed at); finite, else
    `InvalidValue`. Returned as a float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{what} must be a real number, got {shown(value)}")
    return _finite_float(value, what)


def whole_argument(value: object, what: str) -> int:
    """A whole number handed to a function (``nin=2``): any integer but a bool (numpy's
    integers too), else TypeError. Returned as an int."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{what} must be a whole number, got {shown(value)}")
    return int(value)


def shown(value: object) -> str:
    """The value as a message shows it: its repr, cut to 40 characters; a huge integer by its
    size (its repr could be 4,000 digits, or refused by Python's limit on converting them)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**20:
        size = value.bit_length()
        digits = len(str(abs(value))) if size < 10_000 else f"about {round(size * math.log10(2)):,}"
        return f"an integer of {digits} digits"
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


# ------------------------------------------------------------------ ranges and sizes


def bounds(low: float | None = None, high: float | None = None, *,
           low_open: bool = False, high_open: bool = False) -> str:
    """The one wording of a range: 'at least 1 and at most 17', 'more than 0', 'less than 1'."""
    parts = []
    if low is not None:
        parts.append(f"{'more than' if low_open else 'at least'} {low}")
    if high is not None:
        parts.append(f"{'less than' if high_open else 'at most'} {high}")
    return " and ".join(parts)


def in_range(value, what: str, low: float | None = None, high: float | None = None, *,
             low_open: bool = False, high_open: bool = False):
    """``value`` when low <= value <= high (``low_open``/``high_open``: strict), else
    `InvalidValue` "WHAT must be at least LOW and at most HIGH"."""
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        raise InvalidValue(f"{what} must be {bounds(low, high, low_open=low_open, high_open=high_open)}")
    return value


def at_most(count: int, limit: int, what: str, unit: str = "") -> int:
    """A size within its limit: ``at_most(6000, 5000, '--at', 'values')`` raises
    "--at gives 6,000 values, at most 5,000"."""
    if count > limit:
        raise InvalidValue(f"{what} gives {count:,}{' ' + unit if unit else ''}, at most {limit:,}")
    return count
