"""A problem of a set as a PrairieLearn question: what its ``server.py`` runs.

PrairieLearn calls ``generate(data)`` once per variant and ``grade(data)`` for each submission,
with ``data`` a dictionary it defines. We read and write these keys:

- ``data["variant_seed"]`` (read): PrairieLearn's seed of the variant. The student of our variant
  function (`autograd.apps.course.variants.uniform`) is ``"pl-" + str(seed)``, so a variant's
  numbers are a pure function of (the set's seed, PrairieLearn's seed), like any student's.
- ``data["params"]`` (written by generate): the inputs, for the question text (``{{params.x}}``),
  and ``_student``, the student the variant was drawn for (grading reads it back).
- ``data["correct_answers"]`` (written by generate): each question's true answer.
- ``data["raw_submitted_answers"]`` / ``data["submitted_answers"]`` (read by grade): the text
  typed (our precision rule reads how many digits were written), else the parsed number.
- ``data["partial_scores"][QUESTION]`` = ``{"score": 0..1, "weight": points, "feedback": text}``,
  ``data["feedback"][QUESTION]`` = text and ``data["score"]`` = points / maximum (written by grade).

Grading is `autograd.apps.course.grade.grade_student` on this one problem: the same verdicts,
diagnoses and follow-through credit, hence the same points, as ``autograd grade``.
Standard library only: this module and those it imports are copied into the course.
"""

from __future__ import annotations

import math
from dataclasses import replace

from autograd.apps.course.format import ProblemSet, loads
from autograd.apps.course.grade import grade_student
from autograd.apps.course.variants import problem_variant

__all__ = ["student_for", "one_problem", "generate", "grade"]


def student_for(variant_seed) -> str:
    """The student of our variant function behind PrairieLearn's variant seed."""
    return f"pl-{variant_seed}"


def one_problem(problem_set: ProblemSet, problem_id: str) -> ProblemSet:
    """The set with only one of its problems (its numbers do not depend on the others)."""
    chosen = tuple(p for p in problem_set.problems if p.id == problem_id)
    if not chosen:
        raise ValueError(f"the problem set has no problem {problem_id!r}")
    return replace(problem_set, problems=chosen)


def generate(data: dict, set_text: str, problem_id: str) -> None:
    """Draw the variant's numbers and write the true answers (PrairieLearn's generate)."""
    problem_set = one_problem(loads(set_text, "problem set"), problem_id)
    student = student_for(data.get("variant_seed", 0))
    problem = problem_set.problems[0]
    at, _ = problem_variant(problem, problem_set.seed, student)
    data.setdefault("params", {})
    data.setdefault("correct_answers", {})
    data["params"].update(at)
    if problem.lr is not None:
        data["params"]["lr"] = problem.lr
    data["params"]["_student"] = student
    grades = grade_student(problem_set, student, {})
    for qid, g in grades.questions.items():
        data["correct_answers"][_name(qid)] = g.truth


def grade(data: dict, set_text: str, problem_id: str) -> None:
    """Judge every answer by our rules (PrairieLearn's grade): score, partial scores, feedback."""
    problem_set = one_problem(loads(set_text, "problem set"), problem_id)
    student = data.get("params", {}).get("_student") or student_for(data.get("variant_seed", 0))
    raw = data.get("raw_submitted_answers") or {}
    parsed = data.get("submitted_answers") or {}
    answers = {}
    for question in problem_set.questions:
        name = _name(question.qid)
        answers[question.qid] = _typed(raw.get(name), parsed.get(name))
    result = grade_student(problem_set, student, answers)
    partial = data.setdefault("partial_scores", {})
    feedback = data.setdefault("feedback", {})
    for qid, g in result.questions.items():
        name = _name(qid)
        text = g.feedback()
        fraction = g.points / g.question.points if g.question.points else 0.0
        partial[name] = {"score": fraction, "weight": g.question.points, "feedback": text}
        feedback[name] = text
    data.setdefault("format_errors", {})
    for qid in result.questions:  # a blank or unreadable answer is graded (0 points), not sent back
        data["format_errors"].pop(_name(qid), None)
    data["score"] = result.score / result.max_score if result.max_score else 0.0


def _name(qid: str) -> str:
    """A question's ``answers-name`` in question.html: its id within the problem."""
    return qid.split(".", 1)[1]


def _typed(raw, parsed) -> str:
    """The answer as the student wrote it: the raw text, else the parsed number, else blank."""
    if isinstance(raw, str):
        return raw
    if isinstance(parsed, (int, float)) and not isinstance(parsed, bool) and math.isfinite(parsed):
        return repr(float(parsed))
    return "" if parsed is None else str(parsed)
