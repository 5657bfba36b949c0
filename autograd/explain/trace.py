"""Step records of a graph: the forward pass in order, then every backward (chain-rule) step.

The records are read straight from the graph that `engine` built: each node's ``op``, its
operands and its local derivatives ∂node/∂child. Nothing is recomputed here except the products
the backward pass forms, so what a learner reads is what the engine did. Every formula is
written by `autograd.lang.notation` from the table in `autograd.core.ops`, over the names
`autograd.explain.naming` gives the nodes, so every ``formula`` and ``local_expr`` can be
evaluated by the program language and gives back the number shown beside it.

A backward step for a node n with gradient ∂L/∂n passes, to each child c::

    ∂L/∂c += ∂L/∂n · ∂n/∂c

and when c feeds several nodes its running total is shown after each addition.

Records are pure: the gradients ∂L/∂n are handed in, computed once by whoever differentiated
the graph; making a record never runs a backward pass and never changes a node's ``.grad``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field

from autograd.core import Value, topological_order
from autograd.explain.naming import Names, name_nodes, where
from autograd.explain.tables import backward_table, chain_lines, forward_table
from autograd.lang import notation

__all__ = ["ForwardStep", "Contribution", "BackwardStep", "Trace", "trace"]


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
    use: int = 1  # which use of the child this is (from 1, in the order backward() visits them)
    uses: int = 1  # how many uses the child has
    where: str = ""  # where this use is: "the first factor of y", or the node's name


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
    # the intermediates shown by an id rather than a formula: id → how it is computed
    definitions: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)

    def chain_lines(self, digits: int = 4) -> list[str]:
        """One chain-rule line per contribution, in the order backward() adds them, each
        repeated quantity closed by the sum over its uses (`autograd.explain.tables.chain_lines`)."""
        return chain_lines(self, digits)

    def where(self, lines: list[str]) -> str:
        """'where t8 = t2 + exp(frog), t2 = exp(cat)': the intermediates the lines name by an
        id, introduced once (`autograd.explain.naming.where`); "" when there are none."""
        return where("\n".join(lines), self.definitions)

    def forward_table(self, digits: int = 6) -> str:
        return forward_table(self, digits)

    def backward_table(self, digits: int = 6) -> str:
        return backward_table(self, digits)


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
    no gradient steps; leaves in ``parameters`` are called parameters, every other leaf an input
    (so ``inputs`` need not be given; it is accepted for callers that name both).
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
            use = names.uses[(node, k)]
            step.contributions.append(Contribution(
                position[child], names.shown[child], names.ids[child], notation.text(derivative),
                notation.latex(derivative), local, product, totals[child], first, use.number, use.count, use.where,
            ))
        backward.append(step)
    return Trace(names.shown[root], forward, backward, names.definitions())


def _forward_step(node: Value, index: int, names: Names, constants: set, parameters: set) -> ForwardStep:
    if node.is_leaf:
        kind = "constant" if node in constants else ("parameter" if node in parameters else "input")
        return ForwardStep(index, names.ids[node], names.shown[node], "", "", node.data, kind)
    tree = notation.formula_tree(node, [names.trees[child] for child in node.children])
    return ForwardStep(index, names.ids[node], names.shown[node], notation.text(tree), notation.latex(tree),
                       node.data, "computed")

