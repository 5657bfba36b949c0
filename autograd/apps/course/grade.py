"""Grading a class: each answer judged, diagnosed, and given follow-through credit.

Verdicts, tolerances and diagnoses all come from `autograd.checking` (`parse_claim`, `judge`,
`Diagnoser`); this module adds what a course needs on top:

- ``no answer``: a blank cell, or one that is not a number (0 points, never an error);
- points: full for a right answer, 0 for a wrong or imprecise one;
- follow-through credit for a wrong answer that follows from the student's own earlier wrong
  answers (`autograd.apps.course.follow`);
- a student's grade and the class's: per-question counts, the CSV of marks and a text summary.

The answers file is read by `autograd.apps.course.answers`.
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from dataclasses import dataclass, field, replace

from autograd.checking import MISTAKES, Claim, Diagnosis, Diagnoser, judge
from autograd.core.graph import reaching
from autograd.explain import fmt
from autograd.apps.course.answers import (MAX_STUDENTS, Answers, AnswersError, listed, parse_answers,
                                          read_answers)
from autograd.apps.course.follow import FollowThrough, Tracker
from autograd.apps.course.problems import ProblemSet, Question
from autograd.apps.course.solve import Solution, parsed_claim, solve_set
from autograd.apps.course.answers import printable  # ids and titles in the text report

__all__ = ["AnswersError", "Answers", "read_answers", "parse_answers", "QuestionGrade", "FollowThrough",
           "StudentGrade", "ClassGrades", "grade_student", "grade_class", "judged", "NO_ANSWER",
           "MAX_STUDENTS"]

NO_ANSWER = "no answer"
MAX_CELL = 200  # characters: longer cells are not numbers anyone typed
# a problem's diagnoses per student: at most this much work (chain nodes × chain edges, summed),
# or this much per node of the problem's graph when that is more: every wrong answer of a
# homework-sized problem is diagnosed, and no student's answers multiply the grading time
MIN_DIAGNOSIS_WORK, DIAGNOSIS_WORK_PER_NODE = 5_000, 5


# ------------------------------------------------------------------ one answer


@dataclass
class QuestionGrade:
    question: Question
    answer: str  # as typed
    truth: float
    verdict: str  # "right", "wrong", "imprecise" or "no answer"
    points: float
    claim: Claim | None = None
    diagnoses: list[Diagnosis] = field(default_factory=list)
    follow_through: FollowThrough | None = None
    note: str = ""

    def to_json(self) -> dict:
        return {"answer": self.answer, "claimed": None if self.claim is None else self.claim.claimed,
                "true": self.truth, "verdict": self.verdict, "points": self.points,
                "max_points": self.question.points,
                "diagnoses": [{"code": d.code, "text": d.text} for d in self.diagnoses],
                "follow_through": None if self.follow_through is None else self.follow_through.to_json(),
                "note": self.note}

    def feedback(self) -> str:
        """One paragraph for the student: the verdict, the true value, the diagnosis, the credit."""
        q = self.question
        head = f"{self.verdict}: {self.points:g} of {q.points:g} point{'s' * (q.points != 1)}"
        if self.verdict == NO_ANSWER:
            return f"{head}. {self.note or 'No answer was given.'} The answer is {fmt(self.truth, 6)}."
        if self.verdict == "right":
            return f"{head}. Your answer {self.answer.strip()} is right."
        if self.verdict == "imprecise":
            return (f"{head}. Your answer {self.answer.strip()} agrees but has too few significant "
                    f"figures ({q.tolerance.describe()}); the answer is {fmt(self.truth, 6)}.")
        parts = [f"{head}. Your answer {self.answer.strip()} is wrong; the answer is {fmt(self.truth, 6)}."]
        parts += [d.text[:1].upper() + d.text[1:] for d in self.diagnoses]
        if self.follow_through:
            parts.append(self.follow_through.text)
        return " ".join(parts)


def judged(question: Question, solution: Solution, text: str) -> tuple[Claim, str]:
    """The student's text as a claim and its verdict, by the question's tolerance rule (the
    rule itself is `autograd.checking.precision`'s). ValueError when the text is not a number."""
    tolerance = question.tolerance
    claim = parsed_claim(question, solution.evaluation, text, rtol=tolerance.rtol if tolerance.rule == "rtol" else None)
    if tolerance.rule == "rtol" and tolerance.atol:
        claim = replace(claim, tolerance=claim.tolerance + tolerance.atol)  # check has rtol; a course adds atol
    sig = tolerance.sig if tolerance.rule == "sig" else None
    return claim, judge(claim, solution.values, solution.grads, sig).verdict


class _Problem:
    """Grades the answers to one problem of one student, in the problem's question order."""

    def __init__(self, solution: Solution) -> None:
        self.solution = solution
        self._diagnoser: Diagnoser | None = None
        self.work = 0  # the diagnoses' work so far (see `diagnose`)
        self.earlier = Tracker(solution)  # earlier wrong answers, sources of follow-through

    def grade(self, question: Question, text: str) -> QuestionGrade:
        truth = self.solution.answers[question.qid]
        text = (text or "").strip()
        if not text:
            return QuestionGrade(question, text, truth, NO_ANSWER, 0.0, note="No answer was given.")
        if len(text) > MAX_CELL:
            return QuestionGrade(question, text[:MAX_CELL] + "…", truth, NO_ANSWER, 0.0,
                                 note=f"The answer is longer than {MAX_CELL} characters.")
        try:
            claim, verdict = judged(question, self.solution, text)
        except ValueError:
            return QuestionGrade(question, text, truth, NO_ANSWER, 0.0,
                                 note=f"{text!r} could not be read as a number.")
        if verdict == "right":
            return QuestionGrade(question, text, truth, verdict, question.points, claim)
        grade = QuestionGrade(question, text, truth, verdict, 0.0, claim)
        if verdict == "wrong":
            # an answer that follows from an earlier mistake is explained by it: a diagnosis
            # of this answer on its own (update-sign, ...) would contradict that explanation
            grade.follow_through = self.earlier.credit(question, claim)
            if grade.follow_through:
                grade.points = grade.follow_through.points
            else:
                grade.diagnoses = self.diagnose(question, claim, truth)
            self.earlier.add(question, claim)
        return grade

    def diagnose(self, question: Question, claim: Claim, truth: float) -> list[Diagnosis]:
        """The diagnoses of a wrong answer, while the problem's diagnosis budget lasts: each
        recomputes the chain under every mistake (about nodes × edges of the chain), so a
        student answering everything wrong must not multiply the grading time."""
        if question.ask == "value":
            return []
        evaluation = self.solution.evaluation
        node = evaluation.values[question.of]
        order = evaluation.order
        reach = reaching(order, {node})
        size = sum(1 for n in order if n in reach)
        work = size * sum(1 for n in order if n in reach for child in n.children if child in reach)
        if self.work + work > max(MIN_DIAGNOSIS_WORK, DIAGNOSIS_WORK_PER_NODE * len(order)):
            return []
        self.work += work
        if self._diagnoser is None:
            self._diagnoser = Diagnoser(evaluation.root, evaluation.constants, order)
        return self._diagnoser.diagnose(claim, node, truth)


# ------------------------------------------------------------------ students and a class


@dataclass
class StudentGrade:
    id: str
    questions: dict[str, QuestionGrade]
    inputs: dict[str, dict[str, float]]

    @property
    def score(self) -> float:
        return round(math.fsum(g.points for g in self.questions.values()), 9)

    @property
    def max_score(self) -> float:
        return round(math.fsum(g.question.points for g in self.questions.values()), 9)

    def to_json(self) -> dict:
        return {"id": self.id, "score": self.score, "max_score": self.max_score,
                "questions": {qid: g.to_json() for qid, g in self.questions.items()}, "inputs": self.inputs}


def grade_student(problem_set: ProblemSet, student: str, answers: dict[str, str]) -> StudentGrade:
    """Grade one student's answers (question id → text; a missing id is no answer)."""
    numbers, solutions = solve_set(problem_set, student)
    grades: dict[str, QuestionGrade] = {}
    for solution in solutions:
        problem = _Problem(solution)
        for question in solution.problem.questions:
            grades[question.qid] = problem.grade(question, answers.get(question.qid, ""))
    return StudentGrade(student, grades, numbers.inputs)


@dataclass
class ClassGrades:
    problem_set: ProblemSet
    students: list[StudentGrade]
    notes: list[str] = field(default_factory=list)

    def question_stats(self) -> dict[str, dict]:
        """Per question: how many right, wrong, imprecise, no answer, with follow-through; the
        mean points; the mistakes diagnosed, most common first."""
        stats = {}
        for question in self.problem_set.questions:
            grades = [s.questions[question.qid] for s in self.students]
            verdicts = Counter(g.verdict for g in grades)
            mistakes = Counter(d.code for g in grades for d in g.diagnoses)
            n = len(grades)
            stats[question.qid] = {
                "max_points": question.points,
                "right": verdicts["right"], "wrong": verdicts["wrong"], "imprecise": verdicts["imprecise"],
                "no_answer": verdicts[NO_ANSWER],
                "follow_through": sum(g.follow_through is not None for g in grades),
                "mean_points": round(math.fsum(g.points for g in grades) / n, 9) if n else 0.0,
                "mistakes": [{"code": code, "count": count, "what": MISTAKES[code].what}
                             for code, count in mistakes.most_common()],
            }
        return stats

    def to_json(self) -> dict:
        scores = [s.score for s in self.students]
        return {
            "set": self.problem_set.title,
            "max_score": self.problem_set.max_score,
            "students": [s.to_json() for s in self.students],
            "questions": self.question_stats(),
            "mean_score": round(math.fsum(scores) / len(scores), 9) if scores else 0.0,
            "notes": self.notes,
        }

    def to_csv(self) -> str:
        """id, score, max_score, then the points of each question."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        qids = self.problem_set.question_ids
        writer.writerow(["id", "score", "max_score", *qids])
        for s in self.students:
            writer.writerow([_cell(s.id), f"{s.score:g}", f"{s.max_score:g}",
                             *(f"{s.questions[q].points:g}" for q in qids)])
        return out.getvalue()

    def lines(self) -> list[str]:
        """The grades as text: one line per student, then each question's counts."""
        qids = self.problem_set.question_ids
        width = max([len("id"), *(len(printable(s.id)) for s in self.students)])
        short = {"right": "✓", "wrong": "✗", "imprecise": "~", NO_ANSWER: "-"}
        lines = [f"{printable(self.problem_set.title)}: {len(self.students)} student{'s' * (len(self.students) != 1)}, "
                 f"{len(qids)} questions, {self.problem_set.max_score:g} points", ""]
        for s in self.students:
            marks = " ".join(short[s.questions[q].verdict] + ("*" if s.questions[q].follow_through else "")
                             for q in qids)
            lines.append(f"  {printable(s.id).ljust(width)}  {s.score:>6g} / {s.max_score:g}   {marks}")
        lines += ["", "  ✓ right  ✗ wrong  ~ imprecise  - no answer  * follow-through credit", "",
                  "per question:"]
        for qid, st in self.question_stats().items():
            common = ", ".join(f"{m['code']} ×{m['count']}" for m in st["mistakes"][:3])
            lines.append(f"  {qid}: {st['right']} right, {st['wrong']} wrong ({st['follow_through']} with "
                         f"follow-through), {st['imprecise']} imprecise, {st['no_answer']} no answer"
                         + (f"; mistakes: {common}" if common else ""))
        lines += [f"note: {note}" for note in self.notes]
        return lines


def grade_class(problem_set: ProblemSet, answers: Answers) -> ClassGrades:
    """Grade every row of an answers file, in the file's order."""
    students = [grade_student(problem_set, student, row) for student, row in answers.rows.items()]
    notes = []
    if answers.missing:
        notes.append(f"{answers.source} has no column for {listed(answers.missing)}: graded as no answer")
    return ClassGrades(problem_set, students, notes)


def _cell(text: str) -> str:
    """A text cell that a spreadsheet will not run as a formula: one starting with = + - @ (or a
    tab or carriage return) gets a leading apostrophe, as OWASP advises for CSV files."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
