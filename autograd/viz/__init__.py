"""Pictures of a graph: DOT, SVG, notebook display and the step-through page."""

from autograd.viz.drawing import (
    GraphPicture, RenderError, draw, draw_steps, page_model, readable_parameter_name, render_svg, stepper,
    stepper_html,
)

__all__ = [
    "GraphPicture", "RenderError", "draw", "draw_steps", "page_model", "readable_parameter_name", "render_svg",
    "stepper", "stepper_html",
]
