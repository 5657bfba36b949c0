"""What went wrong in a program, and what was meant: `ExprError` and the suggestions it carries.

An error names the problem and where it is; when the intent is clear it says what was meant,
as the program line corrected (``powers are written ** (did you mean 'f = x**2'?)``). The
suggestions here are read off the text alone: a look-alike character (^, ×, −), a product
written without ``*`` (``2x``, ``(a)(b)``), a decimal comma, a misspelt function or name.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

from autograd.lang.syntax import FUNCTIONS

if TYPE_CHECKING:
    from autograd.lang.tokens import Token

__all__ = ["ExprError", "nearest", "corrected", "excerpt", "unexpected_character", "juxtaposed", "meant_function"]


class ExprError(ValueError):
    """A program that cannot be parsed or evaluated.

    ``str(error)`` is the whole message for a person: what is wrong, where, a suggestion when
    the intent is clear, then the offending line with a caret under the column::

        unexpected character '^' at column 6: powers are written ** (did you mean 'f = x**2'?)
          f = x^2
               ^

    The parts are fields too, for a page that shows the error in place: ``message`` (what is
    wrong), ``suggestion`` (or None), ``position`` (0-based offset into the program, or None),
    ``line`` and ``column`` (1-based, or None) and ``line_text`` (the offending line, or None).
    """

    def __init__(self, message: str, *, position: int | None = None, suggestion: str | None = None,
                 source: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.suggestion = suggestion
        self.position = position
        self.line: int | None = None
        self.column: int | None = None
        self.line_text: str | None = None
        self.multiline = False  # the program has several lines: say which one
        if source is not None:
            self.locate(source)

    def locate(self, source: str) -> ExprError:
        """Fill in ``line``, ``column`` and ``line_text`` from the program text (once)."""
        if self.position is not None and self.line_text is None:
            position = min(self.position, len(source))
            start = source.rfind("\n", 0, position) + 1
            end = source.find("\n", position)
            self.line = source.count("\n", 0, start) + 1
            self.column = position - start + 1
            self.line_text = source[start : end if end >= 0 else len(source)]
            self.multiline = "\n" in source
        return self

    def __str__(self) -> str:
        text = self.message
        if self.column is not None:
            text += f" at line {self.line}, column {self.column}" if self.multiline else f" at column {self.column}"
        if self.suggestion:
            text += f": {self.suggestion}"
        if self.line_text is not None:
            shown, caret = excerpt(self.line_text, self.column - 1)
            text += f"\n  {shown}\n  {' ' * caret}^"
        return text


def excerpt(line: str, index: int, width: int = 76) -> tuple[str, int]:
    """At most ``width`` characters of a line around ``index``, and where index falls in them."""
    line = line.replace("\t", " ").rstrip("\r")
    start = max(0, min(index - width // 2, len(line) - width))
    shown = line[start : start + width]
    if start > 0:
        shown = "…" + shown[1:]
    if start + width < len(line):
        shown = shown[:-1] + "…"
    return shown, index - start


def corrected(source: str, position: int, length: int, replacement: str) -> str:
    """The line holding ``position``, with ``length`` characters there replaced: 'f = x**2'."""
    fixed = source[:position] + replacement + source[position + length :]
    start = fixed.rfind("\n", 0, position) + 1
    end = fixed.find("\n", position)
    line = fixed[start : end if end >= 0 else len(fixed)].strip()
    return line if len(line) <= 60 else excerpt(line, position - start, 60)[0]


# Characters people type for an operator the language spells in ASCII.
_LOOKALIKES = {
    "^": ("**", "powers are written **"),
    "\u2212": ("-", "a minus is written -"),  # − MINUS SIGN
    "\u2013": ("-", "a minus is written -"),  # – EN DASH
    "\u00d7": ("*", "multiplication is written *"),  # ×
    "\u00b7": ("*", "multiplication is written *"),  # ·
    "\u22c5": ("*", "multiplication is written *"),  # ⋅
    "\u2217": ("*", "multiplication is written *"),  # ∗
    "\u00f7": ("/", "division is written /"),  # ÷
    "\u00b2": ("**2", "powers are written **"),  # ²
    "\u00b3": ("**3", "powers are written **"),  # ³
}


def unexpected_character(source: str, position: int) -> ExprError:
    """An unknown character, with the ASCII spelling that was meant when that is clear."""
    char = source[position]
    suggestion = None
    if char in _LOOKALIKES:
        replacement, why = _LOOKALIKES[char]
        suggestion = f"{why} (did you mean '{corrected(source, position, 1, replacement)}'?)"
    elif unicodedata.decimal(char, None) is not None:
        digit = str(unicodedata.decimal(char))
        suggestion = f"only the digits 0-9 are numbers (did you mean '{corrected(source, position, 1, digit)}'?)"
    return ExprError(f"unexpected character {char!r}", position=position, suggestion=suggestion, source=source)


def nearest(name: str, known: Iterable[str]) -> str | None:
    """The known name closest to a misspelt one (difflib's ratio ≥ 0.6), or None."""
    import difflib

    match = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return match[0] if match else None


def juxtaposed(source: str, previous: Token | None, token: Token) -> str | None:
    """'2x', '2(x+1)', '(a)(b)' mean a product; '1,5' a decimal: the suggestion, or None."""
    if previous is None or token.kind == "end":
        return None
    touching = previous.column + len(previous.text) == token.column
    position = token.column - 1
    if (previous.kind == "number" and touching and (token.kind == "name" or token.text == "(")) or (
        previous.text == ")" and token.text == "("
    ):
        return f"multiplication is written * (did you mean '{corrected(source, position, 0, '*')}'?)"
    if previous.kind == "number" and token.text == "," and source[position + 1 : position + 2].isdigit():
        return f"decimals are written with a point (did you mean '{corrected(source, position, 1, '.')}'?)"
    return None


_ALIASES = {"ln": "log"}  # names from other notations whose meaning is certain


def meant_function(source: str, name: Token, tokens: list[Token]) -> str:
    """For an unknown function ``name(…)``: the known function it most likely meant, or the
    ``*`` of a product ``x(…)`` when the name is short or used elsewhere as a quantity."""
    position = name.column - 1
    meant = _ALIASES.get(name.text) or nearest(name.text, FUNCTIONS)
    if meant:
        fix = f"did you mean '{corrected(source, position, len(name.text), meant)}'?"
        return f"the natural logarithm is log ({fix})" if name.text == "ln" else fix
    functions = f"the functions are {' '.join(FUNCTIONS)}"
    used_as_name = any(t.kind == "name" and t.text == name.text and t is not name for t in tokens)
    if len(name.text) <= 2 or used_as_name:  # x(y + 1): a quantity times a bracket
        fix = corrected(source, position + len(name.text), 0, "*")
        return f"multiplication is written * (did you mean '{fix}'?); {functions}"
    return functions
