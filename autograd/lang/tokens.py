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
from autograd.util.validate import MAX_NUMBER_LENGTH, NUMBER, InvalidValue, beyond_float, read_number

__all__ = ["MAX_NUMBER_LENGTH", "NUMBER", "Token", "tokenize", "is_name", "number_value", "beyond_float"]

# NUMBER (util.validate): only ASCII digits are numbers; a '#' starts a comment to the line's end
_TOKEN = re.compile(
    r"(?P<space>[ \t\r]+|\#[^\n]*)"
    r"|(?P<number>" + NUMBER + ")"
    r"|(?P<name>[A-Za-z_][A-Za-z_0-9]*)"
    r"|(?P<op>\*\*|[-+*/(),;=\n])"
)


_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*\Z")


def is_name(text: str) -> bool:
    """True for a name the language accepts: a letter or _, then letters, digits or _."""
    return bool(_NAME.match(text))


def number_value(text: str, what: str) -> float:
    """A number as the command line takes it (``--at x=-1.5``, a claim): an optional sign (the
    Unicode minus − too), ASCII digits, a point, an exponent. Raises `ExprError` naming ``what``
    (when given) for anything else, with the spelling that was meant when it is clear (1,5 → 1.5;
    ١٠ → 10), for nan and inf, and for a number beyond a float's range (1e999, or 1e-999, which
    would round to 0). The rule is `autograd.util.validate.read_number`'s."""
    try:
        return read_number(text, what)
    except InvalidValue as error:
        raise ExprError(error.message, suggestion=error.suggestion) from None


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

