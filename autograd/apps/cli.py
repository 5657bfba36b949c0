"""The `autograd` command: walkthrough, grad, check, train.

Bad input of any kind prints one ``error: ...`` line on stderr and exits with status 2,
without a traceback and without writing any file.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import os
import re
import signal
import sys
import threading
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

from autograd.util.files import OutputError, plan_outputs, write_outputs
from autograd.checking import CHECK_HELP, check_claims
from autograd.lang import FUNCTIONS, MAX_PROGRAM_LENGTH, NUMBER, ExprError, Program, is_name, number_value, parse
from autograd.explain import grad_report
from autograd.explain import fmt, trace

EXIT_BAD_INPUT = 2
MAX_WALK_STEPS = 2_000    # walkthrough --steps: about 2 s and 60 MB at the most
MAX_AT = 5_000            # --at values: more than a program of the longest allowed length can use


class UsageError(Exception):
    """Bad input from the command line: reported as one `error:` line, exit status 2."""


# The project's own bad-input errors become one `error:` line and exit status 2; anything else
# escaping a command is a bug and keeps its traceback. ZeroDivisionError and OverflowError: a
# program's arithmetic at the given numbers; OutputError: an output path; MemoryError: a request
# past what the machine holds (the flags' limits are meant to prevent it).
BAD_INPUT = (UsageError, ExprError, ValueError, ZeroDivisionError, OverflowError, OutputError, MemoryError)
# Errors of modules loaded only by the commands that need them (found without importing them):
# RenderError, a picture Graphviz cannot lay out; MissingDependency, an optional package missing.
LAZY_BAD_INPUT = (("autograd.viz", "RenderError"), ("autograd.ml.data", "MissingDependency"))
_ADDRESS_ERRORS = {errno.EADDRINUSE, errno.EADDRNOTAVAIL}


def _is_bad_input(error: Exception) -> bool:
    if isinstance(error, BAD_INPUT):
        return True
    for module, name in LAZY_BAD_INPUT:
        loaded = sys.modules.get(module)
        if loaded is not None and isinstance(error, getattr(loaded, name)):
            return True
    # a file that cannot be read, or a port that cannot be opened, is bad input too
    return isinstance(error, OSError) and (error.filename is not None or error.errno in _ADDRESS_ERRORS)


def _message(error: Exception) -> str:
    if isinstance(error, MemoryError):
        return "out of memory: ask for less (see the limits in the command's --help)"
    return str(error)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one `error:` line (and a pointer to --help)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see '{self.prog} --help')")


def main(argv: Sequence[str] | None = None) -> int:
    if sys.stdout is None:  # `autograd ... >&-`: print() would drop the report without a word
        sys.stdout = _ClosedOutput()
    with _terminate_as_interrupt():
        return _main(argv)


# The standard output could not be written: a full disk (`autograd ... > /dev/full`), a quota, an
# I/O error, or closed. Reported as an output file's failure is (those carry a path: OutputError).
_STDOUT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EBADF}


class _ClosedOutput:
    """Stands in for a closed standard output (Python makes it None): writing to it fails."""

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "the standard output is closed")

    def flush(self) -> None:
        pass


def _stdout_failed(error: Exception) -> bool:
    return (isinstance(error, OSError) and not isinstance(error, (OutputError, BrokenPipeError))
            and error.filename is None and error.errno in _STDOUT_ERRNOS)


def _silence_stdout() -> None:
    """Point the standard output at /dev/null, so that the interpreter's last flush of what is
    still buffered neither fails again nor prints a second message."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, AttributeError, ValueError):
        pass


@contextlib.contextmanager
def _terminate_as_interrupt():
    """SIGTERM (a plain `kill`) ends the command as Ctrl-C does, so that the writer's cleanup runs
    and no temporary file is left behind (SIGKILL cannot be caught: that one can leave one)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(_programs_may_start_with_minus(argv))
        if not getattr(args, "run", None):
            parser.print_help()
            return EXIT_BAD_INPUT
        status = args.run(args)
        sys.stdout.flush()  # here, not at exit: a full disk is then reported like any failed output
        return status
    except BrokenPipeError:  # `autograd ... | head`: the reader has gone, which is no error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so exit's flush is quiet
        return 141
    except Exception as error:
        if _stdout_failed(error):
            print(f"error: cannot write the standard output: {error.strerror}", file=sys.stderr)
            _silence_stdout()
            return EXIT_BAD_INPUT
        if not _is_bad_input(error):
            raise  # a bug: keep the traceback, so that it is reported and fixed
        print(f"error: {_message(error)}", file=sys.stderr)
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
{functions}. PROGRAM '-' reads standard input.

examples:
  autograd grad "q = x + y; f = q * z" --at x=-2 y=5 z=-4
  autograd grad "h = sigmoid(w*x); L = (h - 1)**2" --at w=0.5 x=2 --steps
  autograd grad "f = log(x) * exp(-x)" --at x=1.5 --json
"""
GRAD_HELP = GRAD_HELP.format(functions=" ".join(FUNCTIONS))  # from the operation table


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
    walk.add_argument("--lr", type=_bounded(float, 0, None, low_open=True), default=0.01,
                      help="the learning rate η, above 0 (default 0.01)")
    walk.add_argument("--steps", type=_bounded(int, 1, MAX_WALK_STEPS), default=1,
                      help=f"gradient-descent steps (default 1, at most {MAX_WALK_STEPS:,})")
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
    grad.add_argument("--order", type=_bounded(int, 1, 2), default=1,
                      help="2: also the second derivatives (the Hessian) of the output with respect to the "
                           "inputs; with --steps, the second backward pass")
    grad.add_argument("--mode", choices=("reverse", "forward"), default="reverse",
                      help="forward: the forward-mode trace (values and tangents) along the --seed direction")
    grad.add_argument("--seed", nargs="+", action="append", default=[], metavar="NAME=NUMBER",
                      help="forward mode's direction: tangents of inputs (the others 0), e.g. --seed x=1")
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
    check.add_argument("--hide", action="store_true",
                       help="say only right, wrong or imprecise: no true values, no diagnoses, no steps")
    check.add_argument("--sig", type=_digits, default=None, metavar="N",
                       help="a claim that agrees but has fewer than N significant digits is 'imprecise'")
    check.add_argument("--lr", type=_finite, default=None, help="the learning rate η, for claims NAME'=NUMBER "
                       "(the input after one step w - η·dOUT/dw)")
    check.add_argument("--json", action="store_true", help='print {"claims": [...]} instead of text')
    check.set_defaults(run=run_check)

    _add_train_command(commands)
    _add_explore_command(commands)
    _add_course_commands(commands)
    return parser


def _add_program_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("program", metavar="PROGRAM", help="statements separated by ';' or new lines; '-' reads stdin")
    parser.add_argument("--at", nargs="+", action="append", default=[], metavar="NAME=NUMBER",
                        help="input values, e.g. --at x=2 y=-1; may be repeated")


def _add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    parser.add_argument("--svg", metavar="PATH", help="also draw the graph, with values and gradients, as SVG")
    parser.add_argument("--html", metavar="PATH", help="also write a page that steps through the backward pass")


class _Names:
    """A list of names read from a module only when argparse needs it (help, or a check), so that
    `autograd grad` does not pay for importing numpy; the names still live in one place."""

    def __init__(self, module: str, attribute: str) -> None:
        self.module, self.attribute = module, attribute

    def _names(self) -> list[str]:
        from importlib import import_module

        return sorted(getattr(import_module(self.module), self.attribute))

    def __contains__(self, name: object) -> bool:
        return name in self._names()

    def __iter__(self):
        return iter(self._names())


# Limits that keep one `autograd train` within seconds and a few hundred MB; --allow-large lifts
# them (not the basic checks). Work is counted in parameter·sample·epoch (50 million: 3 to 10 s),
# memory in parameter·sample per step: the plain graph of one batch holds about 50 bytes for each,
# the compiled replay (the default) about 700, so its limit is ten times lower (both ~350 MB).
TRAIN_LIMITS = {"width": 512, "layers": 6, "parameters": 100_000, "epochs": 5_000,
                "work": 50_000_000, "graph": 5_000_000, "compiled graph": 500_000}
BYTES_PER_PARAMETER_SAMPLE = {"graph": 50, "compiled graph": 700}

TRAIN_EPILOG = f"""limits (raise them with --allow-large): hidden layers at most {TRAIN_LIMITS['layers']}, each at most
{TRAIN_LIMITS['width']} wide and {TRAIN_LIMITS['parameters']:,} parameters in all; --epochs at most {TRAIN_LIMITS['epochs']:,};
parameters × samples × epochs at most {TRAIN_LIMITS['work']:,} (3 to 10 s), parameters × batch size
at most {TRAIN_LIMITS['compiled graph']:,}, or {TRAIN_LIMITS['graph']:,} with --no-compile (about 350 MB
for one step's graph either way).

examples:
  autograd train moons
  autograd train digits --json
  autograd train spirals --hidden 32,32 --activation tanh --optimizer adam --lr 0.02
"""


EXPLORE_HELP = """\
A live explorer in the browser: edit a program, move its inputs, step through the forward and
backward passes, take gradient-descent steps, check an answer; or train a small network on a
2-D dataset step by step. Without PROGRAM it opens the worked example; inputs not given with
--at start at 1. The server listens on 127.0.0.1 only (a free port unless --port is given),
prints its URL and opens the browser; Ctrl-C stops it.

examples:
  autograd explore
  autograd explore "f = (x - 3)**2 + y**2" --at x=0 y=1
  autograd explore --port 8765 --no-browser
"""


def _add_explore_command(commands) -> None:
    explore = commands.add_parser(
        "explore", help="a live explorer in the browser (127.0.0.1 only)", description=EXPLORE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    explore.add_argument("program", metavar="PROGRAM", nargs="?", help="the program to open (default: the worked example)")
    explore.add_argument("--at", nargs="+", action="append", default=[], metavar="NAME=NUMBER",
                         help="starting input values, e.g. --at x=2 y=-1")
    explore.add_argument("--port", type=_port, default=0, help="the port on 127.0.0.1 (default: a free one)")
    explore.add_argument("--no-browser", action="store_true", help="print the URL but do not open a browser")
    explore.set_defaults(run=run_explore)


def _port(text: str) -> int:
    if not re.fullmatch("[0-9]{1,5}", text) or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0 to 65535; 0 picks a free one)")
    return int(text)


def run_explore(args: argparse.Namespace) -> int:
    from autograd.apps.explore import serve

    program = None if args.program is None else read_program(args.program).source
    return serve(program, parse_assignments(args.at), port=args.port, open_browser=not args.no_browser)


COURSE_HELP = """\
Problem sets for a course (see docs/problem-sets.md): SET is a TOML file of problems with
random inputs; every student gets their own numbers, derived from the set's seed and their id.

examples:
  autograd sheet examples/problem-sets/worked-example.toml --student s001
  autograd key examples/problem-sets/cs231n.toml --student s001 --format html --out key.html
  autograd key examples/problem-sets/cs231n.toml --student s001 --format json
  autograd grade examples/problem-sets/cs231n.toml answers.csv --report report.html --gradescope results/
"""


def _add_course_commands(commands) -> None:
    """`sheet`, `key` and `grade`; what they do is in autograd.apps.course.commands."""
    for name, what in (("sheet", "a student's problem sheet"), ("key", "a student's answer key with worked solutions")):
        command = commands.add_parser(name, help=what, description=COURSE_HELP,
                                      formatter_class=argparse.RawDescriptionHelpFormatter)
        command.add_argument("set", metavar="SET", help="the problem-set file (TOML)")
        command.add_argument("--student", required=True, metavar="ID", help="the student's id")
        command.add_argument("--format", choices=("markdown", "html", "json"), default="markdown")
        command.add_argument("--out", metavar="PATH", help="write to PATH instead of printing")
        command.set_defaults(run=_run_course, command=name)
    grade = commands.add_parser("grade", help="grade a class's answers", description=COURSE_HELP,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    grade.add_argument("set", metavar="SET", help="the problem-set file (TOML)")
    grade.add_argument("answers", metavar="ANSWERS.csv", help="an id column, then one column per question id")
    grade.add_argument("--json", action="store_true", help='print {"students": [...], "questions": {...}}')
    grade.add_argument("--csv", metavar="OUT", help="write id, score, max_score and each question's points")
    grade.add_argument("--report", metavar="PATH", help="write an HTML report (histogram, questions, mistakes)")
    grade.add_argument("--gradescope", metavar="DIR", help="write Gradescope results.json (DIR/ID/results.json; "
                       "DIR/results.json for one student)")
    grade.set_defaults(run=_run_course, command="grade")


def _run_course(args: argparse.Namespace) -> int:
    from autograd.apps.course import commands

    return commands.run_grade(args) if args.command == "grade" else commands.run_document(args)


def _add_train_command(commands) -> None:
    """`autograd train`: always present; a missing optional package is reported when it runs."""
    from autograd.ml.nn import ACTIVATIONS, INITS

    train = commands.add_parser(
        "train", help="train an MLP on a small dataset",
        description="Train an MLP with gradient descent on a dataset made from a seed. "
                    "Defaults are chosen per dataset so that the plain command trains well.",
        epilog=TRAIN_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    train.add_argument("dataset", choices=_Names("autograd.ml.data", "DATASETS"), metavar="DATASET",
                       help="one of: %(choices)s")
    train.add_argument("--hidden", type=_layer_sizes, help="hidden layer sizes, e.g. 16,16")
    train.add_argument("--activation", choices=ACTIVATIONS[:3], default="relu")
    train.add_argument("--loss", choices=_Names("autograd.ml.train", "LOSSES"))
    train.add_argument("--optimizer", choices=("sgd", "adam"))
    train.add_argument("--lr", type=_bounded(float, 0.0, 1000.0, low_open=True), help="learning rate, > 0 and <= 1000")
    train.add_argument("--epochs", type=_bounded(int, 1, None), help="passes over the training set")
    train.add_argument("--batch-size", type=_bounded(int, 0, 1_000_000), help="samples per step; 0 = the full set")
    train.add_argument("--init", choices=INITS, default="uniform")
    train.add_argument("--l2", type=_bounded(float, 0.0, 1000.0), help="L2 penalty weight, 0 to 1000")
    train.add_argument("--seed", type=_bounded(int, 0, 2**32 - 1), default=1337)
    train.add_argument("--save", metavar="PATH", help="save the trained model as JSON")
    train.add_argument("--no-compile", dest="compile", action="store_false",
                       help="run every step through the graph instead of a compiled replay")
    train.add_argument("--allow-large", action="store_true", help="lift the size limits listed below")
    train.add_argument("--json", action="store_true", help="print one JSON object")
    train.set_defaults(run=run_train)


def _bounded(kind, low, high, low_open: bool = False):
    """An argparse type: a finite ``kind`` (int or float) in [low, high] (or (low, high])."""

    def convert(text: str):
        value = _whole(text) if kind is int else _finite(text)
        if (value <= low if low_open else value < low) or (high is not None and value > high):
            bounds = f"{'more than' if low_open else 'at least'} {low}" + (f" and at most {high}" if high is not None else "")
            raise argparse.ArgumentTypeError(f"{text!r} must be {bounds}")
        return value

    convert.__name__ = kind.__name__  # argparse names the type in its messages
    return convert


def _layer_sizes(text: str) -> list[int]:
    """'16,16' → [16, 16]: one or more whole numbers >= 1, separated by commas."""
    parts = [part.strip() for part in text.split(",")]
    if not parts or not all(re.fullmatch("[0-9]{1,30}", part) for part in parts) or any(int(p) < 1 for p in parts):
        raise argparse.ArgumentTypeError(f"{text!r} is not layer sizes like 16,16 (whole numbers >= 1)")
    return [int(part) for part in parts]


def _finite(text: str) -> float:
    """A numeric flag's value, read by the same rule as --at (expr.number_value)."""
    try:
        return number_value(text, "")
    except ExprError as error:  # argparse names the flag: "argument --lr: 'nan' is not a finite number"
        hint = f" ({error.suggestion})" if error.suggestion else ""
        raise argparse.ArgumentTypeError(error.message + hint) from None


_WHOLE = re.compile(r"[+-]?[0-9]{1,30}\Z")


def _whole(text: str) -> int:
    """A whole-number flag: ASCII digits (and a sign), as --at and programs write numbers;
    int() alone would also take '١٠', '1_0' and ' 10 '."""
    if not _WHOLE.match(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number (digits 0-9)")
    return int(text)


def _positive_int(text: str) -> int:
    value = _whole(text)
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




def parse_assignments(groups: list[list[str]], flag: str = "--at") -> dict[str, float]:
    """``--at x=2 y=3 --at z=1`` → {"x": 2.0, "y": 3.0, "z": 1.0}; each name once, finite numbers."""
    count = sum(map(len, groups))
    if count > MAX_AT:
        raise UsageError(f"{flag} gives {count:,} values, at most {MAX_AT:,} (a program has fewer inputs than that)")
    values: dict[str, float] = {}
    for token in (t for group in groups for t in group):
        name, sep, number = token.partition("=")
        name = name.strip()
        if not sep or not is_name(name):
            raise UsageError(f"{flag} {token!r} is not NAME=NUMBER")
        if name in values:
            raise UsageError(f"{flag} gives '{name}' twice")
        values[name] = number_value(number, f"{flag} {name}")
    return values


def read_program(text: str) -> Program:
    if text == "-":
        text = _read_stdin()
    elif text.startswith(" -"):
        text = text[1:]  # the space `_programs_may_start_with_minus` put there
    return parse(text)


def _read_stdin() -> str:
    """PROGRAM '-': standard input, but at most one character more than a program may have
    (the parser then says it is too long), so that `< /dev/zero` cannot fill the memory."""
    if sys.stdin is None:
        raise UsageError("PROGRAM '-' reads the standard input, but it is closed")
    text = sys.stdin.read(MAX_PROGRAM_LENGTH + 1)
    if re.search("[\udc80-\udcff]", text):  # bytes that are not UTF-8, kept by Python as surrogates
        raise UsageError("PROGRAM '-': the standard input is not UTF-8 text")
    return text


_OPTION_LIKE_NUMBER = re.compile(r"-" + NUMBER + r"\Z")


def _programs_may_start_with_minus(argv: Sequence[str] | None) -> list[str]:
    """A PROGRAM starting with '-' ("-x**2 + 1") would be read by argparse as an option; with a
    space in front argparse reads it as the positional it is (and `read_program` drops the space)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("grad", "check", "explore"):
        for i, arg in enumerate(argv[1:], 1):
            if arg == "--":
                break
            if arg.startswith("-") and not arg.startswith("--") and arg not in ("-", "-h") \
                    and not _OPTION_LIKE_NUMBER.match(arg):
                argv[i] = " " + arg
    return argv


# ------------------------------------------------------------------ commands


def run_walkthrough(args: argparse.Namespace) -> int:
    from autograd.apps import worked

    _plan_pictures(args)
    example = worked.Example(x=args.x, w1=args.w1, w2=args.w2, y=args.target, lr=args.lr)
    results = worked.run(example, steps=args.steps)
    first = results[0]
    outputs = _pictures(args, first.evaluation, "The worked example", parameters=worked.PARAMETERS,
                        extra_steps=worked.page_steps(example, first, args.digits))
    text = json.dumps(worked.to_json(example, results), indent=2) if args.json else worked.report(example, results, args.digits)
    _write_all(outputs)
    print(text)
    return 0


def run_grad(args: argparse.Namespace) -> int:
    _plan_pictures(args)
    program = read_program(args.program)
    evaluation = program.evaluate(parse_assignments(args.at))
    higher = _higher_order(args, evaluation)
    record = trace(evaluation.root, evaluation.gradients, evaluation.constants, order=evaluation.order)
    _write_all(_pictures(args, evaluation, program.source))  # before printing: a failure prints nothing
    if higher is not None and higher.replaces:  # forward mode: its trace instead of the gradients
        print(json.dumps(higher.json, indent=2) if args.json else higher.text(args.digits))
        return 0
    values = {name: node.data for name, node in evaluation.values.items()}
    grads = evaluation.grads()
    output = program.output
    if args.json:
        report = grad_report(evaluation, record if args.steps else None)
        print(json.dumps({**report, **(higher.json if higher else {})}, indent=2))
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
        if higher is not None:
            print()
            print(higher.text(digits))
    return 0


def _higher_order(args: argparse.Namespace, evaluation):
    """``--order 2`` and ``--mode forward`` (logic in autograd.higher), checked and computed before
    anything is written; before the first backward pass too, as the second backward passes of
    ``--steps`` also set the gradients of the program's own nodes, which `trace` then sets right."""
    if args.order == 1 and args.mode == "reverse" and not args.seed:
        return None
    from autograd.explain.higher_steps import command_result

    return command_result(evaluation, args.order, args.mode, parse_assignments(args.seed, "--seed"), args.steps)


def run_check(args: argparse.Namespace) -> int:
    program = read_program(args.program)
    evaluation = program.evaluate(parse_assignments(args.at))
    record = trace(evaluation.root, evaluation.gradients, evaluation.constants, order=evaluation.order)
    claims = [text for group in args.claim for text in group]
    report = check_claims(evaluation, record, claims, rtol=args.rtol, sig=args.sig, lr=args.lr, hide=args.hide)
    print(json.dumps(report.to_json(), indent=2) if args.json else "\n".join(report.lines()))
    return report.exit_status


def run_train(args: argparse.Namespace) -> int:
    """Train an MLP on a dataset; every limit and path is checked before any training."""
    save = plan_outputs([(args.save, "--save")])
    try:
        from autograd.ml import train
        from autograd.ml.data import DATASETS, train_test_split
        from autograd.ml.nn import MLP
        from autograd.ml.optim import SGD, Adam, constant, linear_decay
    except ImportError as error:  # numpy or tqdm, both required: a broken installation
        from autograd.ml.data import MissingDependency

        raise MissingDependency(f"autograd train needs {error.name or 'a package'}, which is not installed: "
                                "pip install scalar-autograd") from None
    settings = dict(train.DEFAULTS[args.dataset])
    for key in ("hidden", "loss", "optimizer", "lr", "epochs", "batch_size", "l2"):
        if getattr(args, key) is not None:
            settings[key] = getattr(args, key)
    hidden = settings["hidden"] if isinstance(settings["hidden"], list) else _layer_sizes(settings["hidden"])
    X, y = DATASETS[args.dataset]() if args.dataset == "digits" else DATASETS[args.dataset](n=settings["n"], seed=args.seed)
    Xtr, Xte, ytr, yte = train_test_split(X, y, 0.25, seed=args.seed)
    classes = int(y.max()) + 1
    loss = settings["loss"]
    if classes > 2 and loss != "softmax":
        raise UsageError(f"{args.dataset} has {classes} classes: use --loss softmax")
    outputs = classes if loss == "softmax" else 1
    sizes = [X.shape[1], *hidden, outputs]
    _check_train_size(args, sizes, len(Xtr), settings)
    model = MLP(X.shape[1], sizes[1:], activation=args.activation, init=args.init, seed=args.seed)
    params = model.named_parameters()
    steps_per_epoch = 1 if not settings["batch_size"] else -(-len(Xtr) // settings["batch_size"])
    if settings["optimizer"] == "sgd":
        schedule = linear_decay(settings["lr"], settings["epochs"] * steps_per_epoch, 0.1 * settings["lr"])
        optimizer = SGD(params, lr=schedule)
    else:
        optimizer = Adam(params, lr=constant(settings["lr"]))
    started = time.perf_counter()
    history = train.fit(model, Xtr, ytr, loss=loss, optimizer=optimizer, epochs=settings["epochs"],
                        batch_size=settings["batch_size"] or None, l2=settings["l2"], seed=args.seed,
                        progress=False if args.json else None, compile=args.compile)
    seconds = time.perf_counter() - started
    result = {"dataset": args.dataset, "train_accuracy": train.accuracy(model, Xtr, ytr),
              "test_accuracy": train.accuracy(model, Xte, yte), "seconds": seconds,
              "loss_history": history.loss, "accuracy_history": history.accuracy,
              "settings": {**settings, "hidden": hidden, "activation": args.activation, "init": args.init}}
    if save:
        model.save(save[0])
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{args.dataset}: MLP({X.shape[1]}, {sizes[1:]}), {settings['epochs']} epochs in {seconds:.1f} s")
        print(f"  final loss      {history.loss[-1]:.4f}")
        print(f"  train accuracy  {result['train_accuracy']:.3f}")
        print(f"  test accuracy   {result['test_accuracy']:.3f}")
    if save:
        print(f"wrote {save[0]}", file=sys.stderr)
    return 0


def _check_train_size(args: argparse.Namespace, sizes: list[int], samples: int, settings: dict) -> None:
    """Refuse, before building anything, a network or a run past `TRAIN_LIMITS` (unless --allow-large)."""
    if args.allow_large:
        return
    limits = TRAIN_LIMITS
    hidden = sizes[1:-1]
    parameters = sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))
    batch = settings["batch_size"] or samples
    work = parameters * samples * settings["epochs"]
    problems = []
    if len(hidden) > limits["layers"]:
        problems.append(f"--hidden has {len(hidden)} layers, at most {limits['layers']}")
    if max(hidden, default=0) > limits["width"]:
        problems.append(f"--hidden has a layer of {max(hidden):,}, at most {limits['width']}")
    if parameters > limits["parameters"]:
        problems.append(f"--hidden makes {parameters:,} parameters, at most {limits['parameters']:,}")
    if settings["epochs"] > limits["epochs"]:
        problems.append(f"--epochs {settings['epochs']:,} is more than {limits['epochs']:,}")
    graph = "compiled graph" if args.compile else "graph"
    if parameters * batch > limits[graph]:
        size = BYTES_PER_PARAMETER_SAMPLE[graph] / 1e6
        problems.append(f"one step on {batch:,} samples (--batch-size) × {parameters:,} parameters needs a {graph} of "
                        f"about {parameters * batch * size:,.0f} MB, at most {limits[graph] * size:,.0f} MB"
                        + (", or --no-compile" if args.compile and parameters * batch <= limits["graph"] else ""))
    if not problems and work > limits["work"]:
        problems.append(f"{parameters:,} parameters × {samples:,} samples × {settings['epochs']:,} --epochs is "
                        f"{work:,} steps of work, at most {limits['work']:,}")
    if problems:
        raise UsageError("; ".join(problems) + " (--allow-large lifts the limits)")


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


# ------------------------------------------------------------------ pictures


def _pictures(args: argparse.Namespace, evaluation, title: str, parameters=(),
              extra_steps=()) -> list[tuple[Path, bytes]]:
    """Render the requested pictures (paths already checked by `_plan_pictures`)."""
    outputs = []
    if args.svg is not None or args.html is not None:
        from autograd import viz

        if args.svg is not None:
            with warnings.catch_warnings(record=True) as notes:  # "showing the 543 nearest…": one line
                warnings.simplefilter("always")
                picture = viz.draw(evaluation.root, constants=evaluation.constants,
                                   parameters=[evaluation.values[name] for name in parameters])
            for note in notes:
                print(f"note: {note.message}", file=sys.stderr)
            outputs.append((Path(args.svg), picture.svg().encode()))
        if args.html is not None:
            page = viz.stepper_html(evaluation.root, title=title, constants=evaluation.constants,
                                    parameters=[evaluation.values[name] for name in parameters],
                                    extra_steps=extra_steps, digits=args.digits)
            outputs.append((Path(args.html), page.encode()))
    return outputs


def _plan_pictures(args: argparse.Namespace) -> None:
    """Check --svg and --html before any work: empty, a folder, no such folder, the same file twice…"""
    plan_outputs([(args.svg, "--svg"), (args.html, "--html")])


def _write_all(outputs: list[tuple[Path, bytes]]) -> None:
    """Write every output of the command, or none (see autograd.util.files)."""
    write_outputs(outputs)
    for path, _ in outputs:
        print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
