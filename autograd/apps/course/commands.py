"""What `autograd sheet`, `key`, `grade` and `export` do (their arguments live in
`autograd.apps.cli`). Every output path is checked before any work and everything is written at
the end through `autograd.util.files`, so bad input writes nothing."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from autograd.util.files import OutputError, plan_outputs, write_outputs, write_tree
from autograd.apps.course.format import load
from autograd.apps.course.gradescope import folder_name, results
from autograd.apps.course.grade import grade_class, read_answers
from autograd.apps.course.render import render
from autograd.apps.course.report import report_html

__all__ = ["run_document", "run_grade", "run_export"]


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
    results_files = [] if args.gradescope is None else _gradescope_files(grades)
    if outputs:
        write_outputs(outputs)
    for path, _ in outputs:
        print(f"wrote {path}", file=sys.stderr)
    if args.gradescope is not None:
        # the folder (and each student's) appears with its results.json, or not at all
        written = write_tree(args.gradescope, results_files, "--gradescope")
        if len(written) <= 10:
            for path in written:
                print(f"wrote {path}", file=sys.stderr)
        else:
            print(f"wrote {len(written)} results.json files under {args.gradescope}", file=sys.stderr)
    for note in grades.notes:
        print(f"note: {note}", file=sys.stderr)
    if args.json:
        print(json.dumps(grades.to_json(), indent=2))
    else:
        print("\n".join(grades.lines()))
    return 0


def run_export(args) -> int:
    """`export SET --to prairielearn DIR` (a course folder) or `--to moodle FILE.xml`."""
    from autograd.util import validate
    from autograd.util.reading import read_text
    from autograd.apps.course.problems import MAX_SET_BYTES

    if args.to == "moodle":
        from autograd.apps.course.exports.moodle import MAX_VARIANTS, moodle_xml

        variants = validate.in_range(validate.read_whole(args.variants, "--variants"), "--variants", 1, MAX_VARIANTS)
        planned = plan_outputs([(args.out, "FILE.xml")], inputs=[(args.set, "problem set")])
        text = moodle_xml(load(args.set), variants)
        write_outputs([(planned[0], text)])
        print(f"wrote {planned[0]}", file=sys.stderr)
        return 0
    from autograd.apps.course.exports.prairielearn import export_files, set_name

    _check_folder(args.out, "DIR")
    problem_set = load(args.set)
    set_text = read_text(args.set, MAX_SET_BYTES, "problem set")
    written = write_tree(args.out, export_files(problem_set, set_text, set_name(args.set)), "DIR")
    n = len(problem_set.problems)
    print(f"wrote {n} PrairieLearn question{'s' * (n != 1)} under {Path(args.out) / 'questions'} "
          f"({len(written)} files)", file=sys.stderr)
    return 0


def _check_folder(folder: str, label: str = "--gradescope") -> None:
    """An output folder: one that exists, or a path where one can be created (checked before any work)."""
    path = Path(folder)
    if not folder.strip():  # Path("") is the current folder: an empty value is a mistake, not "here"
        raise OutputError(folder, f"the path is empty ({label})")
    if path.exists() and not path.is_dir():
        raise OutputError(folder, f"it is not a folder ({label})")
    parent = path.resolve().parent
    if not path.exists() and not parent.is_dir():
        raise OutputError(folder, f"the folder {parent} does not exist ({label})")
    if not os.access(path if path.exists() else parent, os.W_OK | os.X_OK):
        raise OutputError(folder, f"the folder is not writable ({label})")


def _gradescope_files(grades) -> list[tuple[str, str]]:
    """One student: DIR/results.json (where Gradescope looks); several: DIR/ID/results.json."""
    title = grades.problem_set.title
    if len(grades.students) == 1:
        return [("results.json", json.dumps(results(grades.students[0], title), indent=2))]
    return [(f"{folder_name(student.id)}/results.json", json.dumps(results(student, title), indent=2))
            for student in grades.students]
