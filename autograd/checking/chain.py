"""The chain rule between the output and one quantity: the part of the graph a diagnosis
changes (`Chain`), and the lines of the step record that explain a wrong answer (`path_to`,
`where_it_went_wrong`).

Both read "the nodes on some path from the output down to the quantity" from the graph module
(`autograd.core.graph.reaching`), and a `Chain`'s gradient under a mistake is the one reverse
sweep with that mistake as its option (`reverse_sweep(local=..., overwrite=...)`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from autograd.core import Value
from autograd.core.graph import reaching, reverse_sweep
from autograd.explain import Names, Trace, chain_line, fmt, wrap
from autograd.lang import is_name, notation

__all__ = ["Chain", "MAX_PATHS", "names_reaching", "path_to", "where_it_went_wrong"]

# Enumerating subsets of paths is exponential: with at most this many paths from the output to a
# quantity every proper subset is tried (at most 2**12 - 2 sums); with more, only one use at a
# time is left out.
MAX_PATHS = 12

Edge = tuple[Value, int, Value, float]  # (node, k, its k-th child, ∂node/∂child)


class Chain:
    """The part of a graph between the output (``root``) and one ``target`` node: the nodes on
    some path from one to the other, children before parents, with their display names."""

    def __init__(self, root: Value, target: Value, order: list[Value], names: Names, constants: set) -> None:
        reach = reaching(order, {target})
        self.root, self.target, self.names, self.constants = root, target, names, constants
        self.order = [node for node in order if node in reach] if root in reach else []
        self.reach = reach
        self.edges: list[Edge] = [(node, k, child, d) for node in self.order
                                  for k, (child, d) in enumerate(zip(node.children, node.local_grads))
                                  if child in reach]

    def gradient(self, local: dict[tuple[Value, int], float] | None = None, overwrite: bool = False) -> float:
        """∂root/∂target by the one reverse sweep, with ``local[(node, k)]`` in place of node's
        k-th local derivative, and with ``=`` in place of ``+=`` when ``overwrite``.
        inf or nan when a changed chain overflows a float (no mistake gives that answer)."""
        if not self.order:
            return 0.0
        return self._sweep(None if not local else lambda node, k, d: local.get((node, k), d), overwrite)

    def _sweep(self, local: Callable[[Value, int, float], float] | None, overwrite: bool = False) -> float:
        try:
            grads = reverse_sweep(self.order, wanted=self.reach, local=local, overwrite=overwrite)
        except OverflowError:
            return float("nan")
        return grads.get(self.target, 0.0)

    def paths(self) -> list[tuple[list[Value], float]] | None:
        """Every path from root to target with its product of local derivatives; None when
        there are more than MAX_PATHS (counted first, without walking them: the number of
        paths is the chain rule with every local derivative 1)."""
        if not self.order or not self._sweep(lambda node, k, d: 1.0) <= MAX_PATHS:
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

    def local_text(self, node: Value, k: int, d: float) -> str:
        """'∂h/∂z = sigmoid(z) * (1 - sigmoid(z)) = 0.1966': the local derivative of the k-th edge."""
        kids = [self.names.trees[child] for child in node.children]
        shown = notation.text(notation.derivative_tree(node, k, kids))
        number = fmt(d, 4)
        text = f"∂{self.name(node)}/∂{self.name(node.children[k])} = {shown}"
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


# ------------------------------------------------------------------ explaining wrong gradients


def names_reaching(record: Trace, order: list[Value], target: Value, name: str) -> set[str]:
    """The names, as ``record`` shows them, of the nodes on some path from the output down to
    ``target`` (called ``name``, included). ``record`` is the step record of the graph ``order``
    sorts. Nothing reaches a quantity outside the graph, nor a number literal (it receives no
    backward steps in the record)."""
    position = next((i for i, node in enumerate(order) if node is target), None)
    if position is None or record.forward[position].kind == "constant":
        return {name}
    reach = reaching(order, {target})
    return {name} | {record.forward[i].name for i, node in enumerate(order) if node in reach}


def path_to(record: Trace, target: str, reaches: set[str]) -> list[str]:
    """The chain-rule lines on every path from the output down to ``target``, whose names on
    those paths are ``reaches`` (`names_reaching`)."""
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


def where_it_went_wrong(record: Trace, right: Iterable[str], wrong: Iterable[str],
                        reaches: dict[str, set[str]]) -> list[str]:
    """For each wrong gradient that no other wrong gradient feeds, the last right one above it.

    ``right`` and ``wrong`` name the quantities whose gradient claims are right and wrong;
    ``reaches[name]`` holds the names on the paths from the output down to each wrong one.
    """
    out = record.output
    right, wrong = set(right), set(wrong)
    position: dict[str, int] = {}  # each name's first appearance in backward order
    for step in record.backward:
        for name in (step.node, *(c.child for c in step.contributions)):
            position.setdefault(name, len(position))
    lines = []
    for target in sorted(wrong, key=lambda name: position.get(name, 0)):
        above = reaches[target] - {target}
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
