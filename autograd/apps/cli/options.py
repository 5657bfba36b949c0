"""What the commands share: the parser class, the argument types (every number and size is
checked by `autograd.util.validate`), the program and `--at` options, and reading a PROGRAM."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from importlib import import_module

from autograd.lang import MAX_PROGRAM_LENGTH, NUMBER, Program, is_name, number_value, parse
from autograd.util import reading, validate

MAX_AT = 5_000  # --at values: more than a program of the longest allowed length can use
DEFAULT_DIGITS = 6


class UsageError(Exception):
    """Bad input from the command line: reported as one `error:` line, exit status 2."""


class Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one `error:` line (and a pointer to --help), and a
    description may be a function, called only when the help is shown (so that a command's help
    can be computed from its data without every other command paying for it)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see '{self.prog} --help')")

    def format_help(self) -> str:
        if callable(self.description):
            self.description = self.description()
        return super().format_help()


# ------------------------------------------------------------------ argument types


def argument_type(read: Callable[[str], object], name: str) -> Callable[[str], object]:
    """An argparse type from a reader of `autograd.util.validate`: its message becomes argparse's
    (which names the flag: "argument --lr: 'nan' is not a finite number")."""

    def convert(text: str):
        try:
            return read(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    convert.__name__ = name  # argparse names the type in its messages
    return convert


finite = argument_type(validate.read_number, "float")
whole = argument_type(validate.read_whole, "int")
layer_sizes = argument_type(validate.read_sizes, "layer sizes")


def bounded(kind: type, low: float | None, high: float | None, *, low_open: bool = False,
            high_open: bool = False) -> Callable[[str], object]:
    """A finite ``kind`` (int or float) in the range, in the one wording of `validate.bounds`."""
    read = validate.read_whole if kind is int else validate.read_number

    def check(text: str):
        return validate.in_range(read(text), repr(text), low, high, low_open=low_open, high_open=high_open)

    return argument_type(check, kind.__name__)


def _port(text: str) -> int:
    try:
        return validate.in_range(validate.read_whole(text), "port", 0, 65535)
    except ValueError:
        raise validate.InvalidValue(f"{text!r} is not a port number (0 to 65535; 0 picks a free one)") from None


digits = bounded(int, 1, validate.MAX_DIGITS)
tolerance = bounded(float, 0, 1, low_open=True, high_open=True)
port = argument_type(_port, "port")
DIGITS_HELP = f"significant digits shown, {validate.bounds(1, validate.MAX_DIGITS)} (default {DEFAULT_DIGITS})"


class Choices:
    """Names read from a module only when argparse needs them (a command's help, or checking
    that command's argument), so that `autograd grad` does not import the training modules
    (and numpy) to build the parser; the names still live in one place, their module.
    Give the option a ``metavar``: without one argparse lists the choices while building."""

    def __init__(self, module: str, attribute: str, first: int | None = None, sort: bool = False) -> None:
        self.module, self.attribute, self.first, self.sort = module, attribute, first, sort

    def _names(self) -> list[str]:
        names = list(getattr(import_module(self.module), self.attribute))[:self.first]
        return sorted(names) if self.sort else names

    def __contains__(self, name: object) -> bool:
        return name in self._names()

    def __iter__(self):
        return iter(self._names())


# ------------------------------------------------------------------ shared options


def add_program_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("program", metavar="PROGRAM", help="statements separated by ';' or new lines; '-' reads stdin")
    add_at_option(parser, "input values, e.g. --at x=2 y=-1; may be repeated")


def add_at_option(parser: argparse.ArgumentParser, help: str) -> None:
    parser.add_argument("--at", nargs="+", action="append", default=[], metavar="NAME=NUMBER", help=help)


def add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--digits", type=digits, default=DEFAULT_DIGITS, help=DIGITS_HELP)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    parser.add_argument("--svg", metavar="PATH", help="also draw the graph, with values and gradients, as SVG")
    parser.add_argument("--html", metavar="PATH", help="also write a page that steps through the backward pass")


def parse_assignments(groups: list[list[str]], flag: str = "--at") -> dict[str, float]:
    """``--at x=2 y=3 --at z=1`` → {"x": 2.0, "y": 3.0, "z": 1.0}; each name once, finite numbers."""
    count = sum(map(len, groups))
    try:
        validate.at_most(count, MAX_AT, flag, "values")
    except ValueError as error:
        raise UsageError(f"{error} (a program has fewer inputs than that)") from None
    values: dict[str, float] = {}
    for token in (t for group in groups for t in group):
        name, sep, number = token.partition("=")
        name = name.strip()
        if not sep or not is_name(name):
            raise UsageError(f"{flag} {token!r} is not NAME=NUMBER")
        if name in values:
            raise UsageError(f"{flag} gives '{name}' twice")
        values[name] = number_value(number, f"{flag} {name}")
    return values


# ------------------------------------------------------------------ PROGRAM


def read_program(text: str) -> Program:
    if text == "-":
        text = _read_stdin()
    elif text.startswith(" -"):
        text = text[1:]  # the space `programs_may_start_with_minus` put there
    return parse(text)


# A program is limited in characters, a read in bytes: UTF-8 spends at most 4 bytes on a
# character, so more bytes than this always hold more characters than a program may have.
MAX_PROGRAM_BYTES = 4 * MAX_PROGRAM_LENGTH


def _read_stdin() -> str:
    """PROGRAM '-': the standard input, read by `autograd.util.reading.read_text`, never more than
    a program of the most characters can take (so `< /dev/zero` cannot fill the memory); the
    parser then counts the characters."""
    stream = getattr(sys.stdin, "buffer", None) if sys.stdin is not None else None
    if stream is None:
        raise UsageError("PROGRAM '-' reads the standard input, but it is "
                         + ("closed" if sys.stdin is None else "a text stream that gives no bytes"))
    try:
        text = reading.read_text(stream, MAX_PROGRAM_BYTES, "program")
    except reading.InputTooLarge:
        raise UsageError(f"the program is longer than {MAX_PROGRAM_LENGTH} characters") from None
    except reading.InputError as error:
        raise UsageError(f"PROGRAM '-': {error.reason}") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")  # new lines as text mode read them


_OPTION_LIKE_NUMBER = re.compile(r"-" + NUMBER + r"\Z")
COMMANDS_WITH_PROGRAM = ("grad", "check", "explore")


def programs_may_start_with_minus(argv: Sequence[str] | None) -> list[str]:
    """A PROGRAM starting with '-' ("-x**2 + 1") would be read by argparse as an option; with a
    space in front argparse reads it as the positional it is (and `read_program` drops the space)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in COMMANDS_WITH_PROGRAM:
        for i, arg in enumerate(argv[1:], 1):
            if arg == "--":
                break
            if arg.startswith("-") and not arg.startswith("--") and arg not in ("-", "-h") \
                    and not _OPTION_LIKE_NUMBER.match(arg):
                argv[i] = " " + arg
    return argv
