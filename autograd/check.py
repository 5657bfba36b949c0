"""Checking gradients: `backward()` against central finite differences, and claimed answers
(a student's homework) against the true values.

For a function f of inputs x₁..xₙ, the central difference

    ∂f/∂xᵢ ≈ (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h

has error O(h²), so with h ≈ 1e-6 · max(1, |xᵢ|) it agrees with an exact derivative to
about 1e-8 relative in float64, except where f is not smooth (relu at 0, |x| at 0, a tie
in max/min) — there a derivative is a convention, and no difference quotient can check it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from autograd.engine import Value, no_grad
from autograd.trace import Trace, chain_line

__all__ = [
    "numerical_grads", "analytic_grads", "gradcheck", "GradcheckError",
    "Claim", "Verdict", "parse_claim", "judge", "written_precision", "path_to", "reaching",
    "where_it_went_wrong",
]


class GradcheckError(AssertionError):
    """An analytic gradient disagrees with its finite-difference estimate."""


def numerical_grads(f: Callable[..., Value], xs: Sequence[float], h: float = 1e-6) -> list[float]:
    """Central-difference estimates of ∂f/∂xᵢ, with a step scaled to each |xᵢ|."""
    grads = []
    point = [float(x) for x in xs]
    with no_grad():
        for i, x in enumerate(point):
            step = h * max(1.0, abs(x))
            up = point[:i] + [x + step] + point[i + 1 :]
            down = point[:i] + [x - step] + point[i + 1 :]
            f_up = f(*[Value(v) for v in up]).data
            f_down = f(*[Value(v) for v in down]).data
            grads.append((f_up - f_down) / (2.0 * step))
    return grads


def analytic_grads(f: Callable[..., Value], xs: Sequence[float]) -> tuple[float, list[float]]:
    """f's value and ∂f/∂xᵢ from one `backward()` pass."""
    inputs = [Value(x, label=f"x{i}") for i, x in enumerate(xs)]
    out = f(*inputs)
    out.backward()
    return out.data, [v.grad for v in inputs]


def gradcheck(
    f: Callable[..., Value],
    xs: Sequence[float],
    rtol: float = 1e-5,
    atol: float = 1e-7,
    h: float = 1e-6,
) -> list[float]:
    """Raise `GradcheckError` naming the input when backward() and finite differences disagree.

    Returns the analytic gradients when all agree within ``atol + rtol·|numerical|``.
    """
    _, analytic = analytic_grads(f, xs)
    numerical = numerical_grads(f, xs, h)
    for i, (a, n) in enumerate(zip(analytic, numerical)):
        if not math.isclose(a, n, rel_tol=rtol, abs_tol=atol):
            raise GradcheckError(
                f"gradient of input {i} (x{i} = {xs[i]!r}): backward() gives {a!r}, "
                f"central differences give {n!r} (difference {a - n:.3g})"
            )
    return analytic


# ------------------------------------------------------------------ checking claimed answers


@dataclass
class Claim:
    """One claimed answer: a quantity's value, or the gradient of the output with respect to one."""

    text: str  # as typed, e.g. "dL/dw1=-0.0331"
    target: str  # the quantity's name
    gradient: bool  # True for ∂output/∂target, False for target's value
    claimed: float
    tolerance: float  # how far from the truth the claim may be and still be right


@dataclass
class Verdict:
    claim: Claim
    true_value: float
    right: bool

    @property
    def difference(self) -> float:
        return self.claim.claimed - self.true_value


def written_precision(number: str) -> float:
    """Half a unit in the last written digit: "-0.0331" → 0.00005, "3.5e-5" → 5e-7, "2" → 0.5."""
    exponent = Decimal(number.strip()).as_tuple().exponent
    return 0.5 * 10.0 ** exponent


def parse_claim(text: str, output: str, quantities: Iterable[str], rtol: float | None = None) -> Claim:
    """``NAME=NUMBER``, ``dOUT/dNAME=NUMBER`` or ``dNAME=NUMBER`` (when dNAME is not a quantity)."""
    names = set(quantities)
    if "=" not in text:
        raise ValueError(f"claim {text!r} is not NAME=NUMBER")
    left, number = (part.strip() for part in text.split("=", 1))
    try:
        claimed = float(number)
        tolerance = written_precision(number)
    except (ValueError, InvalidOperation):
        raise ValueError(f"claim {text!r}: {number!r} is not a number") from None
    if not math.isfinite(claimed):
        raise ValueError(f"claim {text!r}: {number!r} is not a finite number")
    if rtol is not None:
        tolerance = rtol * abs(claimed)
    gradient, target = _claim_target(left, output, names)
    if target not in names:
        known = ", ".join(sorted(names))
        raise ValueError(f"claim {text!r}: no quantity named {target!r} (quantities: {known})")
    return Claim(text, target, gradient, claimed, tolerance)


def _claim_target(left: str, output: str, names: set[str]) -> tuple[bool, str]:
    if left in names:
        return False, left
    if "/" in left:
        top, bottom = left.split("/", 1)
        if top != f"d{output}" or not bottom.startswith("d"):
            raise ValueError(f"claim {left!r}: a gradient is written d{output}/dNAME (the output is {output!r})")
        return True, bottom[1:]
    if left.startswith("d") and len(left) > 1:
        return True, left[1:]
    raise ValueError(f"claim {left!r}: not a quantity; write NAME, d{output}/dNAME or dNAME")


def judge(claim: Claim, values: dict[str, float], grads: dict[str, float]) -> Verdict:
    """Right when the claim is within its tolerance of the true value (a hair of float slack)."""
    truth = grads[claim.target] if claim.gradient else values[claim.target]
    slack = 1e-12 * max(1.0, abs(truth))
    return Verdict(claim, truth, abs(claim.claimed - truth) <= claim.tolerance + slack)


# ------------------------------------------------------------------ explaining wrong gradients


def path_to(record: Trace, target: str) -> list[str]:
    """The chain-rule lines on every path from the output down to ``target``."""
    reaches = reaching(record, target)
    lines = []
    for step in record.backward:
        if step.node in reaches:
            for c in step.contributions:
                if c.child in reaches:
                    lines.append(chain_line(record.output, step, c))
    return lines or [f"{target} is the output: d{record.output}/d{target} = 1"]


def reaching(record: Trace, target: str) -> set[str]:
    """The names on some path from the output down to ``target`` (target included)."""
    reaches = {target}
    for step in record.backward[::-1]:  # children before parents
        if any(c.child in reaches for c in step.contributions):
            reaches.add(step.node)
    return reaches


def where_it_went_wrong(record: Trace, verdicts: list[Verdict]) -> list[str]:
    """For each wrong gradient that no other wrong gradient feeds, the last right one above it."""
    out = record.output
    gradients = [v for v in verdicts if v.claim.gradient]
    wrong = {v.claim.target for v in gradients if not v.right}
    right = {v.claim.target for v in gradients if v.right}
    position: dict[str, int] = {}  # each name's first appearance in backward order
    for step in record.backward:
        for name in (step.node, *(c.child for c in step.contributions)):
            position.setdefault(name, len(position))
    lines = []
    for target in sorted(wrong, key=lambda name: position.get(name, 0)):
        above = reaching(record, target) - {target}
        if above & wrong:
            continue  # it inherits an earlier mistake
        right_above = sorted(above & right, key=lambda name: position.get(name, 0))
        if right_above:
            lines.append(f"where the chain went wrong: d{out}/d{right_above[-1]} is right but d{out}/d{target} "
                         "is wrong, so the mistake is in the steps between them")
        else:
            lines.append(f"where the chain went wrong: d{out}/d{target} is the first wrong gradient on its path "
                         f"from {out}; check the steps above it")
    return lines
