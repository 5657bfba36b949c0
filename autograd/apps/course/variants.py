"""A student's variant: the numbers of every problem, a pure function of (set seed, student id).

Each random input is drawn from one uniform number u in [0, 1)::

    digest = SHA-256( "{seed}\\0{student}\\0{problem}\\0{input}\\0{attempt}" as UTF-8 )
    u      = (first 8 bytes of digest, as a big-endian unsigned integer) / 2**64

with ``student`` stripped of surrounding spaces and in Unicode normal form NFC (an id typed
with a decomposed é, or with a trailing space, is the same student).

A ``uniform = [LOW, HIGH], decimals = d`` rule takes the k-th number of the grid
⌈LOW·10^d⌉/10^d, …, ⌊HIGH·10^d⌋/10^d with k = ⌊u·n⌋ (n numbers on the grid), computed in
decimal so it is exactly the number written; a ``choose`` rule takes choice ⌊u·n⌋.
``attempt`` starts at 0. When the program cannot be evaluated at the drawn numbers (log of a
number ≤ 0, a division by 0, …) or a quantity sits at (or within 1e-6 of) a point where a
derivative is undefined — relu, abs, step, sign, leaky_relu, elu at 0, a tie in max or min —
every random input of the problem is drawn again with the next attempt, up to `MAX_ATTEMPTS`.

Nothing else enters: not Python's ``hash()`` (salted per process), not the ``random`` module's
state, not the order of the students. So the same (seed, id) gives the same numbers on every
machine and in every version that keeps this derivation (tests pin some values).
"""

from __future__ import annotations

import hashlib
import math
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from autograd.core import ops, topological_order
from autograd.core.graph import layout
from autograd.lang import Evaluation, ExprError
from autograd.apps.course.format import InputRule, Problem, ProblemSet, SetError

__all__ = ["student_key", "uniform", "draw", "problem_variant", "evaluated_variant", "variant", "Variant", "kinks", "KINK_MARGIN", "MAX_ATTEMPTS",
           "shown_number"]

MAX_ATTEMPTS = 1000
KINK_MARGIN = 1e-6  # relative to the operands' size (absolute below 1)


def student_key(student: str) -> str:
    """The student an id names: stripped of surrounding spaces, in Unicode normal form NFC (an
    é typed precomposed or as e and a combining accent is the same student, with the same numbers)."""
    return unicodedata.normalize("NFC", student.strip())


def uniform(seed: str, student: str, problem: str, name: str, attempt: int = 0) -> float:
    """The uniform number in [0, 1) behind one input of one student's variant (see above)."""
    student = student_key(student)
    key = f"{seed}\0{student}\0{problem}\0{name}\0{attempt}".encode("utf-8")
    return int.from_bytes(hashlib.sha256(key).digest()[:8], "big") / 2.0**64


def draw(rule: InputRule, u: float) -> float:
    """The input's number for the uniform number u."""
    if rule.kind == "fixed":
        return rule.value
    if rule.kind == "choose":
        return rule.choices[min(int(u * len(rule.choices)), len(rule.choices) - 1)]
    scale = Decimal(10) ** rule.decimals
    first = math.ceil(round(rule.low * 10**rule.decimals, 6))
    n = rule.count()
    try:
        k = min(int(u * n), n - 1)
    except OverflowError:  # more grid points than a float can count (a range near ±1e308): exactly
        k = min(int(Fraction(u) * n), n - 1)
    return float((Decimal(first) + k) / scale)


def shown_number(rule: InputRule, value: float) -> str:
    """How a sheet writes an input: with the rule's decimals (0.50), or exactly (2, 0.5)."""
    if rule.kind == "uniform":
        return f"{value:.{rule.decimals}f}"
    return ops.number_text(value)


@dataclass(frozen=True)
class Variant:
    """One student's numbers: per problem id, per input, the number (and how many attempts)."""

    student: str
    inputs: dict[str, dict[str, float]]
    attempts: dict[str, int]

    def key(self) -> tuple:
        """Comparable form, for telling variants apart."""
        return tuple((p, tuple(sorted(v.items()))) for p, v in sorted(self.inputs.items()))


def problem_variant(problem: Problem, seed: str, student: str, source: str = "<set>") -> tuple[dict[str, float], int]:
    """The numbers of one problem for one student, and the attempt that gave them."""
    at, attempt, _ = evaluated_variant(problem, seed, student, source)
    return at, attempt


def evaluated_variant(problem: Problem, seed: str, student: str,
                      source: str = "<set>") -> tuple[dict[str, float], int, Evaluation]:
    """`problem_variant`, with the program evaluated there (backward has run)."""
    for attempt in range(MAX_ATTEMPTS):
        at = {rule.name: draw(rule, uniform(seed, student, problem.id, rule.name, attempt))
              for rule in problem.inputs}
        evaluation = usable(problem, at)
        if evaluation is not None:
            return at, attempt, evaluation
        if not any(rule.random for rule in problem.inputs):
            break  # the same numbers every time
    raise SetError(source, f"problem '{problem.id}': no numbers found where the program can be evaluated "
                           f"and is smooth (tried {attempt + 1} draw{'s' * (attempt > 0)} for student "
                           f"{student!r}); widen the input ranges or change the program", field="inputs")


def variant(problem_set: ProblemSet, student: str) -> Variant:
    """Every problem's numbers for ``student`` (a pure function of the set's seed and the id)."""
    inputs, attempts = {}, {}
    for problem in problem_set.problems:
        inputs[problem.id], attempts[problem.id] = problem_variant(problem, problem_set.seed, student,
                                                                   problem_set.source)
    return Variant(student, inputs, attempts)


def usable(problem: Problem, at: dict[str, float]) -> Evaluation | None:
    """The program evaluated at ``at`` (backward run) when it evaluates there, its gradient is
    finite and no quantity is at a kink; else None."""
    try:
        evaluation = problem.program.evaluate(at)
        evaluation.gradients  # the one backward pass: here, so that an overflow is caught below
    except (ExprError, ArithmeticError, ValueError):
        return None
    if not all(math.isfinite(g) for g in evaluation.grads().values()) or kinks(evaluation):
        return None
    return evaluation


def kinks(evaluation: Evaluation) -> list[str]:
    """The operations evaluated at (or within `KINK_MARGIN` of) a point where they are not
    differentiable, as 'relu(-3e-17)': their derivative there is a convention, not a number a
    student could compute or a finite difference could check."""
    found = []
    for node in _every_node(evaluation):
        shape = layout(node)
        if shape.op is None or shape.op.differentiable:
            continue
        operands = [child.data for child in shape.children]
        if shape.constant is not None:
            operands.append(shape.constant)
        gap = abs(operands[0] - operands[1]) if len(operands) == 2 else abs(operands[0])
        scale = max(1.0, *(abs(x) for x in operands))
        if gap <= KINK_MARGIN * scale:
            found.append(f"{shape.op.name}({', '.join(repr(x) for x in operands)})")
    return found


def _every_node(evaluation: Evaluation) -> list:
    """The evaluation's graph (its cached order), then the nodes only a quantity the output does
    not use is computed from: a question may ask for its value."""
    order = evaluation.order
    seen = set(order)
    extra = []
    for named in evaluation.values.values():
        if named not in seen:
            for node in topological_order(named):
                if node not in seen:
                    seen.add(node)
                    extra.append(node)
    return order + extra
