"""`autograd site DIR`: build the static site (autograd.apps.site)."""

from __future__ import annotations

import argparse

HELP = """\
Build a static folder with the explorer that runs this package in the browser (Python in
WebAssembly, Pyodide, in a Web Worker): no install and no server, any static host will do
(GitHub Pages, a course server, `python -m http.server`), and it works offline. Pyodide comes
from the npm registry at the version package-lock.json pins (`npm ci`, integrity checked);
the package goes in as a wheel built by pip, compiled to bytecode (with Python's standard library)
by Pyodide under Node. Building again with nothing changed writes nothing.

With --sets, each problem set gets a page (sheet-NAME.html) where a student types their id,
sees their sheet and checks their answers with the grader's verdicts. The page carries the set's
file, which generates every answer: it is for practice, not for marks.

examples:
  autograd site site/
  autograd site site/ --sets examples/problem-sets/*.toml
  python -m http.server -d site 8000    # then open http://127.0.0.1:8000/
"""


def add(commands) -> None:
    site = commands.add_parser("site", help="build the explorer as a static site (Python in the browser)",
                               description=HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    site.add_argument("out", metavar="DIR", help="the folder to build (created when missing)")
    site.add_argument("--cache", metavar="DIR", default=None,
                      help="where npm installs Pyodide (default: build/site-cache in the checkout)")
    site.add_argument("--sets", metavar="SET", nargs="+", default=[],
                      help="problem-set files: a sheet and self-check page for each")
    site.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from autograd.apps.site.build import build, size

    built = build(args.out, args.cache, args.sets)
    state = "built" if built else "up to date, nothing written"
    print(f"autograd site: {args.out} {state} ({size(args.out) / 1e6:.1f} MB); serve it with "
          f"python -m http.server -d {args.out}")
    return 0
