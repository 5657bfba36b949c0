"""The one-file step-through page: gradients appear only from their backward step on, the
walkthrough's page ends with the update and the published-figure check, parameters are
coloured and named, the terminal's digits; and the page in headless chromium."""

import json
import re

import pytest

from autograd import Value
from autograd.apps import worked
from autograd.apps.cli import main
from autograd.lang import parse
from autograd.ml.nn import MLP
from autograd.explain import fmt
from autograd.viz import page_model, readable_parameter_name, stepper, stepper_html
from chromium_browser import launch
from graph_checks import CONTROLS, FOCUSED, NODES, OUTSIDE, TABLE, tab_to


def walkthrough_model():
    example = worked.Example()
    first = worked.run(example)[0]
    evaluation = first.evaluation
    return page_model(evaluation.root, constants=evaluation.constants,
                      parameters=[evaluation.values[w] for w in worked.PARAMETERS],
                      extra_steps=worked.page_steps(example, first))


def revealed(model, upto):
    """What the page knows after steps 0..upto (the rule graph.js applies)."""
    known = {"value": {}, "grad": {}, "local": {}, "next": {}}
    for node in model["nodes"]:
        if node["leaf"]:
            known["value"][node["index"]] = node["value"]
    for step in model["steps"][: upto + 1]:
        for index, field, text in step["set"]:
            known[field][index] = text
    return known


def test_no_gradient_before_its_backward_step_and_all_at_the_end():
    model = walkthrough_model()
    steps = model["steps"]
    phases = [s["phase"] for s in steps]
    first_backward = phases.index("backward")
    assert phases[:first_backward] == ["forward"] * first_backward
    for k in range(first_backward):
        assert revealed(model, k)["grad"] == {}, f"a gradient shows at forward step {k}"
    output = len(model["nodes"]) - 1
    assert revealed(model, first_backward)["grad"] == {output: "1"}
    for k in range(first_backward, len(steps)):  # each backward step reveals only its child's gradient
        grads = [t for t in steps[k]["set"] if t[1] == "grad"]
        assert len(grads) == (1 if phases[k] == "backward" else 0)
    final = revealed(model, len(steps) - 1)["grad"]
    assert final == {n["index"]: n["grad"] for n in model["nodes"] if n["grad"] is not None}


@pytest.mark.parametrize("source, at", [
    ("f = x * x", {"x": 3.0}),  # one child on two edges of one node
    ("a = exp(x) / (1 + x**2); b = log(a + 3) - sqrt(y); b * tanh(a)", {"x": 0.7, "y": 2.0}),
    ("s = sin(x) * cos(y); m = max(s, x) - min(y, 3); abs(m) + relu(m - 1)", {"x": 1.3, "y": -0.4}),
    ("d = x - y; e = d * d; f = e / (x + 10) + 2**x - x**y", {"x": 1.5, "y": 0.5}),
])
def test_every_backward_step_highlights_its_own_edge_and_ends_at_the_true_gradients(source, at):
    evaluation = parse(source).evaluate(at)
    model = page_model(evaluation.root, constants=evaluation.constants)
    edges = model["edges"]
    used = []
    for step in model["steps"]:
        if step["phase"] == "backward" and step["edges"]:
            (edge,) = step["edges"]
            parent, child = step["focus"]
            assert (edges[edge]["node"], edges[edge]["child"]) == (parent, child)
            used.append(edge)
    assert len(used) == len(set(used))  # x * x: two steps, two different edges
    final = revealed(model, len(model["steps"]) - 1)
    for node in model["nodes"]:
        if node["grad"] is not None:
            assert final["grad"][node["index"]] == node["grad"]
        assert final["value"][node["index"]] == node["value"]
    by_name = {n["name"]: n for n in model["nodes"]}
    for name, grad in evaluation.grads().items():
        assert by_name[name]["grad"] == fmt(grad)


def test_walkthrough_ends_with_the_update_and_the_published_figures():
    model = walkthrough_model()
    update, check = model["steps"][-2:]
    assert update["phase"] == "update" and check["phase"] == "check"
    assert "w1 = 0.5 - 0.01 · (-0.0331113) = 0.500331113" in update["text"]
    by_name = {n["name"]: n for n in model["nodes"]}
    assert [by_name["w1"]["index"], "next", "0.500331113"] in update["set"]
    verdicts = {row[0]: row[-1] for row in check["table"]["rows"]}
    assert verdicts == {"h": "right", "yhat": "right", "L": "wrong", "dL/dw2": "wrong", "dL/dw1": "wrong",
                        "w2 updated": "wrong", "w1 updated": "wrong"}
    assert "5 of 7 are wrong" in check["text"]


def test_terminal_digits_parameters_coloured_and_local_derivatives():
    model = walkthrough_model()
    by_name = {n["name"]: n for n in model["nodes"]}
    assert (by_name["L"]["value"], by_name["w1"]["grad"]) == ("0.0393913", "-0.0331113")  # fmt, 6 digits
    assert by_name["w1"]["kind"] == by_name["w2"]["kind"] == "parameter"
    assert by_name["x"]["kind"] == "input" and by_name["L"]["kind"] == "output"
    into_yhat = [e for e in model["edges"] if e["node"] == by_name["yhat"]["index"]]
    assert sorted(e["local"] for e in into_yhat) == ["0.3", "0.731059"]  # ∂yhat/∂w2 = h, ∂yhat/∂h = w2


def test_mlp_parameters_get_readable_names():
    assert readable_parameter_name("layers.0.neurons.3.w.1") == "L1_n4_w2"
    assert readable_parameter_name("layers.1.neurons.0.b") == "L2_n1_b"
    model = MLP(2, [2, 1], seed=0)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    page = page_model(loss, parameters=model)
    names = {n["name"]: n["kind"] for n in page["nodes"]}
    assert names["L1_n1_w1"] == names["L2_n1_b"] == "parameter"
    assert all(p.label == "" for p in model.parameters())  # the caller's Values are left as they were


def test_cli_walkthrough_html_is_one_file_without_network(tmp_path, capsys):
    page = tmp_path / "walk.html"
    assert main(["walkthrough", "--html", str(page)]) == 0
    content = page.read_text()
    assert "<script src" not in content and "<link" not in content
    assert not re.search(r"https?://(?!www\.w3\.org)", content)
    assert '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; script-src \'sha256-' in content
    model = json.loads(re.search(r"AutogradGraph\.page\(document, (.*)\);", content).group(1))
    assert [s["phase"] for s in model["steps"][-2:]] == ["update", "check"]


def test_notebook_stepper_embeds_the_page_offline():
    evaluation = parse("f = x * y + x").evaluate({"x": 2.0, "y": 3.0})
    shown = stepper(evaluation.root, constants=evaluation.constants)._repr_html_()
    assert shown.startswith("<iframe srcdoc=") and "AutogradGraph.page" in shown
    assert "http://" not in shown.replace("http://www.w3.org", "")


def test_a_huge_graph_is_refused_with_a_clear_message():
    evaluation = parse("f = " + " + ".join(["x"] * 2000)).evaluate({"x": 1.0})
    with pytest.raises(ValueError, match="at most 1,500"):
        stepper_html(evaluation.root)


# ---------------------------------------------------------------- in headless chromium


@pytest.fixture(scope="module")
def browser():
    yield from launch()


def test_page_reveals_gradients_step_by_step(browser, tmp_path):
    page_file = tmp_path / "walk.html"
    assert main(["walkthrough", "--html", str(page_file)]) == 0
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(page_file.as_uri())
    grads = page.locator(".gnode .grad")
    count = page.evaluate("autogradStepper.model.steps.length")
    first_backward = page.evaluate("autogradStepper.model.steps.findIndex(s => s.phase === 'backward')")
    assert page.locator("#counter").text_content() == f"step 1 of {count}"
    for k in range(count):
        texts = grads.all_text_contents()
        shown = [t for t in texts if t != "grad ?"]
        if k < first_backward:
            assert shown == [], f"step {k + 1}: {shown}"
        if k == first_backward:
            assert shown == ["grad 1"]
        page.keyboard.press("ArrowRight")
    assert page.locator("#phase").text_content() == "(the published figures, checked)"
    assert page.locator("#table td.wrong").count() == 5
    page.keyboard.press("ArrowLeft")
    assert "w1 = 0.5 - 0.01 · (-0.0331113) = 0.500331113" in page.locator("#line").text_content()
    assert page.locator(".gnode .next", has_text="0.500331113").count() == 1
    page.keyboard.press("Home")
    assert all(t == "grad ?" for t in grads.all_text_contents())
    page.check("#show-all")
    assert "grad -0.0331113" in grads.all_text_contents()
    # the first view fits the graph, never above actual size; at actual size no text is under 12 px
    smallest = page.evaluate("""Math.min(...[...document.querySelectorAll('#graph svg text')]
        .map(t => parseFloat(getComputedStyle(t).fontSize)))""")
    assert smallest >= 12
    assert float(re.search(r"scale\(([\d.]+)\)", page.locator("#graph svg > g").get_attribute("transform"))[1]) <= 1
    page.click(".zoom button[title='actual size']")
    assert "scale(1)" in page.locator("#graph svg > g").get_attribute("transform")
    page.click(".zoom button[title='zoom in']")
    assert "scale(1.25)" in page.locator("#graph svg > g").get_attribute("transform")
    page.close()
    assert all(url.startswith("file://") or url.startswith("data:") for url in requests), requests


def test_an_unlabelled_output_is_called_out_in_the_chain_rule_lines():
    """The lines read ∂t7/∂(…) and ∂(t13 - 1)**2/∂L2_n1_w1: an undefined id, an unbracketed numerator."""
    from autograd.viz import draw_steps

    x, w1, w2 = Value(2.0, label="x"), Value(0.5, label="w1"), Value(0.3, label="w2")
    y = 0.5 * (0.5 - w2 * (w1 * x).sigmoid())
    texts = [s["text"] for s in page_model(y, parameters=[w1, w2])["steps"] if s["phase"] == "backward"]
    assert texts[0].startswith("∂out/∂out = 1") and all(t.startswith("∂out/∂") for t in texts)
    assert "∂out/∂w1 = ∂out/∂(w1 * x) · ∂(w1 * x)/∂w1 = " in "\n".join(texts)
    assert not re.search(r"∂t\d", "\n".join(texts))
    model = MLP(2, [2, 1], seed=0)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    lines = [line for line, _ in draw_steps(loss, parameters=model)]
    assert lines[0].startswith("∂out/∂(t") and any(line.startswith("∂out/∂L2_n1_w1 = ∂out/∂") for line in lines)
    assert all(line.startswith("∂out/∂") for line in lines)
    assert y.label == "" and loss.label == ""  # the caller's Values are left as they were
    taken = Value(1.0, label="out")
    texts = [s["text"] for s in page_model(taken * 2)["steps"] if s["phase"] == "backward"]
    assert texts[0].startswith("∂out2/∂out2 = 1")


def test_a_compound_quantity_in_brackets_of_its_own_is_bracketed_whole():
    """(x + 1) * (y + 2) starts with ( and ends with ): the lines read ∂out/∂(x + 1) * (y + 2)."""
    from autograd.explain import wrap

    assert wrap("(x + 1) * (y + 2)") == "((x + 1) * (y + 2))"
    assert wrap("(x + 1)") == "(x + 1)" and wrap("(a + (b))") == "(a + (b))" and wrap("w1") == "w1"
    x, y = Value(2.0, label="x"), Value(0.5, label="y")
    texts = [s["text"] for s in page_model(((x + 1) * (y + 2)).exp())["steps"] if s["phase"] == "backward"]
    assert texts[1] == "∂out/∂((x + 1) * (y + 2)) = exp((x + 1) * (y + 2)) = 1808.04"
    assert texts[2].startswith("∂out/∂(x + 1) = ∂out/∂((x + 1) * (y + 2)) · ∂((x + 1) * (y + 2))/∂(x + 1) = ")
    assert not any(re.search(r"∂\(x \+ 1\) \* \(y", t) for t in texts)


# ---------------------------------------------------------------- the first view, the keyboard, the table


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The walkthrough's page and an MLP's (two hidden layers of 4, one sample's loss)."""
    folder = tmp_path_factory.mktemp("pages")
    evaluation = worked.run(worked.Example())[0].evaluation
    model = MLP(2, [4, 4, 1], seed=0)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    written = {"walkthrough": stepper_html(evaluation.root, constants=evaluation.constants,
                                           parameters=[evaluation.values[w] for w in worked.PARAMETERS]),
               "mlp": stepper_html(loss, parameters=model)}
    for name, html in written.items():
        (folder / f"{name}.html").write_text(html, encoding="utf-8")
    return {name: (folder / f"{name}.html").as_uri() for name in written}


def settle(page):
    """Two animation frames: a ResizeObserver's callback has run."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


@pytest.mark.parametrize("which, nodes", [("walkthrough", 11), ("mlp", 56)])
def test_the_first_view_fits_the_whole_graph_at_any_window_size(browser, pages, which, nodes):
    """At 1400×900 the output was off the right edge; on an MLP's page the last node under the legend."""
    for width, height in [(1400, 900), (800, 600), (390, 844)]:
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(pages[which])
        assert page.evaluate(NODES) == nodes
        assert page.evaluate(OUTSIDE) == [], (width, height)
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
        page.set_viewport_size({"width": height, "height": width})  # turned: the view follows the window
        settle(page)
        assert page.evaluate(OUTSIDE) == [], ("turned", width, height)
        page.close()


def test_moved_by_hand_the_view_stays_until_fit_is_pressed(browser, pages):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(pages["walkthrough"])
    page.click(".zoom button[title='zoom in']")
    page.click(".zoom button[title='zoom in']")
    moved = page.locator("#graph svg > g").get_attribute("transform")
    page.set_viewport_size({"width": 1300, "height": 900})
    settle(page)
    assert page.locator("#graph svg > g").get_attribute("transform") == moved and page.evaluate(OUTSIDE)
    page.click(".zoom button[title='fit the whole graph']")
    assert page.evaluate(OUTSIDE) == []
    page.close()


def test_the_page_works_from_the_keyboard_alone_with_the_focus_visible(browser, pages):
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    page.goto(pages["walkthrough"])
    count = page.evaluate("autogradStepper.model.steps.length")
    controls = set(page.evaluate(CONTROLS, "body"))
    assert {"next", "show-all", "zoom in", "zoom out", "fit the whole graph", "actual size",
            "show the graph as a table", "graph-picture"} <= controls
    passed = tab_to(page, "next")
    page.keyboard.press("Enter")
    page.keyboard.press("Space")
    assert page.locator("#counter").text_content() == f"step 3 of {count}"
    page.keyboard.press("Shift+Tab")  # back to Prev, now enabled
    assert page.evaluate(FOCUSED)["id"] == "prev"
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # at step 1 Prev is disabled: the focus moves to Next, not the page's start
    assert page.locator("#counter").text_content() == f"step 1 of {count}"
    assert page.evaluate(FOCUSED)["id"] == "next"
    passed += tab_to(page, "graph-picture")
    transform = lambda: page.locator("#graph svg > g").get_attribute("transform")  # noqa: E731
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    assert page.locator("#counter").text_content() == f"step 2 of {count}"  # one step per key on the picture
    fitted = transform()
    page.keyboard.press("+")
    zoomed = transform()
    assert zoomed != fitted and "scale" in zoomed
    page.keyboard.press("Shift+ArrowRight")
    assert transform() != zoomed
    page.keyboard.press("0")
    assert page.evaluate(OUTSIDE) == []
    passed += tab_to(page, "show-all", most=20)
    page.keyboard.press("Space")
    assert page.locator("#show-all").is_checked()
    reached = {p["id"] for p in passed}
    assert controls <= reached, controls - reached
    assert all(p["visible"] for p in passed), [p["id"] for p in passed if not p["visible"]]
    page.close()


def test_the_graph_has_a_table_a_screen_reader_reads_with_the_true_gradients(browser, pages):
    """The picture's text alternative: a table (aria-describedby) of every value and gradient,
    following the steps; all shown, its numbers are the gradients a backward pass gives."""
    x, w1, w2, y = (Value(v) for v in (2.0, 0.5, 0.3, 0.5))
    z = w1 * x
    h = z.sigmoid()
    yhat = w2 * h
    e = y - yhat
    loss = 0.5 * e**2
    loss.backward()
    true = {"x": x, "w1": w1, "w2": w2, "y": y, "z": z, "h": h, "yhat": yhat, "e": e, "L": loss}
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    page.goto(pages["walkthrough"])
    table = page.evaluate(TABLE)
    assert (table["tag"], table["role"], table["display"]) == ("TABLE", "img", "table")
    assert table["label"].startswith("computation graph of 11 values ending at L")
    assert "value" in table["caption"] and "gradient" in table["caption"]
    assert page.get_by_role("table", name=re.compile("The graph as a table")).count() == 1
    assert table["rows"]["w1"] == ["0.5", "?"] and table["rows"]["z"] == ["1", "?"]  # step 1: z is computed
    assert table["rows"]["h"] == ["?", "?"] and table["rows"]["0.5"] == ["0.5", "none (a constant)"]
    page.check("#show-all")
    rows = page.evaluate(TABLE)["rows"]
    assert {name: rows[name] for name in true} == {name: [fmt(v.data), fmt(v.grad)] for name, v in true.items()}
    assert rows["w1"] == ["0.5", "-0.0331113"]
    page.click(".zoom button[title='show the graph as a table']")  # shown instead of the picture, to anyone
    assert page.get_by_role("table", name=re.compile("The graph as a table")).is_visible()
    assert not page.get_by_test_id("graph-picture").is_visible()
    page.close()


def test_every_edge_label_is_clear_of_every_box(browser, pages, tmp_path):
    """A long local derivative centred a third of the way along its edge started over the child."""
    a, b = Value(-0.000123456789, label="a"), Value(2.5e-7, label="b")
    long_labels = tmp_path / "long.html"
    long_labels.write_text(stepper_html((a * b).exp() * a), encoding="utf-8")
    for which in [*pages, "long"]:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(pages[which] if which in pages else long_labels.as_uri())
        page.check("#show-all")
        covered = page.evaluate("""() => {
          const boxes = [...document.querySelectorAll('.gnode rect')].map(r => r.getBoundingClientRect());
          return [...document.querySelectorAll('.gedge text')].filter(t => t.textContent).filter(t => {
            const a = t.getBoundingClientRect();
            return boxes.some(b => !(a.right <= b.left || a.left >= b.right || a.bottom <= b.top || a.top >= b.bottom));
          }).map(t => t.textContent); }""")
        labels = page.locator(".gedge text").count()
        assert labels >= 4 and covered == [], (which, covered)
        page.close()
