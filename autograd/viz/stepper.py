"""The step-through page: the graph and its steps as plain data (`page_model`), drawn and
revealed one step at a time in the browser by static/graph.js (`stepper_html`, `stepper`).

The explorer serves the same script and asks its API for the same model; here the script,
style and model are inlined into one offline page (`autograd.viz.page.html_page`).
"""

from __future__ import annotations

import html
from collections import deque
from collections.abc import Iterable, Mapping
from importlib import resources

from autograd.core import Value, topological_order
from autograd.core.graph import backward_pass, layout
from autograd.explain import fmt, trace, wrap
from autograd.viz.dot import DEFAULT_MAX_NODES, node_kind, op_symbol
from autograd.viz.page import html_page, script_json
from autograd.viz.parameters import labelled, named_parameters, readable_parameter_name

__all__ = ["page_model", "stepper_html", "stepper", "Stepper", "readable_parameter_name", "MAX_PAGE_NODES"]

MAX_PAGE_NODES = DEFAULT_MAX_NODES

_INTRO = """<h1>{title}</h1>
<p class="intro">Forward values first, then every backward step: each passes ∂out/∂node along one edge,
multiplied by the local derivative on that edge. A value appears when it is computed, a gradient when the
backward pass reaches it. Use the buttons or the ← → keys (Home, End); drag to pan, wheel or ± to zoom (on the
picture: Shift and an arrow pans, 0 fits). The "table" button shows the graph as a table.</p>
<div class="controls">
  <button id="prev" type="button">◀ Prev</button>
  <button id="next" type="button">Next ▶</button>
  <span id="counter"></span> <span id="phase" class="phase"></span>
  <label class="switch"><input id="show-all" type="checkbox"> show all values and gradients</label>
</div>
<div id="line" class="line" aria-live="polite"></div>
<div id="table" class="table"></div>
<div id="graph" class="graph"></div>"""


def stepper_html(
    root: Value,
    title: str = "autograd",
    digits: int = 6,
    constants: Iterable[Value] = (),
    parameters=(),
    extra_steps: Iterable[dict] = (),
    *,
    order: list[Value] | None = None,
    grads: Mapping[Value, float] | None = None,
) -> str:
    """A self-contained page (no server, no network, no external script) that steps through
    the forward values, every backward step, then any ``extra_steps`` (the walkthrough adds
    the update and the check of the published figures), with Prev/Next and the arrow keys.

    A value appears from its forward step on and a gradient from its backward step on; a
    switch shows them all. ``parameters`` are coloured and named: as `autograd.viz.parameters`
    reads them (a model, a mapping name → Value, or Values). ``order`` and
    ``grads`` as in `page_model`.
    """
    model = page_model(root, digits=digits, constants=constants, parameters=parameters,
                       extra_steps=extra_steps, title=title, order=order, grads=grads)
    return html_page(f"{title}: stepping through backpropagation", _INTRO.format(title=html.escape(title)),
                     style=_asset("graph.css") + "\nbody { margin: 1.2em 1.5em; }",
                     scripts=[_asset("graph.js"), f"AutogradGraph.page(document, {script_json(model)});"])


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


def page_model(
    root: Value,
    digits: int = 6,
    constants: Iterable[Value] = (),
    parameters=(),
    extra_steps: Iterable[dict] = (),
    title: str = "",
    *,
    order: list[Value] | None = None,
    grads: Mapping[Value, float] | None = None,
) -> dict:
    """The graph and its steps as plain data for the page's script (graph.js).

    ``nodes[i]`` is node i of the topological order (name, kind, formula, final value and
    gradient as text); ``edges`` go child → node with the local derivative ∂node/∂child;
    each step has a ``text`` and ``set``: the ``[index, field, text]`` it reveals
    (field ``value``, ``grad``, ``local`` (an edge) or ``next`` (an updated value)).
    Numbers are formatted here, with `fmt`, so the page shows the terminal's digits.
    An extra step may name nodes: ``{"phase", "text", "focus": [names], "set": [[name,
    "next", text]], "table": {"head": [...], "rows": [[...]]}}``.

    ``order`` (the graph's topological order) and ``grads`` (∂root/∂node, e.g.
    `Evaluation.gradients`) are what the caller has computed already; without them the graph
    is sorted and one backward pass run here.
    """
    if not 1 <= digits <= 17:
        raise ValueError(f"stepper: digits must be between 1 and 17, got {digits!r}")
    constants = list(constants)
    named = named_parameters(parameters)
    order = topological_order(root) if order is None else order
    if not order or order[-1] is not root:
        raise ValueError("stepper: order must be the topological order of the graph ending at root")
    if len(order) > MAX_PAGE_NODES:
        raise ValueError(f"stepper: the graph has {len(order):,} values; a step-through page shows at most "
                         f"{MAX_PAGE_NODES:,} (step through a smaller graph, e.g. one sample's loss)")
    grads = backward_pass(order) if grads is None else grads
    with labelled(named, root, order):
        record = trace(root, grads, constants, order=order)
    params, consts = {p for _, p in named}, set(constants)
    nodes, edges, edge_ids = _graph(record, order, grads, params, consts, digits)
    steps = _forward_steps(record, edges, digits) + _backward_steps(record, order, edge_ids, digits)
    by_name = {nd["name"]: nd["index"] for nd in nodes}
    steps += [_resolve(step, by_name) for step in extra_steps]
    return {"title": title, "output": record.output, "digits": digits, "nodes": nodes, "edges": edges,
            "steps": steps}


def _graph(record, order: list[Value], grads: Mapping[Value, float], params: set, consts: set,
           digits: int) -> tuple[list[dict], list[dict], dict[tuple[int, int], int]]:
    """The nodes and edges of the model, and each edge's number by (node index, edge position)."""
    root = order[-1]
    position = {node: i for i, node in enumerate(order)}
    nodes, edges, edge_ids = [], [], {}
    for i, node in enumerate(order):
        parts = layout(node)
        nodes.append({
            "index": i, "name": record.forward[i].name, "kind": node_kind(node, root, params, consts),
            "leaf": node.is_leaf, "symbol": op_symbol(node), "formula": record.forward[i].formula,
            "value": fmt(node.data, digits), "grad": None if node in consts else fmt(grads.get(node, 0.0), digits),
        })
        for k, (child, local) in enumerate(zip(parts.children, parts.locals)):
            edge_ids[(i, k)] = len(edges)
            edges.append({"child": position[child], "node": i, "position": k, "local": fmt(local, digits)})
    return nodes, edges, edge_ids


def _forward_steps(record, edges: list[dict], digits: int) -> list[dict]:
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
        # each child's edges into the parent, in edge order (a child may feed it twice, as in x * x):
        # the contributions from one child follow its edges in that order
        edges_from: dict[Value, deque[int]] = {}
        for k, child in enumerate(layout(order[step.index]).children):
            edges_from.setdefault(child, deque()).append(k)
        for c in step.contributions:
            k = edges_from[order[c.child_index]].popleft()
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


def _asset(name: str) -> str:
    """A page asset (autograd/viz/static, which the explorer serves too), read from package files."""
    return resources.files("autograd.viz").joinpath("static", name).read_text(encoding="utf-8")
