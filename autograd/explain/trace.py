"""Step records of a graph: the forward pass in order, then every backward (chain-rule) step.

The records are read straight from the graph that `engine` built: each node's ``op``, its
operands and its local derivatives ∂node/∂child. Nothing is recomputed here except the products
the backward pass forms, so what a learner reads is what the engine did. Every formula is
written by `autograd.lang.notation` from the table in `autograd.core.ops`.

A backward step for a node n with gradient ∂L/∂n passes, to each child c::

    ∂L/∂c += ∂L/∂n · ∂n/∂c

and when c feeds several nodes its running total is shown after each addition.

Names. Every node gets an ``id`` that is a name in the program language (the program's own
name where it has one, else ``t`` and its place in the order), and a display ``name``: its
label, a constant's number, or — for an unnamed intermediate — its formula when that is short
and no other node has the same one, else its id. A formula refers to other nodes by their
display names, which are themselves valid program text, so every ``formula`` and ``local_expr``
can be evaluated by the expression language and gives back the number shown beside it.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field

from autograd.lang import notation
from autograd.core import Value, topological_order
from autograd.lang import FUNCTIONS, Name, Node, Num, is_name

__all__ = [
    "ForwardStep", "Contribution", "BackwardStep", "Trace", "Names", "trace", "fmt", "table",
    "chain_line", "name_nodes", "display_names", "local_exprs",
]

MAX_INLINE = 30  # an unnamed intermediate is shown by its formula up to this many characters


def fmt(x: float, digits: int = 6) -> str:
    """A number in significant digits: 3e-07 stays visible, 0.1 + 0.2 shows as 0.3."""
    if x == 0.0:
        return "0"
    return f"{x:.{digits}g}"


@dataclass
class ForwardStep:
    index: int  # the node's place in the topological order (stable for a given graph)
    id: str  # a valid name in the program language
    name: str  # how the node is shown
    formula: str  # how it is computed, in the program language; "" for a leaf
    latex: str  # the same in LaTeX
    value: float
    kind: str  # "input", "parameter", "constant" or "computed"


@dataclass
class Contribution:
    child_index: int
    child: str  # the child's display name
    child_id: str
    local_expr: str  # ∂node/∂child in the program language, over the display names
    local_latex: str
    local: float  # its value
    product: float  # ∂L/∂node · ∂node/∂child
    total: float  # the child's gradient after this addition
    first: bool  # the child's first contribution (later ones add to a running total)


@dataclass
class BackwardStep:
    index: int
    node: str
    id: str
    grad: float  # ∂L/∂node, complete when this step runs
    contributions: list[Contribution] = field(default_factory=list)


@dataclass
class Trace:
    """The forward and backward records of one graph, for printing or JSON."""

    output: str
    forward: list[ForwardStep]
    backward: list[BackwardStep]

    def to_dict(self) -> dict:
        return asdict(self)

    def chain_lines(self, digits: int = 4) -> list[str]:
        """One chain-rule line per contribution, in the order backward() adds them."""
        return [chain_line(self.output, step, c, digits) for step in self.backward for c in step.contributions]

    def forward_table(self, digits: int = 6) -> str:
        rows = [("quantity", "computed as", "value")]
        for s in self.forward:
            how = s.formula if s.kind == "computed" else s.kind
            rows.append((s.name, how, fmt(s.value, digits)))
        return table(rows, numeric_columns={2})

    def backward_table(self, digits: int = 6) -> str:
        out = self.output
        rows = [("node", f"∂{out}/∂node", "child", "local ∂node/∂child", "local", "product", f"∂{out}/∂child so far")]
        for step in self.backward:
            for i, c in enumerate(step.contributions):
                rows.append((
                    step.node if i == 0 else "",
                    fmt(step.grad, digits) if i == 0 else "",
                    c.child,
                    c.local_expr,
                    fmt(c.local, digits),
                    fmt(c.product, digits),
                    fmt(c.total, digits) + ("" if c.first else " (sum)"),
                ))
        return table(rows, numeric_columns={1, 4, 5})


def chain_line(output: str, step: BackwardStep, c: Contribution, digits: int = 4) -> str:
    """``∂L/∂h = ∂L/∂yhat · ∂yhat/∂h = -0.2807 · 0.3 = -0.0842`` (``+=`` for a later contribution).

    The output's own step has ∂L/∂L = 1, so its line is just the local derivative:
    ``∂L/∂(e**2) = 0.5``, never the circular ``∂L/∂(e**2) = ∂L/∂L · ∂L/∂(e**2)``.
    """
    node, child = wrap(step.node), wrap(c.child)
    sign = "=" if c.first else "+="
    if step.node == output:
        shown = fmt(c.local, digits)
        line = f"∂{output}/∂{child} {sign} {c.local_expr}" + ("" if c.local_expr == shown else f" = {shown}")
    else:
        line = (
            f"∂{output}/∂{child} {sign} ∂{output}/∂{node} · ∂{node}/∂{child} = "
            f"{fmt(step.grad, digits)} · {factor(c.local, digits)} = {fmt(c.product, digits)}"
        )
    if not c.first:
        line += f"  (total {fmt(c.total, digits)})"
    return line


def factor(x: float, digits: int = 6) -> str:
    """A number written as a right-hand factor: 0.5 · (-1), never 0.5 · -1."""
    return f"({fmt(x, digits)})" if x < 0 else fmt(x, digits)


# ------------------------------------------------------------------ names


@dataclass
class Names:
    """Per node: ``ids`` (valid program names), ``shown`` (display names) and ``trees`` (the
    formula a reference to the node is written as: its name, its number, or its own formula)."""

    ids: dict[Value, str]
    shown: dict[Value, str]
    trees: dict[Value, Node]


def name_nodes(order: list[Value], constants: Iterable[Value] = ()) -> Names:
    """Names for every node of ``order`` (children before parents); see the module docstring.

    A reference to a node is written as its formula only while that stays short, so every
    formula has a bounded length and naming a graph takes time linear in its size.
    """
    constant_set = set(constants)
    ids = _ids(order)
    trees: dict[Value, Node] = {}
    inline: dict[Value, str] = {}  # unnamed intermediates written as their own formula
    for node in order:
        trees[node] = _reference(node, ids, trees, inline, constant_set)
    repeated = {text for text, n in Counter(inline.values()).items() if n > 1}
    if repeated:  # two nodes with one formula: each is named by its id, and users rewritten
        for node in order:
            if inline.get(node) in repeated:
                del inline[node]
            trees[node] = _reference(node, ids, trees, inline, constant_set, keep=True)
    shown = {node: (notation.text(trees[node]) if node in constant_set or node in inline else ids[node])
             for node in order}
    return Names(ids, shown, trees)


def _reference(node: Value, ids: dict, trees: dict, inline: dict, constants: set, keep: bool = False) -> Node:
    """How ``node`` is written where another formula uses it (its children's already known).
    With ``keep``, only the nodes already in ``inline`` are written as formulas."""
    if node in constants:
        return notation.number(node.data)
    if node.edges and not node.label and (node in inline or not keep):
        tree = notation.formula_tree(node, [trees[child] for child in node.children])
        text = notation.text(tree)
        # a formula that tidies to a bare name or number (x * 1) would show the node as another
        if len(text) <= MAX_INLINE and not isinstance(tree, (Name, Num)):
            inline[node] = text
            return tree
        inline.pop(node, None)
    return Name(ids[node], 0)


def _ids(order: list[Value]) -> dict[Value, str]:
    """The program's own name where a node has a usable one, else ``t<place in the order>``."""
    ids: dict[Value, str] = {}
    taken: set[str] = set()
    for node in order:
        label = node.label
        if label and is_name(label) and label not in FUNCTIONS and label not in taken:
            ids[node] = label
            taken.add(label)
    for i, node in enumerate(order):
        if node not in ids:
            candidate, k = f"t{i}", 0
            while candidate in taken:
                k += 1
                candidate = f"t{i}_{k}"
            ids[node] = candidate
            taken.add(candidate)
    return ids


def local_exprs(node: Value, names: Names) -> list[str]:
    """∂node/∂child for each edge of ``node``, in edge order, in the program language."""
    kids = [names.trees[child] for child in node.children]
    return [notation.text(notation.derivative_tree(node, k, kids)) for k in range(len(kids))]


def display_names(order: list[Value], constants: Iterable[Value] = ()) -> dict[Value, str]:
    """The display name of every node of ``order``."""
    return name_nodes(order, constants).shown


# ------------------------------------------------------------------ the records


def trace(
    root: Value,
    grads: Mapping[Value, float],
    constants: Iterable[Value] = (),
    inputs: Iterable[Value] = (),
    parameters: Iterable[Value] = (),
    order: list[Value] | None = None,
) -> Trace:
    """Record every forward value and backward step of the graph ending at ``root``.

    ``grads`` holds ∂root/∂node, computed once by the caller (`Evaluation.gradients`, or
    `autograd.core.graph.reverse_sweep`); a record never runs a backward pass of its own.
    ``order`` is the graph's topological order when the caller has it already.
    ``constants`` (number literals of a program) are shown in the forward pass but receive
    no gradient steps; leaves in ``parameters`` are called parameters, every other leaf an input.
    """
    constant_set, parameter_set = set(constants), set(parameters)
    order = topological_order(root) if order is None else order
    names = name_nodes(order, constant_set)
    position = {node: i for i, node in enumerate(order)}
    forward = [_forward_step(n, position[n], names, constant_set, parameter_set) for n in order]
    totals: dict[Value, float] = {}
    backward = []
    for node in reversed(order):
        if node.is_leaf:
            continue
        g = grads.get(node, 0.0)
        step = BackwardStep(position[node], names.shown[node], names.ids[node], g)
        kids = [names.trees[child] for child in node.children]
        for k, (child, local) in enumerate(zip(node.children, node.local_grads)):
            if child in constant_set:
                continue
            product = local * g
            first = child not in totals
            totals[child] = totals.get(child, 0.0) + product
            derivative = notation.derivative_tree(node, k, kids)
            step.contributions.append(Contribution(
                position[child], names.shown[child], names.ids[child], notation.text(derivative),
                notation.latex(derivative), local, product, totals[child], first,
            ))
        backward.append(step)
    return Trace(names.shown[root], forward, backward)


def _forward_step(node: Value, index: int, names: Names, constants: set, parameters: set) -> ForwardStep:
    if node.is_leaf:
        kind = "constant" if node in constants else ("parameter" if node in parameters else "input")
        return ForwardStep(index, names.ids[node], names.shown[node], "", "", node.data, kind)
    tree = notation.formula_tree(node, [names.trees[child] for child in node.children])
    return ForwardStep(index, names.ids[node], names.shown[node], notation.text(tree), notation.latex(tree),
                       node.data, "computed")


def wrap(name: str) -> str:
    """Parenthesise a compound name so that it reads as one quantity after ∂: ∂L/∂(e**2)."""
    if is_name(name) or _is_number(name) or (name.startswith("(") and name.endswith(")")):
        return name
    return f"({name})"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def table(rows: list[tuple], numeric_columns: set[int] = frozenset()) -> str:
    """Plain-text columns that line up; numeric columns right-aligned. A combining mark (the dot
    of a tangent, u̇) takes no column of its own."""
    widths = [max(_width(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for r, row in enumerate(rows):
        cells = []
        for i, cell in enumerate(row):
            cell = str(cell)
            pad = " " * (widths[i] - _width(cell))
            right = i in numeric_columns and r > 0
            cells.append(pad + cell if right else cell + pad)
        lines.append("  ".join(cells).rstrip())
        if r == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _width(text: str) -> int:
    """Columns a text takes in a terminal: its characters less the combining marks."""
    return len(text) - sum(1 for c in text if unicodedata.combining(c))
