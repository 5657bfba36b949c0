"""Pictures that do not mislead: `draw`, `draw_steps` and the step-through page read
``parameters`` alike (a model, a mapping, Values) and colour and name them as parameters."""

import re

import pytest

from autograd import Value
from autograd.explain import fmt
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


def edge_less(source):
    """The value records that no edge touches (drawn, but connected to nothing)."""
    touched = set()
    for a, b in re.findall(r'^\s*(\w+) -> (\w+)', source, re.M):
        touched.update({a, b, a.split("_ref_")[0]})
    return [node for node in value_nodes(source) if node not in touched]


def worked_source():
    from autograd.apps.worked import PARAMETERS, PROGRAM
    from autograd.lang import parse

    evaluation = parse(PROGRAM).evaluate({"x": 2.0, "w1": 0.5, "w2": 0.3, "y": 0.5})
    evaluation.gradients  # noqa: B018  (sets each node's .grad, which the picture shows)
    return draw(evaluation.root, constants=evaluation.constants, order=evaluation.order,
                parameters={name: evaluation.values[name] for name in PARAMETERS}).source


def test_the_worked_example_draws_each_value_once_with_its_edges_and_every_constant():
    """y and 0.5 were drawn twice: edge-less boxes at the far left and dashed copies at their uses."""
    source = worked_source()
    assert edge_less(source) == [] and "_ref_" not in source
    labels = [label.split(" | ")[0] for label, _ in value_nodes(source).values()]
    assert sorted(label for label in labels if not label.startswith("data")) == \
        ["0.5", "L", "e", "h", "w1", "w2", "x", "y", "yhat", "z"]
    assert 'label="** 2"' in source  # the exponent, a plain number, is drawn on its operation


def test_a_plain_number_operand_is_drawn_on_its_operation():
    """`0.5 - ŷ` with 0.5 a plain number was drawn as a bare − and read as -ŷ."""
    from autograd import Value

    w = Value(0.3, label="w")
    loss = 0.5 * (0.5 - w) ** 2 + w / 4
    loss.backward()
    source = draw(loss, parameters=[w]).source
    for label in ("0.5 −", "× 0.5", "** 2", "÷ 4"):
        assert f'label="{label}"' in source
    assert edge_less(source) == []


def test_an_mlp_picture_has_no_edge_less_value_and_names_every_parameter():
    model = MLP(2, [4, 4, 1], seed=0)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    loss.backward()
    source = draw(loss, parameters=model).source
    nodes = value_nodes(source)
    assert edge_less(source) == [] and "_ref_" not in source  # the output layer's weights too
    names = [label.split(" | ")[0] for label, colour in nodes.values() if colour == COLOURS["parameter"]]
    assert len(names) == len(model.parameters()) and all(re.fullmatch(r"L\d_n\d_(w\d|b)", n) for n in names)


def test_the_svg_is_an_image_with_every_value_and_gradient_as_its_text_alternative():
    """A screen reader reads the picture's <title> and <desc>: every value drawn, with its gradient."""
    import xml.etree.ElementTree as ET

    from autograd.viz import draw_steps

    x, w1, w2 = Value(2.0, label="x"), Value(0.5, label="w1"), Value(0.3, label="w2")
    loss = 0.5 * (0.5 - w2 * (w1 * x).sigmoid()) ** 2
    loss.label = "L"
    loss.backward()
    root = ET.fromstring(draw(loss, parameters=[w1, w2]).svg())
    svg = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img" and [c.tag for c in root[:2]] == [svg + "title", svg + "desc"]
    assert root[0].text == "computation graph of 9 values ending at L"
    described = root[1].text
    for v in (x, w1, w2, loss):
        assert f"{v.label} ({'parameter' if v in (w1, w2) else 'input' if v is x else 'output'}): " \
               f"value {fmt(v.data, 4)}, gradient {fmt(v.grad, 4)}" in described
    assert described.count("gradient") == 9  # every value drawn (the constants are on their operations)
    assert "sigmoid(w1 * x) (intermediate): value 0.7311, gradient -0.0842" in described
    line, picture = draw_steps(loss, parameters=[w1, w2])[0]
    assert ET.fromstring(picture.svg())[0].text.endswith(f"at the step {line}")
