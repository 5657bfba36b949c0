"""Gradescope's autograder format: one results.json per submission.

Gradescope runs ``/autograder/run_autograder`` for each submission and reads
``/autograder/results/results.json``. The fields it documents are listed in `RESULT_FIELDS`
and `TEST_FIELDS`; we write ``score``, ``output``, ``visibility`` (after the due date: the
feedback names the true answers), ``stdout_visibility`` and ``tests``, each test with
``name``, ``number``, ``score``, ``max_score``, ``status`` and ``output`` (the feedback a
student reads). docs/problem-sets.md has a run_autograder script.
"""

from __future__ import annotations

import json
import math
import re

from autograd.apps.course.grade import StudentGrade

__all__ = ["RESULT_FIELDS", "TEST_FIELDS", "results", "validate", "folder_name"]

# The fields of results.json that Gradescope documents (anything else is not part of the format).
RESULT_FIELDS = {"score": (int, float), "execution_time": (int, float), "output": str, "output_format": str,
                 "test_output_format": str, "test_name_format": str, "visibility": str,
                 "stdout_visibility": str, "extra_data": dict, "tests": list, "leaderboard": list}
TEST_FIELDS = {"score": (int, float), "max_score": (int, float), "status": str, "name": str, "name_format": str,
               "number": str, "output": str, "output_format": str, "tags": list, "visibility": str,
               "extra_data": dict}
VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
STATUSES = ("passed", "failed")


def results(grade: StudentGrade, title: str) -> dict:
    """results.json for one student: the total, and a test per question with its feedback."""
    tests = []
    for n, (qid, g) in enumerate(grade.questions.items(), 1):
        q = g.question
        asked = {"value": f"the value of {q.of}", "gradient": f"the gradient with respect to {q.of}",
                 "update": f"{q.of} after one step"}[q.ask]
        tests.append({"name": f"{qid}: {asked}", "number": str(n), "score": g.points, "max_score": g.question.points,
                      "status": "passed" if g.verdict == "right" else "failed",
                      "output": g.feedback()})
    return {"score": grade.score,
            "output": f"{title}: {grade.score:g} of {grade.max_score:g} points for student {grade.id}.",
            # the feedback names the true answers: shown once the due date has passed, so that a
            # resubmission cannot copy them (Gradescope's own setting can show results earlier)
            "visibility": "after_due_date", "stdout_visibility": "hidden", "tests": tests}


def validate(data: dict) -> list[str]:
    """What is wrong with a results.json against Gradescope's documented fields ([] when fine)."""
    problems = []

    def check(obj: dict, fields: dict, where: str) -> None:
        for key, value in obj.items():
            if key not in fields:
                problems.append(f"{where}: unknown field {key!r}")
            elif isinstance(value, bool) or not isinstance(value, fields[key]):
                problems.append(f"{where}: {key} has the wrong type ({type(value).__name__})")
            elif isinstance(value, float) and not math.isfinite(value):
                problems.append(f"{where}: {key} is not finite")
        if "visibility" in obj and obj["visibility"] not in VISIBILITIES:
            problems.append(f"{where}: visibility {obj['visibility']!r}")

    check(data, RESULT_FIELDS, "results")
    if "score" not in data and not all("score" in t for t in data.get("tests", [])):
        problems.append("results: no score, and not every test has one")
    for i, test in enumerate(data.get("tests", [])):
        if not isinstance(test, dict):
            problems.append(f"tests[{i}]: not an object")
            continue
        check(test, TEST_FIELDS, f"tests[{i}]")
        if "status" in test and test["status"] not in STATUSES:
            problems.append(f"tests[{i}]: status {test['status']!r}")
    json.dumps(data)  # and it must be JSON
    return problems


_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}\Z")


def folder_name(student: str) -> str:
    """The student's id as a folder name, refused when it could escape the folder ('../x')."""
    if not _SAFE.match(student) or ".." in student:
        raise ValueError(f"--gradescope: the id {student!r} cannot be a folder name (use letters, digits, "
                         "and . _ @ + - inside)")
    return student
