"""Drawing a graph: `draw`, `draw_steps` and the `GraphPicture` they return.

A picture is DOT text (built by `autograd.viz.dot`) until it is asked for SVG, shown in a
notebook or saved; only then is it rendered (`autograd.viz.render`).
"""

from __future__ import annotations

import html
import re
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from autograd.core import Value, topological_order
from autograd.core.graph import backward_pass
from autograd.explain import trace
from autograd.util import files
from autograd.viz import render
from autograd.viz.dot import DEFAULT_MAX_ELEMENTS, DEFAULT_MAX_NODES, Scene
from autograd.viz.parameters import labelled

if TYPE_CHECKING:
    import graphviz

__all__ = ["GraphPicture", "draw", "draw_steps"]


class GraphPicture:
    """A drawn graph: ``.source`` (DOT), ``.svg()``, ``.save(path)``; shows itself in Jupyter.

    The SVG is an image with a text alternative: its ``<title>`` (``alt[0]``: what it is) and
    ``<desc>`` (``alt[1]``: every value and gradient drawn), which a screen reader reads."""

    def __init__(self, digraph: graphviz.Digraph, alt: tuple[str, str] = ("computation graph", "")) -> None:
        self.digraph = digraph
        self.alt = alt
        self._svg: str | None = None

    @property
    def source(self) -> str:
        return self.digraph.source

    def svg(self) -> str:
        if self._svg is None:
            self._svg = _described(render.render_svg(self.source), *self.alt)
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
            data = render.render_with_system_dot(self.source, suffix)
        files.atomic_write(path, data)
        return path


def draw(
    root: Value,
    rankdir: str = "LR",
    digits: int = 4,
    show_locals: bool = True,
    parameters=(),
    constants: Iterable[Value] = (),
    highlight: Iterable[Value] = (),
    highlight_edges: Iterable[tuple[Value, Value]] = (),
    max_nodes: int = DEFAULT_MAX_NODES,
    max_elements: int = DEFAULT_MAX_ELEMENTS,
    *,
    order: list[Value] | None = None,
) -> GraphPicture:
    """Draw the graph that ends at ``root``, with values, gradients and local derivatives.

    ``rankdir`` is "LR" (left to right) or "TB" (top to bottom); ``digits`` the significant
    digits shown. Leaves in ``parameters`` and ``constants`` get their own colours; other
    leaves are inputs. ``parameters`` is a model, a mapping name → Value or Values, read as
    the step-through page reads it (`autograd.viz.parameters`), and named in the picture.
    ``order`` is the graph's topological order when the caller has it.

    The cost of laying a picture out is bounded before Graphviz sees it:

    - parallel edges (a value used several times by one operation, as in ``x + x``) are one
      edge labelled with the count and the summed local derivative, ``×2: 2``;
    - a value used far from where it is drawn (the ``x`` of ``x + x + … + x``, each ``sin(x)``
      of ``sin(x) * sin(x) * …``) is drawn in full once and again as a small dashed reference
      box beside each far use; long edges across the whole picture are what make layout slow;
    - at most ``max_nodes`` values and ``max_elements`` nodes + edges are drawn: a larger graph
      is collapsed to the values nearest the output, with a warning.
    """
    scene = Scene(root, topological_order(root) if order is None else order, rankdir=rankdir, digits=digits,
                  show_locals=show_locals, parameters=parameters, constants=constants, max_nodes=max_nodes,
                  max_elements=max_elements)
    _warn_if_collapsed(scene)
    return GraphPicture(scene.digraph(highlight, highlight_edges), scene.text_alternative())


def draw_steps(root: Value, digits: int = 4, *, order: list[Value] | None = None,
               **options) -> list[tuple[str, GraphPicture]]:
    """One picture per backward contribution, with its chain-rule line.

    Each picture highlights the node passing its gradient on, the child receiving it and the
    edge between them; the line reads e.g. ``∂L/∂h = ∂L/∂yhat · ∂yhat/∂h = -0.2807 · 0.3 = -0.0842``.
    ``options`` are `draw`'s (but the highlights). One backward pass, one topological sort,
    and the graph is prepared for drawing once, whatever the number of steps.
    """
    order = topological_order(root) if order is None else order  # the order the trace's indices refer to
    scene = Scene(root, order, digits=digits, **options)
    with labelled(scene.named, root, order):  # the lines name parameters and the output as the picture does
        record = trace(root, backward_pass(order), options.get("constants", ()), order=order)
    _warn_if_collapsed(scene)
    lines = iter(record.chain_lines(digits))
    alt = scene.text_alternative()
    pictures = []
    for step in record.backward:
        parent = order[step.index]
        for contribution in step.contributions:
            child = order[contribution.child_index]
            line = next(lines)
            picture = GraphPicture(scene.digraph(highlight=[parent, child], highlight_edges=[(parent, child)]),
                                   (f"{alt[0]}, at the step {line}", alt[1]))
            pictures.append((line, picture))
    return pictures


def _described(svg: str, name: str, description: str) -> str:
    """The SVG as an image named ``name`` and described by ``description`` (its first children
    ``<title>`` and ``<desc>``, as SVG's accessibility mapping reads them)."""
    tag = re.search(r"<svg\b[^>]*>", svg)
    if tag is None:
        raise render.RenderError("Graphviz wrote no <svg> element")
    text = f'\n<title>{html.escape(name)}</title>\n<desc>{html.escape(description)}</desc>'
    opened = tag.group(0)[:-1] + ' role="img">'
    return svg[:tag.start()] + opened + text + svg[tag.end():]


def _warn_if_collapsed(scene: Scene) -> None:
    if scene.hidden:
        warnings.warn(
            f"draw: the graph has {len(scene.order):,} values; showing the {len(scene.shown):,} "
            "nearest the output (raise max_nodes or max_elements to see more)",
            stacklevel=3,  # the caller of draw or draw_steps
        )
