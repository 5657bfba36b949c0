"""The words of a program: numbers, names, operators; and numbers as the command line takes them.

Only ASCII digits are numbers (``[0-9]``, not ``\\d``, which matches every script's digits); a
``#`` starts a comment that runs to the end of the line. A number is a float from the start,
so a program never builds a giant integer; one beyond a float's range is refused, as is one
too small to be told from 0.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from autograd.lang.errors import ExprError, unexpected_character

__all__ = ["MAX_NUMBER_LENGTH", "NUMBER", "Token", "tokenize", "is_name", "number_value", "beyond_float"]

MAX_NUMBER_LENGTH = 60

NUMBER = r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_TOKEN = re.compile(
    r"(?P<space>[ \t\r]+|\#[^\n]*)"
    r"|(?P<number>" + NUMBER + ")"
    r"|(?P<name>[A-Za-z_][A-Za-z_0-9]*)"
    r"|(?P<op>\*\*|[-+*/(),;=\n])"
)


_SIGNED_NUMBER = re.compile(r"[+-]?" + NUMBER + r"\Z")
_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*\Z")


def is_name(text: str) -> bool:
    """True for a name the language accepts: a letter or _, then letters, digits or _."""
    return bool(_NAME.match(text))


def beyond_float(written: str, value: float) -> bool:
    """True for a number too large for a float (1e999) or too small to be told from 0 (1e-999)."""
    mantissa = re.split("[eE]", written)[0]
    return math.isinf(value) or (value == 0.0 and re.search(r"[1-9]", mantissa) is not None)


def number_value(text: str, what: str) -> float:
    """A number as the command line takes it (``--at x=-1.5``, a claim): an optional sign (the
    Unicode minus − too), ASCII digits, a point, an exponent. Raises `ExprError` naming ``what``
    (when given) for anything else, with the spelling that was meant when it is clear (1,5 → 1.5;
    ١٠ → 10), for nan and inf, and for a number beyond a float's range (1e999, or 1e-999, which
    would round to 0)."""
    written = text.strip().replace("\u2212", "-")
    prefix = f"{what}: " if what else ""
    if len(written) > MAX_NUMBER_LENGTH:
        raise ExprError(f"{prefix}the number is longer than {MAX_NUMBER_LENGTH} characters")
    if written.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        raise ExprError(f"{prefix}{text!r} is not a finite number")
    if not _SIGNED_NUMBER.match(written):
        raise ExprError(f"{prefix}{text!r} is not a number", suggestion=_meant_number(written))
    value = float(written)
    if beyond_float(written, value):
        raise ExprError(f"{prefix}{text!r} is not a finite number (it is beyond the range of a float)")
    return value


def _meant_number(written: str) -> str | None:
    """'1,5' → did you mean 1.5; other scripts' digits → ASCII; nan and inf are not numbers here."""
    if written.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        return "it is not a finite number"
    ascii_digits = "".join(str(unicodedata.decimal(c)) if unicodedata.decimal(c, None) is not None else c
                           for c in written)
    meant = re.sub(r"(?<=[0-9]),(?=[0-9])", ".", ascii_digits)
    if meant != written and _SIGNED_NUMBER.match(meant):
        why = "decimals are written with a point" if "," in written else "only the digits 0-9 are numbers"
        return f"{why} (did you mean {meant}?)"
    return None


@dataclass(frozen=True)
class Token:
    kind: str  # "number", "name", "op" or "end"
    text: str
    column: int  # 1-based, counted over the whole program text


def tokenize(source: str) -> list[Token]:
    """Split a program into tokens; an unknown character is an error naming its column."""
    tokens = []
    position = 0
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None:
            raise unexpected_character(source, position)
        kind = match.lastgroup
        if kind != "space":
            tokens.append(Token(kind, match.group(), position + 1))
        position = match.end()
    tokens.append(Token("end", "", len(source) + 1))
    return tokens

