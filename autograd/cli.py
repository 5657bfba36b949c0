"""The `autograd` command: walkthrough, grad, check, train.

Bad input of any kind prints one ``error: ...`` line on stderr and exits with status 2,
without a traceback and without writing any file.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from autograd.check import judge, parse_claim, path_to, where_it_went_wrong
from autograd.expr import ExprError, Program, parse
from autograd.report import grad_report
from autograd.trace import fmt, trace

EXIT_BAD_INPUT = 2


class UsageError(Exception):
    """Bad input from the command line: reported as one `error:` line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one `error:` line (and a pointer to --help)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see '{self.prog} --help')")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "run", None):
            parser.print_help()
            return EXIT_BAD_INPUT
        return args.run(args)
    except (UsageError, ExprError, ValueError, ArithmeticError, OSError, KeyError, ImportError) as error:
        message = str(error).strip("'\"") if isinstance(error, KeyError) else str(error)
        print(f"error: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130


# ------------------------------------------------------------------ argument parsing

WALKTHROUGH_HELP = """\
Step through the worked example by hand: one input x, a sigmoid hidden unit h = sigmoid(w1·x),
a linear output yhat = w2·h, the loss L = ½(y - yhat)² and one gradient-descent update.
Prints every forward value, every chain-rule product, the update, and checks the figures
a well-known article published for this example (three of them are wrong).

examples:
  autograd walkthrough
  autograd walkthrough --steps 5 --lr 0.5
  autograd walkthrough --json
  autograd walkthrough --html walkthrough.html --svg graph.svg
"""

GRAD_HELP = """\
Differentiate a small program. PROGRAM is statements separated by ';' or new lines,
'name = expression'; the last one is the output (a bare last expression is named f).
Expressions: numbers, names, + - * / **, unary minus, parentheses and the functions
exp log sqrt tanh sigmoid relu abs sin cos max min. PROGRAM '-' reads standard input.

examples:
  autograd grad "q = x + y; f = q * z" --at x=-2 y=5 z=-4
  autograd grad "h = sigmoid(w*x); L = (h - 1)**2" --at w=0.5 x=2 --steps
  autograd grad "f = log(x) * exp(-x)" --at x=1.5 --json
"""

CHECK_HELP = """\
Check homework answers. Each --claim is NAME=NUMBER, where NAME is a quantity (its value),
dOUT/dNAME (the gradient of the output with respect to NAME), or the short dNAME.
A claim is right when it agrees with the true value to the precision it is written with
(-0.0331 means ±0.00005; 3.5e-5 means ±5e-7); --rtol sets a relative tolerance instead.
For a wrong gradient, the chain-rule steps that lead to the right one are shown.
Exit status: 0 all right, 1 some wrong, 2 bad input.

examples:
  autograd check "z = w1*x; h = sigmoid(z); yhat = w2*h; L = 0.5*(y - yhat)**2" \\
      --at x=2 w1=0.5 w2=0.3 y=0.5 --claim L=0.0405 dL/dw2=-0.1473 dw1=-0.0652
  autograd check "f = x**2 * y" --at x=3 y=2 --claim df/dx=12 dy=9 --hide
"""


def build_parser() -> _Parser:
    parser = _Parser(
        prog="autograd",
        description="A scalar reverse-mode automatic differentiation engine you can watch work.",
        epilog="Run 'autograd COMMAND --help' for a command's options and examples.",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)

    walk = commands.add_parser(
        "walkthrough", help="the worked example, step by step", description=WALKTHROUGH_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    walk.add_argument("--x", type=_finite, default=2.0, help="the input (default 2)")
    walk.add_argument("--w1", type=_finite, default=0.5, help="the hidden weight (default 0.5)")
    walk.add_argument("--w2", type=_finite, default=0.3, help="the output weight (default 0.3)")
    walk.add_argument("--target", type=_finite, default=0.5, help="the target y (default 0.5)")
    walk.add_argument("--lr", type=_finite, default=0.01, help="the learning rate η (default 0.01)")
    walk.add_argument("--steps", type=_positive_int, default=1, help="gradient-descent steps (default 1)")
    walk.add_argument("--digits", type=_digits, default=6, help="significant digits shown (default 6)")
    _add_output_options(walk)
    walk.set_defaults(run=run_walkthrough)

    grad = commands.add_parser(
        "grad", help="value and gradients of a program", description=GRAD_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_program_options(grad)
    grad.add_argument("--steps", action="store_true", help="also print the forward and backward step tables")
    grad.add_argument("--digits", type=_digits, default=6, help="significant digits shown (default 6)")
    _add_output_options(grad)
    grad.set_defaults(run=run_grad)

    check = commands.add_parser(
        "check", help="check claimed answers to a program", description=CHECK_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_program_options(check)
    check.add_argument("--claim", nargs="+", action="append", required=True, metavar="NAME=NUMBER",
                       help="a claimed value or gradient; may be repeated")
    check.add_argument("--rtol", type=_tolerance, default=None,
                       help="relative tolerance instead of the written precision")
    check.add_argument("--hide", action="store_true", help="say only right or wrong: no true values, no steps")
    check.set_defaults(run=run_check)

    _add_train_command(commands)
    return parser


def _add_program_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("program", metavar="PROGRAM", help="statements separated by ';' or new lines; '-' reads stdin")
    parser.add_argument("--at", nargs="+", action="append", default=[], metavar="NAME=NUMBER",
                        help="input values, e.g. --at x=2 y=-1; may be repeated")


def _add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    parser.add_argument("--svg", metavar="PATH", help="also draw the graph, with values and gradients, as SVG")
    parser.add_argument("--html", metavar="PATH", help="also write a page that steps through the backward pass")


def _add_train_command(commands) -> None:
    """`autograd train` lives in train.py; it is added here only when that module exists."""
    try:
        from autograd.train import add_train_command
    except ImportError:
        return
    add_train_command(commands)


def _finite(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 100_000:
        raise argparse.ArgumentTypeError(f"{text!r} must be between 1 and 100000")
    return value


def _digits(text: str) -> int:
    value = _positive_int(text)
    if value > 17:
        raise argparse.ArgumentTypeError(f"{text!r} must be between 1 and 17")
    return value


def _tolerance(text: str) -> float:
    value = _finite(text)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be between 0 and 1")
    return value


_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*\Z")


def parse_assignments(groups: list[list[str]]) -> dict[str, float]:
    """``--at x=2 y=3 --at z=1`` → {"x": 2.0, "y": 3.0, "z": 1.0}; each name once, finite numbers."""
    values: dict[str, float] = {}
    for token in (t for group in groups for t in group):
        name, sep, number = token.partition("=")
        name = name.strip()
        if not sep or not _NAME.match(name):
            raise UsageError(f"--at {token!r} is not NAME=NUMBER")
        if name in values:
            raise UsageError(f"--at gives '{name}' twice")
        try:
            values[name] = _finite(number.strip())
        except argparse.ArgumentTypeError as error:
            raise UsageError(f"--at {name}: {error}") from None
    return values


def read_program(text: str) -> Program:
    if text == "-":
        text = sys.stdin.read()
    return parse(text)


# ------------------------------------------------------------------ commands


def run_walkthrough(args: argparse.Namespace) -> int:
    from autograd import worked

    example = worked.Example(x=args.x, w1=args.w1, w2=args.w2, y=args.target, lr=args.lr)
    results = worked.run(example, steps=args.steps)
    first = results[0]
    outputs = _pictures(args, first.evaluation, "The worked example", parameters=worked.PARAMETERS)
    if args.json:
        print(json.dumps(worked.to_json(example, results), indent=2))
    else:
        print(worked.report(example, results, args.digits))
    _write_all(outputs)
    return 0


def run_grad(args: argparse.Namespace) -> int:
    program = read_program(args.program)
    evaluation = program.evaluate(parse_assignments(args.at))
    record = trace(evaluation.root, evaluation.constants)
    outputs = _pictures(args, evaluation, program.source)
    values = {name: node.data for name, node in evaluation.values.items()}
    grads = evaluation.grads()
    output = program.output
    if args.json:
        print(json.dumps(grad_report(evaluation, record if args.steps else None), indent=2))
    else:
        digits = args.digits
        print(f"{output} = {fmt(values[output], digits)}")
        print()
        print(f"gradients of {output}:")
        width = max(len(name) for name in values)
        for name in values:
            if name != output:
                kind = "input" if name in program.inputs else "quantity"
                print(f"  ∂{output}/∂{name.ljust(width)} = {fmt(grads[name], digits).rjust(digits + 7)}   ({kind})")
        if args.steps:
            print()
            print("forward pass:")
            print(_indent(record.forward_table(digits)))
            print()
            print("backward pass (in the order backward() runs):")
            print(_indent(record.backward_table(digits)))
    _write_all(outputs)
    return 0


def run_check(args: argparse.Namespace) -> int:
    program = read_program(args.program)
    evaluation = program.evaluate(parse_assignments(args.at))
    record = trace(evaluation.root, evaluation.constants)
    values = {name: node.data for name, node in evaluation.values.items()}
    grads = evaluation.grads()
    output = program.output
    claims = [parse_claim(text, output, values, args.rtol) for group in args.claim for text in group]
    verdicts = [judge(claim, values, grads) for claim in claims]
    right = sum(v.right for v in verdicts)
    for verdict in verdicts:
        claim = verdict.claim
        what = f"d{output}/d{claim.target}" if claim.gradient else claim.target
        if args.hide:
            print(f"{'right' if verdict.right else 'wrong'}: {what} = {_number_text(claim.text)}")
            continue
        if verdict.right:
            print(f"right: {what} = {_number_text(claim.text)}   (true value {fmt(verdict.true_value, 10)})")
            continue
        print(f"wrong: {what} = {_number_text(claim.text)}   true value {fmt(verdict.true_value, 10)}"
              f" (off by {verdict.difference:+.3g})")
        if claim.gradient:
            print("  the chain rule to it:")
            for line in path_to(record, claim.target):
                print("    " + line)
    print()
    print(f"{right} of {len(verdicts)} right")
    if not args.hide:
        for line in where_it_went_wrong(record, verdicts):
            print(line)
    return 0 if right == len(verdicts) else 1


def _number_text(claim_text: str) -> str:
    return claim_text.split("=", 1)[1].strip()


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


# ------------------------------------------------------------------ pictures


def _pictures(args: argparse.Namespace, evaluation, title: str, parameters=()) -> list[tuple[Path, bytes]]:
    """Render requested pictures before anything is written, so that bad input writes nothing."""
    outputs = []
    if getattr(args, "svg", None) or getattr(args, "html", None):
        from autograd import viz

        if args.svg:
            picture = viz.draw(evaluation.root, constants=evaluation.constants,
                               parameters=[evaluation.values[name] for name in parameters])
            outputs.append((Path(args.svg), picture.svg().encode()))
        if args.html:
            page = viz.stepper_html(evaluation.root, title=title, constants=evaluation.constants)
            outputs.append((Path(args.html), page.encode()))
    for path, _ in outputs:
        if not path.parent.exists():
            raise UsageError(f"cannot write {path}: the folder {path.parent} does not exist")
    return outputs


def _write_all(outputs) -> None:
    for path, content in outputs:
        path.write_bytes(content)
        print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
