"""Sheets and keys in one call: `render(what, problem_set, student, form)`, as Markdown (LaTeX
math between $ signs), HTML (the same math as MathML; `autograd.apps.course.page`) or JSON.

The documents themselves are lists of blocks written by `autograd.apps.course.documents`;
this module writes them as Markdown and picks the format.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from autograd.apps.course.documents import Block, key_blocks, key_json, sheet_blocks, sheet_json
from autograd.apps.course.mathtext import question_latex
from autograd.apps.course.page import html, mathml
from autograd.apps.course.problems import ProblemSet

__all__ = ["sheet_blocks", "key_blocks", "markdown", "html", "sheet_json", "key_json", "render",
           "question_latex", "mathml", "FORMATS"]

FORMATS = ("markdown", "html", "json")


def render(what: str, problem_set: ProblemSet, student: str, form: str = "markdown") -> str:
    """The sheet or key ("sheet"/"key") of one student in a format of `FORMATS`."""
    if form not in FORMATS:
        raise ValueError(f"unknown format {form!r}: one of {', '.join(FORMATS)}")
    if form == "json":
        data = sheet_json(problem_set, student) if what == "sheet" else key_json(problem_set, student)
        return json.dumps(data, indent=2) + "\n"
    build: Callable = sheet_blocks if what == "sheet" else key_blocks
    blocks = build(problem_set, student)
    if form == "markdown":
        return markdown(blocks)
    suffix = "" if what == "sheet" else " (answer key)"
    return html(blocks, f"{problem_set.title}{suffix}: {student}")


def markdown(blocks: list[Block]) -> str:
    """The blocks as one Markdown document (math left as $LaTeX$, as the file wrote it)."""
    out = []
    for block in blocks:
        kind = block[0]
        if kind in ("h1", "h2", "h3"):
            out.append("#" * int(kind[1]) + " " + block[1])
        elif kind in ("p", "md"):
            out.append(block[1].strip())
        elif kind == "code":
            out.append(f"```\n{block[1]}\n```")
        elif kind == "list":
            out.append("\n".join(f"- {item}" for item in block[1]))
        elif kind == "mathlist":
            out.append("\n".join(f"- ${item}$" for item in block[1]))
        elif kind == "table":
            head, rows = block[1], block[2]
            lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
            lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
            out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"
