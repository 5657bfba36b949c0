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
from autograd.explain import Names, Trace, chain_lines, fmt, subscript, wrap
from autograd.lang import is_name, notation

__all__ = ["Chain", "MAX_PATHS", "Path", "names_reaching", "path_to", "where_it_went_wrong"]

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
        self._path_texts: dict[int, tuple[list[Value], str]] = {}  # a diagnosis writes each path many times
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

    def paths(self) -> list[tuple[Path, float]] | None:
        """Every path from root to target with its product of local derivatives; None when
        there are more than MAX_PATHS (counted first, without walking them: the number of
        paths is the chain rule with every local derivative 1). A path lists its nodes and
        (``path.edges``) which child it took at each step, so two paths through the two uses of
        one value differ."""
        if not self.order or not self._sweep(lambda node, k, d: 1.0) <= MAX_PATHS:
            return None
        found, stack = [], [(self.root, Path([self.root]), 1.0)]
        while stack:
            node, path, product = stack.pop()
            if node is self.target:
                found.append((path, product))
                continue
            for k, (child, d) in enumerate(zip(node.children, node.local_grads)):
                if child in self.reach:
                    stack.append((child, path.then(child, k), product * d))
        return found[::-1]

    def name(self, node: Value) -> str:
        """How the node is shown, parenthesised when it is a formula: 'h', '(y - yhat)'."""
        return wrap(self.names.shown[node])

    def use_name(self, node: Value, k: int) -> str:
        """The k-th child as node uses it: 'x', or 'x₍₂₎' for the second use of a value used more
        than once (`autograd.explain.naming.Use`)."""
        use = self.names.uses.get((node, k))
        name = self.name(node.children[k])
        return name if use is None or use.count == 1 else subscript(name, use.number)

    def local_text(self, node: Value, k: int, d: float) -> str:
        """'∂h/∂z = sigmoid(z) * (1 - sigmoid(z)) = 0.1966': the local derivative of the k-th
        edge; through one use of a repeated value, that use's factor: '∂y/∂x₍₁₎ = x = 3
        (x₍₁₎: the first factor of y)'."""
        kids = [self.names.trees[child] for child in node.children]
        shown = notation.text(notation.derivative_tree(node, k, kids))
        number = fmt(d, 4)
        child = self.use_name(node, k)
        text = f"∂{self.name(node)}/∂{child} = {shown}"
        text = text if shown == number else f"{text} = {number}"
        use = self.names.uses.get((node, k))
        if use is not None and use.count > 1:
            text += f" ({child}: {use.where if use.where != self.names.shown[node] else 'in ' + use.where})"
        return text

    def formula(self, node: Value) -> str:
        """'f = log(x) / x', or the formula alone for an unnamed node."""
        written = self.names.formula(node)
        shown = self.names.shown[node]
        return written if shown == written else f"{shown} = {written}"

    def path_text(self, path: list[Value]) -> str:
        """'E → out_o2 → net_o2 → out_h1 → net_h1 → w1': a long path by its named quantities;
        a value used more than once by the use the path goes through (z → y₍₁₎ → x₍₂₎), so two
        different paths never read alike (shortening keeps those nodes)."""
        known = self._path_texts.get(id(path))
        if known is not None and known[0] is path:
            return known[1]
        text = self._path_text(path)
        self._path_texts[id(path)] = (path, text)  # the path kept alive beside its id
        return text

    def _path_text(self, path: list[Value]) -> str:
        edges = getattr(path, "edges", None)
        shown, keep = [self.names.shown[path[0]]], [True]
        for i, node in enumerate(path[1:]):
            k = edges[i] if edges is not None else None
            use = self.names.uses.get((path[i], k)) if k is not None else None
            repeated = use is not None and use.count > 1
            shown.append(subscript(self.names.shown[node], use.number) if repeated else self.names.shown[node])
            keep.append(repeated)
        keep[-1] = True
        if len(shown) > 5:
            # the ends, the uses, and the quantities the program names (not formulas)
            named = [name for k, name in enumerate(shown) if keep[k] or is_name(name)]
            if len(named) >= 3:
                shown, keep = named, [True] * len(named)
        if len(shown) > 8:
            middle = [name for name, kept in zip(shown[3:-3], keep[3:-3]) if kept]
            shown = shown[:3] + ["…"] + middle + (["…"] if middle else []) + shown[-3:]
        return " → ".join(shown)

    def where(self, text: str) -> str:
        """' (where t8 = …)' for the intermediates ``text`` names by an id; "" when none."""
        defined = self.names.where(text)
        return f" ({defined})" if defined else ""


class Path(list):
    """A path's nodes, root first, and ``edges``: the child index taken at each step."""

    edges: tuple[int, ...] = ()

    def then(self, child: Value, k: int) -> Path:
        longer = Path([*self, child])
        longer.edges = (*self.edges, k)
        return longer


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
    those paths are ``reaches`` (`names_reaching`): each use of a repeated value on its own line
    and their sum after them, then the intermediates named by an id introduced ('where …')."""
    lines = chain_lines(record, keep=lambda node, child: node in reaches and child in reaches)
    if lines:
        defined = record.where(lines)
        return lines + ([defined] if defined else [])
    if target == record.output:
        return [f"{target} is the output: d{record.output}/d{target} = 1"]
    return [f"{record.output} does not depend on {target} (no path leads from one to the other): "
            f"d{record.output}/d{target} = 0"]


def where_it_went_wrong(record: Trace, right: Iterable[str], wrong: Iterable[str],
                        reaches: dict[str, set[str]]) -> list[str]:
    """Where several gradient claims lie along one path: for each wrong one that no other wrong
    one feeds, the last right one above it, or, when other wrong ones lie below it, that it is
    the first wrong one. Nothing for a claim alone on its paths (its verdict says it all).

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
        right_above = sorted(above & right - {out}, key=lambda name: position.get(name, 0))
        below = sorted((name for name in wrong - {target} if target in reaches[name]),
                       key=lambda name: position.get(name, 0))
        if right_above:
            lines.append(f"where the chain went wrong: d{out}/d{right_above[-1]} is right but d{out}/d{target} "
                         "is wrong, so the mistake is in the steps between them")
        elif below:
            later = ", ".join(f"d{out}/d{name}" for name in below)
            lines.append(f"where the chain went wrong: d{out}/d{target} is the first wrong gradient on the path from "
                         f"{out}, and {later} below it use{'s' * (len(below) == 1)} it: check the steps above "
                         f"d{out}/d{target} first")
    return lines
