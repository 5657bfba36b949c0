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
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from autograd.core import Value, ops
from autograd.core.graph import children_of, layout
from autograd.lang import Evaluation, ExprError
from autograd.apps.course.format import InputRule, Problem, ProblemSet, SetError

__all__ = ["student_key", "uniform", "draw", "problem_variant", "evaluated_variant", "variant", "Variant",
           "kinks", "KINK_MARGIN", "MAX_ATTEMPTS", "shown_number"]

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
    """`problem_variant`, with the program evaluated there (backward has run).

    The draws are the derivation's; only work that cannot change the outcome is skipped: numbers
    already tried are not evaluated again (they would fail again), and drawing stops as soon
    as no later draw can succeed: no input is random, every possible draw has failed, or an
    operation sits at a kink that no random input reaches (the same kink whatever is drawn)."""
    random = [rule for rule in problem.inputs if rule.random]
    possible = math.prod(_distinct(rule) for rule in random)
    failed: set[tuple] = set()  # the random inputs of each draw that failed, as exact floats
    why = ""
    for attempt in range(MAX_ATTEMPTS):
        at = {rule.name: draw(rule, uniform(seed, student, problem.id, rule.name, attempt))
              for rule in problem.inputs}
        point = tuple(at[rule.name].hex() for rule in random)
        if point in failed:
            continue
        evaluation, kink = _tried(problem, at)
        if kink is None and evaluation is not None:
            return at, attempt, evaluation
        failed.add(point)
        if kink is not None and not _reached(kink, [evaluation.values[rule.name] for rule in random]):
            why = f": {_shown_kink(kink)} is at a kink whatever the inputs"
            break
        if len(failed) == possible:
            why = f": every one of the {possible:,} possible draws fails" if random else ""
            break
    raise SetError(source, f"problem '{problem.id}': no numbers found where the program can be evaluated "
                           f"and is smooth (tried {attempt + 1} draw{'s' * (attempt > 0)} for student "
                           f"{student!r}){why}; widen the input ranges or change the program", field="inputs")


def _distinct(rule: InputRule) -> int:
    """How many different floats the rule can draw, at most (a grid of huge numbers may round
    two of its numbers to one float: then fewer, and drawing never stops early for it)."""
    return len({c.hex() for c in rule.choices}) if rule.kind == "choose" else rule.count()


def variant(problem_set: ProblemSet, student: str) -> Variant:
    """Every problem's numbers for ``student`` (a pure function of the set's seed and the id)."""
    inputs, attempts = {}, {}
    for problem in problem_set.problems:
        inputs[problem.id], attempts[problem.id] = problem_variant(problem, problem_set.seed, student,
                                                                   problem_set.source)
    return Variant(student, inputs, attempts)


def usable(problem: Problem, at: dict[str, float]) -> Evaluation | None:
    """The program evaluated at ``at`` (backward run) when it evaluates there, no quantity is
    at a kink, and its gradients and the answer of every update are finite; else None."""
    evaluation, kink = _tried(problem, at)
    return evaluation if kink is None else None


def _tried(problem: Problem, at: dict[str, float]) -> tuple[Evaluation | None, Value | None]:
    """(the evaluation, None) when ``at`` is usable (see `usable`); (the evaluation, the first
    node found at a kink) when one is; (None, None) when the program, its gradients or an
    update cannot be computed there. Kinks are looked for before the backward pass: a draw
    at a kink costs no backward pass."""
    try:
        evaluation = problem.program.evaluate(at)
    except (ExprError, ArithmeticError, ValueError):
        return None, None
    kink = next(_kinked(evaluation), None)
    if kink is not None:
        return evaluation, kink
    try:
        grads = evaluation.grads()  # the one backward pass: here, so that an overflow is caught
    except (ArithmeticError, ValueError):
        return None, None
    updates = [(q.lr, at[q.of], grads[q.of]) for q in problem.questions if q.ask == "update"]
    if not all(math.isfinite(g) for g in grads.values()) or \
            not all(math.isfinite(lr * g) and math.isfinite(w - lr * g) for lr, w, g in updates):
        return None, None
    return evaluation, None


def kinks(evaluation: Evaluation) -> list[str]:
    """The operations evaluated at (or within `KINK_MARGIN` of) a point where they are not
    differentiable, as 'relu(-3e-17)': their derivative there is a convention, not a number a
    student could compute or a finite difference could check."""
    return [_shown_kink(node) for node in _kinked(evaluation)]


def _operands(node: Value) -> list[float]:
    shape = layout(node)
    operands = [child.data for child in shape.children]
    return operands + ([shape.constant] if shape.constant is not None else [])


def _kinked(evaluation: Evaluation) -> Iterator[Value]:
    """The nodes at a kink (see `kinks`), found one at a time: a caller that needs one stops there."""
    for node in _every_node(evaluation):
        op = layout(node).op
        if op is None or op.differentiable:
            continue
        operands = _operands(node)
        gap = abs(operands[0] - operands[1]) if len(operands) == 2 else abs(operands[0])
        scale = max(1.0, *(abs(x) for x in operands))
        if gap <= KINK_MARGIN * scale:
            yield node


def _shown_kink(node: Value) -> str:
    return f"{layout(node).op.name}({', '.join(repr(x) for x in _operands(node))})"


def _every_node(evaluation: Evaluation) -> Iterator[Value]:
    """The evaluation's graph (its cached order), then the nodes only a quantity the output does
    not use is computed from (a question may ask for its value): each node once, in one walk
    shared by all such quantities, so the cost is the size of the graph."""
    order = evaluation.order
    yield from order
    seen = set(order)
    stack = [named for named in evaluation.values.values() if named not in seen]
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            yield node
            stack.extend(children_of(node.edges))


def _reached(node: Value, leaves: list[Value]) -> bool:
    """True when one of ``leaves`` is ``node`` or below it in the graph."""
    wanted, seen, stack = set(leaves), set(), [node]
    while stack:
        node = stack.pop()
        if node in wanted:
            return True
        if node not in seen:
            seen.add(node)
            stack.extend(children_of(node.edges))
    return False
