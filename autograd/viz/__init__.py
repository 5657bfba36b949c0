"""Pictures of a graph: DOT, SVG, notebook display and the step-through page.

- `dot`: which values are drawn and how (DOT source, colours, the size guard);
- `render`: DOT → SVG by Graphviz, a system program or WebAssembly (`RenderError`);
- `drawing`: `draw`, `draw_steps` and the `GraphPicture` they return;
- `stepper`: the step-through page (`page_model`, `stepper_html`, `stepper`);
- `page`: the one HTML page skeleton (`html_page`), offline by its Content-Security-Policy.

Importing this package imports neither graphviz nor the WebAssembly Graphviz: they come in
when a picture is first drawn or rendered.
"""

from autograd.viz.drawing import GraphPicture, draw, draw_steps
from autograd.viz.page import html_page, script_json
from autograd.viz.render import RenderError, render_svg
from autograd.viz.stepper import page_model, readable_parameter_name, stepper, stepper_html

__all__ = [
    "GraphPicture", "RenderError", "draw", "draw_steps", "html_page", "page_model", "readable_parameter_name",
    "render_svg", "script_json", "stepper", "stepper_html",
]
