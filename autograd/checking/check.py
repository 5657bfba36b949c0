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
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from itertools import combinations

from autograd.core import Value, no_grad, topological_order
from autograd.lang import MAX_NUMBER_LENGTH, evaluate_tree, is_name, nearest, number_value, parse_expression
from autograd.core import OPS
from autograd.lang import notation
from autograd.explain import Names, Trace, chain_line, fmt, name_nodes, wrap
from autograd.checking.second_order import parse_second_derivative, second_derivative, second_derivative_text

__all__ = [
    "numerical_grads", "analytic_grads", "gradcheck", "GradcheckError",
    "FLOAT_SLACK", "written_precision", "significant_digits", "agrees", "read_number",
    "Claim", "Verdict", "Diagnosis", "parse_claim", "true_value", "judge",
    "Mistake", "MISTAKES", "Diagnoser", "Report", "check_claims", "CHECK_HELP",
    "path_to", "reaching", "where_it_went_wrong",
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


# ------------------------------------------------------------------ the precision rule
#
# THE rule for judging a written number, used by every verdict and every diagnosis here
# (and by the worked example's check of published figures):
#
# - a decimal ("-0.0331", "3.5e-5", "2.0") means the truth rounded to the digits written:
#   it is right within half a unit of its last digit (±0.00005, ±5e-7, ±0.05);
# - an integer ("2", "-4") or a fraction ("1/4", "-3/8") is exact: right only within float
#   rounding, FLOAT_SLACK relative (absolute below 1);
# - `--rtol R` replaces both by R·|claim|;
# - `--sig N`: a claim that agrees at its precision but has fewer than N significant digits
#   is "imprecise" (too imprecise to judge). A claim that disagrees at its own precision is
#   wrong whatever its digits: every more precise number that rounds to it disagrees too.

FLOAT_SLACK = 1e-12

_INTEGER = re.compile(r"[+-]?[0-9]+\Z")
_FRACTION = re.compile(r"([+-]?[0-9]+)/([0-9]+)\Z")


def written_precision(number: str) -> float:
    """How far from the truth a written number may be: half a unit in its last written digit
    for a decimal ("-0.0331" → 0.00005, "3.5e-5" → 5e-7), 0 for an integer or a fraction."""
    text = _normal(number)
    if _INTEGER.match(text) or _FRACTION.match(text):
        return 0.0
    exponent = Decimal(text).as_tuple().exponent
    return 0.5 * 10.0 ** exponent


def significant_digits(number: str) -> int | None:
    """Digits from the first non-zero one to the last written ("0.03310" → 4, "0.0" → 0);
    None for an exact number (an integer or a fraction), which has as many as anyone wants."""
    text = _normal(number)
    if _INTEGER.match(text) or _FRACTION.match(text):
        return None
    digits = "".join(str(d) for d in Decimal(text).as_tuple().digits).lstrip("0")
    return len(digits)


def agrees(claimed: float, tolerance: float, truth: float) -> bool:
    """The claim is within its tolerance of ``truth``, plus float slack (1e-12 relative,
    absolute below 1: rounding in the forward and backward passes is not the student's).
    Nothing agrees with an infinite or nan truth (every number is within inf of it)."""
    if not math.isfinite(truth):
        return False
    return abs(claimed - truth) <= tolerance + FLOAT_SLACK * max(1.0, abs(truth))


def read_number(text: str, what: str) -> float:
    """A claimed number: a decimal (`expr.number_value`: ASCII digits, '−' accepted) or a
    fraction of integers such as "-3/8". nan, inf and numbers beyond a float are bad input."""
    written = _normal(text)
    fraction = _FRACTION.match(written)
    if not fraction or len(written) > MAX_NUMBER_LENGTH:
        return number_value(written, what)
    top, bottom = (int(part) for part in fraction.groups())
    if bottom == 0:
        raise ValueError(f"{what}: {text!r} divides by zero")
    try:
        value = float(Fraction(top, bottom))
    except OverflowError:
        value = math.inf
    if math.isinf(value) or (value == 0.0 and top != 0):
        raise ValueError(f"{what}: {text!r} is not a finite number (it is beyond the range of a float)")
    return value


def _normal(number: str) -> str:
    return number.strip().replace("\u2212", "-")


# ------------------------------------------------------------------ claims


@dataclass
class Claim:
    """One claimed answer: a quantity's value, the gradient of the output with respect to a
    quantity, or an input's value after one gradient-descent step (``w1'`` or ``w1_new``)."""

    text: str  # as typed, e.g. "dL/dw1=-0.0331"
    target: str  # the quantity's name
    kind: str  # "value", "gradient" or "update"
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
        if self.kind == "second":  # target "x,y": ∂²OUT/∂x∂y (autograd.higher)
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
    tolerance = written_precision(number)
    if rtol is not None:
        tolerance = rtol * abs(claimed)
    pair = parse_second_derivative(left, output, list(inputs if inputs is not None else names))
    if pair is not None:  # d2OUT/dx2, d2OUT/dxdy: a second derivative, judged like any number
        return Claim(text, ",".join(pair), "second", claimed, tolerance, significant_digits(number))
    kind, target = _claim_target(left, output, names)
    if target not in names:
        known = ", ".join(sorted(names))
        meant = nearest(target, names)
        hint = f"; did you mean {meant!r}?" if meant else ""
        raise ValueError(f"claim {text!r}: no quantity named {target!r} (quantities: {known}){hint}")
    if kind == "update":
        if lr is None:
            raise ValueError(f"claim {text!r}: an updated value {left} needs the learning rate: give --lr")
        if not lr > 0:
            raise ValueError(f"claim {text!r}: the learning rate must be above 0, got --lr {lr:g}")
        if inputs is not None and target not in set(inputs):
            raise ValueError(f"claim {text!r}: only an input is updated by gradient descent; {target!r} is computed")
    return Claim(text, target, kind, claimed, tolerance, significant_digits(number), lr)


def _claim_target(left: str, output: str, names: set[str]) -> tuple[str, str]:
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


@dataclass
class Diagnosis:
    code: str  # one of MISTAKES
    text: str  # "your answer is what you get if you …", then a small example


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


def true_value(claim: Claim, values: dict[str, float], grads: dict[str, float]) -> float:
    """The value, the gradient, or the input after one step w − lr·∂OUT/∂w."""
    if claim.kind in ("gradient", "second"):  # grads holds "x,y": ∂²OUT/∂x∂y for second claims
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


def judge(claim: Claim, values: dict[str, float], grads: dict[str, float], sig: int | None = None) -> Verdict:
    """Right when the claim agrees with the truth at its precision (`agrees`); wrong when it
    does not; imprecise when it agrees but has fewer than ``sig`` significant digits."""
    truth = true_value(claim, values, grads)
    if not agrees(claim.claimed, claim.tolerance, truth):
        return Verdict(claim, truth, "wrong")
    if sig is not None and claim.significant is not None and claim.significant < sig:
        return Verdict(claim, truth, "imprecise")
    return Verdict(claim, truth, "right")


# ------------------------------------------------------------------ diagnosing mistakes
#
# A wrong answer is recomputed under each classic mistake. Every mistake is written once, as a
# change to the real graph's backward pass: a local derivative replaced (`_Chain.gradient`'s
# ``local``), contributions overwritten instead of added, or paths left out of the sum. A
# mistake is reported when its result agrees with the claim at the claim's precision (`agrees`)
# and the truth does not; a right or imprecise answer is never diagnosed.


@dataclass(frozen=True)
class Mistake:
    code: str
    what: str  # the mistake in general, for --help and the README
    example: str  # the smallest example that shows why it is wrong


MISTAKES = {m.code: m for m in (
    Mistake("missed-path", "leaving out a path from the output to a quantity used more than once",
            "For example, in f = x*x at x = 3, x is used twice, so df/dx = 3 + 3 = 6; 3 misses a path."),
    Mistake("overwrote", "setting a gradient (=) where contributions must be added (+=)",
            "For example, in f = x*x at x = 3, backward passes 3 to x along each use: df/dx = 3 + 3 = 6, "
            "and overwriting keeps only the last 3."),
    Mistake("sign", "a sign error: the whole answer, or the minus of one subtraction, negation or cos",
            "For example, in f = 5 - x, df/dx = -1, not 1."),
    Mistake("dropped-local", "leaving one local derivative out of the chain-rule product",
            "For example, in f = sin(x*y) at x = 0, y = 2, df/dx = cos(x·y)·y = 2, not cos(x·y) = 1: "
            "the inner derivative y belongs to the chain."),
    Mistake("activation-at-input", "taking sigmoid′ or tanh′ at the wrong place (z(1 − z) for σ(z)(1 − σ(z)))",
            "For example, in h = sigmoid(z) at z = 1, h = 0.7311 and dh/dz = h·(1 - h) = 0.1966; "
            "z·(1 - z) = 0 puts z where h belongs."),
    Mistake("dropped-constant", "dropping a constant factor (the ½ or the 2 of a squared loss)",
            "For example, in L = 0.5*(y - yhat)**2, dL/dyhat = 0.5·2·(y - yhat)·(-1) = -(y - yhat); "
            "dropping the 0.5 doubles the answer, dropping the 2 halves it."),
    Mistake("quotient-rule", "the quotient rule's sign or denominator wrong",
            "For example, in f = 1/x at x = 2, df/dx = -1/x² = -1/4, not 1/4 (the sign) or -1/2 (the denominator)."),
    Mistake("update-sign", "adding η·gradient to a weight instead of subtracting it",
            "For example, with w = 0.3, η = 0.01 and dL/dw = -0.2, gradient descent gives w - η·dL/dw = 0.302, "
            "not 0.298."),
    Mistake("update-lr", "leaving the learning rate η out of the update",
            "For example, with w = 0.3, η = 0.01 and dL/dw = -0.2, the step is η·dL/dw = -0.002 and the new w "
            "is 0.302, not 0.5."),
)}

# Enumerating subsets of paths is exponential: with at most this many paths from the output to a
# quantity every proper subset is tried (at most 2**12 - 2 sums); with more, only one use at a
# time is left out.
MAX_PATHS = 12
# Each candidate recomputes the backward pass over the nodes between the output and the quantity;
# beyond this many of them only the whole-answer mistakes are tried, to keep a check instant.
MAX_DIAGNOSED_NODES = 400
MAX_CLAIMS = 100  # per command: a wrong claim on the longest programs costs up to ~40 ms and 1 MB to
                  # diagnose and explain (5,000 claims took 90 s and 5 GB)

_SIGN_OPS = ("-", "r-", "neg", "cos")  # operations whose local derivative carries a minus sign
# activations whose derivative textbooks write over their output (σ' = s(1 - s)), from the table
_ACTIVATIONS = tuple(op.name for op in OPS.values() if op.output_derivative)

Variant = tuple[str, str, float]  # (code, what was done, the answer it gives)


class _Chain:
    """The part of a graph between the output (``root``) and one ``target`` node: the nodes on
    some path from one to the other, children before parents, with their display names."""

    def __init__(self, root: Value, target: Value, order: list[Value], names: Names, constants: set) -> None:
        reach = {target}
        for node in order:  # children before parents: a node reaches target through a child
            if any(child in reach for child in node.children):
                reach.add(node)
        self.root, self.target, self.names, self.constants = root, target, names, constants
        self.order = [node for node in order if node in reach] if root in reach else []
        self.reach = reach
        self.edges = [(node, i, child, d) for node in self.order
                      for i, (child, d) in enumerate(zip(node.children, node.local_grads)) if child in reach]

    def gradient(self, local: dict | None = None, overwrite: bool = False) -> float:
        """∂root/∂target by the chain rule, child.grad += local · node.grad in backward's order,
        with ``local[(node, i)]`` in place of node's i-th local derivative, and with ``=`` in
        place of ``+=`` when ``overwrite``."""
        if not self.order:
            return 0.0
        grads = {self.root: 1.0}
        for node in reversed(self.order):
            g = grads.get(node, 0.0)
            for i, (child, d) in enumerate(zip(node.children, node.local_grads)):
                if child not in self.reach:
                    continue
                if local:
                    d = local.get((node, i), d)
                grads[child] = d * g if overwrite else grads.get(child, 0.0) + d * g
        return grads.get(self.target, 0.0)

    def paths(self) -> list[tuple[list[Value], float]] | None:
        """Every path from root to target with its product of local derivatives; None when
        there are more than MAX_PATHS (counted first, without walking them)."""
        count = {self.root: 1}
        for node in reversed(self.order):
            for child in node.children:
                if child in self.reach:
                    count[child] = count.get(child, 0) + count.get(node, 0)
        if not self.order or count.get(self.target, 0) > MAX_PATHS:
            return None
        found, stack = [], [(self.root, [self.root], 1.0)]
        while stack:
            node, path, product = stack.pop()
            if node is self.target:
                found.append((path, product))
                continue
            for child, d in zip(node.children, node.local_grads):
                if child in self.reach:
                    stack.append((child, path + [child], product * d))
        return found[::-1]

    def name(self, node: Value) -> str:
        """How the node is shown, parenthesised when it is a formula: 'h', '(y - yhat)'."""
        return wrap(self.names.shown[node])

    def local_text(self, node: Value, i: int, d: float) -> str:
        """'∂h/∂z = sigmoid(z) * (1 - sigmoid(z)) = 0.1966': the local derivative of the i-th edge."""
        kids = [self.names.trees[child] for child in node.children]
        shown = notation.text(notation.derivative_tree(node, i, kids))
        number = fmt(d, 4)
        text = f"∂{self.name(node)}/∂{self.name(node.children[i])} = {shown}"
        return text if shown == number else f"{text} = {number}"

    def formula(self, node: Value) -> str:
        """'f = log(x) / x', or the formula alone for an unnamed node."""
        kids = [self.names.trees[child] for child in node.children]
        written = notation.text(notation.formula_tree(node, kids))
        shown = self.names.shown[node]
        return written if shown == written else f"{shown} = {written}"

    def path_text(self, path: list[Value]) -> str:
        """'E → out_o2 → net_o2 → out_h1 → net_h1 → w1': a long path by its named quantities."""
        shown = [self.names.shown[n] for n in path]
        if len(shown) > 5:
            # the ends, and the quantities the program names (not formulas)
            named = [name for k, name in enumerate(shown) if k in (0, len(shown) - 1) or is_name(name)]
            shown = named if len(named) >= 3 else shown
        if len(shown) > 8:
            shown = shown[:3] + ["…"] + shown[-3:]
        return " → ".join(shown)


def gradient_variants(chain: _Chain, whole_sign: bool = True) -> Iterator[Variant]:
    """∂root/∂target under each classic mistake, in the order they are reported."""
    if len(chain.order) > MAX_DIAGNOSED_NODES:
        if whole_sign:
            yield "sign", "flip the sign of the whole answer", -chain.gradient()
        return
    yield from _missed_paths(chain)
    yield from _overwrote(chain)
    yield from _sign_slips(chain, whole_sign)
    yield from _dropped_locals(chain)
    yield from _activations_at_input(chain)
    yield from _dropped_constants(chain)
    yield from _quotient_rules(chain)


def _missed_paths(chain: _Chain) -> Iterator[Variant]:
    out, target = chain.name(chain.root), chain.name(chain.target)
    paths = chain.paths()
    if paths is None:  # too many paths to try subsets: leave out one use of a value at a time
        parents: dict[Value, int] = {}
        for _, _, child, _ in chain.edges:
            parents[child] = parents.get(child, 0) + 1
        for node, i, child, _ in chain.edges:
            if parents[child] > 1:
                yield ("missed-path", f"leave out the path through {chain.name(node)} → {chain.name(child)} "
                       f"({chain.name(child)} is used {parents[child]} times)", chain.gradient({(node, i): 0.0}))
        return
    n = len(paths)
    for missed_count in range(1, n):  # fewest missed paths first
        for missed in combinations(range(n), missed_count):
            kept = math.fsum(product for k, (_, product) in enumerate(paths) if k not in missed)
            left_out = "; ".join(f"{chain.path_text(paths[k][0])} (product {fmt(paths[k][1], 4)})" for k in missed)
            plural = "s" if missed_count > 1 else ""
            yield ("missed-path", f"leave out the path{plural} {left_out} ({missed_count} of the {n} paths from "
                   f"{out} to {target}: ∂{out}/∂{target} adds up every path)", kept)


def _overwrote(chain: _Chain) -> Iterator[Variant]:
    children = [child for _, _, child, _ in chain.edges]
    if len(children) != len(set(children)):  # only a value used more than once can be overwritten
        yield ("overwrote", "set each gradient with = instead of adding with +=, so that only the last path "
               "backward visits counts", chain.gradient(overwrite=True))


def _sign_slips(chain: _Chain, whole_sign: bool) -> Iterator[Variant]:
    for node, i, child, d in chain.edges:
        if node.op in _SIGN_OPS and (d < 0 or node.op in ("neg", "cos")):
            yield ("sign", f"drop the minus sign of {chain.local_text(node, i, d)}",
                   chain.gradient({(node, i): -d}))
    if whole_sign:
        yield "sign", "flip the sign of the whole answer", -chain.gradient()


def _dropped_locals(chain: _Chain) -> Iterator[Variant]:
    for node, i, child, d in chain.edges:
        factor = _constant_factor(chain, node, i)
        # 1 changes nothing; -1 is a sign slip; a bare constant factor is dropped-constant's
        if d not in (1.0, -1.0) and not (factor and factor[1] == 1.0):
            yield ("dropped-local", f"leave the local derivative {chain.local_text(node, i, d)} out of the "
                   "chain (as if it were 1)", chain.gradient({(node, i): 1.0}))


def _activations_at_input(chain: _Chain) -> Iterator[Variant]:
    edges = [(node, i, child) for node, i, child, _ in chain.edges if node.op in _ACTIVATIONS]
    flavours = [
        ("input", "the formula with the pre-activation {z} = {zv} put in for the output {s} = {sv}: {wrong} "
                  "instead of {right}"),
        ("again", "the activation applied again to the output {s} = {sv}: {wrong} instead of {right}"),
    ]
    for flavour, sentence in flavours:
        wrongs = {}
        for node, i, child in edges:
            wrongs[(node, i)] = _activation_slope(node.op, child.data, node.data, flavour)
            z, s = chain.name(child), chain.name(node)
            right, wrong = _activation_formulas(node.op, z, s, flavour)
            text = sentence.format(z=z, zv=fmt(child.data, 4), s=s, sv=fmt(node.data, 4), wrong=wrong, right=right)
            yield ("activation-at-input", f"take the derivative of {chain.formula(node)} from {text}",
                   chain.gradient({(node, i): wrongs[(node, i)]}))
        if len(wrongs) > 1:  # the same slip at every activation
            how = "its pre-activation" if flavour == "input" else "the activation applied again to its output"
            yield ("activation-at-input", f"take every activation's derivative from {how}", chain.gradient(wrongs))


def _activation_slope(op: str, z: float, s: float, flavour: str) -> float:
    """The activation's output-form derivative (the table's) with the wrong number put in for the
    output: the pre-activation z, or the activation applied again to its output s."""
    wrong_output = z if flavour == "input" else OPS[op].forward(s)[0]
    with no_grad():
        return evaluate_tree(_output_form(op), {"y": Value(wrong_output)}).data


def _activation_formulas(op: str, z: str, s: str, flavour: str) -> tuple[str, str]:
    """(the right output-form derivative over s, the wrong one over z or op(s)), as text."""
    def written(output: str) -> str:
        return notation.text(notation.substitute_names(_output_form(op), {"y": parse_expression(output)}))

    return written(s), written(z if flavour == "input" else f"{op}({s})")


def _output_form(op: str):
    return parse_expression(OPS[op].output_derivative)


def _constant_factor(chain: _Chain, node: Value, i: int) -> tuple[float, float, str] | None:
    """For an edge whose local derivative carries a constant factor c: (c, the local derivative
    without it, how to say so); None for any other edge."""
    kids = node.children
    d = node.local_grads[i]

    def constant_operand(position: int) -> float | None:
        if node.constant is not None and len(kids) == 1:
            return node.constant
        if len(kids) == 2 and kids[position] in chain.constants and kids[1 - position] not in chain.constants:
            return kids[position].data
        return None

    c = None
    if node.op == "*":
        c = constant_operand(1 - i)
        found = c, (d / c if c else None), f"drop the constant factor {fmt(c or 0)} of {chain.name(node)}"
    elif node.op == "/" and i == 0:
        c = constant_operand(1)
        found = c, (d * c if c else None), f"drop the division by {fmt(c or 0)} in {chain.name(node)}"
    elif node.op == "r/":
        c = node.constant
        found = c, (d / c if c else None), f"drop the constant factor {fmt(c or 0)} of {chain.name(node)}"
    elif node.op == "**" and i == 0:
        c = constant_operand(1)
        found = c, (d / c if c else None), (f"drop the factor {fmt(c or 0)} that the power rule brings down "
                                            f"from {chain.name(node)}")
    if c is None or c in (0.0, 1.0, -1.0):
        return None
    return found


def _dropped_constants(chain: _Chain) -> Iterator[Variant]:
    for node, i, _, _ in chain.edges:
        factor = _constant_factor(chain, node, i)
        if factor:
            _, without, text = factor
            yield "dropped-constant", text, chain.gradient({(node, i): without})


def _quotient_rules(chain: _Chain) -> Iterator[Variant]:
    for node in chain.order:
        kids, d = node.children, node.local_grads
        if node.op == "r/":  # c / x: the one child is the denominator
            den = 0
        elif node.op == "/" and len(kids) == 2 and kids[1] not in chain.constants:
            den = 1
        else:  # x / c divides by a constant: no quotient rule there
            continue
        b = kids[den].data
        where = chain.formula(node)
        yield ("quotient-rule", f"take the derivative of {where} with respect to its denominator as +a/b² "
               "instead of -a/b²", chain.gradient({(node, den): -d[den]}))
        yield ("quotient-rule", f"divide by b instead of b² in the derivative of {where} with respect to its "
               "denominator (-a/b instead of -a/b²)", chain.gradient({(node, den): d[den] * b}))
        if len(kids) == 2:
            yield ("quotient-rule", f"swap the two terms of the quotient rule in {where} ((u·v′ - u′·v)/v² instead "
                   "of (u′·v - u·v′)/v²)", chain.gradient({(node, 0): -d[0], (node, 1): -d[1]}))
            yield ("quotient-rule", f"divide by v instead of v² in the quotient rule for {where}",
                   chain.gradient({(node, 0): d[0] * b, (node, 1): d[1] * b}))


def update_variants(chain: _Chain, weight: float, lr: float) -> Iterator[Variant]:
    """The weight after one step, w − η·g, under each mistake in the step or in g."""
    g = chain.gradient()
    w, grad = chain.name(chain.target), f"∂{chain.name(chain.root)}/∂{chain.name(chain.target)}"
    shown_w, shown_g = fmt(weight, 6), f"({fmt(g, 4)})"
    yield ("update-sign", f"add η·{grad} to {w} instead of subtracting it: {shown_w} + {fmt(lr)}·{shown_g} = "
           f"{fmt(weight + lr * g, 6)}", weight + lr * g)
    yield ("update-lr", f"leave out the learning rate η = {fmt(lr)}: {shown_w} - {shown_g} = {fmt(weight - g, 6)}",
           weight - g)
    both = f"add {grad} to {w} without the learning rate: {shown_w} + {shown_g} = {fmt(weight + g, 6)}"
    yield "update-sign", both, weight + g
    yield "update-lr", both, weight + g
    for code, what, wrong_g in gradient_variants(chain, whole_sign=False):
        if not agrees(wrong_g, 0.0, -g):  # a gradient of the wrong sign is update-sign's answer
            yield code, f"take the step with the gradient that comes out if you {what}", weight - lr * wrong_g


class Diagnoser:
    """Diagnoses wrong claims about one evaluated graph (its order and names are found once)."""

    def __init__(self, root: Value, constants: Iterable[Value] = ()) -> None:
        self.root = root
        self.order = topological_order(root)
        self.constants = set(constants)
        self.names = name_nodes(self.order, self.constants)

    def diagnose(self, claim: Claim, node: Value, truth: float) -> list[Diagnosis]:
        """Every mistake whose answer agrees with the claim at its precision while the truth
        does not: one diagnosis per code, the first (most specific) way found."""
        if claim.kind == "value" or agrees(claim.claimed, claim.tolerance, truth) or node is self.root:
            return []
        chain = _Chain(self.root, node, self.order, self.names, self.constants)
        if not chain.order:  # the output does not depend on it: no chain in which to make a mistake
            return []
        if claim.kind == "update":
            variants = update_variants(chain, node.data, claim.lr)
        else:
            variants = gradient_variants(chain)
        found: dict[str, Diagnosis] = {}
        for code, what, value in variants:
            if code in found or not math.isfinite(value) or agrees(value, 0.0, truth):
                continue
            if agrees(claim.claimed, claim.tolerance, value):
                found[code] = Diagnosis(code, f"your answer is what you get if you {what}. {MISTAKES[code].example}")
        return list(found.values())


# ------------------------------------------------------------------ the report

CHECK_HELP = """\
Check homework answers. Each --claim is NAME=NUMBER about the program's output OUT:
  NAME=...                         the value of a quantity
  dOUT/dNAME=... (∂OUT/∂NAME, dNAME, NAME.grad)   the gradient of OUT with respect to NAME
  NAME'=... or NAME_new=...        an input after one gradient-descent step, w - η·dOUT/dw (needs --lr)
  d2OUT/dX2=..., d2OUT/dXdY=...    a second derivative with respect to inputs X, Y (∂²OUT/∂X∂Y too)
A number may be a decimal, an integer or a fraction (1/4, -3/8); '−' reads as '-'.

The precision rule: a decimal is judged at the precision it is written with (-0.0331 means
±0.00005, 3.5e-5 means ±5e-7); an integer or a fraction is exact (up to float rounding, 1e-12
relative). --rtol R judges every claim within R·|claim| instead. With --sig N, a claim that
agrees but has fewer than N significant digits is 'imprecise' (too imprecise to judge); a claim
that disagrees at its own precision is wrong whatever its digits.

A wrong gradient or update gets its chain-rule steps and a diagnosis for each classic mistake
that gives the claimed answer (at its precision): missed-path, overwrote, sign, dropped-local,
activation-at-input, dropped-constant, quotient-rule, update-sign, update-lr. A right or
imprecise claim is never diagnosed.
--json prints {"claims": [{claim, quantity, kind, claimed, verdict, tolerance, significant_digits,
true, diagnoses: [{code, text}], chain: [lines]}], right, wrong, imprecise, notes, exit_status};
--hide leaves out true values, diagnoses and steps.
Exit status: 0 all right; 1 some wrong or imprecise; 2 bad input (nan, inf, a number beyond a
float, an unknown quantity).

examples:
  autograd check "z = w1*x; h = sigmoid(z); yhat = w2*h; L = 0.5*(y - yhat)**2" \\
      --at x=2 w1=0.5 w2=0.3 y=0.5 --claim L=0.0405 dL/dw2=-0.1473 dw1=-0.0652
  autograd check "f = log(x)/x" --at x=2 --claim df/dx=1/4
  autograd check "f = x**2 * y" --at x=3 y=2 --claim ∂f/∂x=12 y.grad=9 --sig 2 --json
  autograd check "L = (w*x - 1)**2" --at w=0.5 x=2 --lr 0.1 --claim "w'=0.5"
"""


@dataclass
class Report:
    """The verdicts on a set of claims, as text lines or as the JSON `check --json` prints."""

    output: str
    verdicts: list[Verdict]
    chains: list[list[str]]  # per claim, the chain-rule lines to its quantity ([] for a value)
    notes: list[str]  # where the chain went wrong
    hide: bool = False
    sig: int | None = None

    @property
    def exit_status(self) -> int:
        """0 when every claim is right; 1 when one is wrong or imprecise (not yet right)."""
        return 0 if all(v.right for v in self.verdicts) else 1

    def to_json(self) -> dict:
        claims = []
        for verdict, chain in zip(self.verdicts, self.chains):
            claim = verdict.claim
            item = {"claim": claim.text, "quantity": claim.quantity(self.output), "kind": claim.kind,
                    "claimed": claim.claimed, "verdict": verdict.verdict, "tolerance": claim.tolerance,
                    "significant_digits": claim.significant}
            if not self.hide:
                item["true"] = verdict.true_value
            item["diagnoses"] = [] if self.hide else [{"code": d.code, "text": d.text} for d in verdict.diagnoses]
            item["chain"] = [] if self.hide else chain
            claims.append(item)
        counts = {name: sum(v.verdict == name for v in self.verdicts) for name in ("right", "wrong", "imprecise")}
        return {"output": self.output, "claims": claims, **counts,
                "notes": [] if self.hide else self.notes, "exit_status": self.exit_status}

    def lines(self) -> list[str]:
        lines = []
        for verdict, chain in zip(self.verdicts, self.chains):
            lines += self._claim_lines(verdict, chain)
        counts = [f"{sum(v.right for v in self.verdicts)} of {len(self.verdicts)} right"]
        imprecise = sum(v.verdict == "imprecise" for v in self.verdicts)
        if imprecise:
            counts.append(f"{imprecise} too imprecise to judge (fewer than {self.sig} significant digits)")
        lines += ["", "; ".join(counts)]
        if not self.hide:
            lines += self.notes
        return lines

    def _claim_lines(self, verdict: Verdict, chain: list[str]) -> list[str]:
        claim = verdict.claim
        head = f"{verdict.verdict}: {claim.quantity(self.output)} = {claim.number}"
        if self.hide:
            return [head]
        true = fmt(verdict.true_value, 10)
        precision = "exact" if claim.tolerance == 0 else f"±{claim.tolerance:.3g}"
        if verdict.verdict == "right":
            return [f"{head}   (true value {true}; judged {precision})"]
        if verdict.verdict == "imprecise":
            digits = claim.significant
            return [f"{head}   agrees with the true value {true} to its {digits} significant "
                    f"digit{'s' * (digits != 1)}; give at least {self.sig}"]
        lines = [f"{head}   true value {true} (off by {verdict.difference:+.3g}; judged {precision})"]
        for d in verdict.diagnoses:
            lines.append(f"  [{d.code}] {d.text}")
        if chain:
            lines.append("  the chain rule to it:")
            lines += ["    " + line for line in chain]
        return lines


def check_claims(evaluation, record: Trace, texts: Sequence[str], rtol: float | None = None,
                 sig: int | None = None, lr: float | None = None, hide: bool = False) -> Report:
    """Parse, judge and (unless ``hide``) diagnose each claim about an evaluated program whose
    backward pass has run (``record`` is its trace). ValueError for a claim that cannot be read."""
    if len(texts) > MAX_CLAIMS:
        raise ValueError(f"--claim gives {len(texts):,} claims, at most {MAX_CLAIMS} at a time")
    values = {name: node.data for name, node in evaluation.values.items()}
    grads = evaluation.grads()
    output = evaluation.output
    inputs = evaluation.program.inputs
    claims = [parse_claim(text, output, values, rtol, lr, inputs) for text in texts]
    seconds = {c.target: second_derivative(evaluation, *c.target.split(",")) for c in claims if c.kind == "second"}
    grads = {**grads, **seconds}
    verdicts = [judge(claim, values, grads, sig) for claim in claims]
    diagnoser = None
    chains = []
    for verdict in verdicts:
        claim = verdict.claim
        if verdict.verdict == "wrong" and not hide and claim.kind in ("gradient", "update"):
            diagnoser = diagnoser or Diagnoser(evaluation.root, evaluation.constants)
            verdict.diagnoses = diagnoser.diagnose(claim, evaluation.values[claim.target], verdict.true_value)
        chains.append(_chain_lines(record, claim, values, grads))
    return Report(output, verdicts, chains, where_it_went_wrong(record, verdicts), hide, sig)


def _chain_lines(record: Trace, claim: Claim, values: dict, grads: dict) -> list[str]:
    if claim.kind in ("value", "second"):
        return []
    lines = path_to(record, claim.target)
    if claim.kind == "update":
        w, g, lr = values[claim.target], grads[claim.target], claim.lr
        lines.append(f"{claim.target}' = {claim.target} - η·∂{record.output}/∂{claim.target} = "
                     f"{fmt(w, 6)} - {fmt(lr)}·({fmt(g, 4)}) = {fmt(w - lr * g, 6)}")
    return lines


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
    if lines or target == record.output:
        return lines or [f"{target} is the output: d{record.output}/d{target} = 1"]
    return [f"{record.output} does not depend on {target} (no path leads from one to the other): "
            f"d{record.output}/d{target} = 0"]


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
    wrong = {v.claim.target for v in gradients if v.verdict == "wrong"}
    right = {v.claim.target for v in gradients if v.right}
    position: dict[str, int] = {}  # each name's first appearance in backward order
    for step in record.backward:
        for name in (step.node, *(c.child for c in step.contributions)):
            position.setdefault(name, len(position))
    lines = []
    for target in sorted(wrong, key=lambda name: position.get(name, 0)):
        above = reaching(record, target) - {target}
        if above & wrong or out not in above:
            continue  # it inherits an earlier mistake, or no path leads to it (its chain lines say so)
        right_above = sorted(above & right, key=lambda name: position.get(name, 0))
        if right_above:
            lines.append(f"where the chain went wrong: d{out}/d{right_above[-1]} is right but d{out}/d{target} "
                         "is wrong, so the mistake is in the steps between them")
        else:
            lines.append(f"where the chain went wrong: d{out}/d{target} is the first wrong gradient on its path "
                         f"from {out}; check the steps above it")
    return lines
