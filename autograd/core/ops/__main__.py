"""``python -m autograd.core.ops``: the README's operation table, and the LaTeX check.

--readme               print the Markdown block (with its markers)
--write-readme PATH    replace the block between the markers in PATH (README.md)
--check-latex          parse every entry's LaTeX with latex2mathml; exit 1 on a problem
"""

from __future__ import annotations

import argparse
import sys

from autograd.core import ops
from autograd.util.files import atomic_write


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograd.core.ops", description=__doc__.splitlines()[0])
    parser.add_argument("--readme", action="store_true", help="print the README's operation table")
    parser.add_argument("--write-readme", metavar="PATH", help="replace the table between its markers in PATH")
    parser.add_argument("--check-latex", action="store_true", help="parse every entry's LaTeX")
    args = parser.parse_args(argv)
    if not (args.readme or args.write_readme or args.check_latex):
        parser.error("say --readme, --write-readme PATH or --check-latex")
    if args.readme:
        print(ops.readme_block())
    if args.write_readme:
        try:
            with open(args.write_readme, encoding="utf-8") as file:
                text = file.read()
            atomic_write(args.write_readme, ops.replace_block(text, ops.readme_block()))
        except (OSError, ValueError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    if args.check_latex:
        from autograd.core.ops.check import latex_problems

        problems = [problem for op in ops.OPS.values() for problem in latex_problems(op)]
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
