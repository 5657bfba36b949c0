"""Naming the nodes of a graph the way the student wrote them.

Every node gets an ``id`` that is a name in the program language (the program's own name where
it has one, else a letter and its place in the order: ``t8``, the letter chosen so that no id
can be mistaken for one of the program's names), and a display ``name``: its label, a
constant's number, or — for an unnamed intermediate — its formula when that is short and no
other node has the same one, else its id. A formula refers to other nodes by their display
names, which are themselves valid program text, so every formula written over them can be
evaluated by the program language and gives back the number shown beside it. An intermediate
shown by its id is introduced where it is used (`Names.where`: "where t8 = exp(cat) + …").

A value used more than once (``x`` in ``x*x``) has one *use* per edge into it, numbered in the
order backward() visits them (`Names.uses`): the chain rule through one use is that use's
factor (∂y/∂x₍₁₎ = x), the total the sum over the uses.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from autograd.core import Value
from autograd.core.graph import layout
from autograd.lang import FUNCTIONS, Name, Node, Num, is_name, notation

__all__ = ["MAX_INLINE", "Names", "Use", "name_nodes", "display_names", "where"]

MAX_INLINE = 30  # an unnamed intermediate is shown by its formula up to this many characters
_TOKEN = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


@dataclass(frozen=True)
class Use:
    """One use of a child by a node: its number among the child's uses (from 1, in the order
    backward() visits them), how many uses the child has, and where it is ("the first factor
    of y")."""

    number: int
    count: int
    where: str


@dataclass
class Names:
    """Per node: ``ids`` (valid program names), ``shown`` (display names) and ``trees`` (the
    formula a reference to the node is written as: its name, its number, or its own formula);
    per edge (node, k): ``uses``, the k-th child's use there."""

    ids: dict[Value, str]
    shown: dict[Value, str]
    trees: dict[Value, Node]
    uses: dict[tuple[Value, int], Use] = field(default_factory=dict)
    generated: dict[str, Value] = field(default_factory=dict)  # ids shown for unnamed intermediates

    def formula(self, node: Value) -> str:
        """How the node is computed, over the display names: 'exp(cat) + exp(car)'."""
        return notation.text(notation.formula_tree(node, [self.trees[child] for child in node.children]))

    def definitions(self) -> dict[str, str]:
        """Each id shown for an unnamed intermediate, and how that intermediate is computed."""
        return {name: self.formula(node) for name, node in self.generated.items()}

    def where(self, text: str) -> str:
        """'where t8 = t2 + exp(frog), t2 = exp(cat)' for the ids ``text`` uses (`where`)."""
        return where(text, self.definitions()) if self.generated else ""


def where(text: str, definitions: dict[str, str]) -> str:
    """'where t8 = t2 + exp(frog), t2 = exp(cat)': the intermediates ``text`` names by an id
    (keys of ``definitions``), and those their formulas name, each introduced once; "" when
    there are none."""
    seen: list[str] = []
    pending = [token for token in _TOKEN.findall(text) if token in definitions]
    while pending:
        token = pending.pop(0)
        if token not in seen:
            seen.append(token)
            pending += [t for t in _TOKEN.findall(definitions[token]) if t in definitions]
    return ("where " + ", ".join(f"{t} = {definitions[t]}" for t in seen)) if seen else ""


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
    generated = {ids[node]: node for node in order
                 if shown[node] == ids[node] and ids[node] != node.label and not node.is_leaf}
    return Names(ids, shown, trees, _uses(order, constant_set, shown), generated)


_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
_ROLES = {"*": "factor", "+": "term", "-": "term", "sum": "term", "/": ("numerator", "denominator"),
          "**": ("base", "exponent")}


def _uses(order: list[Value], constants: set, shown: dict[Value, str]) -> dict[tuple[Value, int], Use]:
    """Every edge's use of its child, numbered in the order backward() visits them (parents in
    reverse order, each node's children in order), skipping number literals as the records do."""
    visits: dict[Value, list[tuple[Value, int]]] = {}
    for node in reversed(order):
        for k, child in enumerate(node.children):
            if child not in constants:
                visits.setdefault(child, []).append((node, k))
    uses = {}
    for child, edges in visits.items():
        for number, (node, k) in enumerate(edges, 1):
            uses[(node, k)] = Use(number, len(edges), _where(node, k, shown))
    return uses


def _where(node: Value, k: int, shown: dict[Value, str]) -> str:
    """'the first factor of y', 'the denominator of (a / b)', or 'y' when the child is used there once."""
    kids = node.children
    name = shown.get(node, "")
    if sum(child is kids[k] for child in kids) == 1:
        return name
    lay = layout(node)
    op = lay.op.name if lay.op is not None else ""
    role = _ROLES.get(op, "argument")
    position = lay.argument(k)
    if isinstance(role, tuple):
        return f"the {role[min(position, 1)]} of {name}"
    ordinal = _ORDINALS[position] if position < len(_ORDINALS) else f"#{position + 1}"
    return f"the {ordinal} {role} of {name}"


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
    """The program's own name where a node has a usable one, else a letter and the node's place
    in the order (``t8``); the letter is one that no program name is written with followed by
    digits, so an input called ``t1`` never sits beside a generated ``t2``."""
    ids: dict[Value, str] = {}
    taken: set[str] = set()
    labels = {node.label for node in order if node.label}
    for node in order:
        label = node.label
        if label and is_name(label) and label not in FUNCTIONS and label not in taken:
            ids[node] = label
            taken.add(label)
    prefix = next(p for p in _prefixes() if not any(re.fullmatch(rf"{p}\d+(_\d+)?", label) for label in labels))
    for i, node in enumerate(order):
        if node not in ids:
            candidate, k = f"{prefix}{i}", 0
            while candidate in taken:  # a repeated label (two nodes called q): its second node
                k += 1
                candidate = f"{prefix}{i}_{k}"
            ids[node] = candidate
            taken.add(candidate)
    return ids


def _prefixes() -> Iterable[str]:
    yield from ("t", "u", "v", "tmp")
    n = 1
    while True:
        yield "t" + "_" * n
        n += 1


def display_names(order: list[Value], constants: Iterable[Value] = ()) -> dict[Value, str]:
    """The display name of every node of ``order``."""
    return name_nodes(order, constants).shown

