"""`autograd check PROGRAM --at ... --claim NAME=NUMBER ...`: which claimed answers are right,
which are wrong, and where the chain went wrong (the rules are autograd.checking's). The claims
read the evaluation's one backward pass, through one step record."""

from __future__ import annotations

import argparse
import json

from autograd.apps.cli.options import add_program_options, digits, finite, parse_assignments, read_program, tolerance
from autograd.checking import CHECK_HELP, check_claims
from autograd.explain import trace


def add(commands) -> None:
    check = commands.add_parser("check", help="check claimed answers to a program", description=CHECK_HELP,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    add_program_options(check)
    check.add_argument("--claim", nargs="+", action="append", required=True, metavar="NAME=NUMBER",
                       help="a claimed value or gradient; may be repeated")
    check.add_argument("--rtol", type=tolerance, default=None,
                       help="relative tolerance instead of the written precision, more than 0 and less than 1")
    check.add_argument("--hide", action="store_true",
                       help="say only right, wrong or imprecise: no true values, no diagnoses, no steps")
    check.add_argument("--sig", type=digits, default=None, metavar="N",
                       help="a claim that agrees but has fewer than N significant digits is 'imprecise'")
    check.add_argument("--lr", type=finite, default=None, help="the learning rate η, for claims NAME'=NUMBER "
                       "(the input after one step w - η·dOUT/dw)")
    check.add_argument("--json", action="store_true", help='print {"claims": [...]} instead of text')
    check.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    program = read_program(args.program)
    evaluation = program.evaluate(parse_assignments(args.at))
    record = trace(evaluation.root, evaluation.gradients, evaluation.constants, order=evaluation.order)
    claims = [text for group in args.claim for text in group]
    report = check_claims(evaluation, record, claims, rtol=args.rtol, sig=args.sig, lr=args.lr, hide=args.hide)
    print(json.dumps(report.to_json(), indent=2) if args.json else "\n".join(report.lines()))
    return report.exit_status
