"""Checks of an entry that need more than the standard library: its LaTeX is parsed by
latex2mathml (imported here, when a check runs, never when the core is imported)."""

from __future__ import annotations

import re

from autograd.core.ops.registry import Op

__all__ = ["latex_problems"]

# What each placeholder is replaced by, and how that argument reads in the MathML
_ARGUMENTS = {"a": (r"\alpha", "&#x003B1;"), "b": (r"\beta", "&#x003B2;")}


def _balanced(text: str) -> bool:
    depth = 0
    for char in re.sub(r"\\[{}]", "", text):  # \{ and \} are literal braces
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def latex_problems(op: Op) -> list[str]:
    """What is wrong with ``op.latex``, or []: each placeholder it needs ({a}, and {b} for two
    arguments) is there; with them filled in, the braces balance, latex2mathml parses it, every
    command is one it knows, and each argument appears in the MathML."""
    from latex2mathml.converter import convert

    names = list(_ARGUMENTS)[:op.arity]
    problems = [f"{op.name}: its latex {op.latex!r} lacks {{{name}}}"
                for name in names if "{" + name + "}" not in op.latex]
    filled = op.latex_of(*(_ARGUMENTS[name][0] for name in names))
    if not _balanced(filled):
        return problems + [f"{op.name}: unbalanced braces in {filled!r}"]
    try:
        mathml = convert(filled)
    except Exception as error:  # latex2mathml raises several types; any of them is the finding
        return problems + [f"{op.name}: latex2mathml cannot parse {filled!r}: {error}"]
    unknown = re.findall(r">(\\[A-Za-z]+)<", mathml)
    if unknown:
        problems.append(f"{op.name}: unknown LaTeX command {unknown[0]} in {filled!r}")
    problems += [f"{op.name}: the argument {{{name}}} is missing from the MathML of {filled!r}"
                 for name in names if _ARGUMENTS[name][1] not in mathml]
    return problems
