"""What `autograd sheet`, `autograd key` and `autograd grade` do (their arguments live in
`autograd.apps.cli`). Every output path is checked before any work and everything is written at
the end through `autograd.util.files`, so bad input writes nothing."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from autograd.util.files import OutputError, plan_outputs, validate_path, write_outputs
from autograd.apps.course.format import load
from autograd.apps.course.gradescope import folder_name, results
from autograd.apps.course.grade import grade_class, read_answers
from autograd.apps.course.render import render
from autograd.apps.course.report import report_html

__all__ = ["run_document", "run_grade"]


def run_document(args) -> int:
    """`sheet` or `key` (args.command) for one student, to stdout or --out."""
    if not args.student.strip():
        raise ValueError("--student: the id is empty")
    planned = plan_outputs([(args.out, "--out")], inputs=[(args.set, "problem set")])
    problem_set = load(args.set)
    text = render(args.command, problem_set, args.student, args.format)
    if planned:
        write_outputs([(planned[0], text)])
        print(f"wrote {planned[0]}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def run_grade(args) -> int:
    """Grade ANSWERS.csv: text or --json on stdout, and --csv, --report, --gradescope files."""
    plan_outputs([(args.csv, "--csv"), (args.report, "--report")],
                 inputs=[(args.set, "problem set"), (args.answers, "answers file")])
    if args.gradescope is not None:
        _check_folder(args.gradescope)
    problem_set = load(args.set)
    answers = read_answers(args.answers, problem_set)
    grades = grade_class(problem_set, answers)
    outputs: list[tuple[Path, str]] = []
    if args.csv:
        outputs.append((Path(args.csv), grades.to_csv()))
    if args.report:
        outputs.append((Path(args.report), report_html(grades)))
    folders = []
    if args.gradescope is not None:
        outputs += _gradescope_files(grades, Path(args.gradescope), folders)
    for folder in folders:  # only now, when every answer is graded and every id is a safe name
        os.makedirs(folder, exist_ok=True)
    write_outputs(outputs)
    for path, _ in outputs:
        if len(outputs) <= 10 or path.name != "results.json":
            print(f"wrote {path}", file=sys.stderr)
    if len(outputs) > 10 and args.gradescope is not None:
        print(f"wrote {len(grades.students)} results.json files under {args.gradescope}", file=sys.stderr)
    for note in grades.notes:
        print(f"note: {note}", file=sys.stderr)
    if args.json:
        print(json.dumps(grades.to_json(), indent=2))
    else:
        print("\n".join(grades.lines()))
    return 0


def _check_folder(folder: str) -> None:
    path = Path(folder)
    if not folder.strip():  # Path("") is the current folder: an empty value is a mistake, not "here"
        raise OutputError(folder, "the path is empty (--gradescope)")
    if not path.is_dir():
        raise OutputError(folder, "--gradescope needs an existing folder")
    validate_path(path / "results.json", "--gradescope")


def _gradescope_files(grades, folder: Path, folders: list[Path]) -> list[tuple[Path, str]]:
    """One student: FOLDER/results.json (where Gradescope looks); several: FOLDER/ID/results.json."""
    title = grades.problem_set.title
    if len(grades.students) == 1:
        return [(folder / "results.json", json.dumps(results(grades.students[0], title), indent=2))]
    files = []
    for student in grades.students:
        sub = folder / folder_name(student.id)
        if sub.exists() and not sub.is_dir():
            raise OutputError(sub, "it is not a folder (--gradescope)")
        folders.append(sub)
        files.append((sub / "results.json", json.dumps(results(student, title), indent=2)))
    return files
