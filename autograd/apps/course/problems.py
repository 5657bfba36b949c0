"""A problem set in memory: the dataclasses `autograd.apps.course.format` reads a file into,
the limits a file must keep, and `SetError`, the one error a bad file raises.

The fields mean what docs/problem-sets.md says; `autograd.apps.course.fields` checks them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from autograd.lang import Program

__all__ = ["SetError", "InputRule", "Tolerance", "Question", "Problem", "ProblemSet", "grid_size",
           "ASKS", "PLACEHOLDER", "MAX_SET_BYTES", "MAX_DECIMALS", "MAX_CHOICES", "MAX_PROBLEMS",
           "MAX_QUESTIONS", "MAX_LR", "MAX_POINTS", "DEFAULT_FOLLOW_THROUGH"]

ASKS = ("value", "gradient", "update")
MAX_DECIMALS = 10
MAX_CHOICES = 10_000
MAX_PROBLEMS = 200
MAX_QUESTIONS = 100
MAX_POINTS = 1_000_000  # a question's points: every total, mean and score stays a finite number
MAX_LR = 1000  # the largest learning rate, as `autograd train --lr` allows
MAX_SET_BYTES = 16 * 2**20  # a set of MAX_PROBLEMS problems with the longest programs is about 2 MiB
DEFAULT_FOLLOW_THROUGH = 0.5
PLACEHOLDER = re.compile(r"\{\{[ \t]*([A-Za-z_][A-Za-z_0-9]*)[ \t]*\}\}")


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
    """How an answer is judged (the rule itself lives in `autograd.checking.precision`): ``rule`` is
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
