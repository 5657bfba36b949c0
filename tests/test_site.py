"""The static site (`autograd site DIR`): built from the registries (Pyodide by `npm ci`, our
wheel by pip, both compiled to bytecode by Pyodide under Node), served by `python -m http.server`,
driven in headless chromium with every request outside the site's own origin blocked and counted
as a failure. Its answers come from our package in Pyodide, and equal what `autograd grad --json`,
`check --json`, `sheet` and `grade --json` print."""

import importlib
import io
import json
import math
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from autograd.apps.explore.api import Api
from autograd.apps.site import worker
from autograd.apps.site.build import ARCHIVE, COURSE, COURSE_FOLDER, PYODIDE_FILES, STAMP, SiteError, build, pyodide
from autograd.apps.site.bytecode import compile_archive
from autograd.core import ops
from chromium_browser import launch

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "build" / "site-cache"  # npm ci once, kept between runs (as `make site` keeps it)
SET = ROOT / "examples" / "problem-sets" / "worked-example.toml"
WORKED = "z = w1 * x\nh = sigmoid(z)\nyhat = w2 * h\ne = y - yhat\nL = 0.5 * e**2"
EVERY_FUNCTION = " + ".join(f"{name}(x)" if arity == 1 else f"{name}(x, y)" for name, arity in ops.FUNCTIONS.items())
PROGRAMS = [  # (program, inputs): the worked example, repeated variables, arithmetic, exp and log
    (WORKED, {"w1": 0.5, "x": 2, "w2": 0.3, "y": 0.5}),
    ("f = x * x + x / x - x ** 3", {"x": 1.5}),
    ("a = exp(x) * log(y); b = sigmoid(a) - relu(-x) + max(x, y); f = -a / b ** 2 + sqrt(y)", {"x": 0.3, "y": 0.7}),
]
# Every operation of the table. Pyodide's C maths library (musl) and the native one (glibc) round a
# few functions differently in the last bit or two: tanh(0.3), cosh(-0.4), log10(1.3), arccos(0.05).
# So this program's answer has the same text but for those digits: every number within 4 ulp.
EVERY = (f"s = {EVERY_FUNCTION}; f = -s * y / (y - x) ** 2 - x", {"x": 0.3, "y": 0.7})
ULPS = 4


def needs_npm():
    if shutil.which("npm") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must build the site: it has Node.js 20 and npm")
        pytest.skip("npm is not installed (Node.js 20 brings it); CI has it")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    needs_npm()
    out = tmp_path_factory.mktemp("site") / "site"
    assert build(out, CACHE, [SET]) is True
    server = subprocess.Popen([sys.executable, "-u", "-m", "http.server", "--bind", "127.0.0.1", "0"],
                              cwd=out, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    port = re.search(r"port (\d+)", server.stdout.readline()).group(1)
    yield out, f"http://127.0.0.1:{port}/"
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    yield from launch()


@pytest.fixture(scope="module")
def context(site, browser):
    """One browser context for every page, as one visitor's browser: its HTTP cache and compiled
    WebAssembly shared, so only the first page loads cold. Every request outside the site's origin
    goes to a proxy that does not exist (the site's own loopback address is reached directly) and
    is listed in ``.foreign``; the fixture fails when any was made."""
    origin = urlsplit(site[1]).netloc
    context = browser.new_context(viewport={"width": 1280, "height": 860}, proxy={"server": "http://127.0.0.1:9", "bypass": "127.0.0.1"})
    context.foreign = []

    def listed(request):
        if urlsplit(request.url).scheme not in ("data", "blob", "about") and urlsplit(request.url).netloc != origin:
            context.foreign.append(request.url)

    context.on("request", listed)
    probe = context.new_page()  # the gate holds: a page elsewhere does not load
    with pytest.raises(Exception, match="ERR_PROXY_CONNECTION_FAILED|ERR_TUNNEL_CONNECTION_FAILED"):
        probe.goto("http://example.com/")
    probe.close()
    assert context.foreign == ["http://example.com/"]
    context.foreign.clear()
    yield context
    assert context.foreign == [], f"requests outside the site: {context.foreign}"
    context.close()


@pytest.fixture(scope="module")
def tab(site, context):
    """One page, loaded once (Python in the browser takes seconds to start)."""
    page = context.new_page()
    page.goto(site[1])
    page.wait_for_selector("body[data-ready='1']", timeout=90000)
    page.foreign = context.foreign
    yield page


def text(page, testid: str) -> str:
    return page.get_by_test_id(testid).text_content()


def settle(page, testid: str, expected: str) -> None:
    page.wait_for_function(f"() => document.querySelector('[data-testid={testid}]').textContent === {expected!r}",
                           timeout=5000)


def test_the_page_opens_on_the_worked_example_with_its_gradients(tab):
    assert text(tab, "grad-w1") == "-0.0331113" and text(tab, "loss") == "0.0393913"
    assert tab.get_by_test_id("progress").is_hidden()
    assert tab.foreign == []


@pytest.mark.parametrize("program, at", PROGRAMS)
def test_answers_equal_grad_json_byte_for_byte(tab, run_cli, program, at):
    code, printed, _ = run_cli("grad", program, "--at", *[f"{n}={v}" for n, v in at.items()], "--json")
    assert code == 0
    answer = tab.evaluate("([p, a]) => AutogradTransport.raw('/api/grad', {program: p, at: a})", [program, at])
    assert answer["status"] == 200
    assert answer["text"] + "\n" == printed
    steps = tab.evaluate("([p, a]) => AutogradTransport.raw('/api/grad', {program: p, at: a, steps: true})",
                         [program, at])
    code, printed, _ = run_cli("grad", program, "--at", *[f"{n}={v}" for n, v in at.items()], "--json", "--steps")
    assert steps["text"] + "\n" == printed


def test_every_operation_answers_as_the_command_line_up_to_the_maths_library(tab, run_cli):
    program, at = EVERY
    code, printed, _ = run_cli("grad", program, "--at", *[f"{n}={v}" for n, v in at.items()], "--json", "--steps")
    answer = tab.evaluate("([p, a]) => AutogradTransport.raw('/api/grad', {program: p, at: a, steps: true})",
                          [program, at])
    native, site = json.loads(printed), json.loads(answer["text"])
    differing = []
    assert_close(native, site, "", differing)
    assert 0 < len(differing) < 40, differing  # some, from the few functions named above
    assert re.sub(r"-?[0-9.]+(e-?\d+)?", "N", printed) == re.sub(r"-?[0-9.]+(e-?\d+)?", "N", answer["text"] + "\n")


def assert_close(native, site, where: str, differing: list) -> None:
    """The same JSON but for floats within `ULPS` units in the last place (listed in ``differing``)."""
    assert type(native) is type(site), where
    if isinstance(native, dict):
        assert list(native) == list(site), where
        for key in native:
            assert_close(native[key], site[key], f"{where}.{key}", differing)
    elif isinstance(native, list):
        assert len(native) == len(site), where
        for i, (a, b) in enumerate(zip(native, site)):
            assert_close(a, b, f"{where}[{i}]", differing)
    elif isinstance(native, float) and native != site:
        assert abs(native - site) <= ULPS * math.ulp(native), (where, native, site)
        differing.append(where)
    else:
        assert native == site, where


def test_type_a_program_move_a_slider_and_see_the_gradients(tab):
    tab.get_by_test_id("program").fill("q = x + y; f = q * z")
    tab.wait_for_selector("[data-testid=input-z]")
    tab.get_by_test_id("input-x").fill("-2")
    tab.get_by_test_id("input-y").fill("5")
    tab.get_by_test_id("input-z").fill("-4")
    settle(tab, "value-f", "-12")
    assert (text(tab, "grad-x"), text(tab, "grad-z")) == ("-4", "3")
    tab.get_by_test_id("slider-z").fill("2")
    settle(tab, "value-f", "6")
    assert (text(tab, "grad-x"), text(tab, "grad-y"), text(tab, "value-q")) == ("2", "2", "3")


def test_step_back_and_forth(tab):
    tab.get_by_test_id("program").fill("q = x + y; f = q * z")
    settle(tab, "value-f", "6")
    tab.get_by_test_id("step-forward").click()
    assert text(tab, "counter").startswith("step 1 of ") and text(tab, "value-f") == "?"
    tab.get_by_test_id("step-forward").click()
    assert text(tab, "counter").startswith("step 2 of ") and text(tab, "value-f") == "6"
    tab.get_by_test_id("step-backward").click()
    assert text(tab, "counter").startswith("step 1 of ") and text(tab, "value-f") == "?"
    for _ in range(2):
        tab.get_by_test_id("step-forward").click()
    assert "∂f/∂f = 1" in text(tab, "line") and text(tab, "grad-q") == "?"
    tab.get_by_test_id("show-all").check()


def test_a_descent_step_lowers_the_loss(tab):
    tab.get_by_test_id("program").fill("L = (w - 3)**2 + (b + 1)**2")
    tab.wait_for_selector("[data-testid=input-b]")
    tab.get_by_test_id("input-w").fill("0")
    tab.get_by_test_id("input-b").fill("0")
    settle(tab, "loss", "10")
    tab.get_by_test_id("lr").fill("0.1")
    tab.get_by_test_id("take-step").click()
    settle(tab, "loss", "6.4")  # w = 0.6, b = -0.2: 2.4² + 0.8²
    assert tab.get_by_test_id("input-w").input_value() == "0.6"


def test_check_a_right_and_a_wrong_answer(tab):
    tab.get_by_test_id("program").fill("f = x * y")
    tab.wait_for_selector("[data-testid=input-y]")
    tab.get_by_test_id("input-x").fill("3")
    tab.get_by_test_id("input-y").fill("2")
    settle(tab, "value-f", "6")
    tab.get_by_test_id("claims").fill("df/dx = 2\ndf/dy = 4")
    tab.get_by_test_id("check").click()
    tab.wait_for_selector("[data-testid=check-result] li >> nth=1")
    assert tab.get_by_test_id("check-result").locator("li").all_text_contents() == \
        ["right: df/dx = 2", "wrong: df/dy = 4"]


def test_a_shared_link_opens_on_the_same_state(tab):
    tab.get_by_test_id("program").fill("q = a * b; f = exp(q) - b")
    tab.wait_for_selector("[data-testid=input-b]")
    tab.get_by_test_id("input-a").fill("0.5")
    tab.get_by_test_id("input-b").fill("-2")
    settle(tab, "value-q", "-1")
    for _ in range(5):
        tab.get_by_test_id("step-forward").click()
    shown = {t: text(tab, t) for t in ("counter", "line", "value-f", "grad-a", "grad-b", "grad-q")}
    tab.get_by_test_id("copy-link").click()
    link = tab.get_by_test_id("link").input_value()
    assert "#program=" in link and "step=5" in link
    other = tab.context.new_page()
    try:
        other.goto(link)
        other.wait_for_selector("body[data-ready='1']", timeout=90000)
        assert other.get_by_test_id("program").input_value() == "q = a * b; f = exp(q) - b"
        assert {t: text(other, t) for t in shown} == shown
        assert other.get_by_test_id("input-b").input_value() == "-2"
    finally:
        other.close()
    tab.get_by_test_id("show-all").check()


def test_training_runs_in_the_browser_without_numpy(tab):
    """The worker passes every route to the Api, and the training tab's engine
    (autograd.apps.explore.training) is plain Python: moons trains 20 steps in Pyodide."""
    answer = tab.evaluate("() => AutogradTransport.raw('/api/train/new', {dataset: 'moons', seed: 0})")
    assert answer["status"] == 200, answer["text"]
    tab.get_by_test_id("tab-train").click()
    for steps in ("10", "20"):
        tab.get_by_test_id("train-10").click()
        tab.wait_for_function(f"() => document.querySelector('[data-testid=train-step]').textContent === '{steps}'",
                              timeout=60000)
    assert math.isfinite(float(text(tab, "train-loss")))
    assert tab.get_by_test_id("train-error").is_hidden()
    tab.get_by_test_id("tab-program").click()


def test_the_worker_answers_every_api_route_as_the_api_does():
    """No list of routes in the worker: a route added to the Api is answered with no change."""
    native = Api()
    for path in native.routes:
        status, _ = native.handle(path, {"program": "f = x * y", "at": {"x": 1, "y": 2}})
        assert worker.answer(path, '{"program": "f = x * y", "at": {"x": 1, "y": 2}}').startswith(f"{status}\n")
    worker._api.routes["/api/new"] = lambda payload: {"seen": payload["n"]}
    try:
        assert worker.answer("/api/new", '{"n": 3}') == '200\n{\n  "seen": 3\n}'
    finally:
        del worker._api.routes["/api/new"]


def test_bytecode_goes_beside_each_source_and_imports_from_the_zip(tmp_path, monkeypatch):
    source = io.BytesIO()
    with zipfile.ZipFile(source, "w") as z:
        z.writestr("pkg/__init__.py", "")
        z.writestr("pkg/mod.py", "ANSWER = 6 * 7\n")
        z.writestr("pkg/bad.py", "def (:\n")  # kept as source: it never compiled
    compiled = compile_archive(source.getvalue(), "/lib/x.zip", keep_source=False)
    assert sorted(zipfile.ZipFile(io.BytesIO(compiled)).namelist()) == ["pkg/__init__.pyc", "pkg/bad.py", "pkg/mod.pyc"]
    (tmp_path / "x.zip").write_bytes(compiled)
    monkeypatch.syspath_prepend(str(tmp_path / "x.zip"))
    module = importlib.import_module("pkg.mod")
    assert module.ANSWER == 42 and module.__file__.endswith("mod.pyc")
    for name in ("pkg", "pkg.mod"):
        sys.modules.pop(name)
    cached = zipfile.ZipFile(io.BytesIO(compile_archive(source.getvalue(), "/lib/c", True, unpacked=True)))
    assert "pkg/__pycache__/mod.cpython-%d%d.pyc" % sys.version_info[:2] in cached.namelist()
    assert "pkg/mod.py" in cached.namelist()


def test_the_checker_page_gives_verdicts_and_diagnoses_as_check_json(site, context, run_cli):
    page = context.new_page()
    try:
        page.goto(site[1] + "check.html")
        page.wait_for_selector("body[data-ready='1']")
        page.get_by_test_id("check").click()
        page.wait_for_selector("[data-testid=verdicts] li >> nth=2", timeout=90000)
        verdicts = page.locator("[data-testid=verdicts] > li")
        assert [verdicts.nth(i).get_attribute("data-verdict") for i in range(3)] == ["right", "right", "wrong"]
        assert "minus sign" in verdicts.nth(2).text_content()  # the sign diagnosis
        claims = ["L = 0.0394", "dL/dw1 = -0.0331", "dL/dw2 = 0.2052"]
        answer = page.evaluate("(b) => AutogradTransport.raw('/api/check/full', b)",
                               {"program": WORKED, "at": PROGRAMS[0][1], "claims": claims})
        code, printed, _ = run_cli("check", WORKED, "--at", "w1=0.5", "x=2", "w2=0.3", "y=0.5",
                                   "--claim", *claims, "--json")
        assert code == 1 and answer["text"] + "\n" == printed
        assert context.foreign == []
    finally:
        page.close()


def test_the_worked_example_page_is_the_walkthroughs(site, tmp_path, run_cli):
    code, _, _ = run_cli("walkthrough", "--html", str(tmp_path / "page.html"))
    assert code == 0
    assert (site[0] / "worked-example.html").read_bytes() == (tmp_path / "page.html").read_bytes()


def test_a_second_build_writes_nothing(site):
    out = site[0]
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    assert build(out, CACHE, [SET]) is False
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before
    assert {p.name for p in (out / "pyodide").iterdir()} == set(PYODIDE_FILES)
    assert (out / STAMP).is_file() and (out / COURSE).is_file()
    assert ARCHIVE in (out / "worker.js").read_text() and COURSE_FOLDER in (out / "worker.js").read_text()
    (out / "check.html").unlink()  # a site missing a file is built again
    assert build(out, CACHE, [SET]) is True and (out / "check.html").is_file()


def test_an_unreachable_registry_is_one_clear_line(tmp_path, monkeypatch, run_cli):
    needs_npm()
    monkeypatch.setenv("npm_config_registry", "http://127.0.0.1:9/")  # nothing listens on port 9
    monkeypatch.setenv("npm_config_cache", str(tmp_path / "npm-cache"))  # nothing cached either
    monkeypatch.setenv("npm_config_fetch_retries", "0")
    with pytest.raises(SiteError, match="cannot reach the npm registry"):
        pyodide(tmp_path / "cache")
    code, out, err = run_cli("site", str(tmp_path / "site"), "--cache", str(tmp_path / "cache"))
    assert code == 2 and out == ""
    assert err.startswith("error: cannot reach the npm registry") and err.count("\n") == 1
    assert not (tmp_path / "site" / "index.html").exists()
    (tmp_path / "file").write_text("x")
    code, out, err = run_cli("site", str(tmp_path / "file"))
    assert code == 2 and err == f"error: cannot build the site in {tmp_path / 'file'}: it is a file, not a folder\n"


def test_a_problem_sheet_for_one_student_and_its_self_check(site, context, run_cli, tmp_path):
    code, sheet, _ = run_cli("sheet", str(SET), "--student", "s042", "--format", "html")
    answers = {"yours.h": "0.6130", "yours.dw2": "-0.342"}  # the first right, the second the sign diagnosis
    (tmp_path / "a.csv").write_text("id,yours.h,yours.dw2\ns042,0.6130,-0.342\n")
    code, graded, _ = run_cli("grade", str(SET), str(tmp_path / "a.csv"), "--json")
    expected = json.loads(graded)["students"][0]["questions"]
    page = context.new_page()
    try:
        page.goto(site[1] + "sheet-worked-example.html#student=s042")
        page.wait_for_selector("[data-testid='answer-yours.dw2']", timeout=90000)
        assert page.get_by_test_id("sheet").get_attribute("srcdoc") == sheet
        for question, answer in answers.items():
            page.get_by_test_id(f"answer-{question}").fill(answer)
        page.get_by_test_id("check-answers").click()
        page.wait_for_selector("[data-testid=verdicts] li[data-question='yours.dw2']")
        verdicts = {li.get_attribute("data-question"): li for li in page.locator("[data-testid=verdicts] > li").all()}
        assert {q: verdicts[q].get_attribute("data-verdict") for q in expected} == \
            {q: g["verdict"] for q, g in expected.items()}
        assert [d["text"] for d in expected["yours.dw2"]["diagnoses"]] and \
            all(d["text"] in verdicts["yours.dw2"].text_content() for d in expected["yours.dw2"]["diagnoses"])
        student = json.loads(graded)["students"][0]
        assert page.get_by_test_id("score").text_content() == f"score: {student['score']:g} of {student['max_score']:g}"
        assert "no secret" in page.get_by_test_id("honesty").text_content() and context.foreign == []
    finally:
        page.close()


def test_the_site_holds_no_answer_key(site, run_cli):
    """The set's file is there (it generates every answer, and the page says so); no answer is."""
    code, key, _ = run_cli("key", str(SET), "--student", "s042", "--format", "json")
    numbers = [repr(v) for q, v in json.loads(key)["answers"].items() if q.startswith("yours.")]
    assert (site[0] / "sets" / "worked-example.toml").read_bytes() == SET.read_bytes()
    texts = [p.read_bytes() for p in site[0].rglob("*") if p.suffix in (".html", ".js", ".toml", ".json")]
    assert not [n for n in numbers if any(n.encode() in t for t in texts)]


def test_a_bad_problem_set_is_one_line_and_nothing_is_built(tmp_path, run_cli):
    (tmp_path / "bad.toml").write_text('title = "t"\nseed = 1\n')
    code, out, err = run_cli("site", str(tmp_path / "site"), "--sets", str(tmp_path / "bad.toml"))
    assert code == 2 and out == "" and err.startswith("error: ") and err.count("\n") == 1 and "bad.toml" in err
    assert not (tmp_path / "site").exists()
