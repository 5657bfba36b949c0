"""Naming the nodes of a graph the way the student wrote them.

Every node gets an ``id`` that is a name in the program language (the program's own name where
it has one, else ``t`` and its place in the order), and a display ``name``: its label, a
constant's number, or — for an unnamed intermediate — its formula when that is short and no
other node has the same one, else its id. A formula refers to other nodes by their display
names, which are themselves valid program text, so every formula written over them can be
evaluated by the program language and gives back the number shown beside it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from autograd.core import Value
from autograd.lang import FUNCTIONS, Name, Node, Num, is_name, notation

__all__ = ["MAX_INLINE", "Names", "name_nodes", "display_names"]

MAX_INLINE = 30  # an unnamed intermediate is shown by its formula up to this many characters


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
    if not node.is_leaf and not node.label and (node in inline or not keep):
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


def display_names(order: list[Value], constants: Iterable[Value] = ()) -> dict[Value, str]:
    """The display name of every node of ``order``."""
    return name_nodes(order, constants).shown

