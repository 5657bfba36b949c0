"""A problem set's sheet and self-check, answered in the browser's Python (the worker's routes).

The set file itself travels with each request (the page fetched it from the site): the worker
keeps nothing between requests but the sets it has read. Both routes call the course kit, so a
student sees the sheet `autograd sheet SET --student ID --format html` writes and the verdicts
`autograd grade` gives:

    POST /api/sheet        {"set": TOML, "student": ID}              → {"html", "questions", "max_score"}
    POST /api/sheet/check  {"set": TOML, "student": ID, "answers": {QUESTION: TEXT}}
                                                                     → {"score", "max_score", "questions"}

The check leaves out the true values (``true``, a follow-through's ``expected``): the grader's
verdict, points, diagnoses and follow-through text, what a student may see before the due date.
That is a courtesy, not a secret: the set file the page fetches generates every answer.
"""

from __future__ import annotations

from functools import lru_cache

from autograd.apps.course import grade_student, loads, render
from autograd.apps.course.documents import sheet_json
from autograd.apps.explore.api import ApiError

__all__ = ["routes", "sheet", "self_check"]

MAX_ANSWER = 200  # characters of one answer: any number a student writes fits


@lru_cache(maxsize=4)
def _problem_set(text: str):
    try:
        return loads(text, "the problem set")
    except ValueError as error:
        raise ApiError(str(error)) from None


def _request(payload: dict) -> tuple:
    text, student = payload.get("set"), payload.get("student")
    if not isinstance(text, str):
        raise ApiError("'set' must be the problem set's text")
    if not isinstance(student, str) or not student.strip():
        raise ApiError("type your student id")
    return _problem_set(text), student.strip()


def sheet(payload: dict) -> dict:
    """The student's sheet as the HTML page `autograd sheet --format html` writes, and its
    questions (id, what it asks, points) for the self-check's form."""
    problem_set, student = _request(payload)
    data = sheet_json(problem_set, student)
    questions = [{"id": q["id"], "points": q["points"], "problem": p["title"] or p["id"]}
                 for p in data["problems"] for q in p["questions"]]
    return {"html": render("sheet", problem_set, student, "html"), "questions": questions,
            "max_score": data["max_score"]}


def self_check(payload: dict) -> dict:
    """The grader's verdicts on the student's answers, without the true values."""
    problem_set, student = _request(payload)
    answers = payload.get("answers")
    if not isinstance(answers, dict) or not all(isinstance(v, str) for v in answers.values()):
        raise ApiError("'answers' must be an object of QUESTION: TEXT")
    unknown = sorted(set(answers) - set(problem_set.question_ids))
    if unknown:
        raise ApiError(f"no question {unknown[0][:40]!r} in this set")
    if any(len(v) > MAX_ANSWER for v in answers.values()):
        raise ApiError(f"an answer of more than {MAX_ANSWER} characters")
    graded = grade_student(problem_set, student, answers).to_json()
    for question in graded["questions"].values():
        question.pop("true")
        if question["follow_through"]:
            question["follow_through"].pop("expected", None)
    return {"score": graded["score"], "max_score": graded["max_score"], "questions": graded["questions"]}


routes = {"/api/sheet": sheet, "/api/sheet/check": self_check}
