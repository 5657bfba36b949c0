"""Benchmark: `autograd grade` on 1,000 students × 10 questions (the 2-2-2 network set).

A simulated class: every student's true answers (from their own key), written to 6
significant figures, then changed deterministically for about a third of the answers — a
sign flipped, a factor of 2, a garbled cell, a blank — so that the grader judges, diagnoses
and looks for follow-through as it would on a real class. Prints the seconds for the whole
command (reading the set and the CSV, grading, the JSON it prints), and for grading alone.

    .venv/bin/python benchmarks/grading.py [--students N]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograd.apps.cli import main  # noqa: E402
from autograd.apps.course import grade_class, load, parse_answers, solve_set  # noqa: E402

SET = ROOT / "examples" / "problem-sets" / "network-2-2-2.toml"


def simulated_answers(problem_set, students: int) -> str:
    """CSV text: id, then every question; about one answer in three changed."""
    qids = problem_set.question_ids
    lines = ["id," + ",".join(qids)]
    for n in range(students):
        student = f"s{n:04d}"
        _, solutions = solve_set(problem_set, student)
        answers = {q: v for s in solutions for q, v in s.answers.items()}
        row = []
        for k, qid in enumerate(qids):
            value, slip = answers[qid], (n * 7 + k * 3) % 9
            text = f"{value:.6g}"
            if slip == 0:
                text = f"{-value:.6g}"
            elif slip == 1:
                text = f"{2 * value:.6g}"
            elif slip == 2:
                text = "" if k % 2 else "n/a"
            row.append(text)
        lines.append(student + "," + ",".join(row))
    return "\n".join(lines) + "\n"


def run(students: int) -> dict:
    problem_set = load(SET)
    text = simulated_answers(problem_set, students)
    started = time.perf_counter()
    grades = grade_class(problem_set, parse_answers(text, problem_set))
    grading = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        answers = Path(folder) / "answers.csv"
        answers.write_text(text)
        started = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            status = main(["grade", str(SET), str(answers), "--json"])
        command = time.perf_counter() - started
    assert status == 0
    right = sum(g.verdict == "right" for s in grades.students for g in s.questions.values())
    return {"students": students, "questions": len(problem_set.question_ids), "command_seconds": command,
            "grading_seconds": grading, "right": right}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=1000)
    result = run(parser.parse_args().students)
    print(f"autograd grade: {result['students']:,} students × {result['questions']} questions: "
          f"{result['command_seconds']:.2f} s for the command (grading alone {result['grading_seconds']:.2f} s; "
          f"{result['right']:,} answers right)")
