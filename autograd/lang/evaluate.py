"""Interpreting a syntax tree into `Value`s, and a program evaluated at a point (`Evaluation`).

A number literal becomes a labelled constant leaf, a name the Value it stands for, and every
operator and function the method of `Value` the operation table names, so the graph that comes
out is the engine's own. An `Evaluation` keeps that graph's topological order and its one
backward pass, computed on first use and shared by everything that prints, draws or checks it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from autograd.core import Value, ops
from autograd.core.graph import backward_pass, topological_order
from autograd.lang.errors import ExprError
from autograd.lang.syntax import Binary, Name, Node, Num, Unary, names_in, render, subtrees

if TYPE_CHECKING:
    from autograd.lang.program import Program

__all__ = ["Evaluation", "evaluate_tree", "call"]


@dataclass
class Evaluation:
    """A program evaluated at a point: every named quantity as a node of one graph."""

    program: Program
    values: dict[str, Value]  # inputs, then named quantities, in program order
    output: str
    constants: list[Value] = field(default_factory=list)

    @property
    def root(self) -> Value:
        return self.values[self.output]

    @cached_property
    def order(self) -> list[Value]:
        """The graph's nodes, children before parents (sorted once per evaluation)."""
        return topological_order(self.root)

    @cached_property
    def gradients(self) -> dict[Value, float]:
        """∂output/∂node for every node: one backward pass, run on first use and kept (it
        also leaves each node's ``.grad`` set, for pictures that read it)."""
        return backward_pass(self.order)

    def grads(self) -> dict[str, float]:
        """∂output/∂name for every input and every named quantity."""
        gradients = self.gradients
        return {name: gradients.get(node, 0.0) for name, node in self.values.items()}


_BINARY = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "**": lambda a, b: a**b,
}


def call(function: str, args: list[Value]) -> Value:
    """A function of the operation table applied to Values: ``call("max", [x, y])``."""
    return getattr(args[0], ops.OPS[function].method_name)(*args[1:])


class _Evaluator:
    """Interpret one expression into `Value`s. Number literals become labelled constant leaves,
    so that a picture or a step table shows them. Inner nodes get no label: `autograd.explain`
    names them from their formula, and a statement's node gets the statement's name."""

    def __init__(self, values: dict[str, Value], constants: list[Value]) -> None:
        self.values = values
        self.constants = constants

    def run(self, root: Node) -> Value:
        # Post-order with an explicit stack: the depth of a program never meets the recursion limit.
        results: dict[int, tuple[Value, tuple[str, int]]] = {}
        stack: list[tuple[Node, bool]] = [(root, False)]
        while stack:
            node, ready = stack.pop()
            if id(node) in results:
                continue  # a subtree used twice (formulas of autograd.lang.notation): one Value, used twice
            if not ready:
                stack.append((node, True))
                stack += [(child, False) for child in reversed(subtrees(node))]
                continue
            done = [results[id(child)] for child in subtrees(node)]
            text = render(node, [part for _, part in done])
            results[id(node)] = (self.apply(node, [value for value, _ in done], text[0]), text)
        return results[id(root)][0]

    def apply(self, node: Node, args: list[Value], text: str) -> Value:
        if isinstance(node, Num):
            constant = Value(node.value, label=node.text)
            self.constants.append(constant)
            return constant
        if isinstance(node, Name):
            return self.values[node.name]
        try:
            if isinstance(node, Unary):
                out = -args[0]
            elif isinstance(node, Binary) and node.op == "**" and not names_in(node.right):
                out = args[0] ** args[1].data  # a constant power: x**2 and x**(1+1) work for negative x
            elif isinstance(node, Binary):
                out = _BINARY[node.op](*args)
            else:
                out = call(node.function, args)
        except (ValueError, ZeroDivisionError, OverflowError) as error:
            raise ExprError(f"{error} in '{_shorten(text)}'",  # the caret under its operator or function
                            position=node.column - 1 if node.column > 0 else None) from None
        return out


def evaluate_tree(tree: Node, values: dict[str, Value], constants: list[Value] | None = None) -> Value:
    """One syntax tree interpreted into Values: each name looked up in ``values``, each number a
    new constant leaf (appended to ``constants`` when given). `autograd.higher` evaluates the
    table's derivative formulas with it, so that a local derivative is a Value too."""
    return _Evaluator(values, [] if constants is None else constants).run(tree)


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

