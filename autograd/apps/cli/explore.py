"""`autograd explore [PROGRAM]`: the live explorer in the browser (autograd.apps.explore)."""

from __future__ import annotations

import argparse

from autograd.apps.cli.options import add_at_option, parse_assignments, port, read_program

HELP = """\
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


def add(commands) -> None:
    explore = commands.add_parser("explore", help="a live explorer in the browser (127.0.0.1 only)",
                                  description=HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    explore.add_argument("program", metavar="PROGRAM", nargs="?",
                         help="the program to open (default: the worked example)")
    add_at_option(explore, "starting input values, e.g. --at x=2 y=-1")
    explore.add_argument("--port", type=port, default=0, help="the port on 127.0.0.1 (default: a free one)")
    explore.add_argument("--no-browser", action="store_true", help="print the URL but do not open a browser")
    explore.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from autograd.apps.explore import serve

    program = None if args.program is None else read_program(args.program).source
    return serve(program, parse_assignments(args.at), port=args.port, open_browser=not args.no_browser)
