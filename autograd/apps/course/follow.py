"""Follow-through credit: is a wrong answer what the student's own earlier wrong answers give?

A wrong answer that agrees (by the same precision rule) with what the student's earlier wrong
answers give when the rest is done right gets the fraction of its points the set configures
(``follow_through``). "What they give" is computed on the problem's graph:

- each earlier wrong *value* takes the place of the true one: the program is run again with
  ``q = (expr) + δ``, δ moving q to the student's number, so later values use their q and the
  chain rule still runs through q with every local derivative right;
- then the chain rule runs backward (`autograd.core.graph.reverse_sweep`) with each earlier
  wrong *gradient* replacing ∂OUT/∂quantity once all its uses are summed.

So an output from their hidden value, a gradient from their upstream gradient times the right
local derivative, and an update w − η·g from their g all follow. "Earlier" means before it in
the problem's list of questions; right answers never count as a source, so credit is given
only when an earlier answer is wrong and this one is consistent with it. The sources named are
those without which the answer would not agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from autograd.checking import Claim, judge, true_value
from autograd.core.graph import reverse_sweep
from autograd.lang import ExprError, Program, parse
from autograd.explain import fmt
from autograd.apps.course.problems import Question
from autograd.apps.course.solve import Solution

__all__ = ["FollowThrough", "follow_through", "consistent", "with_answers"]

Source = tuple[Question, Claim]  # an earlier wrong answer: its question and the student's claim


@dataclass
class FollowThrough:
    """Credit for an answer that follows from the student's own earlier wrong answers."""

    sources: list[str]  # the earlier questions' ids
    expected: float  # what those answers give
    points: float
    text: str

    def to_json(self) -> dict:
        return {"from": self.sources, "expected": self.expected, "points": self.points, "text": self.text}


def follow_through(solution: Solution, question: Question, claim: Claim, earlier: list[Source]) -> FollowThrough | None:
    """The credit a wrong ``claim`` gets from the ``earlier`` wrong answers, or None."""
    sources = [(q, c) for q, c in earlier if q.ask in ("value", "gradient")]
    if not sources:
        return None
    expected = consistent(solution, question, claim, sources)
    if expected is None:
        return None
    alone = [s for s in reversed(sources) if consistent(solution, question, claim, [s]) is not None]
    if alone:  # the latest earlier answer that explains it by itself
        used = alone[:1]
    else:  # those without which it would not agree
        needed = [s for s in sources
                  if consistent(solution, question, claim, [o for o in sources if o is not s]) is None]
        used = needed or sources
    points = round(question.points * question.follow_through, 9)
    names = ", ".join(f"{c.quantity(solution.output)} = {c.number}" for _, c in used)
    text = (f"Follow-through: {fmt(expected, 6)} is what your earlier answer{'s' * (len(used) > 1)} "
            f"{names} give{'s' * (len(used) == 1)} when the rest is done right, so this answer gets "
            f"{points:g} of {question.points:g} point{'s' * (question.points != 1)}.")
    return FollowThrough([q.qid for q, _ in used], expected, points, text)


def consistent(solution: Solution, question: Question, claim: Claim, sources: list[Source]) -> float | None:
    """What the earlier answers ``sources`` give for ``question``, when the claim agrees with
    it by the question's rule; else None."""
    if not sources:
        return None
    computed = with_answers(solution, sources)
    if computed is None:
        return None
    values, grads = computed
    sig = question.tolerance.sig if question.tolerance.rule == "sig" else None
    if question.of not in values:
        return None
    try:
        if judge(claim, values, grads, sig).verdict != "right":
            return None
    except OverflowError:  # the earlier answers make this step overflow: nothing to follow through
        return None
    return true_value(claim, values, grads)


def with_answers(solution: Solution, sources: list[Source]) -> tuple[dict, dict] | None:
    """Every value and gradient of the problem, by name, with the student's answers in
    ``sources`` put in place of the true ones (see the module docstring); None when the program
    cannot be run there or a gradient overflows."""
    program = solution.problem.program
    output = program.output
    replaced_values = {q.of: c.claimed for q, c in sources if q.ask == "value" and q.of != output}
    replaced_grads = {q.of: c.claimed for q, c in sources if q.ask == "gradient" and q.of != output}
    at = {**solution.at, **{k: v for k, v in replaced_values.items() if k in solution.at}}
    evaluation = solution.evaluation
    texts = {s.name: s.text for s in program.statements if s.name in replaced_values}
    changed = at != solution.at
    try:
        for statement in program.statements:
            if statement.name not in replaced_values:
                continue
            if changed:
                evaluation = _rewritten(program, texts).evaluate(at)
            shift = replaced_values[statement.name] - evaluation.values[statement.name].data
            texts[statement.name] = f"({texts[statement.name]}) + ({shift!r})"
            changed = True
        if changed:
            evaluation = _rewritten(program, texts).evaluate(at)
        nodes = evaluation.values
        replaced = {nodes[name]: g for name, g in replaced_grads.items() if name in nodes}
        grads = reverse_sweep(evaluation.order, replaced=replaced)
    except (ExprError, ArithmeticError, ValueError):
        return None
    return ({name: node.data for name, node in nodes.items()},
            {name: grads.get(node, 0.0) for name, node in nodes.items()})


def _rewritten(program: Program, texts: dict[str, str]) -> Program:
    """The program with the statements named in ``texts`` written anew."""
    return parse("\n".join(f"{s.name} = {texts[s.name] if s.name in texts else s.text}"
                           for s in program.statements))
