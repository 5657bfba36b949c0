"""Second derivatives and forward mode, both read from the table of operations.

**Reverse mode whose result can be differentiated again** (`grad` with ``create_graph=True``).
The backward pass is the chain rule, from the output down::

    ḡ(out) = 1,    ḡ(child) = Σ over the child's uses   ∂node/∂child · ḡ(node)

`Value.backward` runs it on floats. Here every factor is a `Value` instead: each local
derivative ∂node/∂child is the table's own derivative formula (``ops.OPS[op].derivatives``, put
together by `notation.derivative_tree`) evaluated on the child *Values* by the expression
language, so ``1 - tanh(a)**2`` becomes the node ``1 - t**2`` over the very node ``t = tanh(a)``.
The gradients are then Values in one graph with the function, and differentiating them again
gives second (and third, …) derivatives. No derivative is written anywhere but in the table.

**Forward mode** (`jvp`, `forward_trace`). A tangent ṫ (the derivative along a chosen direction,
the dual part of a dual number) follows the forward pass::

    ṫ(input) = its seed,    ṫ(node) = Σₖ ∂node/∂childₖ · ṫ(childₖ)

with the local derivatives the forward pass stored on the graph. One pass gives the derivative
along one direction; n inputs need n passes for a whole gradient, reverse mode one.

**Where an operation is not twice differentiable** the second derivative is the derivative of
the table's first-derivative formula, with the table's conventions (see `autograd.core.ops`):
relu' = step and step' = 0, so relu'' = 0 everywhere, at 0 too; abs' = sign, so abs'' = 0;
max and min give a tie's slope to the first argument and have second derivatives 0; elu'' at 0
is its left-hand value 1; leaky_relu'' = 0.
"""

from __future__ import annotations

import math
import operator
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import reduce
from typing import Union

from autograd.lang import notation
from autograd.core import Value, sum_values, topological_order
from autograd.core.graph import reverse_sweep
from autograd.lang import Binary, Call, Evaluation, Name, Node, Num, Unary, evaluate_tree, nearest
from autograd.explain import fmt, name_nodes, table, trace

__all__ = [
    "grad", "hessian", "hessian_of", "jvp", "tangents", "forward_trace", "ForwardTrace", "TangentStep",
    "TangentTerm", "dotted", "second_derivative", "second_derivative_text", "parse_second_derivative",
    "command_result",
]

Gradient = Union[Value, float]  # a gradient while the pass runs: a float while it is a constant


# ------------------------------------------------------------------ reverse mode, as Values


def grad(out: Value, xs: Sequence[Value], create_graph: bool = False) -> list[Value]:
    """∂out/∂x for each x in ``xs``, as Values, without touching any node's ``.grad``.

    ``create_graph=False``: each gradient is a new leaf holding the number (the same numbers
    `Value.backward` finds). ``create_graph=True``: each gradient is a Value computed from the
    graph of ``out``, built from the table's derivative formulas, so ``grad(g, xs)`` of such a
    gradient ``g`` gives second derivatives. A gradient that does not depend on any input is a
    leaf (its own derivatives are 0). Inside `no_grad()` nothing is recorded, so the gradients
    are leaves either way.
    """
    if not isinstance(out, Value):
        raise TypeError(f"grad: out must be a Value, got {type(out).__name__} {out!r}")
    xs = list(xs)
    for i, x in enumerate(xs):
        if not isinstance(x, Value):
            raise TypeError(f"grad: xs[{i}] must be a Value, got {type(x).__name__} {x!r}")
    if create_graph is not True and create_graph is not False:
        raise TypeError(f"grad: create_graph must be True or False, got {create_graph!r}")
    return _gradients(out, xs, create_graph, [])


def _gradients(out: Value, xs: list[Value], create_graph: bool, constants: list[Value]) -> list[Value]:
    """`grad`; the number leaves the derivative formulas bring in are appended to ``constants``."""
    order = topological_order(out)
    needed = _reaching(order, set(xs))
    if not create_graph:
        found = _float_gradients(order, needed)
        return [Value(found.get(x, 0.0)) for x in xs]
    found = _value_gradients(order, needed, constants)
    return [g if isinstance(g, Value) else Value(g) for g in (found.get(x, 0.0) for x in xs)]


def _reaching(order: list[Value], targets: set[Value]) -> set[Value]:
    """The nodes of ``order`` (children first) from which some target can be reached: only
    these pass a gradient on, so nothing is built for parameters and constants not asked for."""
    reaching: set[Value] = set()
    for node in order:
        if node in targets or any(child in reaching for child in node.children):
            reaching.add(node)
    return reaching


def _float_gradients(order: list[Value], needed: set[Value]) -> dict[Value, float]:
    """The plain backward pass into a dict, so that no node's ``.grad`` changes."""
    grads: dict[Value, float] = {order[-1]: 1.0}
    for node in reversed(order):
        g = grads.get(node, 0.0)
        if g == 0.0:
            continue
        edges = node.edges
        for i in range(0, len(edges) - 1, 2):  # an odd last item is a constant
            child = edges[i]
            if child in needed:
                grads[child] = grads.get(child, 0.0) + edges[i + 1] * g
    for node, g in grads.items():
        if g - g != 0.0:
            raise OverflowError(f"grad: the gradient of {_describe(node)} is {g}: a product of local "
                                "derivatives overflowed a float")
    return grads


def _value_gradients(order: list[Value], needed: set[Value], constants: list[Value]) -> dict[Value, Gradient]:
    """The backward pass with Values: ḡ(child) += ∂node/∂child · ḡ(node), each factor a Value.

    Contributions are added in the order `Value.backward` adds them, so every gradient's
    number is bit for bit the one backward() finds.
    """
    root = order[-1]
    original = set(order)
    parts: dict[Value, list[Gradient]] = {root: [1.0]}
    grads: dict[Value, Gradient] = {}
    for node in reversed(order):
        if node not in parts:
            continue
        g = _total(parts.pop(node))
        grads[node] = g
        if isinstance(g, Value) and g not in original and not g.label:
            g.label = _gradient_label(root, node)
        if type(g) is float and g == 0.0:
            continue  # a constant 0 passes nothing on
        for k, child in enumerate(node.children):
            if child in needed:
                local = local_derivative(node, k, constants)
                if not (type(local) is float and local == 0.0):
                    parts.setdefault(child, []).append(_times(local, g))
    return grads


def _total(parts: list[Gradient]) -> Gradient:
    """Σ parts left to right: one "sum" node when all are Values."""
    if len(parts) == 1:
        return parts[0]
    if all(isinstance(p, Value) for p in parts):
        return sum_values(parts)
    return reduce(operator.add, parts)


def _times(local: Gradient, g: Gradient) -> Gradient:
    """local · g, with no node for a factor that is exactly 1 or -1."""
    if type(local) is float:
        if type(g) is float:
            return local * g
        return g if local == 1.0 else (-g if local == -1.0 else g * local)
    if type(g) is float:
        return local if g == 1.0 else local * g
    return local * g


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z_0-9]*\Z")


def _gradient_label(root: Value, node: Value) -> str:
    """``df_dx`` for the gradient of a labelled output with respect to a labelled node; ""
    otherwise. (A valid name, so the step records of the backward pass's graph show it.)"""
    out, name = root.label, node.label
    if out and name and _IDENTIFIER.match(out) and _IDENTIFIER.match(name):
        return f"d{out}_d{name}"
    return ""


# ---------------------------------------------------------------- a local derivative as a Value

_SELF = "_node"  # the name a derivative formula uses for the node itself (exp' = exp: the node)
_CACHE_LIMIT = 10_000
_derivative_cache: dict[tuple, Node] = {}


def local_derivative(node: Value, k: int, constants: list[Value] | None = None) -> Gradient:
    """∂node/∂(its k-th child), as a Value over the node's children (or a float when the
    table's formula is a constant): the formula of `notation.derivative_tree`, evaluated.
    Number leaves of the formula are appended to ``constants`` when it is given."""
    tree = _derivative_formula(node, k)
    if isinstance(tree, Num):
        return tree.value
    kids = node.children
    bindings = {f"c{i}": child for i, child in enumerate(kids)}
    bindings[_SELF] = node
    if isinstance(tree, Name):
        return bindings[tree.name]
    try:
        return evaluate_tree(tree, bindings, constants)
    except (ValueError, ArithmeticError) as error:  # e.g. ∂(a**b)/∂b = a**b * log(a) at a = 0
        at = notation.text(notation.derivative_tree(node, k, [notation.number(c.data) for c in kids]))
        reason = str(error).split(" in '")[0]  # the evaluator's place is in the formula's own names
        raise ValueError(f"grad(create_graph=True): the local derivative of a {node.op} node with respect to "
                         f"its child {k} is {at} here, which cannot be differentiated again ({reason})") from None


def _derivative_formula(node: Value, k: int) -> Node:
    """The table's ∂node/∂child_k over the names c0, c1, … of the children, where a part that is
    the node's own formula (the tanh(a) of tanh' = 1 - tanh(a)**2) is the name of the node."""
    op = node.op
    kids = [Name(f"c{i}", 0) for i in range(len(node.children))]
    if op in ("sum", "linear", "affine"):  # a number or one operand, never the node's own formula
        return notation.derivative_tree(node, k, kids)
    constant = node.constant
    key = (op, k, len(kids), None if constant is None else repr(constant))
    tree = _derivative_cache.get(key)
    if tree is None:
        formula = notation.text(notation.formula_tree(node, kids))
        tree = _replace_formula(notation.derivative_tree(node, k, kids), formula)
        if len(_derivative_cache) >= _CACHE_LIMIT:
            _derivative_cache.clear()
        _derivative_cache[key] = tree
    return tree


def _replace_formula(tree: Node, formula: str) -> Node:
    """A copy of ``tree`` with every part written as ``formula`` replaced by the name `_SELF`."""
    if isinstance(tree, (Unary, Binary, Call)) and notation.text(tree) == formula:
        return Name(_SELF, 0)
    if isinstance(tree, Unary):
        return Unary(tree.op, _replace_formula(tree.operand, formula), tree.column)
    if isinstance(tree, Binary):
        return Binary(tree.op, _replace_formula(tree.left, formula), _replace_formula(tree.right, formula),
                      tree.column)
    if isinstance(tree, Call):
        return Call(tree.function, tuple(_replace_formula(a, formula) for a in tree.args), tree.column)
    return tree  # a name or a number, kept as it is (a template of a few nodes: shallow recursion)


# ------------------------------------------------------------------ Hessians


def hessian_of(out: Value, xs: Sequence[Value]) -> list[list[float]]:
    """H[i][j] = ∂²out/∂xᵢ∂xⱼ: the gradient as Values, then each of its entries differentiated."""
    first = grad(out, xs, create_graph=True)
    return [[h.data for h in grad(g, xs)] for g in first]


def hessian(f: Callable[..., Value], xs: Sequence[float]) -> list[list[float]]:
    """The Hessian of ``f`` (a function of Values returning a Value) at the numbers ``xs``:
    n + 1 backward passes for n inputs, so meant for small functions."""
    inputs = [Value(x, label=f"x{i}") for i, x in enumerate(_numbers(xs, "hessian"))]
    out = f(*inputs)
    if not isinstance(out, Value):
        raise TypeError(f"hessian: f must return a Value, got {type(out).__name__} {out!r}")
    return hessian_of(out, inputs)


def _numbers(xs: Iterable, what: str) -> list[float]:
    numbers = [x.data if isinstance(x, Value) else x for x in xs]
    for i, x in enumerate(numbers):
        if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
            raise TypeError(f"{what}: xs[{i}] must be a finite real number, got {x!r}")
    return [float(x) for x in numbers]


# ------------------------------------------------------------------ forward mode


def tangents(out: Value, seeds: Mapping[Value, float]) -> dict[Value, float]:
    """ṫ for every node of the graph ending at ``out``, in one forward sweep.

    ``seeds`` gives the tangent of some leaves (the direction); every other leaf has 0.
    """
    for node, seed in seeds.items():
        if not isinstance(node, Value) or node.edges:
            raise ValueError(f"tangents: a seed is given to a leaf (an input), not to {_describe(node)}")
        if not isinstance(seed, (int, float)) or isinstance(seed, bool) or not math.isfinite(seed):
            raise ValueError(f"tangents: the seed of {_describe(node)} must be a finite number, got {seed!r}")
    dot: dict[Value, float] = {}
    for node in topological_order(out):
        edges = node.edges
        if not edges:
            dot[node] = float(seeds.get(node, 0.0))
            continue
        total = 0.0
        for i in range(0, len(edges) - 1, 2):
            total += edges[i + 1] * dot[edges[i]]
        if total - total != 0.0:
            raise OverflowError(f"tangents: the tangent of {_describe(node)} overflowed a float ({total})")
        dot[node] = total
    return dot


def jvp(f: Callable[..., Value], xs: Sequence[float], tangent: Sequence[float]) -> tuple[float, float]:
    """f(xs) and its derivative along ``tangent`` (Σᵢ ∂f/∂xᵢ · tangentᵢ), by forward mode."""
    point = _numbers(xs, "jvp")
    direction = _numbers(tangent, "jvp")
    if len(point) != len(direction):
        raise ValueError(f"jvp: {len(point)} inputs but {len(direction)} tangents")
    inputs = [Value(x, label=f"x{i}") for i, x in enumerate(point)]
    out = f(*inputs)
    if not isinstance(out, Value):
        raise TypeError(f"jvp: f must return a Value, got {type(out).__name__} {out!r}")
    return out.data, tangents(out, dict(zip(inputs, direction)))[out]


def dotted(name: str) -> str:
    """A name with a dot over its first letter, the tangent's notation: x1 → ẋ1, t3 → ṫ3."""
    return unicodedata.normalize("NFC", name[:1] + "\u0307" + name[1:])


@dataclass
class TangentTerm:
    """One term ∂node/∂child · ṫ(child) of a tangent."""

    child: str  # the child's id
    local_expr: str  # ∂node/∂child in the program language, over the ids
    local: float
    tangent: float  # ṫ(child)
    product: float


@dataclass
class TangentStep:
    """One row of the forward-mode trace: a node's value (primal) and its tangent."""

    index: int  # the node's place in the topological order (as in the backward records)
    id: str  # a name in the program language
    kind: str  # "input" or "computed"
    formula: str  # how the value is computed, over the ids; "" for an input
    value: float
    rule: str  # how the tangent is computed: "ṫ3 = x2 · ẋ1 + x1 · ẋ2" ("ẋ1 (seed)" for an input)
    terms: list[TangentTerm] = field(default_factory=list)
    tangent: float = 0.0

    def numbers(self, digits: int = 6) -> str:
        """The rule with numbers put in: "5 · 1 + 2 · 0"."""
        if not self.terms:
            return ""
        pieces = []
        for i, term in enumerate(self.terms):
            factor = _number_factor(term.tangent, digits)
            text = factor if term.local_expr == "1" else (
                f"-{factor}" if term.local_expr == "-1" else f"{_number_factor(term.local, digits)} · {factor}")
            pieces.append(text if i == 0 else (f"- {text[1:]}" if text.startswith("-") else f"+ {text}"))
        return " ".join(pieces)


@dataclass
class ForwardTrace:
    """The forward-mode trace: per node its value and its tangent, inputs first."""

    output: str
    seeds: dict[str, float]
    steps: list[TangentStep]

    @property
    def value(self) -> float:
        return self.steps[-1].value

    @property
    def tangent(self) -> float:
        return self.steps[-1].tangent

    def to_dict(self) -> dict:
        return asdict(self)

    def table(self, digits: int = 6) -> str:
        """The textbook table: the primal trace beside the tangent trace, row by row."""
        rows = [("forward primal trace", "value", "forward tangent trace", "tangent")]
        for step in self.steps:
            primal = f"{step.id} (input)" if step.kind == "input" else f"{step.id} = {step.formula}"
            rule = step.rule
            numbers = step.numbers(digits)
            if numbers and numbers != rule.split(" = ", 1)[-1] and numbers != fmt(step.tangent, digits):
                rule += f" = {numbers}"
            rows.append((primal, fmt(step.value, digits), rule, fmt(step.tangent, digits)))
        return table(rows, numeric_columns={1, 3})


def forward_trace(out: Value, seeds: Mapping[Value, float], constants: Iterable[Value] = ()) -> ForwardTrace:
    """The forward-mode records of the graph ending at ``out`` for the given seeds.

    Nodes are named as in `autograd.explain.trace` (the program's names, else ``t`` and the node's place
    in the order); ``constants`` (a program's number literals) are written as numbers.
    """
    constant_set = set(constants)
    order = topological_order(out)
    dot = tangents(out, seeds)
    ids = name_nodes(order, constant_set).ids
    trees = {node: (notation.number(node.data) if node in constant_set else Name(ids[node], 0)) for node in order}
    inputs, computed = [], []
    for index, node in enumerate(order):
        if node in constant_set and node is out:  # `f = 2`: the output is a number; its tangent is 0
            computed.append(TangentStep(index, ids[node], "constant", notation.text(trees[node]), node.data,
                                        f"{dotted(ids[node])} = 0", tangent=0.0))
            continue
        if node in constant_set:
            continue
        if node.is_leaf:
            marker = " (seed)" if node in seeds else ""
            inputs.append(TangentStep(index, ids[node], "input", "", node.data, dotted(ids[node]) + marker,
                                      tangent=dot[node]))
            continue
        kids = [trees[child] for child in node.children]
        terms = []
        for k, (child, local) in enumerate(zip(node.children, node.local_grads)):
            if child in constant_set:
                continue
            expr = notation.text(notation.derivative_tree(node, k, kids))
            terms.append(TangentTerm(ids[child], expr, local, dot[child], local * dot[child]))
        formula = notation.text(notation.formula_tree(node, kids))
        rule = f"{dotted(ids[node])} = {_rule(terms)}"
        computed.append(TangentStep(index, ids[node], "computed", formula, node.data, rule, terms, dot[node]))
    seeded = {ids[node]: float(seed) for node, seed in seeds.items() if node in ids}
    return ForwardTrace(ids[out], seeded, inputs + computed)


def _rule(terms: list[TangentTerm]) -> str:
    """Σ ∂node/∂child · ṫ(child), written: "x2 · ẋ1 + x1 · ẋ2", "ṫ4 - ṫ5", "(1 / x1) · ẋ1"."""
    if not terms:
        return "0"
    pieces = []
    for i, term in enumerate(terms):
        child = dotted(term.child)
        if term.local_expr == "1":
            text = child
        elif term.local_expr == "-1":
            text = f"-{child}"
        else:
            local = term.local_expr if _is_atom(term.local_expr) else f"({term.local_expr})"
            text = f"{local} · {child}"
        pieces.append(text if i == 0 else (f"- {text[1:]}" if text.startswith("-") else f"+ {text}"))
    return " ".join(pieces)


def _is_atom(text: str) -> bool:
    """A name, a number, or one call: safe as a factor without parentheses."""
    if _IDENTIFIER.match(text) or re.fullmatch(r"[0-9.e+]+", text):
        return True
    return bool(re.fullmatch(r"[A-Za-z_0-9]+\(.*\)", text)) and text.count("(") == 1


def _number_factor(x: float, digits: int) -> str:
    return f"({fmt(x, digits)})" if x < 0 else fmt(x, digits)


def _describe(node: object) -> str:
    if not isinstance(node, Value):
        return f"{type(node).__name__} {node!r}"
    what = f"the {node.op} node" if node.op else "the leaf"
    return f"{what} {node.label!r}" if node.label else what


# ------------------------------------------------------------------ programs: claims and the command

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


@dataclass
class CommandResult:
    """What `autograd grad --order 2` adds to the first-order report, or what `--mode forward`
    prints instead of it."""

    replaces: bool  # True: forward mode, printed instead of the gradients
    text_lines: Callable[[int], list[str]]
    json: dict

    def text(self, digits: int = 6) -> str:
        return "\n".join(self.text_lines(digits))


def command_result(evaluation: Evaluation, order: int = 1, mode: str = "reverse",
                   seeds: Mapping[str, float] | None = None, steps: bool = False) -> CommandResult | None:
    """`autograd grad`'s ``--order 2`` (the Hessian, and with ``steps`` the second backward
    pass) or ``--mode forward --seed NAME=NUMBER`` (the forward-mode trace). None for the plain
    first-order command. ValueError for a combination that means nothing."""
    seeds = dict(seeds or {})
    if mode not in ("reverse", "forward"):
        raise ValueError(f"--mode {mode!r}: choose reverse or forward")
    if order not in (1, 2):
        raise ValueError(f"--order {order!r}: 1 (gradients) or 2 (the Hessian)")
    if mode == "forward":
        if order != 1:
            raise ValueError("--mode forward computes first derivatives along a direction: leave out --order 2")
        return _forward_command(evaluation, seeds)
    if seeds:
        raise ValueError("--seed sets the direction of forward mode: give --mode forward with it")
    if order == 2:
        return _hessian_command(evaluation, steps)
    return None


def _forward_command(evaluation: Evaluation, seeds: dict[str, float]) -> CommandResult:
    program = evaluation.program
    if not seeds:
        first = program.inputs[0] if program.inputs else "x"
        raise ValueError(f"--mode forward needs a direction: give --seed NAME=NUMBER, e.g. --seed {first}=1")
    for name in seeds:
        if name not in program.inputs:
            meant = nearest(name, program.inputs)
            hint = f" (did you mean '{meant}'?)" if meant else ""
            raise ValueError(f"--seed {name}: not an input of the program; its inputs are "
                             f"{', '.join(program.inputs) or 'none'}{hint}")
    record = forward_trace(evaluation.root, {evaluation.values[n]: v for n, v in seeds.items()},
                           evaluation.constants)
    out = program.output
    direction = " + ".join(f"{fmt(v)}·∂{out}/∂{n}" if v != 1 else f"∂{out}/∂{n}" for n, v in seeds.items())

    def lines(digits: int) -> list[str]:
        return [f"{out} = {fmt(record.value, digits)}",
                f"{dotted(record.output)} = {direction} = {fmt(record.tangent, digits)}   "
                f"(forward mode, one pass, seed {' '.join(f'{n}={fmt(v)}' for n, v in seeds.items())})",
                "", "forward-mode trace (primal and tangent, in the order the pass runs):",
                _indent(record.table(digits))]

    data = {"output": out, "value": record.value, "inputs": list(program.inputs),
            "values": {name: node.data for name, node in evaluation.values.items()}, "mode": "forward",
            "seed": record.seeds, "tangent": record.tangent, "trace": record.to_dict()["steps"]}
    return CommandResult(True, lines, data)


def _hessian_command(evaluation: Evaluation, steps: bool) -> CommandResult:
    program = evaluation.program
    out = program.output
    names = list(program.inputs)
    xs = [evaluation.values[n] for n in names]
    constants = list(evaluation.constants)
    first = _gradients(evaluation.root, xs, True, constants)
    matrix = [[h.data for h in grad(g, xs)] for g in first]
    records = [(name, _second_record(g, constants) if g.edges else None)
               for name, g in zip(names, first)] if steps else []
    data: dict = {"hessian": {a: dict(zip(names, row)) for a, row in zip(names, matrix)}}
    if steps:
        data["second_backward"] = {name: record.to_dict() for name, record in records if record is not None}

    def lines(digits: int) -> list[str]:
        if not names:
            return [f"second derivatives of {out}: none, the program has no inputs"]
        text = [f"second derivatives of {out} (row a, column b: ∂²{out}/∂a∂b):"]
        rows = [("", *names)] + [(a, *(fmt(h, digits) for h in row)) for a, row in zip(names, matrix)]
        text.append(_indent(table(rows, numeric_columns=set(range(1, len(names) + 1)))))
        for (name, record), g in zip(records, first):
            if record is None:
                shown = g.label or fmt(g.data, digits)
                text += ["", f"second backward pass for ∂{out}/∂{name} = {shown}: a leaf, nothing to step through"]
                continue
            text += ["", f"second backward pass for ∂{out}/∂{name} = {record.output} "
                         f"(its gradients are the row {name} of the Hessian):",
                     _indent(record.forward_table(digits)), "",
                     _indent(record.backward_table(digits))]
        return text

    return CommandResult(False, lines, data)


def _second_record(g: Value, constants: list[Value]):
    """The step records of one gradient's own backward pass (into a dict: the program's nodes,
    which the gradient's graph holds too, keep their ``.grad``)."""
    order = topological_order(g)
    return trace(g, reverse_sweep(order), constants, order=order)


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())
