"""The `autograd` command line: one parser, one sub-command per module of this package.

Each command module has ``add(commands)``, which declares its arguments and sets ``run``; what
a command needs beyond the standard library (numpy for `train`, graphviz for pictures) is
imported when it runs, never while the parser is built.
"""

from __future__ import annotations

from autograd.apps.cli import check, course, evaluate, explore, grad, models, predict, site, train, walkthrough
from autograd.apps.cli.options import Parser

COMMANDS = (walkthrough, grad, check, train, evaluate, predict, models, explore, course, site)


def build_parser() -> Parser:
    parser = Parser(
        prog="autograd",
        description="A scalar reverse-mode automatic differentiation engine you can watch work.",
        epilog="Run 'autograd COMMAND --help' for a command's options and examples.",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=Parser)
    for command in COMMANDS:
        command.add(commands)
    return parser
