"""The problem-set file: a TOML document read into `ProblemSet`, with every field checked.

A set has a ``title``, a ``seed`` (a string or an integer) and ``[[problems]]``. A problem has
an ``id``, a Markdown ``statement`` whose ``{{name}}`` placeholders are filled with the
student's numbers, a ``program`` in the expression language (`autograd.lang.expr`), its
``inputs`` and its ``[[problems.questions]]``. An input is a fixed number, a uniform range
``{ uniform = [LOW, HIGH], decimals = N }`` or a list to choose from ``{ choose = [...] }``.
A question asks for a quantity's ``value``, the ``gradient`` of the output, or the input after
one gradient-descent ``update`` w − η·∂OUT/∂w (with ``lr``), is worth ``points``, and is judged
by a ``tolerance`` rule: ``"written"`` (the precision the answer is written with), ``{ sig = N }``
(that, and at least N significant digits) or ``{ rtol = R, atol = A }``.

Every mistake in a file is one `SetError` naming the file, the line and the field:
``hw1.toml, line 14, field problems[2].questions[1].of: no quantity 'w3' in the program …``.
docs/problem-sets.md describes the format with a complete example.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser, published as tomli
    import tomli as tomllib

from autograd.lang import ExprError, Program, nearest, parse

__all__ = ["SetError", "InputRule", "Tolerance", "Question", "Problem", "ProblemSet", "load", "loads",
           "ASKS", "PLACEHOLDER", "MAX_SET_BYTES", "read_bounded"]

ASKS = ("value", "gradient", "update")
MAX_DECIMALS = 10
MAX_CHOICES = 10_000
MAX_PROBLEMS = 200
MAX_QUESTIONS = 100
MAX_SET_BYTES = 16 * 2**20  # a set of MAX_PROBLEMS problems with the longest programs is about 2 MiB
DEFAULT_FOLLOW_THROUGH = 0.5
PLACEHOLDER = re.compile(r"\{\{[ \t]*([A-Za-z_][A-Za-z_0-9]*)[ \t]*\}\}")
_ID = re.compile(r"[A-Za-z_][A-Za-z_0-9-]*\Z")  # no dot: question ids are written PROBLEM.QUESTION


class SetError(ValueError):
    """A problem-set file that cannot be used: ``FILE, line N, field F: what is wrong``."""

    def __init__(self, source: str, message: str, line: int | None = None, field: str | None = None) -> None:
        where = source + (f", line {line}" if line else "") + (f", field {field}" if field else "")
        message = " ".join(message.split("\n"))  # one line, whatever a value held
        super().__init__(f"{where}: {message}")
        self.source, self.line, self.field, self.message = source, line, field, message


@dataclass(frozen=True)
class InputRule:
    """How an input gets its number: ``fixed``, or drawn ``uniform`` on a grid of ``decimals``
    between ``low`` and ``high``, or drawn from ``choices``."""

    name: str
    kind: str  # "fixed", "uniform" or "choose"
    value: float = 0.0  # fixed
    low: float = 0.0
    high: float = 0.0
    decimals: int = 2
    choices: tuple[float, ...] = ()

    @property
    def random(self) -> bool:
        return self.kind != "fixed"

    def count(self) -> int:
        """How many different numbers the rule can give."""
        if self.kind == "fixed":
            return 1
        if self.kind == "choose":
            return len(set(self.choices))
        return grid_size(self.low, self.high, self.decimals)


def grid_size(low: float, high: float, decimals: int) -> int:
    """Numbers with ``decimals`` decimals in [low, high]: ⌊high·10^d⌋ − ⌈low·10^d⌉ + 1."""
    scale = 10 ** decimals
    return math.floor(round(high * scale, 6)) - math.ceil(round(low * scale, 6)) + 1


@dataclass(frozen=True)
class Tolerance:
    """How an answer is judged (the rule itself lives in `autograd.checking.check`): ``rule`` is
    "written" (the answer's own precision), "sig" (that, with at least ``sig`` significant
    digits) or "rtol" (within ``rtol``·|answer| + ``atol``)."""

    rule: str = "written"
    sig: int | None = None
    rtol: float = 0.0
    atol: float = 0.0

    def describe(self) -> str:
        if self.rule == "sig":
            return f"at least {self.sig} significant figures"
        if self.rule == "rtol":
            parts = [f"relative {self.rtol:g}"] * (self.rtol > 0) + [f"absolute {self.atol:g}"] * (self.atol > 0)
            return "within " + " + ".join(parts)
        return "judged at the precision you write"

    def to_json(self) -> dict:
        if self.rule == "sig":
            return {"rule": "sig", "sig": self.sig}
        if self.rule == "rtol":
            return {"rule": "rtol", "rtol": self.rtol, "atol": self.atol}
        return {"rule": "written"}


@dataclass(frozen=True)
class Question:
    id: str
    ask: str  # "value", "gradient" or "update"
    of: str  # the quantity
    points: float
    tolerance: Tolerance
    follow_through: float  # the fraction of the points given for follow-through
    lr: float | None = None  # the learning rate of an update
    text: str = ""  # the teacher's own wording, else one is written from ask and of
    problem: str = ""

    @property
    def qid(self) -> str:
        """The id used in ANSWERS.csv, keys and grades: PROBLEM.QUESTION."""
        return f"{self.problem}.{self.id}"


@dataclass(frozen=True)
class Problem:
    id: str
    title: str
    statement: str
    program: Program
    inputs: tuple[InputRule, ...]
    questions: tuple[Question, ...]
    lr: float | None = None


@dataclass(frozen=True)
class ProblemSet:
    title: str
    seed: str
    problems: tuple[Problem, ...]
    source: str = "<set>"
    follow_through: float = DEFAULT_FOLLOW_THROUGH
    instructions: str = ""

    @property
    def questions(self) -> list[Question]:
        return [q for p in self.problems for q in p.questions]

    @property
    def question_ids(self) -> list[str]:
        return [q.qid for q in self.questions]

    @property
    def max_score(self) -> float:
        return sum(q.points for q in self.questions)


# ------------------------------------------------------------------ reading


def load(path: str | Path) -> ProblemSet:
    """Read and check a problem-set file; `SetError` (a ValueError) names file, line and field."""
    path = Path(path)
    try:
        raw = read_bounded(path, MAX_SET_BYTES)
        if len(raw) > MAX_SET_BYTES:
            raise SetError(str(path), f"larger than {MAX_SET_BYTES // 2**20} MiB, the most a problem set may be")
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SetError(str(path), f"not UTF-8 text ({error.reason} at byte {error.start})") from None
    except OSError as error:
        raise SetError(str(path), f"cannot read the problem set: {error.strerror or error}") from None
    return loads(text, str(path))


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of ``path``, but never more than ``limit + 1`` of them: a file over the limit
    (or an endless one such as /dev/zero) is seen to be too large without being read whole."""
    with open(path, "rb") as f:
        return f.read(limit + 1)


def loads(text: str, source: str = "<set>") -> ProblemSet:
    """Read and check a problem set from TOML text; ``source`` names it in errors."""
    try:
        data = tomllib.loads(text)
    except RecursionError:  # tomllib parses nested arrays and inline tables recursively
        raise SetError(source, "not valid TOML: arrays or inline tables nested too deeply") from None
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        line = getattr(error, "lineno", None)  # Python 3.14 has the fields; older: "(at line 3, column 5)"
        found = re.search(r"\(at line (\d+), column (\d+)\)", message)
        if line is None and found:
            line = int(found.group(1))
        if line is None and "(at end of document)" in message:
            line = text.count("\n") + 1
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
        raise SetError(source, f"not valid TOML: {message}", line) from None
    return _Reader(text, source).problem_set(data)


class _Reader:
    """Checks the parsed TOML field by field; every error carries the line of its key."""

    def __init__(self, text: str, source: str) -> None:
        self.text, self.source = text, source
        self.lines = key_lines(text)

    def error(self, path: tuple, message: str) -> SetError:
        return SetError(self.source, message, self.line_of(path), field_name(path))

    def line_of(self, path: tuple) -> int | None:
        for end in range(len(path), 0, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None

    # -- helpers for one field

    def table(self, data: dict, path: tuple, known: set[str], required: set[str]) -> None:
        for key in data:
            if key not in known:
                meant = nearest(key, known)
                hint = f" (did you mean '{meant}'?)" if meant else f" (known fields: {', '.join(sorted(known))})"
                raise self.error(path + (key,), f"unknown field '{key}'{hint}")
        for key in sorted(required - set(data)):
            raise self.error(path, f"the field '{key}' is missing")

    def string(self, data: dict, key: str, path: tuple, default: str | None = None) -> str:
        value = data.get(key, default)
        if not isinstance(value, str):
            raise self.error(path + (key,), f"must be a string, got {_shown(value)}")
        return value

    def number(self, value, path: tuple, low: float | None = None, high: float | None = None,
               low_open: bool = False) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise self.error(path, f"must be a finite number, got {_shown(value)}")
        value = float(value)
        if low is not None and (value <= low if low_open else value < low):
            raise self.error(path, f"must be {'more than' if low_open else 'at least'} {low:g}, got {value:g}")
        if high is not None and value > high:
            raise self.error(path, f"must be at most {high:g}, got {value:g}")
        return value

    def identifier(self, data: dict, path: tuple, seen: set[str], what: str) -> str:
        ident = self.string(data, "id", path)
        if not _ID.match(ident):
            raise self.error(path + ("id",), f"{what} id {ident!r} must be a name: letters, digits, _ or - "
                                             "(no dots: answers are named PROBLEM.QUESTION)")
        if ident in seen:
            raise self.error(path + ("id",), f"{what} id {ident!r} is used twice")
        seen.add(ident)
        return ident

    # -- the document

    def problem_set(self, data: dict) -> ProblemSet:
        self.table(data, (), {"title", "seed", "follow_through", "tolerance", "instructions", "problems"},
                   {"title", "seed", "problems"})
        title = self.string(data, "title", ())
        seed = data["seed"]
        if isinstance(seed, bool) or not isinstance(seed, (str, int)) or seed == "":
            raise self.error(("seed",), f"must be a non-empty string or an integer, got {_shown(seed)}")
        follow = self.number(data.get("follow_through", DEFAULT_FOLLOW_THROUGH), ("follow_through",), 0.0, 1.0)
        tolerance = self.tolerance(data.get("tolerance", "written"), ("tolerance",))
        problems = data["problems"]
        if not isinstance(problems, list) or not problems or not all(isinstance(p, dict) for p in problems):
            raise self.error(("problems",), "must be a list of tables: write each problem under [[problems]]")
        if len(problems) > MAX_PROBLEMS:
            raise self.error(("problems",), f"at most {MAX_PROBLEMS} problems, got {len(problems)}")
        seen: set[str] = set()
        read = tuple(self.problem(p, ("problems", i), seen, tolerance, follow) for i, p in enumerate(problems))
        return ProblemSet(title, str(seed), read, self.source, follow,
                          self.string(data, "instructions", (), ""))

    def problem(self, data: dict, path: tuple, seen: set[str], tolerance: Tolerance, follow: float) -> Problem:
        self.table(data, path, {"id", "title", "statement", "program", "inputs", "questions", "lr", "tolerance",
                                "follow_through"}, {"id", "statement", "program", "questions"})
        ident = self.identifier(data, path, seen, "problem")
        program = self.program(data, path)
        lr = None if "lr" not in data else self.number(data["lr"], path + ("lr",), 0.0, low_open=True)
        tolerance = self.tolerance(data["tolerance"], path + ("tolerance",)) if "tolerance" in data else tolerance
        if "follow_through" in data:
            follow = self.number(data["follow_through"], path + ("follow_through",), 0.0, 1.0)
        inputs = self.inputs(data.get("inputs", {}), path + ("inputs",), program)
        statement = self.string(data, "statement", path)
        self.placeholders(statement, path + ("statement",), program, lr)
        questions = data["questions"]
        if not isinstance(questions, list) or not questions or not all(isinstance(q, dict) for q in questions):
            raise self.error(path + ("questions",), "must be a list of tables: write each under [[problems.questions]]")
        if len(questions) > MAX_QUESTIONS:
            raise self.error(path + ("questions",), f"at most {MAX_QUESTIONS} questions, got {len(questions)}")
        seen_q: set[str] = set()
        read = tuple(self.question(q, path + ("questions", j), seen_q, ident, program, lr, tolerance, follow)
                     for j, q in enumerate(questions))
        return Problem(ident, self.string(data, "title", path, ident), statement, program, inputs, read, lr)

    def program(self, data: dict, path: tuple) -> Program:
        source = self.string(data, "program", path)
        try:
            return parse(source)
        except ExprError as error:
            line = self.line_of(path + ("program",))
            if line is not None and error.line is not None:
                opened = self.text.splitlines()[line - 1].rstrip()
                # a multi-line string that opens at the end of its line starts on the next one
                line += error.line - (0 if opened.endswith(('"""', "'''")) else 1)
            where = f" at column {error.column} of the program's line {error.line}" if error.column else ""
            hint = f": {error.suggestion}" if error.suggestion else ""
            raise SetError(self.source, f"the program: {error.message}{where}{hint}", line,
                           field_name(path + ("program",))) from None

    def inputs(self, data, path: tuple, program: Program) -> tuple[InputRule, ...]:
        if not isinstance(data, dict):
            raise self.error(path, f"must be a table of NAME = rule, got {_shown(data)}")
        for name in data:
            if name not in program.inputs:
                meant = nearest(name, program.inputs)
                hint = f"did you mean '{meant}'?" if meant else f"its inputs are {', '.join(program.inputs) or 'none'}"
                raise self.error(path + (name,), f"the program has no input '{name}' ({hint})")
        missing = [name for name in program.inputs if name not in data]
        if missing:
            raise self.error(path, f"no rule for the input{'s' * (len(missing) > 1)} {', '.join(missing)} "
                                   "(give a number, { uniform = [LOW, HIGH], decimals = N } or { choose = [...] })")
        return tuple(self.input_rule(name, data[name], path + (name,)) for name in program.inputs)

    def input_rule(self, name: str, rule, path: tuple) -> InputRule:
        if not isinstance(rule, dict):
            return InputRule(name, "fixed", value=self.number(rule, path))
        if "uniform" in rule:
            self.table(rule, path, {"uniform", "decimals"}, set())
            bounds = rule["uniform"]
            if not isinstance(bounds, list) or len(bounds) != 2:
                raise self.error(path + ("uniform",), f"must be [LOW, HIGH], got {_shown(bounds)}")
            low, high = (self.number(b, path + ("uniform",)) for b in bounds)
            decimals = rule.get("decimals", 2)
            if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= MAX_DECIMALS:
                raise self.error(path + ("decimals",), f"must be a whole number from 0 to {MAX_DECIMALS}, "
                                                       f"got {_shown(decimals)}")
            if not low < high:
                raise self.error(path + ("uniform",), f"LOW must be less than HIGH, got [{low:g}, {high:g}]")
            if grid_size(low, high, decimals) < 1:
                raise self.error(path + ("uniform",), f"no number with {decimals} decimals lies in [{low:g}, {high:g}]")
            return InputRule(name, "uniform", low=low, high=high, decimals=decimals)
        if "choose" in rule:
            self.table(rule, path, {"choose"}, set())
            choices = rule["choose"]
            if not isinstance(choices, list) or not choices:
                raise self.error(path + ("choose",), f"must be a non-empty list of numbers, got {_shown(choices)}")
            if len(choices) > MAX_CHOICES:
                raise self.error(path + ("choose",), f"at most {MAX_CHOICES:,} choices, got {len(choices):,}")
            return InputRule(name, "choose", choices=tuple(self.number(c, path + ("choose",)) for c in choices))
        raise self.error(path, "an input rule is a number, { uniform = [LOW, HIGH], decimals = N } "
                               f"or {{ choose = [...] }}; got {_shown(rule)}")

    def placeholders(self, statement: str, path: tuple, program: Program, lr: float | None) -> None:
        known = {*program.inputs, *(["lr"] if lr is not None else [])}
        for match in PLACEHOLDER.finditer(statement):
            if match.group(1) not in known:
                meant = nearest(match.group(1), known)
                hint = f"did you mean '{{{{{meant}}}}}'?" if meant else \
                    f"placeholders are the inputs{' and lr' if lr is not None else ''}: {', '.join(sorted(known))}"
                raise self.error(path, f"unknown placeholder {match.group(0)} ({hint})")

    def question(self, data: dict, path: tuple, seen: set[str], problem: str, program: Program,
                 lr: float | None, tolerance: Tolerance, follow: float) -> Question:
        self.table(data, path, {"id", "ask", "of", "points", "lr", "tolerance", "follow_through", "text"},
                   {"id", "ask", "of"})
        ident = self.identifier(data, path, seen, "question")
        ask = self.string(data, "ask", path)
        if ask not in ASKS:
            raise self.error(path + ("ask",), f"must be one of {', '.join(ASKS)}, got {ask!r}")
        of = self.string(data, "of", path)
        quantities = [*program.inputs, *(s.name for s in program.statements)]
        if of not in quantities:
            meant = nearest(of, quantities)
            hint = f"did you mean '{meant}'?" if meant else f"quantities: {', '.join(quantities)}"
            raise self.error(path + ("of",), f"no quantity '{of}' in the program ({hint})")
        if ask == "update" and of not in program.inputs:
            raise self.error(path + ("of",), f"only an input is updated by gradient descent; '{of}' is computed")
        points = self.number(data.get("points", 1), path + ("points",), 0.0)
        if "lr" in data:
            lr = self.number(data["lr"], path + ("lr",), 0.0, low_open=True)
        if ask == "update" and lr is None:
            raise self.error(path, "an update needs the learning rate: give lr here or in the problem")
        if "tolerance" in data:
            tolerance = self.tolerance(data["tolerance"], path + ("tolerance",))
        if "follow_through" in data:
            follow = self.number(data["follow_through"], path + ("follow_through",), 0.0, 1.0)
        text = self.string(data, "text", path, "")
        return Question(ident, ask, of, points, tolerance, follow, lr if ask == "update" else None, text, problem)

    def tolerance(self, value, path: tuple) -> Tolerance:
        if value == "written" or value == {"rule": "written"}:
            return Tolerance()
        if not isinstance(value, dict):
            raise self.error(path, 'must be "written", { sig = N } or { rtol = R, atol = A }, '
                                   f"got {_shown(value)}")
        value = {k: v for k, v in value.items() if k != "rule"}
        if "sig" in value:
            self.table(value, path, {"sig"}, set())
            sig = value["sig"]
            if isinstance(sig, bool) or not isinstance(sig, int) or not 1 <= sig <= 17:
                raise self.error(path + ("sig",), f"must be a whole number from 1 to 17, got {_shown(sig)}")
            return Tolerance("sig", sig=sig)
        self.table(value, path, {"rtol", "atol"}, set())
        if not value:
            raise self.error(path, 'give "written", { sig = N } or { rtol = R, atol = A }')
        rtol = self.number(value.get("rtol", 0.0), path + ("rtol",), 0.0, 1.0)
        atol = self.number(value.get("atol", 0.0), path + ("atol",), 0.0)
        return Tolerance("rtol", rtol=rtol, atol=atol)


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def field_name(path: tuple) -> str:
    """('problems', 1, 'questions', 0, 'of') → 'problems[2].questions[1].of' (counted from 1)."""
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


# ------------------------------------------------------------------ where each key is


_HEADER = re.compile(r"\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"\s*([A-Za-z0-9_\-\"'. ]+?)\s*=")


def key_lines(text: str) -> dict[tuple, int]:
    """The line of every key and table header, by its path (array items counted from 0):
    ``("problems", 1, "questions", 0, "of") → 23``, inline tables and arrays of inline tables
    included. A scan of the text for error messages only: the values come from tomllib."""
    lines: dict[tuple, int] = {}
    counts: dict[tuple, int] = {}
    current: tuple = ()
    rows = text.splitlines()
    number = 0
    while number < len(rows):
        line = rows[number]
        number += 1
        header = _HEADER.match(line)
        if header and not _KEY.match(line):
            names = tuple(part.strip().strip("\"'") for part in header.group(2).split("."))
            current = _resolve(names, counts, current, array=header.group(1) == "[[")
            for end in range(1, len(current) + 1):  # [[problems]] is also where 'problems' is
                lines.setdefault(current[:end], number)
            continue
        key = _KEY.match(line)
        if key:
            path = current + tuple(part.strip().strip("\"'") for part in key.group(1).split("."))
            lines.setdefault(path, number)
            number = _value_lines(rows, number - 1, key.end(), path, lines)
    return lines


_INLINE_KEY = re.compile(r"\s*([A-Za-z0-9_\-]+|\"[^\"]*\"|'[^']*')\s*=")


def _value_lines(rows: list[str], row: int, column: int, path: tuple, lines: dict) -> int:
    """Scan one value from (row, column) — a string, or inline tables and arrays over any
    number of lines — recording the line of each key inside; returns the row after it."""
    stack: list[list] = []  # open containers: ["table", path] or ["array", path, items so far]
    expect_key = False
    while row < len(rows):
        text = rows[row]
        while column < len(text):
            if expect_key:
                expect_key = False
                key = _INLINE_KEY.match(text, column)
                if key:
                    stack[-1].append(stack[-1][1] + (key.group(1).strip("\"'"),))
                    lines.setdefault(stack[-1][-1], row + 1)
                    column = key.end()
                    continue
            char = text[column]
            if char in "\"'":
                quote = text[column:column + 3] if text[column:column + 3] in ('"""', "'''") else char
                end = _string_end(rows, row, column + len(quote), quote)
                if end is None:
                    return len(rows)
                row, column = end
                text = rows[row]
                if not stack:
                    return row + 1
                continue
            if char == "#":
                break
            if char in "{[":
                if not stack:
                    inner = path
                elif stack[-1][0] == "array":
                    inner = stack[-1][1] + (stack[-1][2],)
                    stack[-1][2] += 1
                else:
                    inner = stack[-1][-1] if len(stack[-1]) > 2 else stack[-1][1]
                lines.setdefault(inner, row + 1)
                stack.append(["table", inner] if char == "{" else ["array", inner, 0])
                expect_key = char == "{"
            elif char in "}]":
                if stack:
                    stack.pop()
                if not stack:
                    return row + 1
            elif char == "," and stack and stack[-1][0] == "table":
                del stack[-1][2:]
                expect_key = True
            column += 1
        if not stack:
            return row + 1  # a plain value on one line
        row, column = row + 1, 0
    return row


def _string_end(rows: list[str], row: int, column: int, quote: str) -> tuple[int, int] | None:
    """(row, column) just after the string that opened before (row, column), or None."""
    while row < len(rows):
        text = rows[row]
        while column < len(text):
            if text[column] == "\\" and quote[0] == '"':
                column += 2
                continue
            if text.startswith(quote, column):
                return row, column + len(quote)
            column += 1
        if len(quote) == 1:
            return row, len(text)  # an unclosed one-line string: tomllib reports it
        row, column = row + 1, 0
    return None


def _resolve(names: tuple, counts: dict, current: tuple, array: bool) -> tuple:
    """The path of a header: [[problems.questions]] is the next question of the last problem."""
    path: tuple = ()
    for i, name in enumerate(names):
        path += (name,)
        if path in counts and (i < len(names) - 1 or not array):
            path += (counts[path] - 1,)  # a parent array: its last item
        elif i == len(names) - 1 and array:
            counts[path] = counts.get(path, 0) + 1
            path += (counts[path] - 1,)
    return path
