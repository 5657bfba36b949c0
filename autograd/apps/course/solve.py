"""A problem solved at one student's numbers: every value, every gradient, every answer.

The graph is built by the expression language and differentiated by the engine; each answer is
read by `autograd.checking.true_value`, the one place that says what a value, a gradient and an
update w − η·∂OUT/∂w are. The key's worked solution is the trace of the same graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from autograd.checking import Claim, parse_claim, true_value
from autograd.lang import Evaluation
from autograd.explain import Trace, trace
from autograd.apps.course.format import Problem, ProblemSet, Question
from autograd.apps.course.variants import Variant, evaluated_variant

__all__ = ["Solution", "solve", "solve_set", "claim_text"]


def claim_text(question: Question, output: str, number: str) -> str:
    """The question as a claim `autograd.checking.parse_claim` reads: 'h=0.73', 'dL/dw1=-0.03', "w1'=0.5"."""
    if question.ask == "gradient":
        return f"d{output}/d{question.of}={number}"
    if question.ask == "update":
        return f"{question.of}'={number}"
    return f"{question.of}={number}"


def parsed_claim(question: Question, evaluation: Evaluation, number: str, rtol: float | None = None) -> Claim:
    """A student's number for a question as a `Claim` (ValueError when it cannot be read)."""
    program = evaluation.program
    return parse_claim(claim_text(question, program.output, number), program.output, evaluation.values,
                       rtol=rtol, lr=question.lr, inputs=program.inputs)


@dataclass
class Solution:
    """One problem at one student's numbers (backward has run)."""

    problem: Problem
    at: dict[str, float]
    evaluation: Evaluation

    @cached_property
    def values(self) -> dict[str, float]:
        return {name: node.data for name, node in self.evaluation.values.items()}

    @cached_property
    def grads(self) -> dict[str, float]:
        return self.evaluation.grads()

    @property
    def output(self) -> str:
        return self.problem.program.output

    def answer(self, question: Question) -> float:
        """The true answer to one of the problem's questions."""
        return true_value(parsed_claim(question, self.evaluation, "0"), self.values, self.grads)

    @cached_property
    def answers(self) -> dict[str, float]:
        """The true answer of every question, by its id PROBLEM.QUESTION."""
        return {q.qid: self.answer(q) for q in self.problem.questions}

    @cached_property
    def trace(self) -> Trace:
        """Forward and backward step records, read from the solution's one backward pass."""
        evaluation = self.evaluation
        parameters = [evaluation.values[q.of] for q in self.problem.questions if q.ask == "update"]
        return trace(evaluation.root, evaluation.gradients, evaluation.constants, parameters=parameters,
                     order=evaluation.order)


def solve(problem: Problem, at: dict[str, float]) -> Solution:
    evaluation = problem.program.evaluate(at)
    return Solution(problem, at, evaluation)


def solve_set(problem_set: ProblemSet, student: str) -> tuple[Variant, list[Solution]]:
    """The student's variant and every problem solved at it (`variants.variant`'s numbers)."""
    inputs, attempts, solutions = {}, {}, []
    for problem in problem_set.problems:
        at, attempts[problem.id], evaluation = evaluated_variant(problem, problem_set.seed, student,
                                                                 problem_set.source)
        inputs[problem.id] = at
        solutions.append(Solution(problem, at, evaluation))
    return Variant(student, inputs, attempts), solutions
