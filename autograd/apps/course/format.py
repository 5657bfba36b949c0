"""The problem-set file: a TOML document read into `ProblemSet`, with every field checked.

A set has a ``title``, a ``seed`` (a string or an integer) and ``[[problems]]``. A problem has
an ``id``, a Markdown ``statement`` whose ``{{name}}`` placeholders are filled with the
student's numbers, a ``program`` in the expression language (`autograd.lang`), its
``inputs`` and its ``[[problems.questions]]``. An input is a fixed number, a uniform range
``{ uniform = [LOW, HIGH], decimals = N }`` or a list to choose from ``{ choose = [...] }``.
A question asks for a quantity's ``value``, the ``gradient`` of the output, or the input after
one gradient-descent ``update`` w − η·∂OUT/∂w (with ``lr``), is worth ``points``, and is judged
by a ``tolerance`` rule: ``"written"`` (the precision the answer is written with), ``{ sig = N }``
(that, and at least N significant digits) or ``{ rtol = R, atol = A }``.

Every mistake in a file is one `SetError` naming the file, the line and the field:
``hw1.toml, line 14, field problems[2].questions[1].of: no quantity 'w3' in the program …``.
docs/problem-sets.md describes the format with a complete example.

The parts: the dataclasses in `autograd.apps.course.problems`, the field checks in
`autograd.apps.course.fields`, the line of a key in `autograd.apps.course.keylines`; this
module reads the file and the TOML.
"""

from __future__ import annotations

import re
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser, published as tomli
    import tomli as tomllib

from autograd.util.reading import InputError, read_text
from autograd.apps.course.fields import SetReader
from autograd.apps.course.keylines import field_name, key_lines
from autograd.apps.course.problems import (ASKS, MAX_SET_BYTES, PLACEHOLDER, InputRule, Problem, ProblemSet,
                                           Question, SetError, Tolerance, grid_size)

__all__ = ["SetError", "InputRule", "Tolerance", "Question", "Problem", "ProblemSet", "load", "loads",
           "ASKS", "PLACEHOLDER", "MAX_SET_BYTES", "grid_size", "key_lines", "field_name"]


def load(path: str | Path) -> ProblemSet:
    """Read and check a problem-set file; `SetError` (a ValueError) names file, line and field."""
    path = Path(path)
    try:
        text = read_text(path, MAX_SET_BYTES, "problem set")
    except InputError as error:
        raise SetError(error.path, error.reason) from None
    return loads(text, str(path))


def loads(text: str, source: str = "<set>") -> ProblemSet:
    """Read and check a problem set from TOML text; ``source`` names it in errors. A byte-order
    mark at the start (an editor on Windows saves one) is not part of the document."""
    text = text.removeprefix("\ufeff")
    try:
        data = tomllib.loads(text)
    except RecursionError:  # tomllib parses nested arrays and inline tables recursively
        raise SetError(source, "not valid TOML: arrays or inline tables nested too deeply") from None
    except tomllib.TOMLDecodeError as error:
        raise SetError(source, f"not valid TOML: {_without_place(error)}", _error_line(error, text)) from None
    return SetReader(text, source).problem_set(data)


_PLACE = re.compile(r"\s*\(at (line (\d+), column \d+|end of document)\)")


def _error_line(error: tomllib.TOMLDecodeError, text: str) -> int | None:
    """The line tomllib names: a field on Python 3.14, else in the message "(at line 3, column 5)"."""
    line = getattr(error, "lineno", None)
    found = _PLACE.search(str(error))
    if line is None and found:
        line = int(found.group(2)) if found.group(2) else text.count("\n") + 1  # "(at end of document)"
    return line


def _without_place(error: tomllib.TOMLDecodeError) -> str:
    """tomllib's message without its "(at line 3, column 5)": the line is said before it."""
    return _PLACE.sub("", str(error))
