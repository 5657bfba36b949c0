"""Checking a parsed problem-set file field by field, into a `ProblemSet`.

`SetReader` walks the dict tomllib made, one method per part of the format; every mistake is
a `SetError` carrying the file, the field (``problems[2].questions[1].of``) and the line of
its key, found in the text by `autograd.apps.course.keylines` only when there is an error.
"""

from __future__ import annotations

import re

from autograd.lang import ExprError, Program, nearest, parse
from autograd.util import validate
from autograd.apps.course.keylines import field_name, key_lines
from autograd.apps.course.problems import (ASKS, DEFAULT_FOLLOW_THROUGH, MAX_CHOICES, MAX_DECIMALS,
                                           MAX_LR, MAX_POINTS, MAX_PROBLEMS, MAX_QUESTIONS, PLACEHOLDER,
                                           InputRule, Problem, ProblemSet, Question, SetError, Tolerance,
                                           grid_size)

__all__ = ["SetReader"]

_ID = re.compile(r"[A-Za-z_][A-Za-z_0-9-]*\Z")  # no dot: question ids are written PROBLEM.QUESTION


class SetReader:
    """Checks the parsed TOML field by field; every error carries the line of its key."""

    def __init__(self, text: str, source: str) -> None:
        self.text, self.source = text, source
        self._lines: dict[tuple, int] | None = None  # found on the first error: a good file never needs them

    def error(self, path: tuple, message: str) -> SetError:
        return SetError(self.source, message, self.line_of(path), field_name(path))

    def line_of(self, path: tuple) -> int | None:
        """The line of the key at ``path``, else of its nearest enclosing key that has one."""
        if self._lines is None:
            self._lines = key_lines(self.text)
        for end in range(len(path), 0, -1):
            if path[:end] in self._lines:
                return self._lines[path[:end]]
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
            raise self.error(path + (key,), f"must be a string, got {validate.shown(value)}")
        return value

    def number(self, value, path: tuple, low: float | None = None, high: float | None = None,
               low_open: bool = False) -> float:
        """A finite number in the range, checked and worded by `autograd.util.validate`."""
        key = _key(path)
        try:
            number = validate.finite(value, key)
            return validate.in_range(number, f"{key} = {number:g}", low, high, low_open=low_open)
        except validate.InvalidValue as error:
            raise self.error(path, error.message) from None

    def whole_number(self, value, path: tuple, low: int, high: int) -> int:
        """A whole number from ``low`` to ``high``, checked and worded by `autograd.util.validate`."""
        key = _key(path)
        try:
            return validate.in_range(validate.whole(value, key), f"{key} = {value}", low, high)
        except validate.InvalidValue as error:
            raise self.error(path, error.message) from None

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
            raise self.error(("seed",), f"must be a non-empty string or an integer, got {validate.shown(seed)}")
        follow = self.number(data.get("follow_through", DEFAULT_FOLLOW_THROUGH), ("follow_through",), 0, 1)
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
        lr = None if "lr" not in data else self.number(data["lr"], path + ("lr",), 0, MAX_LR, low_open=True)
        tolerance = self.tolerance(data["tolerance"], path + ("tolerance",)) if "tolerance" in data else tolerance
        if "follow_through" in data:
            follow = self.number(data["follow_through"], path + ("follow_through",), 0, 1)
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
            raise self.error(path, f"must be a table of NAME = rule, got {validate.shown(data)}")
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
                raise self.error(path + ("uniform",), f"must be [LOW, HIGH], got {validate.shown(bounds)}")
            low, high = (self.number(b, path + ("uniform", k)) for k, b in enumerate(bounds))
            decimals = self.whole_number(rule.get("decimals", 2), path + ("decimals",), 0, MAX_DECIMALS)
            most = float(f"1e{308 - decimals}")  # the grid LOW·10^d … HIGH·10^d is counted in floats
            for k, bound in enumerate((low, high)):
                if abs(bound) > most:
                    raise self.error(path + ("uniform", k), f"with {decimals} decimals, LOW and HIGH must be "
                                                            f"{validate.bounds(-most, most)}, got {bound:g}")
            if not low < high:
                raise self.error(path + ("uniform",), f"LOW must be less than HIGH, got [{low:g}, {high:g}]")
            if grid_size(low, high, decimals) < 1:
                raise self.error(path + ("uniform",), f"no number with {decimals} decimals lies in [{low:g}, {high:g}]")
            return InputRule(name, "uniform", low=low, high=high, decimals=decimals)
        if "choose" in rule:
            self.table(rule, path, {"choose"}, set())
            choices = rule["choose"]
            if not isinstance(choices, list) or not choices:
                raise self.error(path + ("choose",), f"must be a non-empty list of numbers, got {validate.shown(choices)}")
            if len(choices) > MAX_CHOICES:
                raise self.error(path + ("choose",), f"at most {MAX_CHOICES:,} choices, got {len(choices):,}")
            return InputRule(name, "choose", choices=tuple(self.number(c, path + ("choose", k))
                                                           for k, c in enumerate(choices)))
        raise self.error(path, "an input rule is a number, { uniform = [LOW, HIGH], decimals = N } "
                               f"or {{ choose = [...] }}; got {validate.shown(rule)}")

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
        points = self.number(data.get("points", 1), path + ("points",), 0, MAX_POINTS)
        if "lr" in data:
            lr = self.number(data["lr"], path + ("lr",), 0, MAX_LR, low_open=True)
        if ask == "update" and lr is None:
            raise self.error(path, "an update needs the learning rate: give lr here or in the problem")
        if "tolerance" in data:
            tolerance = self.tolerance(data["tolerance"], path + ("tolerance",))
        if "follow_through" in data:
            follow = self.number(data["follow_through"], path + ("follow_through",), 0, 1)
        text = self.string(data, "text", path, "")
        return Question(ident, ask, of, points, tolerance, follow, lr if ask == "update" else None, text, problem)

    def tolerance(self, value, path: tuple) -> Tolerance:
        if value == "written" or value == {"rule": "written"}:
            return Tolerance()
        if not isinstance(value, dict):
            raise self.error(path, 'must be "written", { sig = N } or { rtol = R, atol = A }, '
                                   f"got {validate.shown(value)}")
        value = {k: v for k, v in value.items() if k != "rule"}
        if "sig" in value:
            self.table(value, path, {"sig"}, set())
            return Tolerance("sig", sig=self.whole_number(value["sig"], path + ("sig",), 1, validate.MAX_DIGITS))
        self.table(value, path, {"rtol", "atol"}, set())
        if not value:
            raise self.error(path, 'give "written", { sig = N } or { rtol = R, atol = A }')
        rtol = self.number(value.get("rtol", 0.0), path + ("rtol",), 0, 1)
        atol = self.number(value.get("atol", 0.0), path + ("atol",), 0)
        return Tolerance("rtol", rtol=rtol, atol=atol)


def _key(path: tuple) -> str:
    """The name a message gives a field: its own key (``lr``, ``sig``, an input's name), with
    the place in its list (``choose[3]``)."""
    last = max((i for i, part in enumerate(path) if isinstance(part, str)), default=None)
    return "the value" if last is None else field_name(path[last:])
