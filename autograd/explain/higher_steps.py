"""Forward mode and second derivatives, explained: the forward-mode trace (a node's value beside its
tangent, row by row, as a textbook lays it out) and what ``autograd grad --order 2`` and
``--mode forward`` print and answer in JSON.

The numbers come from `autograd.higher` (`tangents`, `gradients`) and the one reverse sweep of
`autograd.core.graph`; this module only names, writes and arranges them. A tangent is written
with a dot over its name (ẋ1, ṫ3)::

    ṫ(node) = Σₖ ∂node/∂childₖ · ṫ(childₖ)        e.g.  ṫ3 = x2 · ẋ1 + x1 · ẋ2
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from autograd.core import Value, topological_order
from autograd.core.graph import reaching, reverse_sweep
from autograd.explain import fmt, name_nodes, table, trace
from autograd.explain.tables import shown_numbers
from autograd.higher import gradients, tangents
from autograd.lang import Evaluation, Name, is_name, nearest, notation

__all__ = ["dotted", "TangentTerm", "TangentStep", "ForwardTrace", "forward_trace", "CommandResult", "command_result"]


# ------------------------------------------------------------------ the forward-mode trace


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
        return self.shown(digits)[0]

    def shown(self, digits: int = 6) -> tuple[str, str]:
        """The rule with numbers put in and the tangent, by the one rule for printed arithmetic
        (`shown_numbers`): the shown products, added as written, give the tangent shown."""
        if not self.terms:
            return "", fmt(self.tangent, digits)
        values, slots = [], []  # slots: per term, where its local (None for a bare ±1) and its tangent are
        for term in self.terms:
            local = None if term.local_expr in ("1", "-1") else len(values)
            values += [term.tangent] if local is None else [term.local, term.tangent]
            slots.append((local, len(values) - 1))

        def combine(xs: list[Decimal]) -> Decimal:
            return sum(((Decimal(t.local_expr) if i is None else xs[i]) * xs[j]
                        for t, (i, j) in zip(self.terms, slots)), Decimal(0))

        shown, tangent = shown_numbers(values, combine, self.tangent, digits)
        pieces = []
        for n, (term, (i, j)) in enumerate(zip(self.terms, slots)):
            factor = _paren(shown[j])
            text = factor if term.local_expr == "1" else (
                f"-{factor}" if term.local_expr == "-1" else f"{_paren(shown[i])} · {factor}")
            pieces.append(text if n == 0 else (f"- {text[1:]}" if text.startswith("-") else f"+ {text}"))
        return " ".join(pieces), tangent


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
            numbers, tangent = step.shown(digits)
            if numbers and numbers != rule.split(" = ", 1)[-1] and numbers != tangent:
                rule += f" = {numbers}"
            rows.append((primal, fmt(step.value, digits), rule, tangent))
        return table(rows, numeric_columns={1, 3})


def forward_trace(out: Value, seeds: Mapping[Value, float], constants: Iterable[Value] = (),
                  order: list[Value] | None = None) -> ForwardTrace:
    """The forward-mode records of the graph ending at ``out`` for the given seeds.

    Nodes are named as in `autograd.explain.trace` (the program's names, else ``t`` and the node's place
    in the order); ``constants`` (a program's number literals) are written as numbers. ``order``
    is the graph of ``out`` sorted, when the caller has it (one sort serves the sweep and the records).
    """
    constant_set = set(constants)
    order = topological_order(out) if order is None else order
    dot = tangents(out, seeds, order)
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
    if is_name(text) or re.fullmatch(r"[0-9.e+]+", text):
        return True
    return bool(re.fullmatch(r"[A-Za-z_0-9]+\(.*\)", text)) and text.count("(") == 1


def _paren(shown: str) -> str:
    """A shown number as a factor: (-2) · ẋ, never -2 · ẋ after a +."""
    return f"({shown})" if shown.startswith("-") else shown


# ------------------------------------------------------------------ the command's result


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
                           evaluation.constants, evaluation.order)
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
    first = gradients(evaluation.root, xs, True, constants, evaluation.order)
    matrix, records = [], []
    for name, g in zip(names, first):
        order = topological_order(g)  # one sort and one sweep per gradient serve its row and its records
        grads = reverse_sweep(order, wanted=None if steps else reaching(order, xs))
        matrix.append([grads.get(x, 0.0) for x in xs])
        if steps:
            records.append((name, trace(g, grads, constants, order=order) if g.edges else None))
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


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())
