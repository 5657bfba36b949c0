"""The explorer: its JSON API (the same answer as `autograd grad --json`), its safety (Host and
Origin checks, body limits, malformed requests), Ctrl-C, and the page in headless chromium."""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

import pytest

from autograd.apps.cli import main
from autograd.apps.explore.api import Api, starting_point
from autograd.apps.explore.server import MAX_BODY, ExplorerServer
from chromium_browser import launch

PROGRAM = "q = x + y; f = q * z"
AT = {"x": -2.0, "y": 5.0, "z": -4.0}


@pytest.fixture(scope="module")
def server():
    served = ExplorerServer(Api(*starting_point(None, {})))
    served.start_background()
    yield served
    served.shutdown()
    served.server_close()


def request(server, method, path, body=None, headers=None, host=None):
    """One request on loopback; returns (status, JSON or text)."""
    port = server.server_address[1]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    sent = {"Host": host or f"127.0.0.1:{port}"}
    if body is not None:
        body = body if isinstance(body, bytes) else json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    sent.update(headers or {})
    connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    for name, value in sent.items():
        connection.putheader(name, value)
    if body is not None:
        connection.putheader("Content-Length", str(len(body)))
    connection.endheaders(body)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    kind = response.getheader("Content-Type", "")
    return response.status, (json.loads(data) if kind.startswith("application/json") else data.decode())


def test_api_grad_answers_what_grad_json_prints(server, capsys):
    assert main(["grad", PROGRAM, "--at", "x=-2", "y=5", "z=-4", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    status, answer = request(server, "POST", "/api/grad", {"program": PROGRAM, "at": AT})
    assert status == 200
    assert answer == printed
    assert answer["grads"] == {"x": -4.0, "y": -4.0, "z": 3.0, "q": -4.0, "f": 1.0}
    assert main(["grad", PROGRAM, "--at", "x=-2", "y=5", "z=-4", "--json", "--steps"]) == 0
    printed = json.loads(capsys.readouterr().out)
    status, answer = request(server, "POST", "/api/grad", {"program": PROGRAM, "at": AT, "steps": True})
    assert answer == printed and answer["trace"]["backward"]


def test_a_bad_program_is_a_400_with_the_column_and_the_suggestion(server):
    status, answer = request(server, "POST", "/api/grad", {"program": "f = x^2", "at": {"x": 1}})
    assert status == 400
    assert answer["column"] == 6 and answer["line"] == 1
    assert "**" in answer["suggestion"] and answer["error"].startswith("unexpected character '^'")
    status, answer = request(server, "POST", "/api/grad", {"program": "f = log(x)", "at": {"x": -1}})
    assert status == 400 and "log" in answer["error"]
    status, answer = request(server, "POST", "/api/grad", {"program": "f = x", "at": {"x": "2"}})
    assert status == 400 and "finite number" in answer["error"]


def test_step_descends_and_check_never_reveals_the_truth(server):
    payload = {"program": "f = (x - 3)**2", "at": {"x": 0.0}, "parameters": ["x"], "lr": 0.1}
    status, answer = request(server, "POST", "/api/step", payload)
    assert status == 200
    assert answer["at"]["x"] == pytest.approx(0.6)  # 0 - 0.1 · 2(0 - 3)
    assert answer["report"]["value"] < answer["before"] == 9.0
    status, answer = request(server, "POST", "/api/check",
                             {"program": PROGRAM, "at": AT, "claims": "df/dx = -4\ndf/dz = 2.9\nq = 3"})
    assert status == 200
    assert [c["verdict"] for c in answer["claims"]] == ["right", "wrong", "right"]
    assert "3.0" not in json.dumps(answer) and "true" not in json.dumps(answer)


@pytest.mark.parametrize("route, extra, passes, traces", [
    ("/api/grad", {}, 1, 0),
    ("/api/grad", {"steps": True}, 1, 1),
    ("/api/check", {"claims": "df/dx = -4"}, 1, 1),
    ("/api/graph", {"parameters": ["x"]}, 1, 0),  # the picture's own records are the viz's
    ("/api/step", {"parameters": ["x"], "lr": 0.1}, 2, 0),  # the point before the step, then after it
])
def test_each_request_differentiates_each_evaluation_once(monkeypatch, route, extra, passes, traces):
    """Step records read the evaluation's one backward pass: the API never traces or sweeps twice."""
    import autograd.apps.explore.api as api_module
    import autograd.lang.evaluate as expr_module

    counted = {"passes": 0, "traces": 0}

    def counting(name, function):
        def wrapped(*args, **kwargs):
            counted[name] += 1
            return function(*args, **kwargs)
        return wrapped

    monkeypatch.setattr(expr_module, "backward_pass", counting("passes", expr_module.backward_pass))
    monkeypatch.setattr(api_module, "trace", counting("traces", api_module.trace))
    status, answer = Api().handle(route, {"program": PROGRAM, "at": AT, **extra})
    assert status == 200, answer
    assert counted == {"passes": passes, "traces": traces}


def test_foreign_host_or_origin_is_refused(server):
    port = server.server_address[1]
    body = {"program": PROGRAM, "at": AT}
    assert request(server, "POST", "/api/grad", body, host=f"evil.example:{port}")[0] == 403
    assert request(server, "GET", "/", host=f"evil.example:{port}")[0] == 403
    assert request(server, "GET", "/", host="127.0.0.1")[0] == 403  # the right address names its port
    assert request(server, "POST", "/api/grad", body, headers={"Origin": "http://evil.example"})[0] == 403
    assert request(server, "POST", "/api/grad", body, headers={"Origin": "null"})[0] == 403
    assert request(server, "POST", "/api/grad", body, headers={"Origin": f"http://127.0.0.1:{port}"})[0] == 200
    assert request(server, "GET", "/", host=f"localhost:{port}")[0] == 200


def test_oversized_body_wrong_type_and_unknown_paths(server):
    status, answer = request(server, "POST", "/api/grad", b"{" + b" " * MAX_BODY + b"}")
    assert status == 413 and "larger" in answer["error"]
    status, _ = request(server, "POST", "/api/grad", b"{}", headers={"Content-Type": "text/plain"})
    assert status == 415
    assert request(server, "GET", "/static/../api.py")[0] == 404
    assert request(server, "GET", "/static/api.py")[0] == 404
    assert request(server, "POST", "/api/nothing", {"a": 1})[0] == 404


@pytest.mark.parametrize("length", [b"\xb2", b"1\xb2", b"\xb9\xb2", "²".encode(), b"12a", b"-5", b"0x10", b"9" * 40])
def test_a_content_length_that_is_not_plain_digits_is_a_400(server, length):
    """'²' passes str.isdigit() but not int(): the request got no answer at all."""
    port = server.server_address[1]
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        raw.sendall(b"POST /api/grad HTTP/1.0\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %s\r\n\r\n{}" % (port, length))
        answer = b""
        while chunk := raw.recv(4096):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 400 ")
    assert "is not a number of bytes" in json.loads(body)["error"]
    assert request(server, "POST", "/api/grad", {"program": PROGRAM, "at": AT})[0] == 200


@pytest.mark.parametrize("path", ["/", "/static/explore.js", "/api/start", "/nowhere"])
def test_head_is_answered_as_get_without_the_body(server, path):
    port = server.server_address[1]
    answers = {}
    for method in ("GET", "HEAD"):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request(method, path, headers={"Host": f"127.0.0.1:{port}"})
        response = connection.getresponse()
        answers[method] = (response.status, response.getheader("Content-Type"), response.getheader("Content-Length"),
                           response.getheader("Content-Security-Policy"), response.read())
        connection.close()
    *head, body = answers["GET"]
    assert answers["HEAD"] == (*head, b"")  # 501 before
    assert int(head[2]) == len(body) > 0


def test_a_thousand_malformed_requests_leave_it_answering(server):
    port = server.server_address[1]
    garbage = [b"\x00\xff garbage\r\n\r\n", b"GET\r\n\r\n", b"POST /api/grad HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
               b"BREW / HTTP/1.1\r\nHost: x\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n"]
    bodies = [b"{", b"[1, 2]", b'"text"', b'{"program": 5}', b'{"program": "f = (", "at": {}}',
              b'{"program": "f = x", "at": {"x": 1e999}}', b"\xff\xfe", b"[" * 50_000,
              b'{"program": "f = x", "at": {"x": ' + b"9" * 5000 + b"}}"]
    started = time.perf_counter()
    for i in range(1000):
        if i % 2:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
                raw.sendall(garbage[i % len(garbage)])
                raw.recv(4096)
        else:
            status, answer = request(server, "POST", "/api/grad", bodies[i % len(bodies)])
            assert status == 400 and "error" in answer
    assert time.perf_counter() - started < 20
    status, answer = request(server, "POST", "/api/grad", {"program": PROGRAM, "at": AT})
    assert status == 200 and answer["value"] == -12.0


def test_a_bug_in_a_route_is_a_500_json_answer_and_the_server_goes_on(server, monkeypatch, capsys):
    def broken(payload):
        raise RuntimeError("boom")

    monkeypatch.setitem(server.api.routes, "/api/grad", broken)
    status, answer = request(server, "POST", "/api/grad", {"program": PROGRAM, "at": AT})
    assert status == 500 and "boom" in answer["error"]
    monkeypatch.undo()
    assert request(server, "POST", "/api/grad", {"program": PROGRAM, "at": AT})[0] == 200


def test_command_prints_the_url_serves_and_stops_cleanly_on_ctrl_c():
    process = subprocess.Popen([sys.executable, "-m", "autograd", "explore", "f = x*y", "--at", "x=2", "--no-browser"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        line = process.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert url, line
        connection = http.client.HTTPConnection("127.0.0.1", int(url.group(1)), timeout=10)
        connection.request("GET", "/api/start")
        start = json.loads(connection.getresponse().read())
        assert start == {"program": "f = x*y", "at": {"x": 2.0, "y": 1.0}, "parameters": ["x", "y"]}
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "stopped" in out and "Traceback" not in err


def test_a_bad_program_or_port_is_one_error_line(capsys):
    assert main(["explore", "f = x^2", "--no-browser"]) == 2
    assert capsys.readouterr().err.startswith("error: unexpected character '^'")
    assert main(["explore", "--port", "70000", "--no-browser"]) == 2
    assert "port" in capsys.readouterr().err
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        assert main(["explore", "--port", str(taken.getsockname()[1]), "--no-browser"]) == 2
    assert "is taken: choose another --port" in capsys.readouterr().err


# ---------------------------------------------------------------- the page in headless chromium


@pytest.fixture(scope="module")
def page(server):
    for browser in launch():
        tab = browser.new_page(viewport={"width": 1280, "height": 860})
        tab.set_default_timeout(5000)
        tab.goto(server.url)
        tab.wait_for_selector("[data-testid=value-L]")
        yield tab
        tab.close()


def text(page, testid):
    return page.get_by_test_id(testid).text_content()


def test_typing_a_program_and_moving_an_input_updates_within_a_second(page):
    page.get_by_test_id("program").fill("q = x + y; f = q * z")
    page.wait_for_selector("[data-testid=input-z]", timeout=1000)
    page.get_by_test_id("input-x").fill("-2")
    page.get_by_test_id("input-y").fill("5")
    page.get_by_test_id("input-z").fill("-4")
    page.wait_for_function("() => document.querySelector('[data-testid=value-f]').textContent === '-12'", timeout=1000)
    assert (text(page, "grad-x"), text(page, "grad-z")) == ("-4", "3")
    started = time.perf_counter()
    page.get_by_test_id("input-z").fill("2")
    page.wait_for_function("() => document.querySelector('[data-testid=value-f]').textContent === '6'", timeout=1000)
    assert time.perf_counter() - started < 1
    assert (text(page, "grad-x"), text(page, "value-q")) == ("2", "3")
    assert page.get_by_test_id("slider-z").input_value() == "2"


def test_stepping_forward_and_backward(page):
    page.get_by_test_id("program").fill("q = x + y; f = q * z")
    page.wait_for_function("() => document.querySelector('[data-testid=value-f]').textContent !== ''")
    page.get_by_test_id("step-forward").click()  # leaves show-all: the first forward step
    assert not page.get_by_test_id("show-all").is_checked()
    assert text(page, "counter").startswith("step 1 of ")
    assert text(page, "grad-x") == "?" and text(page, "value-f") == "?"
    page.get_by_test_id("step-forward").click()
    assert text(page, "counter").startswith("step 2 of ") and text(page, "value-f") != "?"
    assert text(page, "grad-x") == "?"  # still the forward pass
    page.get_by_test_id("step-backward").click()
    assert text(page, "counter").startswith("step 1 of ") and text(page, "value-f") == "?"
    for _ in range(2):  # past f's forward step to the first backward step
        page.get_by_test_id("step-forward").click()
    assert "∂f/∂f = 1" in text(page, "line") and text(page, "grad-f") == "1" and text(page, "grad-q") == "?"
    page.get_by_test_id("show-all").check()


def test_three_gradient_descent_steps_lower_the_loss(page):
    page.get_by_test_id("program").fill("L = (w - 3)**2 + (b + 1)**2")
    page.wait_for_selector("[data-testid=input-b]")
    page.get_by_test_id("input-w").fill("0")
    page.get_by_test_id("input-b").fill("0")
    page.wait_for_function("() => document.querySelector('[data-testid=loss]').textContent === '10'")
    page.get_by_test_id("lr").fill("0.1")
    losses = [float(text(page, "loss"))]
    for _ in range(3):
        page.get_by_test_id("take-step").click()
        page.wait_for_function(f"() => Number(document.querySelector('[data-testid=loss]').textContent) < {losses[-1]}")
        losses.append(float(text(page, "loss")))
    assert losses == sorted(losses, reverse=True) and losses[-1] < 0.6 * losses[0]
    assert page.get_by_test_id("loss-history").get_attribute("data-count") == "4"
    assert page.get_by_test_id("input-w").input_value() != "0"


def test_a_broken_program_shows_the_error_inline_with_its_suggestion(page):
    page.get_by_test_id("program").fill("f = x^2")
    error = page.get_by_test_id("error")
    error.wait_for(state="visible", timeout=1000)
    shown = error.text_content()
    assert "unexpected character '^'" in shown and "did you mean 'f = x**2'" in shown
    assert "f = x^2\n     ^" in page.locator("#error-where").text_content()  # the caret under column 6
    page.get_by_test_id("program").fill("f = x**2")
    error.wait_for(state="hidden", timeout=1000)


def test_check_my_answer_says_right_or_wrong_only(page):
    page.get_by_test_id("program").fill("f = x * y")
    page.wait_for_selector("[data-testid=input-y]")
    page.get_by_test_id("input-x").fill("3")
    page.get_by_test_id("input-y").fill("2")
    page.wait_for_function("() => document.querySelector('[data-testid=value-f]').textContent === '6'")
    page.get_by_test_id("claims").fill("df/dx = 2\ndf/dy = 4")
    page.get_by_test_id("check").click()
    page.wait_for_selector("[data-testid=check-result] li >> nth=1")
    assert page.get_by_test_id("check-result").locator("li").all_text_contents() == \
        ["right: df/dx = 2", "wrong: df/dy = 4"]


def test_training_moons_for_fifty_steps_raises_the_accuracy(page):
    page.get_by_test_id("tab-train").click()
    page.wait_for_function("() => document.querySelector('[data-testid=accuracy]').dataset.value !== undefined")
    before = float(page.get_by_test_id("accuracy").get_attribute("data-value"))
    page.get_by_test_id("train-50").click()
    page.wait_for_function("() => document.querySelector('[data-testid=train-step]').textContent === '50'", timeout=20000)
    after = float(page.get_by_test_id("accuracy").get_attribute("data-value"))
    assert after > before and after >= 0.85
    page.get_by_test_id("tab-program").click()


def test_a_session_key_of_the_wrong_type_is_bad_input_not_a_crash():
    from autograd.apps.explore.api import Api

    api = Api()
    for key in ([], {}, 3, None):
        code, body = api.handle("/api/train/step", {"session": key, "steps": 1})
        assert code == 400 and "session" in body["error"]


def test_a_program_starting_with_a_minus_opens_as_in_grad(monkeypatch):
    """`autograd explore "-x**2 + 1"` was 'unrecognized arguments: -x**2 + 1' (grad and check take it)."""
    import autograd.apps.explore

    opened = {}
    monkeypatch.setattr(autograd.apps.explore, "serve", lambda program, at, **options: opened.update(program=program, at=at) or 0)
    assert main(["explore", "-x**2 + 1", "--at", "x=-2", "--no-browser"]) == 0
    assert opened == {"program": "-x**2 + 1", "at": {"x": -2.0}}


def test_the_boxes_show_what_a_step_moves_and_only_ticked_inputs_move(page):
    """A new program with no weight-like names had every box unticked, yet a step moved every input."""
    page.get_by_test_id("program").fill("f = (p - 3)**2 + (q + 1)**2")
    page.wait_for_selector("[data-testid=input-q]")
    page.get_by_test_id("input-p").fill("0")
    page.get_by_test_id("input-q").fill("0")
    page.wait_for_function("() => document.querySelector('[data-testid=loss]').textContent === '10'")
    assert page.get_by_test_id("learn-p").is_checked() and page.get_by_test_id("learn-q").is_checked()
    page.get_by_test_id("learn-q").uncheck()
    page.get_by_test_id("lr").fill("0.1")
    page.get_by_test_id("take-step").click()
    page.wait_for_function("() => document.querySelector('[data-testid=loss]').textContent !== '10'")
    assert float(page.get_by_test_id("input-p").input_value()) == pytest.approx(0.6)
    assert page.get_by_test_id("input-q").input_value() == "0"
    page.get_by_test_id("learn-p").uncheck()
    before = text(page, "loss")
    page.get_by_test_id("take-step").click()
    page.get_by_test_id("step-note").wait_for(state="visible")
    page.wait_for_timeout(300)
    assert text(page, "loss") == before and page.get_by_test_id("input-p").input_value() == "0.6"


def test_switching_datasets_clears_the_old_points_and_boundary(page):
    """drawBoundary painted semi-transparent cells over the last picture: old points showed through
    and the boundary grew more saturated with each redraw."""
    page.get_by_test_id("tab-train").click()
    page.wait_for_function("() => document.querySelector('[data-testid=accuracy]').dataset.value !== undefined")
    page.get_by_test_id("train-10").click()
    page.wait_for_function("() => Number(document.querySelector('[data-testid=train-step]').textContent) >= 10", timeout=20000)
    for name in ("circles", "spirals"):
        page.get_by_test_id("dataset").select_option(name)
        page.wait_for_function("() => document.querySelector('[data-testid=train-step]').textContent === '0'", timeout=20000)
        for _ in range(3):
            page.get_by_test_id("train-1").click()
            page.wait_for_timeout(150)
        page.wait_for_function("() => Number(document.querySelector('[data-testid=train-step]').textContent) >= 1",
                               timeout=20000)
        # a cell is painted at most 60% opaque; drawn over itself it would be more
        alpha = page.evaluate("""() => { const c = document.querySelector('[data-testid=boundary]');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let top = 0;
            for (let y = 0; y < 12; y++) for (let x = 0; x < 12; x++) top = Math.max(top, d[(y * c.width + x) * 4 + 3]);
            return top; }""")
        assert alpha <= round(0.6 * 255) + 1
        # every opaque pixel (a point; cells are translucent) lies on one of this dataset's points
        stray = page.evaluate("""() => { const c = document.querySelector('[data-testid=boundary]');
            const t = window.autogradExplore.training, box = t.box, W = c.width, H = c.height;
            const at = t.points.map(p => [(p[0] - box[0]) / (box[1] - box[0]) * W, (box[3] - p[1]) / (box[3] - box[2]) * H]);
            const d = c.getContext('2d').getImageData(0, 0, W, H).data; let stray = 0, opaque = 0;
            for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
              if (d[(y * W + x) * 4 + 3] < 250) continue;
              opaque++;
              if (!at.some(q => Math.hypot(q[0] - x - 0.5, q[1] - y - 0.5) < 7)) stray++;
            }
            return [stray, opaque]; }""")
        drawn = int(page.get_by_test_id("boundary").get_attribute("data-points"))
        assert drawn > 0 and stray[1] > drawn and stray[0] == 0
    page.get_by_test_id("tab-program").click()


# ---------------------------------------------------------------- the training tab (train.js, training.py)

STRAY_PIXELS = """() => { const c = document.querySelector('[data-testid=boundary]');
    const t = window.autogradExplore.training, box = t.box, W = c.width, H = c.height;
    const at = t.points.map(p => [(p[0] - box[0]) / (box[1] - box[0]) * W, (box[3] - p[1]) / (box[3] - box[2]) * H]);
    const d = c.getContext('2d').getImageData(0, 0, W, H).data; let stray = 0, opaque = 0;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      if (d[(y * W + x) * 4 + 3] < 250) continue;
      opaque++;
      if (!at.some(q => Math.hypot(q[0] - x - 0.5, q[1] - y - 0.5) < 7)) stray++;
    }
    return [stray, opaque]; }"""


def training_tab(page):
    page.get_by_test_id("tab-train").click()
    page.wait_for_function("() => window.autogradExplore.training.data !== null")


def new_network(page, check):
    """Wait until the network the page shows satisfies ``check`` (JS over ``d``, the last answer) at step 0."""
    page.wait_for_function(f"() => {{ const d = window.autogradExplore.training.data; return d && d.step === 0 && ({check}); }}",
                           timeout=10000)


def set_value(page, testid, value):
    field = page.get_by_test_id(testid)
    field.fill(str(value))
    field.dispatch_event("change")


def test_switching_to_blobs_or_the_regression_draws_only_the_new_points(page):
    training_tab(page)
    page.get_by_test_id("dataset").select_option("blobs")
    new_network(page, "d.classes === 3 && d.settings.dataset === 'blobs'")
    page.get_by_test_id("classes").select_option("4")
    new_network(page, "d.classes === 4")
    stray, opaque = page.evaluate(STRAY_PIXELS)
    assert stray == 0 and opaque > 100
    # each point is drawn in its own class's colour: four colours for four classes
    colours = page.evaluate("""() => { const c = document.querySelector('[data-testid=boundary]'), t = window.autogradExplore.training;
        const ctx = c.getContext('2d'), box = t.box, seen = {};
        t.points.forEach(p => { const x = Math.round((p[0] - box[0]) / (box[1] - box[0]) * c.width),
            y = Math.round((box[3] - p[1]) / (box[3] - box[2]) * c.height);
            seen[p[2]] = Array.from(ctx.getImageData(x, y, 1, 1).data).join(','); });
        return seen; }""")
    assert len(set(colours.values())) == 4
    page.get_by_test_id("dataset").select_option("regression")
    new_network(page, "d.kind === 'regression'")
    assert page.get_by_test_id("train-lr").input_value() == "0.05"  # the regression's own default rate
    assert page.evaluate(STRAY_PIXELS)[0] == 0
    assert page.get_by_test_id("boundary").get_attribute("data-points") == "100"
    page.get_by_test_id("dataset").select_option("moons")
    new_network(page, "d.settings.dataset === 'moons'")
    assert page.get_by_test_id("train-lr").input_value() == "0.3"
    before = page.evaluate("() => window.autogradExplore.training.points")
    page.get_by_test_id("regenerate").click()  # the next seed: other moons
    new_network(page, "d.settings.seed === 2")
    assert page.evaluate("() => window.autogradExplore.training.points") != before
    assert page.evaluate(STRAY_PIXELS)[0] == 0
    set_value(page, "seed", "1")
    new_network(page, "d.settings.seed === 1")


def test_three_blobs_and_the_regression_train_to_a_low_loss_on_the_page(page):
    training_tab(page)
    page.get_by_test_id("dataset").select_option("blobs")
    page.get_by_test_id("classes").select_option("3")
    new_network(page, "d.classes === 3 && d.settings.dataset === 'blobs'")
    page.get_by_test_id("train-50").click()
    page.wait_for_function("() => document.querySelector('[data-testid=train-step]').textContent === '50'", timeout=10000)
    assert float(text(page, "train-loss")) < 0.05 and float(text(page, "test-loss")) < 0.05
    assert text(page, "test-accuracy") == "100%"
    assert page.get_by_test_id("network").get_attribute("data-layers") == "2,8,8,3"
    page.get_by_test_id("dataset").select_option("regression")
    new_network(page, "d.kind === 'regression'")
    before = float(text(page, "train-loss"))
    for steps in ("50", "100"):
        page.get_by_test_id("train-50").click()
        page.wait_for_function(f"() => document.querySelector('[data-testid=train-step]').textContent === '{steps}'",
                               timeout=10000)
    assert float(text(page, "train-loss")) < 0.1 < before and float(text(page, "test-loss")) < 0.1
    page.get_by_test_id("dataset").select_option("moons")
    new_network(page, "d.settings.dataset === 'moons'")


def test_clicking_a_point_steps_through_its_graph_with_the_gradients_autograd_grad_gives(page, server, tmp_path):
    import autograd
    from autograd import Value
    from autograd.ml import losses
    from autograd.nn import load

    training_tab(page)
    set_value(page, "hidden", "3")
    new_network(page, "d.weights.length === 2 && d.weights[0].length === 3")
    page.get_by_test_id("train-10").click()
    page.wait_for_function("() => document.querySelector('[data-testid=train-step]').textContent === '10'")
    x, y = page.evaluate("""() => { const c = document.querySelector('[data-testid=boundary]'), t = window.autogradExplore.training;
        const r = c.getBoundingClientRect(), p = t.points[5], box = t.box;
        return [r.left + (p[0] - box[0]) / (box[1] - box[0]) * r.width, r.top + (box[3] - p[1]) / (box[3] - box[2]) * r.height]; }""")
    page.mouse.click(x, y)
    page.get_by_test_id("sample").wait_for(state="visible")
    index = page.evaluate("() => window.autogradExplore.training.sample")
    assert f"Sample {index} " in text(page, "sample-title") and "at step 10" in text(page, "sample-title")
    # the engine's own gradients for this sample, from the model the page is training
    session = page.evaluate("() => window.autogradExplore.training.session")
    (tmp_path / "model.json").write_text(json.dumps(server.api.handle("/api/train/export", {"session": session})[1]["model"]))
    model = load(tmp_path / "model.json")
    x1, x2, label = page.evaluate(f"() => window.autogradExplore.training.points[{index}]")
    loss = losses.bce_with_logits([model([Value(x1), Value(x2)])], [float(label)])
    names = ["L1_n1_w1", "L1_n2_w2", "L1_n3_b", "L2_n1_w3", "L2_n1_b"]
    paths = ["layers.0.neurons.0.w.0", "layers.0.neurons.1.w.1", "layers.0.neurons.2.b", "layers.1.neurons.0.w.2",
             "layers.1.neurons.0.b"]
    params = dict(model.named_parameters())
    expected = [g.data for g in autograd.grad(loss, [params[p] for p in paths])]
    # from "all shown" one step back is the last step of the backward pass: every gradient is known
    page.get_by_test_id("sample-back").click()
    steps = int(text(page, "sample-counter").split(" of ")[1])
    assert text(page, "sample-counter") == f"step {steps} of {steps}"
    shown = [float(text(page, f"sample-grad-{name}")) for name in names]
    assert shown == pytest.approx(expected, rel=1e-5, abs=1e-12)
    assert float(text(page, "sample-value-L")) == pytest.approx(loss.data, rel=1e-5)
    # stepping back undoes the backward pass: the first layer's gradients are the last found
    for _ in range(6):
        page.get_by_test_id("sample-back").click()
    assert text(page, "sample-grad-L1_n1_w1") == "?" and text(page, "sample-grad-L") == "1"
    pushes = page.get_by_test_id("sample-pushes").locator("tbody tr")
    assert pushes.count() > 0 and "/10" in page.get_by_test_id("sample-pushes").locator("th").last.text_content()
    # the network picture marks the five weights it pushes most: the largest |∂L/∂w| among the weights
    weights = sorted((p for p in paths_all(model)), key=lambda p: -abs(grads_all(model, loss)[p]))[:5]
    marked = page.get_by_test_id("network").get_attribute("data-pushed").split()
    assert marked == [".".join(p.split(".")[i] for i in (1, 3, 5)) for p in weights]
    # a training step redraws the sample's graph from the new weights
    page.get_by_test_id("train-1").click()
    page.wait_for_function("() => document.querySelector('[data-testid=sample-title]').textContent.includes('at step 11')")
    page.get_by_test_id("sample-close").click()
    assert page.get_by_test_id("network").get_attribute("data-pushed") == ""
    set_value(page, "hidden", "8,8")
    new_network(page, "d.weights.length === 3")


def paths_all(model):
    """The names of a model's weights (not its biases)."""
    return [name for name, _ in model.named_parameters() if ".w." in name]


def grads_all(model, loss):
    import autograd

    named = dict(model.named_parameters())
    return dict(zip(named, (g.data for g in autograd.grad(loss, list(named.values())))))


def test_a_copied_training_link_reopens_the_same_data_network_and_settings(page):
    first, other = page.context.browser.new_page(), page.context.browser.new_page()
    try:
        first.goto(page.url.split("#")[0] + "#tab=train&dataset=blobs&classes=4")
        new_network(first, "d.classes === 4")
        first.get_by_test_id("remove-layer").click()
        first.get_by_test_id("layer-1-fewer").click()
        first.get_by_test_id("add-layer").click()
        new_network(first, "d.weights.length === 3 && d.weights[0].length === 7 && d.weights[1].length === 4")
        first.get_by_test_id("activation").select_option("relu")
        set_value(first, "train-lr", "0.1")
        first.get_by_test_id("reg").select_option("l2")
        set_value(first, "seed", "9")
        new_network(first, "d.settings.seed === 9 && d.settings.activation === 'relu'")
        first.get_by_test_id("train-copy-link").click()
        link = first.get_by_test_id("train-link").input_value()
        assert "#tab=train" in link and "hidden=7%2C4" in link
        other.goto(link)
        other.wait_for_function("() => window.autogradExplore.training.data !== null")
        assert other.locator("#train-mode").is_visible() and other.locator("#program-mode").is_hidden()
        for testid, value in [("dataset", "blobs"), ("classes", "4"), ("hidden", "7,4"), ("activation", "relu"),
                              ("train-lr", "0.1"), ("reg", "l2"), ("seed", "9")]:
            assert other.get_by_test_id(testid).input_value() == value, testid
        same = "() => JSON.stringify([window.autogradExplore.training.points, window.autogradExplore.training.data.weights])"
        assert other.evaluate(same) == first.evaluate(same)
    finally:
        first.close()
        other.close()


def test_export_downloads_the_model_load_reads_and_the_data_csv(page, tmp_path):
    from autograd.ml import toy_data
    from autograd.nn import load

    training_tab(page)
    with page.expect_download() as download:
        page.get_by_test_id("export-model").click()
    download.value.save_as(tmp_path / "model.json")
    model = load(tmp_path / "model.json")
    assert model.nouts == [8, 8, 1] and model.inputs == ["x1", "x2"]
    weights = page.evaluate("() => window.autogradExplore.training.data.weights")
    assert [[n["w"] for n in layer] for layer in weights] == [[[w.data for w in n.w] for n in layer.neurons] for layer in model.layers]
    with page.expect_download() as download:
        page.get_by_test_id("save-csv").click()
    download.value.save_as(tmp_path / "data.csv")
    points = toy_data.read_csv((tmp_path / "data.csv").read_text(), regression=False)
    assert [list(p) for p in points] == page.evaluate("() => window.autogradExplore.training.points")


def test_the_training_tab_works_from_the_keyboard_alone(page):
    tab = page.context.browser.new_page()
    try:
        tab.goto(page.url.split("#")[0])
        tab.wait_for_selector("[data-testid=value-L]")

        def tab_to(testid):
            for _ in range(80):
                tab.keyboard.press("Tab")
                if tab.evaluate("() => document.activeElement.dataset.testid") == testid:
                    outline = tab.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
                    assert outline != "none", f"{testid} shows no focus"
                    return
            raise AssertionError(f"Tab never reached {testid}")

        tab_to("tab-train")
        tab.keyboard.press("Enter")
        tab.wait_for_function("() => window.autogradExplore.training.data !== null")
        tab_to("train-10")
        tab.keyboard.press("Enter")
        tab.wait_for_function("() => document.querySelector('[data-testid=train-step]').textContent === '10'")
        tab_to("sample-show")
        tab.keyboard.press("Enter")
        tab.get_by_test_id("sample").wait_for(state="visible")
        tab_to("sample-next")
        tab.keyboard.press("Enter")
        assert tab.get_by_test_id("sample-counter").text_content().startswith("step 1 of ")
        assert tab.get_by_test_id("sample-table").locator("tbody tr").count() > 10
    finally:
        tab.close()


def test_points_added_and_removed_by_clicks_a_csv_loaded_and_play_then_pause(page, tmp_path):
    training_tab(page)
    page.get_by_test_id("npoints").fill("40")
    page.get_by_test_id("npoints").dispatch_event("change")
    new_network(page, "d.points.length === 40")
    box = page.get_by_test_id("boundary").bounding_box()
    page.get_by_test_id("click-mode").select_option("add")
    page.get_by_test_id("add-class").select_option("1")
    corner = page.evaluate("() => window.autogradExplore.training.box")
    page.mouse.click(box["x"] + 1, box["y"] + 1)  # the top-left corner, far from every point
    page.wait_for_function("() => window.autogradExplore.training.points.length === 41")
    added = page.evaluate("() => window.autogradExplore.training.points[window.autogradExplore.training.ntrain - 1]")
    assert added[2] == 1 and added[0] == pytest.approx(corner[0], abs=0.01 * (corner[1] - corner[0]))
    assert added[1] == pytest.approx(corner[3], abs=0.01 * (corner[3] - corner[2]))
    # the picture now spans the new point too: click where it is drawn to remove it
    x, y = page.evaluate(f"""() => {{ const t = window.autogradExplore.training, b = t.box, r = document.querySelector('[data-testid=boundary]').getBoundingClientRect();
        return [r.left + ({added[0]} - b[0]) / (b[1] - b[0]) * r.width, r.top + (b[3] - {added[1]}) / (b[3] - b[2]) * r.height]; }}""")
    page.get_by_test_id("click-mode").select_option("remove")
    page.mouse.click(x, y)
    page.wait_for_function("() => window.autogradExplore.training.points.length === 40")
    assert "your own data" in text(page, "data-note")
    page.get_by_test_id("click-mode").select_option("select")
    (tmp_path / "mine.csv").write_text("x1,x2,label\n0,0,0\n1,1,1\n0,1,2\n1,0,0\n0.5,0.5,1\n")
    page.get_by_test_id("csv-file").set_input_files(str(tmp_path / "mine.csv"))
    page.wait_for_function("() => window.autogradExplore.training.points.length === 5")
    assert page.evaluate("() => window.autogradExplore.training.data.classes") == 3 and "mine.csv" in text(page, "data-note")
    (tmp_path / "bad.csv").write_text("x1,x2,label\n0,0,0\n1,one,1\n")
    page.get_by_test_id("csv-file").set_input_files(str(tmp_path / "bad.csv"))
    page.get_by_test_id("train-error").wait_for(state="visible")
    assert "CSV line 3: 'one' is not a number" in text(page, "train-error")
    page.get_by_test_id("train-play").click()
    page.wait_for_function("() => Number(document.querySelector('[data-testid=train-step]').textContent) >= 10")
    assert page.get_by_test_id("train-play").get_attribute("aria-pressed") == "true"
    page.get_by_test_id("train-play").click()
    # the request under way ends; no other follows
    stopped = page.evaluate("() => window.autogradExplore.training.queue.then(() => "
                            "document.querySelector('[data-testid=train-step]').textContent)")
    page.wait_for_timeout(300)
    assert text(page, "train-step") == stopped and text(page, "train-play") == "play"
    page.get_by_test_id("npoints").fill("100")
    page.get_by_test_id("npoints").dispatch_event("change")
    new_network(page, "d.points.length === 100 && d.classes === 2")


# ---------------------------------------------------------------- the program tab: first view, keyboard, text alternative


def program_tab(server, page, width=1280, height=860):
    """A fresh tab of the explorer at the starting program (the worked example), of this size."""
    tab = page.context.browser.new_page(viewport={"width": width, "height": height})
    tab.set_default_timeout(5000)
    tab.goto(server.url)
    tab.wait_for_selector("[data-testid=value-L]")
    return tab


def test_the_program_tabs_first_view_fits_the_whole_graph_at_any_window_size(server, page):
    """At 1400×900 the output node was off the right edge of the first view."""
    from graph_checks import NODES, OUTSIDE

    for width, height in [(1400, 900), (800, 600), (390, 844)]:
        tab = program_tab(server, page, width, height)
        assert tab.evaluate(NODES) == 11 and tab.evaluate(OUTSIDE) == [], (width, height)
        tab.get_by_test_id("tab-train").click()  # hidden, then shown again: still the whole graph
        tab.get_by_test_id("tab-program").click()
        tab.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        assert tab.evaluate(OUTSIDE) == [], ("shown again", width, height)
        tab.close()


def test_the_program_tab_from_the_keyboard_alone(server, page):
    """Type a program, move an input, step backward and take a descent step, without the mouse;
    every control of the tab is reached by Tab and shows that it has the focus."""
    from graph_checks import CONTROLS, tab_to

    tab = program_tab(server, page)
    passed = tab_to(tab, "program")
    tab.keyboard.press("Control+a")
    tab.keyboard.type("L = (w - 3)**2 + (b + 1)**2")
    tab.wait_for_selector("[data-testid=slider-b]")
    tab.wait_for_function("() => document.querySelector('[data-testid=loss]').textContent === '8'")  # w, b start at 1
    controls = set(tab.evaluate(CONTROLS, "#program-mode"))  # this program's inputs
    passed += tab_to(tab, "input-w")
    tab.keyboard.press("Control+a")
    tab.keyboard.type("0")
    passed += tab_to(tab, "slider-b")
    tab.keyboard.press("ArrowRight")  # the slider moves b by 0.01
    tab.wait_for_function("() => document.querySelector('[data-testid=loss]').textContent === '13.0401'")
    assert tab.get_by_test_id("input-b").input_value() == "1.01"
    passed += tab_to(tab, "step-backward")
    count = int(tab.evaluate("autogradExplore.stepper.model.steps.length"))
    tab.keyboard.press("Enter")  # from all shown: the last step
    tab.keyboard.press("Enter")
    assert text(tab, "counter") == f"step {count - 1} of {count}"
    assert not tab.get_by_test_id("show-all").is_checked()
    passed += tab_to(tab, "take-step")
    tab.keyboard.press("Enter")
    tab.wait_for_function("() => Number(document.querySelector('[data-testid=loss]').textContent) < 13.0401")
    assert tab.evaluate("autogradExplore.state.history.length") == 2
    passed += tab_to(tab, "graph-picture")
    tab.keyboard.press("End")
    assert text(tab, "counter") == f"step {count} of {count}"
    reached = {p["id"] for p in passed}
    assert controls <= reached, controls - reached
    assert {"learn-w", "input-b", "lr", "claims", "check", "show-all", "copy-link", "zoom in"} <= reached
    assert all(p["visible"] for p in passed), [p["id"] for p in passed if not p["visible"]]
    tab.close()


def test_the_program_tabs_graph_has_a_table_with_the_gradients_the_api_gives(server, page):
    """The picture's text alternative (its aria-describedby): every value and gradient, as computed."""
    from autograd.explain import fmt
    from graph_checks import TABLE

    tab = program_tab(server, page)
    shown = tab.evaluate(TABLE)
    assert (shown["tag"], shown["role"], shown["display"]) == ("TABLE", "img", "table")
    status, answer = request(server, "POST", "/api/grad", {"program": tab.get_by_test_id("program").input_value(),
                                                           "at": tab.evaluate("autogradExplore.state.values")})
    assert status == 200 and set(answer["grads"]) <= set(shown["rows"])
    for name, grad in answer["grads"].items():
        assert shown["rows"][name] == [fmt(answer["values"][name]), fmt(grad)], name
    assert shown["rows"]["w1"][1] == "-0.0331113"
    for name in ("input-w1", "slider-w1", "learn-w1"):  # each input's controls have a name a screen reader says
        assert tab.get_by_test_id(name).evaluate("e => e.labels.length || e.getAttribute('aria-label')"), name
    tab.close()
