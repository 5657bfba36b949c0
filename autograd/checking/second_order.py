"""Claims about second derivatives: how a student writes one (``d2f/dx2``, ``d2f/dxdy``, also
with ² and ∂) and the true value it is checked against (`autograd.higher`: the gradient as
Values, differentiated again).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from autograd.higher import grad
from autograd.lang import Evaluation, nearest

__all__ = ["parse_second_derivative", "second_derivative_text", "second_derivative"]

_SECOND = re.compile(r"(?:d2|d²|∂2|∂²)(?P<out>[A-Za-z_][A-Za-z_0-9]*)/(?P<rest>.+)\Z")


def parse_second_derivative(left: str, output: str, inputs: Sequence[str]) -> tuple[str, str] | None:
    """The two inputs of a second-derivative claim's left side, or None when it is not one.

    ``d2f/dx2`` (also d²f/dx², ∂²f/∂x²) is ∂²f/∂x²; ``d2f/dxdy`` (also ``d2f/dx dy``,
    ∂²f/∂x∂y) is ∂²f/∂x∂y. ValueError for a second derivative that names no input, another
    output, or could be read two ways.
    """
    match = _SECOND.match(left.replace(" ", "").replace("∂", "d").replace("²", "2"))
    if not match:
        return None
    out, rest = match["out"], match["rest"]
    shape = f"d2{output}/dx2 or d2{output}/dxdy"
    if out != output:
        raise ValueError(f"claim {left!r}: a second derivative is written {shape} (the output is {output!r})")
    names = list(inputs)
    readings = set()
    for a in names:
        if rest == f"d{a}2":
            readings.add((a, a))
        for b in names:
            if rest == f"d{a}d{b}":
                readings.add((a, b))
    if len(readings) == 1:
        return readings.pop()
    if readings:
        shown = " or ".join(f"∂²{output}/∂{a}∂{b}" for a, b in sorted(readings))
        raise ValueError(f"claim {left!r} can be read as {shown}; write the names so only one reading fits")
    meant = nearest(rest.lstrip("d").rstrip("2"), names)
    hint = f"; did you mean d2{output}/d{meant}2?" if meant else ""
    raise ValueError(f"claim {left!r}: {shape} with x and y inputs of the program "
                     f"({', '.join(names)}){hint}")


def second_derivative_text(output: str, a: str, b: str) -> str:
    """How a second derivative is written in a claim: d2f/dx2, d2f/dxdy."""
    return f"d2{output}/d{a}2" if a == b else f"d2{output}/d{a}d{b}"


def second_derivative(evaluation: Evaluation, a: str, b: str) -> float:
    """∂²OUT/∂a∂b of an evaluated program (a, b: names of inputs)."""
    values = evaluation.values
    (first,) = grad(evaluation.root, [values[a]], create_graph=True)
    (second,) = grad(first, [values[b]])
    return second.data
