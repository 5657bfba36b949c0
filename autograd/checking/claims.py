"""Claims: what a student says about a program, the truth it is about, and its verdict.

The grammar of a claim (``LEFT=NUMBER``) about a program whose output is OUT:

    NAME                          the value of a quantity
    dOUT/dNAME, ∂OUT/∂NAME,       the gradient of OUT with respect to a quantity
      dNAME, NAME.grad            (dNAME when that is not itself a quantity's name)
    NAME' or NAME_new             an input after one gradient-descent step, w − η·∂OUT/∂w
    d2OUT/dX2, d2OUT/dXdY         a second derivative with respect to inputs X, Y

The number is judged by the precision rule (`precision`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from autograd.explain import fmt
from autograd.checking.second_order import parse_second_derivative, second_derivative, second_derivative_text
from autograd.lang import nearest
from autograd.checking.precision import FLOAT_SLACK, rating, read_number, significant_digits, tolerance

if TYPE_CHECKING:
    from autograd.core import Value
    from autograd.checking.diagnosis import Diagnosis
    from autograd.lang import Evaluation

__all__ = ["Claim", "parse_claim", "true_value", "second_derivatives", "Verdict", "judge", "float_noise"]


@dataclass
class Claim:
    """One claimed answer: a quantity's value, the gradient of the output with respect to a
    quantity, or an input's value after one gradient-descent step (``w1'`` or ``w1_new``)."""

    text: str  # as typed, e.g. "dL/dw1=-0.0331"
    target: str  # the quantity's name ("x,y" for the second derivative ∂²OUT/∂x∂y)
    kind: str  # "value", "gradient", "update" or "second"
    claimed: float
    tolerance: float  # how far from the truth the claim may be and still be right
    significant: int | None = None  # significant digits written; None for an exact number
    lr: float | None = None  # the learning rate, for an update

    @property
    def gradient(self) -> bool:
        return self.kind == "gradient"

    @property
    def number(self) -> str:
        """The number as typed."""
        return self.text.split("=", 1)[1].strip()

    def quantity(self, output: str) -> str:
        """What the claim is about, as the report writes it: "dL/dw1", "h" or "w1'"."""
        if self.kind == "second":
            return second_derivative_text(output, *self.target.split(","))
        return {"gradient": f"d{output}/d{self.target}", "update": f"{self.target}'"}.get(self.kind, self.target)


def parse_claim(text: str, output: str, quantities: Iterable[str], rtol: float | None = None,
                lr: float | None = None, inputs: Iterable[str] | None = None) -> Claim:
    """Read ``NAME=NUMBER`` (a value), a gradient of the output (``dOUT/dNAME``, ``∂OUT/∂NAME``,
    ``dNAME`` when that is not itself a quantity's name, ``NAME.grad``) or an updated input
    (``NAME'`` or ``NAME_new``, which need ``lr``: w' = w − lr·∂OUT/∂w). ValueError otherwise."""
    names = set(quantities)
    if "=" not in text:
        raise ValueError(f"claim {text!r} is not NAME=NUMBER")
    left, number = (part.strip() for part in text.split("=", 1))
    left = left.replace("∂", "d").replace(" ", "")
    claimed = read_number(number, f"claim {text!r}")
    allowed = tolerance(number, claimed, rtol)
    pair = parse_second_derivative(left, output, list(inputs if inputs is not None else names))
    if pair is not None:  # d2OUT/dx2, d2OUT/dxdy: a second derivative, judged like any number
        return Claim(text, ",".join(pair), "second", claimed, allowed, significant_digits(number))
    input_names = list(inputs if inputs is not None else names)
    try:
        kind, target = _claim_target(left, output, names)
    except ValueError as error:
        meant = _meant(left, output, names, input_names)
        raise ValueError(f"{error}; did you mean {meant!r}?" if meant else str(error)) from None
    if target not in names:
        known = ", ".join(sorted(names))
        meant = _meant(left, output, names, input_names) or nearest(target, names)
        hint = f"; did you mean {meant!r}?" if meant else ""
        raise ValueError(f"claim {text!r}: no quantity named {target!r} (quantities: {known}){hint}")
    if kind == "update" and target == output and target not in input_names:
        raise ValueError(f"claim {text!r}: {left} reads as {target} after a gradient-descent step, but {target} is "
                         f"the output; its derivative is written d{output}/dNAME (e.g. d{output}/d{input_names[0]})"
                         if input_names else f"claim {text!r}: {target} is the output, not an input")
    if kind == "update":
        if lr is None:
            raise ValueError(f"claim {text!r}: an updated value {left} needs the learning rate: give --lr")
        if not lr > 0:
            raise ValueError(f"claim {text!r}: the learning rate must be above 0, got --lr {lr:g}")
        if inputs is not None and target not in set(inputs):
            raise ValueError(f"claim {text!r}: only an input is updated by gradient descent; {target!r} is computed")
    return Claim(text, target, kind, claimed, allowed, significant_digits(number), lr)


def _claim_target(left: str, output: str, names: set[str]) -> tuple[str, str]:
    """(kind, quantity) of a claim's left side, by the grammar in the module docstring."""
    if left in names:
        return "value", left
    if left.endswith(".grad"):
        return "gradient", left[: -len(".grad")]
    for suffix in ("'", "_new"):
        if left.endswith(suffix) and left[: -len(suffix)] in names:
            return "update", left[: -len(suffix)]
    if "/" in left:
        top, bottom = left.split("/", 1)
        if top != f"d{output}" or not bottom.startswith("d"):
            raise ValueError(f"claim {left!r}: a gradient is written d{output}/dNAME (the output is {output!r})")
        return "gradient", bottom[1:]
    if left.startswith("d") and len(left) > 1:
        return "gradient", left[1:]
    raise ValueError(f"claim {left!r}: not a quantity; write NAME, d{output}/dNAME, dNAME or NAME.grad")


def _meant(left: str, output: str, names: set[str], inputs: list[str]) -> str | None:
    """The claim a common other spelling of a derivative stands for: dfdx and df_dx for df/dx;
    f'' (one input) and d^2f/dx^2 for d2f/dx2 (the notation the grammar reads)."""
    for name in sorted(names, key=len, reverse=True):
        if left in (f"d{output}d{name}", f"d{output}_d{name}", f"d_{output}_d_{name}"):
            return f"d{output}/d{name}"
    if left == f"{output}''" and inputs:
        return f"d2{output}/d{inputs[0]}2"  # with more inputs, the first one's: the shape is what was missed
    if "^" in left:
        try:
            pair = parse_second_derivative(left.replace("^", ""), output, inputs)
        except ValueError:
            pair = None
        if pair is not None:
            return second_derivative_text(output, *pair)
    return None


def true_value(claim: Claim, values: dict[str, float], grads: dict[str, float]) -> float:
    """The value, the gradient, or the input after one step w − lr·∂OUT/∂w (``grads`` holds
    "x,y": ∂²OUT/∂x∂y for a second derivative, see `second_derivatives`)."""
    if claim.kind in ("gradient", "second"):
        return grads[claim.target]
    if claim.kind == "update":
        w, g = values[claim.target], grads[claim.target]
        updated = w - claim.lr * g
        if not math.isfinite(updated):
            # the message names neither g nor the result: with --hide it must not give the answer away
            raise OverflowError(f"claim {claim.text!r}: {claim.target} - η·∂/∂{claim.target} overflows a float "
                                f"with η = {fmt(claim.lr)}: the learning rate is too large")
        return updated
    return values[claim.target]


def second_derivatives(evaluation: Evaluation, claims: Iterable[Claim]) -> dict[str, float]:
    """{"x,y": ∂²OUT/∂x∂y} for every second-derivative claim (`true_value` reads them)."""
    return {c.target: second_derivative(evaluation, *c.target.split(",")) for c in claims if c.kind == "second"}


@dataclass
class Verdict:
    claim: Claim
    true_value: float
    verdict: str  # "right", "wrong" or "imprecise"
    diagnoses: list[Diagnosis] = field(default_factory=list)

    @property
    def right(self) -> bool:
        return self.verdict == "right"

    @property
    def difference(self) -> float:
        return self.claim.claimed - self.true_value


def judge(claim: Claim, values: dict[str, float], grads: dict[str, float], sig: int | None = None,
          noise: float = 0.0) -> Verdict:
    """The claim against its true value, by the precision rule (`precision.rating`; ``noise``
    is the truth's float noise, when known: see `float_noise`)."""
    truth = true_value(claim, values, grads)
    return Verdict(claim, truth, rating(claim.claimed, claim.tolerance, claim.significant, truth, sig, noise))


_SUMS = ("+", "-", "r-", "sum", "linear", "affine")


def float_noise(claim: Claim, node: Value, parts: list[float], lr: float | None = None) -> float:
    """The float noise of a claim's truth in absolute terms: FLOAT_SLACK times the largest number
    it was added up from (a sum's or difference's operands, a gradient's contributions ``parts``,
    an update's w and η·g). A truth that cancelled to within this of 0 may be claimed with either
    sign, or as 0."""
    if claim.kind == "value":
        # only a sum cancels: a product, a quotient or a function is off by rounding relative to itself
        terms = [child.data for child in node.children] if node.op in _SUMS else []
    elif claim.kind == "gradient":
        terms = parts
    elif claim.kind == "update":
        terms = [node.data, *(claim.lr * p for p in parts)]
    else:
        terms = []
    return FLOAT_SLACK * max((abs(t) for t in terms if math.isfinite(t)), default=0.0)
