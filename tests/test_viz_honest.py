"""Pictures that do not mislead: `draw`, `draw_steps` and the step-through page read
``parameters`` alike (a model, a mapping, Values) and colour and name them as parameters."""

import re

import pytest

from autograd.ml.nn import MLP
from autograd.viz import draw, draw_steps, page_model
from autograd.viz.dot import COLOURS


def mlp_loss():
    model = MLP(2, [2, 1], seed=0)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    loss.backward()
    return model, loss


def value_nodes(source):
    """{DOT id: (label, fill colour)} of the value records."""
    found = re.findall(r'^\s*(v\d+) \[label="\{ (.*?) \}".*?fillcolor="(#\w+)"', source, re.M)
    return {node: (label, colour) for node, label, colour in found}


@pytest.mark.parametrize("given", ["model", "mapping", "values"])
def test_draw_and_draw_steps_take_the_parameters_stepper_takes(given):
    """draw(loss, parameters=model) was a TypeError; a name → Value dict coloured every parameter an input."""
    model, loss = mlp_loss()
    parameters = {"model": model, "mapping": dict(model.named_parameters()), "values": model.parameters()}[given]
    nodes = value_nodes(draw(loss, parameters=parameters).source)
    coloured = [label for label, colour in nodes.values() if colour == COLOURS["parameter"]]
    assert len(coloured) == len(model.parameters()) == 9
    if given != "values":  # unlabelled Values have no names to give
        assert sorted(label.split(" | ")[0] for label in coloured) == sorted(
            n for n in ("L1_n1_w1", "L1_n1_w2", "L1_n1_b", "L1_n2_w1", "L1_n2_w2", "L1_n2_b",
                        "L2_n1_w1", "L2_n1_w2", "L2_n1_b"))
        page = page_model(loss, parameters=parameters)
        assert {n["name"] for n in page["nodes"] if n["kind"] == "parameter"} == {
            label.split(" | ")[0] for label in coloured}
        lines = [line for line, _ in draw_steps(loss, parameters=parameters)]
        assert any(line.startswith("∂") and "/∂L1_n1_w1 " in line for line in lines)
    assert all(p.label == "" for p in model.parameters())  # the caller's Values are left as they were


def test_parameters_of_the_wrong_kind_are_a_type_error_naming_them():
    _, loss = mlp_loss()
    with pytest.raises(TypeError, match="parameters must be a model"):
        draw(loss, parameters=3)
    with pytest.raises(TypeError, match="w is a float, not a Value"):
        draw(loss, parameters={"w": 0.5})
