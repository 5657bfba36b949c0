"""What the training tab draws, as plain data: the output and every hidden neuron over the
plane, every weight, and one sample's loss graph.

- ``picture``: for two inputs, a `GRID` × `GRID` lattice over the data (with a margin): the
  class probabilities at each cell (σ(z) for one logit, softmax for several) and each hidden
  neuron's output on every other cell (Playground's small heat maps); for the 1-D regression,
  the prediction and each hidden neuron's output at `CURVE` points along x.
- ``weights``: per layer, per neuron, its weights and bias (the lines' colour and width).
- ``sample_graph``: one sample's loss L(x; w) built from the current network, its one backward
  pass, and the graph as the program tab draws it (`autograd.viz.page_model`); beside it, per
  parameter, ∂L/∂w and the push −η·(∂L/∂w)/B this sample gives w in a step of batch size B.
"""

from __future__ import annotations

from autograd.core import Value, no_grad
from autograd.core.graph import backward_pass, topological_order

__all__ = ["GRID", "CURVE", "picture", "weights", "sample_graph", "probabilities"]

GRID = 30  # cells per side of the output's picture; the neurons' pictures take every other one
CURVE = 60  # points along x for the regression's curves
MARGIN = 0.15  # of the data's extent, on each side


def probabilities(outputs) -> list[float]:
    """Class probabilities from the network's outputs: [1 − σ(z), σ(z)] for one logit z, else
    softmax(z) = e^(z − max z) / Σ e^(z − max z) (shifted, so no exp overflows), computed by the
    engine's own sigmoid and exp (call it under `no_grad`)."""
    if isinstance(outputs, Value):
        p = outputs.sigmoid().data
        return [1 - p, p]
    top = max(o.data for o in outputs)
    exps = [(o - top).exp().data for o in outputs]
    total = sum(exps)
    return [e / total for e in exps]


def _span(values: list[float]) -> tuple[float, float]:
    low, high = min(values), max(values)
    margin = MARGIN * (high - low) if high > low else 1.0
    return low - margin, high + margin


def picture(session) -> dict:
    """The output and hidden neurons over the plane (see the module docstring)."""
    if session.regression:
        return _curves(session)
    (x0, x1), (y0, y1) = _span([p[0] for p in session.points]), _span([p[1] for p in session.points])
    layers = session.model.layers
    neurons = [[[] for _ in layer.neurons] for layer in layers[:-1]]
    output = []
    with no_grad():
        for j in range(GRID):
            y = y1 - (y1 - y0) * (j + 0.5) / GRID
            for i in range(GRID):
                values = [x0 + (x1 - x0) * (i + 0.5) / GRID, y]
                for depth, layer in enumerate(layers):
                    values = layer(values)
                    if depth < len(layers) - 1 and i % 2 == 0 and j % 2 == 0:
                        for k, v in enumerate(values):
                            neurons[depth][k].append(round(v.data, 4))
                output.append([round(p, 4) for p in probabilities(values[0] if len(values) == 1 else values)])
    return {"box": [x0, x1, y0, y1], "size": GRID, "output": output, "neurons": neurons,
            "neuron_size": (GRID + 1) // 2}


def _curves(session) -> dict:
    x0, x1 = _span([p[0] for p in session.points])
    layers = session.model.layers
    xs = [x0 + (x1 - x0) * i / (CURVE - 1) for i in range(CURVE)]
    neurons = [[[] for _ in layer.neurons] for layer in layers[:-1]]
    output = []
    with no_grad():
        for x in xs:
            values = [x]
            for depth, layer in enumerate(layers):
                values = layer(values)
                if depth < len(layers) - 1:
                    for k, v in enumerate(values):
                        neurons[depth][k].append(round(v.data, 4))
            output.append(values[0].data)
    t0, t1 = _span([p[1] for p in session.points] + [v for v in output if abs(v) < 1e6])
    return {"box": [x0, x1, t0, t1], "xs": xs, "output": output, "neurons": neurons}


def weights(model) -> list:
    """``[[{"w": [...], "b": b}, ...], ...]``: per layer (the output layer last), per neuron."""
    return [[{"w": [w.data for w in neuron.w], "b": neuron.b.data} for neuron in layer.neurons]
            for layer in model.layers]


def sample_graph(session, index: int) -> dict:
    """One sample's loss graph from the current network (see the module docstring)."""
    from autograd.apps.explore.training import data_loss, inputs_of, predicted
    from autograd.viz import page_model
    from autograd.viz.parameters import readable_parameter_name

    point = session.points[index]
    names = ["x"] if session.regression else ["x1", "x2"]
    xs = [Value(v, label=name) for v, name in zip(inputs_of(session, point), names)]
    out = session.model(xs)
    loss = data_loss(session, [out], [point])
    loss.label = "L"
    order = topological_order(loss)
    grads = backward_pass(order)
    model = page_model(loss, parameters=session.model, order=order, grads=grads)
    lr, batch = session.settings["lr"], min(session.settings["batch"], len(session.train))
    pushes = [{"name": readable_parameter_name(name), "path": name, "value": p.data, "grad": grads.get(p, 0.0),
               "push": -lr * grads.get(p, 0.0) / batch} for name, p in session.model.named_parameters()]
    pushes.sort(key=lambda item: -abs(item["grad"]))
    with no_grad():
        prediction = predicted(session, session.model(inputs_of(session, point)))
    return {"index": index, "point": list(point), "test": index >= len(session.train), "loss": loss.data,
            "prediction": prediction, "step": session.steps, "lr": lr, "batch": batch, "model": model,
            "pushes": pushes}
