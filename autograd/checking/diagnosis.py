"""Diagnosing a wrong answer: which classic mistake gives the number the student wrote.

A wrong answer is recomputed under each classic mistake. Every mistake in a gradient is written
once, as a change to the one reverse sweep over the part of the graph between the output and the
quantity (`chain.Chain`): a local derivative replaced (the sweep's ``local``: the activation's
own value for its derivative, its derivative taken at the wrong place, a constant or a minus
dropped), contributions overwritten instead of added (``overwrite``), or paths left out of the
sum. A mistake in a value is one change to the real forward pass (`value_slips`). A mistake is
reported when its result agrees with the claim at the claim's precision (`precision.agrees`)
and the truth does not; a right or imprecise answer is never diagnosed.

How a node was computed (its operation, which operand a child is, its constant operand) is read
through `autograd.core.graph.layout`, never from the node's stored edges.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import combinations

from autograd.core import Value, no_grad, ops, topological_order
from autograd.core.graph import Layout, layout
from autograd.explain import fmt, name_nodes, wrap
from autograd.explain.tables import shown_update
from autograd.lang import evaluate_tree, notation, parse_expression
from autograd.checking.chain import Chain
from autograd.checking.claims import Claim
from autograd.checking.precision import agrees
from autograd.checking.value_slips import ACTIVATIONS, value_variants

__all__ = ["Mistake", "MISTAKES", "Diagnosis", "Diagnoser", "gradient_variants", "update_variants",
           "MAX_DIAGNOSED_NODES"]


@dataclass(frozen=True)
class Mistake:
    code: str
    what: str  # the mistake in general, for --help and the README
    example: str  # the smallest example that shows why it is wrong (a gradient's, or a value's)
    value_example: str = ""  # the same for a wrong value, when the mistake is also made in a forward pass

    def example_for(self, kind: str) -> str:
        return self.value_example if kind == "value" and self.value_example else self.example


MISTAKES = {m.code: m for m in (
    Mistake("missed-path", "leaving out a path from the output to a quantity used more than once",
            "For example, in f = x*x at x = 3, x is used twice, so df/dx = 3 + 3 = 6; 3 misses a path."),
    Mistake("overwrote", "setting a gradient (=) where contributions must be added (+=)",
            "For example, in f = x*x at x = 3, backward passes 3 to x along each use: df/dx = 3 + 3 = 6, "
            "and overwriting keeps only the last 3."),
    Mistake("sign", "a sign error: the whole answer, or the minus of one subtraction, negation or cos",
            "For example, in f = 5 - x, df/dx = -1, not 1.",
            "For example, y - yhat at y = 0.5, yhat = 0.2193 is 0.2807, not -0.2807."),
    Mistake("dropped-local", "leaving one local derivative out of the chain-rule product",
            "For example, in f = sin(x*y) at x = 0, y = 2, df/dx = cos(x·y)·y = 2, not cos(x·y) = 1: "
            "the inner derivative y belongs to the chain."),
    Mistake("activation-at-input", "taking sigmoid′ or tanh′ at the wrong place (z(1 − z) for σ(z)(1 − σ(z)))",
            "For example, in h = sigmoid(z) at z = 1, h = 0.7311 and dh/dz = h·(1 - h) = 0.1966; "
            "z·(1 - z) = 0 puts z where h belongs."),
    Mistake("dropped-constant", "dropping a constant factor (the ½ or the 2 of a squared loss)",
            "For example, in L = 0.5*(y - yhat)**2, dL/dyhat = 0.5·2·(y - yhat)·(-1) = -(y - yhat); "
            "dropping the 0.5 doubles the answer, dropping the 2 halves it.",
            "For example, L = 0.5*(y - yhat)**2 at y - yhat = 0.4 is 0.5·0.16 = 0.08; without the 0.5 it is 0.16."),
    Mistake("activation-as-derivative", "using the activation's value as its derivative (σ(z) for σ′(z), "
            "tanh(z) for tanh′(z), relu(z) for relu′(z))",
            "For example, h = sigmoid(z) at z = 1.5 is 0.8176, but dh/dz = h·(1 - h) = 0.1491, not 0.8176; "
            "tanh(2) = 0.964 but its derivative is 1 - 0.964² = 0.0707."),
    Mistake("missed-term", "leaving a term out of a sum or a difference",
            "", "For example, z = w*x + b at w = 0.6, x = 1, b = 0.9 is 1.5; 0.6 leaves out the term b."),
    Mistake("activation-left-out", "leaving an activation out of the forward pass (its input for its output)",
            "", "For example, h = sigmoid(z) at z = 1.5 is 0.8176; 1.5 is z itself, the activation left out."),
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

# Each candidate recomputes the backward pass over the nodes between the output and the quantity;
# beyond this many of them only the whole-answer mistakes are tried, to keep a check instant.
MAX_DIAGNOSED_NODES = 400

# operations whose every local derivative carries a minus sign (-1, -sin x); in a - b and 3 - x
# only the subtrahend's does (its local derivative is below 0)
_MINUS_EVERYWHERE = ("neg", "cos")

Variant = tuple[str, str, float]  # (code, what was done, the answer it gives)


@dataclass
class Diagnosis:
    code: str  # one of MISTAKES
    text: str  # "your answer is what you get if you …", then a small example


class Diagnoser:
    """Diagnoses wrong claims about one evaluated graph (its order and names are found once;
    give ``order``, the graph's topological order, when the caller has it already)."""

    def __init__(self, root: Value, constants: Iterable[Value] = (), order: list[Value] | None = None) -> None:
        self.root = root
        self.order = topological_order(root) if order is None else order
        self.constants = set(constants)
        self.names = name_nodes(self.order, self.constants)

    def diagnose(self, claim: Claim, node: Value, truth: float, noise: float = 0.0) -> list[Diagnosis]:
        """Every mistake whose answer agrees with the claim at its precision while the truth
        does not: one diagnosis per code, the first (most specific) way found."""
        if claim.kind == "second" or agrees(claim.claimed, claim.tolerance, truth, noise):
            return []
        chain = None
        if claim.kind == "value":
            variants = value_variants(node, self.constants, lambda n: wrap(self.names.shown[n]), MAX_DIAGNOSED_NODES)
        elif node is self.root:
            return []
        else:
            chain = Chain(self.root, node, self.order, self.names, self.constants)
            if not chain.order:  # the output does not depend on it: no chain in which to make a mistake
                return []
            if claim.kind == "update":
                variants = update_variants(chain, node.data, claim.lr)
            else:
                variants = gradient_variants(chain)
        found: dict[str, Diagnosis] = {}
        for code, what, value in variants:
            if code in found or not math.isfinite(value) or agrees(value, 0.0, truth, noise):
                continue
            if agrees(claim.claimed, claim.tolerance, value):
                example = MISTAKES[code].example_for(claim.kind)
                where = chain.where(what) if chain is not None else ""  # a value claim has no chain
                found[code] = Diagnosis(code, f"your answer is what you get if you {what}{where}. {example}")
        return list(found.values())


def gradient_variants(chain: Chain, whole_sign: bool = True) -> Iterator[Variant]:
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
    yield from _activations_as_derivatives(chain)
    yield from _dropped_constants(chain)
    yield from _quotient_rules(chain)


def _missed_paths(chain: Chain) -> Iterator[Variant]:
    out, target = chain.name(chain.root), chain.name(chain.target)
    paths = chain.paths()
    if paths is None:  # too many paths to try subsets: leave out one use of a value at a time
        parents: dict[Value, int] = {}
        for _, _, child, _ in chain.edges:
            parents[child] = parents.get(child, 0) + 1
        for node, i, child, _ in chain.edges:
            if parents[child] > 1:
                yield ("missed-path", f"leave out the path through {chain.name(node)} → {chain.use_name(node, i)} "
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


def _overwrote(chain: Chain) -> Iterator[Variant]:
    children = [child for _, _, child, _ in chain.edges]
    if len(children) != len(set(children)):  # only a value used more than once can be overwritten
        yield ("overwrote", "set each gradient with = instead of adding with +=, so that only the last path "
               "backward visits counts", chain.gradient(overwrite=True))


def _sign_slips(chain: Chain, whole_sign: bool) -> Iterator[Variant]:
    for node, k, child, d in chain.edges:
        name = _op_name(layout(node))
        if name in _MINUS_EVERYWHERE or (name == "-" and d < 0):
            yield ("sign", f"drop the minus sign of {chain.local_text(node, k, d)}",
                   chain.gradient({(node, k): -d}))
    if whole_sign:
        yield "sign", "flip the sign of the whole answer", -chain.gradient()


def _dropped_locals(chain: Chain) -> Iterator[Variant]:
    for node, k, child, d in chain.edges:
        factor = _constant_factor(chain, node, k)
        # 1 changes nothing; -1 is a sign slip; a bare constant factor is dropped-constant's
        if d not in (1.0, -1.0) and not (factor and factor[1] == 1.0):
            yield ("dropped-local", f"leave the local derivative {chain.local_text(node, k, d)} out of the "
                   "chain (as if it were 1)", chain.gradient({(node, k): 1.0}))


def _activations_at_input(chain: Chain) -> Iterator[Variant]:
    edges = [(node, k, child, layout(node).op) for node, k, child, _ in chain.edges]
    edges = [(node, k, child, op) for node, k, child, op in edges if op.output_derivative]
    flavours = [
        ("input", "the formula with the pre-activation {z} = {zv} put in for the output {s} = {sv}: {wrong} "
                  "instead of {right}"),
        ("again", "the activation applied again to the output {s} = {sv}: {wrong} instead of {right}"),
    ]
    for flavour, sentence in flavours:
        wrongs = {}
        for node, k, child, op in edges:
            wrongs[(node, k)] = _activation_slope(op, child.data, node.data, flavour)
            z, s = chain.name(child), chain.name(node)
            right, wrong = _activation_formulas(op, z, s, flavour)
            text = sentence.format(z=z, zv=fmt(child.data, 4), s=s, sv=fmt(node.data, 4), wrong=wrong, right=right)
            yield ("activation-at-input", f"take the derivative of {chain.formula(node)} from {text}",
                   chain.gradient({(node, k): wrongs[(node, k)]}))
        if len(wrongs) > 1:  # the same slip at every activation
            how = "its pre-activation" if flavour == "input" else "the activation applied again to its output"
            yield ("activation-at-input", f"take every activation's derivative from {how}", chain.gradient(wrongs))


def _activations_as_derivatives(chain: Chain) -> Iterator[Variant]:
    """σ(z) for σ′(z), tanh(z) for tanh′(z), relu(z) for relu′(z): the edge's local derivative
    replaced by the activation's own value."""
    for node, k, child, d in chain.edges:
        name = _op_name(layout(node))
        if name in ACTIVATIONS:
            yield ("activation-as-derivative", f"use the value of {chain.formula(node)} = {fmt(node.data, 4)} as its "
                   f"derivative (the derivative is {fmt(d, 4)})", chain.gradient({(node, k): node.data}))


def _activation_slope(op: ops.Op, z: float, s: float, flavour: str) -> float:
    """The activation's output-form derivative (the table's) with the wrong number put in for the
    output: the pre-activation z, or the activation applied again to its output s."""
    wrong_output = z if flavour == "input" else op.forward(s)[0]
    with no_grad():
        return evaluate_tree(parse_expression(op.output_derivative), {"y": Value(wrong_output)}).data


def _activation_formulas(op: ops.Op, z: str, s: str, flavour: str) -> tuple[str, str]:
    """(the right output-form derivative over s, the wrong one over z or op(s)), as text."""
    def written(output: str) -> str:
        form = parse_expression(op.output_derivative)
        return notation.text(notation.substitute_names(form, {"y": parse_expression(output)}))

    return written(s), written(z if flavour == "input" else f"{op.name}({s})")


def _constant_factor(chain: Chain, node: Value, k: int) -> tuple[float, float, str] | None:
    """For an edge whose local derivative carries a constant factor c: (c, the local derivative
    without it, how to say so); None for any other edge. c is the other factor of a product,
    the divisor of x / c, the numerator of c / x, or the exponent of x ** c."""
    lay = layout(node)
    name, first = _op_name(lay), lay.argument(k) == 0
    if name == "*":
        c, how = _other_operand(chain, lay, k), "drop the constant factor {c} of {node}"
    elif name == "/" and first:
        c, how = _other_operand(chain, lay, k), "drop the division by {c} in {node}"
    elif name == "/" and lay.reflected:
        c, how = lay.constant, "drop the constant factor {c} of {node}"
    elif name == "**" and first:
        c, how = _other_operand(chain, lay, k), "drop the factor {c} that the power rule brings down from {node}"
    else:
        return None
    if c is None or c in (0.0, 1.0, -1.0):
        return None
    d = lay.locals[k]
    without = d * c if name == "/" and first else d / c
    return c, without, how.format(c=fmt(c), node=chain.name(node))


def _other_operand(chain: Chain, lay: Layout, k: int) -> float | None:
    """The other operand of the k-th child when it is a number: the node's plain-number operand
    (``x * 3`` in Python), or a number literal of the program beside a child that is not one."""
    kids = lay.children
    if lay.constant is not None and len(kids) == 1:
        return lay.constant
    if len(kids) == 2 and kids[1 - k] in chain.constants and kids[k] not in chain.constants:
        return kids[1 - k].data
    return None


def _dropped_constants(chain: Chain) -> Iterator[Variant]:
    for node, k, _, _ in chain.edges:
        factor = _constant_factor(chain, node, k)
        if factor:
            _, without, text = factor
            yield "dropped-constant", text, chain.gradient({(node, k): without})


def _quotient_rules(chain: Chain) -> Iterator[Variant]:
    for node in chain.order:
        lay = layout(node)
        if _op_name(lay) != "/":
            continue
        kids, d = lay.children, lay.locals
        den = next((k for k in range(len(kids)) if lay.argument(k) == 1), None)
        if den is None or kids[den] in chain.constants:  # x / c divides by a constant: no quotient rule there
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


def _op_name(lay: Layout) -> str:
    """The table name of the node's operation ("-" for 3 - x too); "" for a leaf."""
    return lay.op.name if lay.op is not None else ""


def update_variants(chain: Chain, weight: float, lr: float) -> Iterator[Variant]:
    """The weight after one step, w − η·g, under each mistake in the step or in g."""
    g = chain.gradient()
    w, grad = chain.name(chain.target), f"∂{chain.name(chain.root)}/∂{chain.name(chain.target)}"
    sw, slr, sg, result = shown_update(weight, g, lr, weight + lr * g, sign=1)
    yield ("update-sign", f"add η·{grad} to {w} instead of subtracting it: {sw} + {slr}·({sg}) = {result}",
           weight + lr * g)
    sw, _, sg, result = shown_update(weight, g, None, weight - g)
    yield ("update-lr", f"leave out the learning rate η = {fmt(lr)}: {sw} - ({sg}) = {result}", weight - g)
    sw, _, sg, result = shown_update(weight, g, None, weight + g, sign=1)
    both = f"add {grad} to {w} without the learning rate: {sw} + ({sg}) = {result}"
    yield "update-sign", both, weight + g
    yield "update-lr", both, weight + g
    for code, what, wrong_g in gradient_variants(chain, whole_sign=False):
        if not agrees(wrong_g, 0.0, -g):  # a gradient of the wrong sign is update-sign's answer
            yield code, f"take the step with the gradient that comes out if you {what}", weight - lr * wrong_g

