"""The `autograd` command: `process` runs it (errors, signals, a closed pipe), `parser` builds
the command line, one module per command (`walkthrough`, `grad`, `check`, `train`, `explore`,
`course`), `options` holds what they share and `pictures` the --svg/--html outputs."""

from autograd.apps.cli.options import UsageError, parse_assignments, read_program
from autograd.apps.cli.parser import build_parser
from autograd.apps.cli.process import EXIT_BAD_INPUT, main

__all__ = ["main", "build_parser", "EXIT_BAD_INPUT", "UsageError", "parse_assignments", "read_program"]
