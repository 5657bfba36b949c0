"""DOT source for a graph: which values are drawn, how, and in which colours.

Each value node shows its label, data and grad; each operation is its own small node; each
edge from a child to an operation carries the local derivative ∂node/∂child. A node's
operation, children and local derivatives are read through `autograd.core.graph.layout`.

The cost of laying a picture out is bounded here, before Graphviz sees it (see `Plan`):
parallel edges are merged, values used far away are drawn again as small references, and
at most so many values and nodes + edges are drawn. The graphviz package (which writes the
DOT text) is imported when a picture is first drawn, not when this module is.
"""

from __future__ import annotations

import html
import re
from collections import deque
from collections.abc import Iterable
from typing import TYPE_CHECKING

from autograd.core import Value
from autograd.core.graph import layout
from autograd.explain import display_names, fmt
from autograd.viz.parameters import labelled, named_parameters

if TYPE_CHECKING:
    import graphviz

__all__ = ["COLOURS", "HIGHLIGHT", "DEFAULT_MAX_NODES", "DEFAULT_MAX_ELEMENTS", "FAR_USE_RANKS", "Scene", "Plan",
           "op_symbol", "op_label", "node_kind"]

COLOURS = {
    "input": "#cfe8ff",
    "parameter": "#ffe3b3",
    "constant": "#eeeeee",
    "intermediate": "#ffffff",
    "output": "#c9f2c9",
}
HIGHLIGHT = "#ff5a36"
DEFAULT_MAX_NODES = 1500      # values drawn at most; the rest are collapsed into one note
DEFAULT_MAX_ELEMENTS = 4000   # nodes + edges handed to Graphviz at most: bounds its layout time
FAR_USE_RANKS = 6             # a value is drawn again as a reference beside a use this far away


def op_symbol(node: Value) -> str:
    """The drawing's label for the operation that made ``node``, from the table in `autograd.core.ops`."""
    op = layout(node).op
    return op.symbol if op is not None else ""


def op_label(node: Value, digits: int) -> str:
    """The operation's label with its plain-number operand, on the side it stood: ``0.5 −`` for
    ``0.5 - ŷ``, ``** 2`` for ``e**2`` (the number is no child, so without it ``0.5 - ŷ`` reads ``−ŷ``)."""
    parts, symbol = layout(node), op_symbol(node)
    infix = re.fullmatch(r"a\s*(\S+)\s*b", parts.op.formula) if parts.op is not None else None
    if parts.constant is None or infix is None:
        return symbol
    operator = "**" if infix.group(1) == "**" else symbol  # xʸ beside a number reads as a name
    number = fmt(parts.constant, digits)
    return f"{number} {operator}" if parts.reflected else f"{operator} {number}"


def node_kind(node: Value, root: Value, params: set, consts: set) -> str:
    """Which colour of `COLOURS` a value gets: output, constant, parameter, input or intermediate."""
    if node is root:
        return "output"
    if node in consts:
        return "constant"
    if node in params:
        return "parameter"
    return "input" if node.is_leaf else "intermediate"


class Scene:
    """A graph prepared for drawing: the values shown, their names, ids and edges.

    Made once per graph; `digraph` then draws it with any highlight (`draw_steps` draws one
    graph once per backward step). ``order`` is the graph's topological order, root last.
    """

    def __init__(self, root: Value, order: list[Value], *, rankdir: str = "LR", digits: int = 4,
                 show_locals: bool = True, parameters=(), constants: Iterable[Value] = (),
                 max_nodes: int = DEFAULT_MAX_NODES, max_elements: int = DEFAULT_MAX_ELEMENTS) -> None:
        if rankdir not in ("LR", "TB", "RL", "BT"):
            raise ValueError(f"draw: rankdir must be LR, TB, RL or BT, got {rankdir!r}")
        if not 1 <= digits <= 17:
            raise ValueError(f"draw: digits must be between 1 and 17, got {digits!r}")
        if max_nodes < 1 or max_elements < 10:
            raise ValueError("draw: max_nodes must be at least 1 and max_elements at least 10, "
                             f"got {max_nodes}, {max_elements}")
        if not order or order[-1] is not root:
            raise ValueError("draw: order must be the topological order of the graph ending at root")
        self.root, self.order = root, order
        self.rankdir, self.digits, self.show_locals = rankdir, digits, show_locals
        self.named = named_parameters(parameters)  # a model's parameters get its names
        self.consts, self.params = set(constants), {p for _, p in self.named}
        self.ids = {node: f"v{i}" for i, node in enumerate(order)}
        self.shown, self.plan = _fit(root, order, max_nodes, max_elements)
        # names are shown for labelled values only: naming all of a 100,000-node graph takes seconds
        with labelled(self.named):
            self.titled = {node for node in self.shown if node.label}
            self.names = display_names(order, self.consts) if self.titled else {}

    @property
    def hidden(self) -> int:
        """How many values are left out of the picture (0: it shows the whole graph)."""
        return len(self.order) - len(self.shown)

    def kind(self, node: Value) -> str:
        return node_kind(node, self.root, self.params, self.consts)

    def text_alternative(self, limit: int = 200) -> tuple[str, str]:
        """What a screen reader says for the picture: a short name, and a description listing
        each value drawn (its name as the chain-rule lines write it, or, when no value is labelled,
        its id and operation; its kind, value and gradient), at most ``limit`` of them."""
        shown = [node for node in self.order if node in self.shown]
        end = f" ending at {self.names[self.root]}" if self.root in self.titled else ""
        name = f"computation graph of {len(self.order):,} values{end}"
        items = []
        for node in shown[:limit]:
            what = self.names.get(node) or " ".join(filter(None, [self.ids[node], op_symbol(node)]))
            items.append(f"{what} ({self.kind(node)}): value {fmt(node.data, self.digits)}, "
                         f"gradient {fmt(node.grad, self.digits)}")
        more = f"; and {len(shown) - limit:,} more" if len(shown) > limit else ""
        return name, "; ".join(items) + more + "."

    def digraph(self, highlight: Iterable[Value] = (),
                highlight_edges: Iterable[tuple[Value, Value]] = ()) -> graphviz.Digraph:
        """The picture as a `graphviz.Digraph`: ``highlight`` values and (node, child) edges in red."""
        import graphviz  # only when drawing: importing autograd.viz needs no graphviz

        g = graphviz.Digraph("autograd",
                             graph_attr={"rankdir": self.rankdir, "fontname": "Helvetica", "bgcolor": "white"},
                             node_attr={"fontname": "Helvetica", "fontsize": "11"},
                             edge_attr={"fontname": "Helvetica", "fontsize": "9", "color": "#555555"})
        marked, marked_edges = set(highlight), set(highlight_edges)
        for node in self.order:
            if node not in self.shown:
                continue
            self._value(g, node, node in marked)
            if not node.is_leaf:
                self._operation(g, node, marked_edges)
        if self.hidden:
            g.node("hidden", label=f"… {self.hidden:,} more values", shape="note")
        _legend(g)
        return g

    def _value(self, g: graphviz.Digraph, node: Value, hot: bool) -> None:
        """A value's record: its name (when labelled), data and grad."""
        name = self.names[node] if node in self.titled else ""
        title = f"{html.escape(name)} | " if name else ""
        data, grad = _dot_escape(fmt(node.data, self.digits)), _dot_escape(fmt(node.grad, self.digits))
        g.node(self.ids[node], id=self.ids[node], shape="record", label=f"{{ {title}data {data} | grad {grad} }}",
               style="filled,bold" if hot else "filled", fillcolor=COLOURS[self.kind(node)],
               color=HIGHLIGHT if hot else "black", penwidth="2.5" if hot else "1")

    def _operation(self, g: graphviz.Digraph, node: Value, marked_edges: set) -> None:
        """The operation's circle, its edge to the value, and an edge from each shown child."""
        ids = self.ids
        op_id = ids[node] + "_op"
        g.node(op_id, id=op_id, label=_dot_escape(op_label(node, self.digits)), shape="circle",
               width="0.3", fixedsize="false", style="filled", fillcolor="#f5f5f5", fontsize="10")
        g.edge(op_id, ids[node], id=f"{op_id}_out")
        for child, (count, local, index) in self.plan.edges[node].items():
            attrs = {"id": f"e_{ids[child]}_{ids[node]}_{index}"}  # the page finds edges by this prefix
            if self.show_locals:
                text = fmt(local, self.digits)
                attrs["label"] = _dot_escape(text if count == 1 else f"×{count}: {text}")
            if (node, child) in marked_edges:
                attrs.update(color=HIGHLIGHT, penwidth="2.5", fontcolor=HIGHLIGHT)
            source = ids[child]
            if (node, child) in self.plan.references:
                source = f"{ids[child]}_ref_{ids[node]}"
                label = self.names[child] if child in self.titled else f"data {fmt(child.data, self.digits)}"
                g.node(source, id=source, label=_dot_escape(label), shape="box", style="dashed,filled",
                       fillcolor=COLOURS[self.kind(child)], fontsize="9", height="0.2",
                       tooltip=f"{label}: the value drawn in full at {ids[child]}")
            g.edge(source, op_id, **attrs)


class Plan:
    """What will be drawn among the shown values: merged edges and far-use references."""

    def __init__(self, shown: set[Value], order: list[Value]) -> None:
        # node -> {child: (count, summed local derivative, position of the first use)}
        self.edges: dict[Value, dict[Value, tuple[int, float, int]]] = {}
        for node in order:
            if node not in shown or node.is_leaf:
                continue
            merged: dict[Value, tuple[int, float, int]] = {}
            parts = layout(node)
            for index, (child, local) in enumerate(zip(parts.children, parts.locals)):
                if child in shown:
                    count, total, first = merged.get(child, (0, 0.0, index))
                    merged[child] = (count + 1, total + local, first)
            self.edges[node] = merged
        # Graphviz ranks a value after everything it is made from; an edge spanning many ranks
        # becomes a chain of hidden nodes, and thousands of them make layout take minutes.
        # A leaf is not held at the far left: Graphviz lays it beside its first use, so it is drawn
        # there, and only its later far uses get references (a leaf used once is drawn once, with its edge).
        rank: dict[Value, int] = {}
        self.references: set[tuple[Value, Value]] = set()
        for node in order:
            if node not in shown or node.is_leaf:
                continue
            merged = self.edges[node]
            rank[node] = 2 + max((rank[c] for c in merged if c in rank), default=-2)
            for child in merged:
                rank.setdefault(child, rank[node] - 1)
                # any far use, even a value's only one: the sin(x)'s of sin(x)*sin(x)*… are each used
                # once, far down the chain, and their long edges alone made layout slow (tests/test_viz.py)
                if rank[node] - 1 - rank[child] > FAR_USE_RANKS:
                    self.references.add((node, child))
        self.elements = (len(shown) + 2 * len(self.edges) + sum(map(len, self.edges.values()))
                         + 2 * len(self.references))


def _fit(root: Value, order: list[Value], max_nodes: int, max_elements: int) -> tuple[set[Value], Plan]:
    """The values nearest the output whose picture stays within both limits."""
    limit = min(max_nodes, len(order))
    while True:
        shown = set(order) if limit >= len(order) else _nearest(root, limit)
        plan = Plan(shown, order)
        if plan.elements <= max_elements or limit == 1:
            return shown, plan
        limit = max(1, min(limit - 1, int(limit * max_elements / plan.elements * 0.95)))


def _nearest(root: Value, limit: int) -> set[Value]:
    """The ``limit`` values closest to the output, breadth first (iterative)."""
    seen = {root}
    queue = deque([root])
    while queue and len(seen) < limit:
        node = queue.popleft()
        for child in layout(node).children:
            if child not in seen and len(seen) < limit:
                seen.add(child)
                queue.append(child)
    return seen


def _legend(g: graphviz.Digraph) -> None:
    """A row of coloured boxes in a small cluster. (HTML-like labels would be neater, but the
    WebAssembly Graphviz is built without the XML parser they need.)"""
    with g.subgraph(name="cluster_legend") as legend:
        legend.attr(label="legend · edge label = local derivative ∂node/∂child", fontsize="9",
                    color="#bbbbbb", style="rounded", rank="same")
        previous = None
        for kind, colour in COLOURS.items():
            legend.node(f"legend_{kind}", label=kind, shape="box", style="filled", fillcolor=colour,
                        fontsize="9", height="0.2", width="0.3")
            if previous:
                legend.edge(previous, f"legend_{kind}", style="invis")
            previous = f"legend_{kind}"


def _dot_escape(text: str) -> str:
    """Escape what record labels treat specially."""
    for ch in "{}|<>":
        text = text.replace(ch, "\\" + ch)
    return text
