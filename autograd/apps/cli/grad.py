"""`autograd grad PROGRAM --at NAME=NUMBER ...`: the value and gradients of a program, with
--steps the forward and backward step records, with --order 2 the Hessian, with --mode forward
the forward-mode trace. One backward pass (`Evaluation.gradients`) and one topological order
(`Evaluation.order`) serve the report, the step records and the pictures; what is printed, as
text or JSON, is built by `autograd.explain.GradReport`."""

from __future__ import annotations

import argparse
import json

from autograd.apps.cli.options import (
    add_output_options, add_program_options, bounded, parse_assignments, read_program,
)
from autograd.apps.cli.pictures import pictures, plan_pictures, write_all
from autograd.explain import GradReport, trace
from autograd.lang import FUNCTIONS, Evaluation

HELP = """\
Differentiate a small program. PROGRAM is statements separated by ';' or new lines,
'name = expression'; the last one is the output (a bare last expression is named f).
Expressions: numbers, names, + - * / **, unary minus, parentheses and the functions
{functions}. PROGRAM '-' reads standard input.

examples:
  autograd grad "q = x + y; f = q * z" --at x=-2 y=5 z=-4
  autograd grad "h = sigmoid(w*x); L = (h - 1)**2" --at w=0.5 x=2 --steps
  autograd grad "f = log(x) * exp(-x)" --at x=1.5 --json
""".format(functions=" ".join(FUNCTIONS))  # from the operation table


def add(commands) -> None:
    grad = commands.add_parser("grad", help="value and gradients of a program", description=HELP,
                               formatter_class=argparse.RawDescriptionHelpFormatter)
    add_program_options(grad)
    grad.add_argument("--steps", action="store_true", help="also print the forward and backward step tables")
    grad.add_argument("--order", type=bounded(int, 1, 2), default=1,
                      help="2: also the second derivatives (the Hessian) of the output with respect to the "
                           "inputs; with --steps, the second backward pass")
    grad.add_argument("--mode", choices=("reverse", "forward"), default="reverse",
                      help="forward: the forward-mode trace (values and tangents) along the --seed direction")
    grad.add_argument("--seed", nargs="+", action="append", default=[], metavar="NAME=NUMBER",
                      help="forward mode's direction: tangents of inputs (the others 0), e.g. --seed x=1")
    add_output_options(grad)
    grad.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    plan_pictures(args)
    program = read_program(args.program)
    evaluation = program.evaluate(parse_assignments(args.at))
    addition = _addition(args, evaluation)  # checked before anything is written
    record = None
    if args.steps and not (addition and addition.replaces):
        record = trace(evaluation.root, evaluation.gradients, evaluation.constants, order=evaluation.order)
    write_all(pictures(args, evaluation, program.source))  # before printing: a failure prints nothing
    report = GradReport(evaluation, record, addition)
    print(json.dumps(report.to_json(), indent=2) if args.json else report.text(args.digits))
    return 0


def _addition(args: argparse.Namespace, evaluation: Evaluation):
    """``--order 2`` and ``--mode forward`` (computed by autograd.higher), or None."""
    if args.order == 1 and args.mode == "reverse" and not args.seed:
        return None
    from autograd.explain.higher_steps import command_result

    return command_result(evaluation, args.order, args.mode, parse_assignments(args.seed, "--seed"), args.steps)
