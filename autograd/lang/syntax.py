"""The syntax tree of a program: its node types, walking it, and writing it back as text.

A tree is built by `autograd.lang.parser` and read by the evaluator and by
`autograd.lang.notation`, which also builds trees of its own (formulas of the op table with a
node's operands put in). Every walk here uses an explicit stack, so the depth of an expression
never meets Python's recursion limit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from autograd.core import ops

__all__ = ["FUNCTIONS", "Num", "Name", "Unary", "Binary", "Call", "Node", "subtrees", "fold", "render", "unparse",
           "names_in", "nodes_in"]

FUNCTIONS = ops.FUNCTIONS  # name -> number of arguments, from the operation table


@dataclass(frozen=True)
class Num:
    """A number as written (``text``), and its value."""

    value: float
    text: str
    column: int  # 1-based, in the program text; 0 for a tree built by notation


@dataclass(frozen=True)
class Name:
    """A name: an input, a quantity assigned earlier, or a placeholder of a formula."""

    name: str
    column: int


@dataclass(frozen=True)
class Unary:
    """A negation (a unary plus is dropped by the parser)."""

    op: str  # only "-"
    operand: "Node"
    column: int


@dataclass(frozen=True)
class Binary:
    """An operator between two operands."""

    op: str  # + - * / **
    left: "Node"
    right: "Node"
    column: int


@dataclass(frozen=True)
class Call:
    """A function of the operation table applied to its arguments."""

    function: str
    args: tuple
    column: int


Node = Num | Name | Unary | Binary | Call

_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "**": 4}


def unparse(root: Node) -> str:
    """The expression as text, with only the parentheses it needs."""
    return fold(root, render)[0]


def fold(root: Node, combine: Callable[[Node, list], Any]) -> Any:
    """``combine(node, [results of its subtrees])`` over a tree, children first. An explicit
    stack: deep expressions never recurse. A subtree may appear more than once (a formula
    of `autograd.lang.notation` uses an operand twice)."""
    results: dict[int, object] = {}
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, ready = stack.pop()
        if not ready:
            stack.append((node, True))
            stack += [(child, False) for child in subtrees(node)]
            continue
        results[id(node)] = combine(node, [results[id(c)] for c in subtrees(node)])
    return results[id(root)]


def render(node: Node, parts: list[tuple[str, int]]) -> tuple[str, int]:
    """One node as (text, precedence), given its children's (text, precedence)."""
    if isinstance(node, Num):
        return node.text, (_PRECEDENCE["neg"] if node.value < 0 else 5)
    if isinstance(node, Name):
        return node.name, 5
    if isinstance(node, Call):
        return f"{node.function}({', '.join(text for text, _ in parts)})", 5
    if isinstance(node, Unary):
        (text, inner), mine = parts[0], _PRECEDENCE["neg"]
        return (f"-{text}" if inner >= mine and not text.startswith("-") else f"-({text})"), mine
    (left, lp), (right, rp) = parts
    mine = _PRECEDENCE[node.op]
    if node.op == "**":  # right-associative, and binds tighter than a unary minus on its left
        left = left if lp > mine else f"({left})"
        right = right if rp >= _PRECEDENCE["neg"] and not right.startswith("-") else f"({right})"
        return f"{left}**{right}", mine
    left = left if lp >= mine else f"({left})"
    # a right operand of the same precedence keeps its brackets even for + and *: in floating point
    # 2 + (x - 2) is not (2 + x) - 2; a negative right operand too: x - (-1), never x - -1
    needs = rp <= mine or right.startswith("-")
    return f"{left} {node.op} {f'({right})' if needs else right}", mine


def subtrees(node: Node) -> tuple:
    """The operands of an expression node, left to right."""
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, Call):
        return node.args
    return ()


def names_in(node: Node) -> list[Name]:
    """Every Name in an expression, left to right (an explicit stack: no recursion)."""
    found, stack = [], [node]
    while stack:
        node = stack.pop()
        if isinstance(node, Name):
            found.append(node)
        stack += reversed(subtrees(node))
    return found


def nodes_in(node: Node) -> list[Node]:
    """Every node of an expression (an explicit stack: no recursion)."""
    found, stack = [], [node]
    while stack:
        node = stack.pop()
        found.append(node)
        stack += subtrees(node)
    return found
