"""`autograd sheet|key|grade|export`: problem sets for a course; what they do is in
autograd.apps.course.commands, imported when one of them runs."""

from __future__ import annotations

import argparse

HELP = """\
Problem sets for a course (see docs/problem-sets.md): SET is a TOML file of problems with
random inputs; every student gets their own numbers, derived from the set's seed and their id.

examples:
  autograd sheet examples/problem-sets/worked-example.toml --student s001
  autograd key examples/problem-sets/cs231n.toml --student s001 --format html --out key.html
  autograd key examples/problem-sets/cs231n.toml --student s001 --format json
  autograd grade examples/problem-sets/cs231n.toml answers.csv --report report.html --gradescope results/
  autograd export examples/problem-sets/cs231n.toml --to prairielearn course/
  autograd export examples/problem-sets/cs231n.toml --to moodle cs231n.xml --variants 50
"""
DOCUMENTS = (("sheet", "a student's problem sheet"), ("key", "a student's answer key with worked solutions"))


def add(commands) -> None:
    for name, what in DOCUMENTS:
        command = commands.add_parser(name, help=what, description=HELP,
                                      formatter_class=argparse.RawDescriptionHelpFormatter)
        command.add_argument("set", metavar="SET", help="the problem-set file (TOML)")
        command.add_argument("--student", required=True, metavar="ID", help="the student's id")
        command.add_argument("--format", choices=("markdown", "html", "json"), default="markdown")
        command.add_argument("--out", metavar="PATH", help="write to PATH instead of printing")
        command.set_defaults(run=run, command=name)
    grade = commands.add_parser("grade", help="grade a class's answers", description=HELP,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    grade.add_argument("set", metavar="SET", help="the problem-set file (TOML)")
    grade.add_argument("answers", metavar="ANSWERS.csv", help="an id column, then one column per question id")
    grade.add_argument("--json", action="store_true", help='print {"students": [...], "questions": {...}}')
    grade.add_argument("--csv", metavar="OUT", help="write id, score, max_score and each question's points")
    grade.add_argument("--report", metavar="PATH", help="write an HTML report (histogram, questions, mistakes)")
    grade.add_argument("--gradescope", metavar="DIR", help="write Gradescope results.json (DIR/ID/results.json; "
                       "DIR/results.json for one student)")
    grade.set_defaults(run=run, command="grade")
    export = commands.add_parser("export", help="export a set to PrairieLearn or Moodle", description=HELP,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    export.add_argument("set", metavar="SET", help="the problem-set file (TOML)")
    export.add_argument("--to", required=True, choices=("prairielearn", "moodle"), help="the platform")
    export.add_argument("out", metavar="DIR|FILE.xml", help="prairielearn: the course folder (created when "
                        "missing); moodle: the XML file to write")
    export.add_argument("--variants", metavar="N", default="20",
                        help="moodle: dataset items (variants) per question, 1 to 1000 (default 20)")
    export.set_defaults(run=run, command="export")


def run(args: argparse.Namespace) -> int:
    from autograd.apps.course import commands

    if args.command == "export":
        return commands.run_export(args)
    return commands.run_grade(args) if args.command == "grade" else commands.run_document(args)
