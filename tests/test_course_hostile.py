"""Problem sets, answers and ids written to attack: math that would style or link a page, CSV
files that would drop students, ids that differ only in their bytes or hide terminal codes,
numbers at the edge of a float, sets that can never be drawn. Each test reproduces a case of
issue 25 as it was found, then says what happens now."""

from __future__ import annotations

import json
import math
import re
import socket
import threading
import time
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest

from autograd.apps.course import AnswersError, SetError, load, loads, parse_answers
from autograd.apps.course.page import mathml
from chromium_browser import launch  # tests/chromium_browser.py: Debian's chromium, as test_viz launches it

SETS = Path(__file__).parent.parent / "examples" / "problem-sets"
CS231N = SETS / "cs231n.toml"


# ------------------------------------------------------------------ 1. no style, link or url from the math


class Listener:
    """A TCP listener on loopback that counts the connections made to it (a browser fetching a
    URL the page should never have named)."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.server.settimeout(0.1)
        self.port = self.server.getsockname()[1]
        self.requests: list[bytes] = []
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while self.running:
            try:
                connection, _ = self.server.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(1)
                try:
                    self.requests.append(connection.recv(4096))
                    connection.sendall(b"HTTP/1.0 204 No Content\r\n\r\n")
                except OSError:
                    self.requests.append(b"")

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.server.close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def _hostile_set(port: int) -> str:
    """A set whose every piece of teacher text holds LaTeX that would style the page, link out
    or fetch from the loopback listener, if it reached the page as written."""
    url = f"http://127.0.0.1:{port}"
    style = rf"\style{{position:fixed;inset:0;background:url({url}/style)}}{{s1}}"
    tricks = (rf"${style}$ and $\href{{{url}/href}}{{x}}$ and $\hspace{{-1000em}} x$ and "
              rf"$\colorbox{{red}}{{x}}$ and $\color{{white}}{{y}}$ and "
              rf"$$\style{{background-image:url({url}/d)}}{{d}}$$")
    return f"""title = "hostile"
seed = 1
instructions = '{tricks}'
[[problems]]
id = "p"
statement = '''
{tricks} with $x = {{{{x}}}}$
'''
program = "f = x * x"
inputs = {{ x = {{ uniform = [1, 3], decimals = 1 }} }}
[[problems.questions]]
id = "v"
ask = "value"
of = "f"
text = '{tricks}'
"""


def test_math_is_rebuilt_from_an_allow_list():
    """The converter copies \\style and \\href into attributes; only allowed ones are kept."""
    styled = mathml(r"\style{position:fixed;background:url(http://127.0.0.1:9/b)}{s1}")
    assert styled == ('<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">'
                      "<mrow><mrow><mi>s</mi><mn>1</mn></mrow></mrow></math>")
    assert "href" not in mathml(r"\href{http://127.0.0.1:9/h}{x}") and "<mi>x</mi>" in mathml(r"\href{http://a}{x}")
    assert "mathbackground" not in mathml(r"\rule{1cm}{2pt}") and "mathcolor" not in mathml(r"\color{red}{x}")
    assert 'width' not in mathml(r"\hspace{-1000em} x") and 'width="1em"' in mathml(r"\quad x")
    # what a key writes keeps its look: stretchy fences, fractions, spaces, script levels
    key = mathml(r"\left(\frac{\partial L}{\partial w_{1}}\right) \mathrel{+}= 0.5 \quad \text{(total 2)}")
    assert 'stretchy="true" fence="true" form="prefix"' in key and "<mfrac>" in key and 'width="1em"' in key
    assert mathml(r"\text{<b>x</b>}") == r"<code>\text{&lt;b&gt;x&lt;/b&gt;}</code>"  # markup: shown as source


def _markup(text: str) -> tuple[list[tuple[str, str | None]], str]:
    """Every attribute of every element of a page, and the text of its style elements."""
    attributes, styles, inside = [], [], []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attributes.extend(attrs)
            inside.append(tag == "style")

        def handle_endtag(self, tag):
            inside.pop() if inside else None

        def handle_data(self, data):
            if inside and inside[-1]:
                styles.append(data)

    Parser().feed(text)
    return attributes, "".join(styles)


def test_sheet_and_key_pages_carry_no_style_link_or_url_and_fetch_nothing(tmp_path, listener, run_cli):
    """Issue 25, case 1: a student id or set text with $\\style{…url(…)}{s1}$ became a MathML
    style attribute. Now no style attribute, href or url( reaches the pages, and chromium
    opening them makes no request to the loopback listener their text names."""
    pset = tmp_path / "hostile.toml"
    pset.write_text(_hostile_set(listener.port))
    student = rf"$\style{{position:fixed;inset:0;background:url(http://127.0.0.1:{listener.port}/id)}}{{s1}}$"
    pages = []
    for what in ("sheet", "key"):
        page = tmp_path / f"{what}.html"
        code, _, err = run_cli(what, str(pset), "--student", student, "--format", "html", "--out", str(page))
        assert code == 0, err
        text = page.read_text()
        attributes, styles = _markup(text)
        assert not [a for a in attributes if a[0] in ("style", "href", "src", "mathcolor", "mathbackground")]
        assert not [a for a in attributes if "url(" in (a[1] or "")] and "url(" not in styles
        assert "<math" in text and f"127.0.0.1:{listener.port}/id" in text  # the id is shown, as text
        pages.append(page)
    control = tmp_path / "control.html"  # the listener does hear a page that asks
    control.write_text(f'<div style="background:url(http://127.0.0.1:{listener.port}/control)">x</div>')
    for browser in launch():
        page = browser.new_page()
        requests = []
        page.on("request", lambda r: requests.append(r.url))
        for path in pages:
            page.goto(path.as_uri())
            page.wait_for_timeout(300)
            overlay = page.evaluate("document.elementFromPoint(5, 5).tagName")
            assert overlay.lower() in ("body", "html", "h1", "p", "strong"), overlay  # nothing laid over the page
        assert [url for url in requests if not url.startswith("file://")] == []
        assert listener.requests == []
        page.goto(control.as_uri())
        deadline = time.monotonic() + 5
        while not listener.requests and time.monotonic() < deadline:
            page.wait_for_timeout(50)
        assert listener.requests and b"/control" in listener.requests[0]


# ------------------------------------------------------------------ 2. a malformed CSV is one error


@pytest.mark.parametrize("csv_text, line, says", [
    ('id,xyz.q\n"s001,3\ns002,4\n', 2, "a quote opened on this line is never closed"),
    ('id,xyz.q\ns001,"3\n', 2, "a quote opened on this line is never closed"),
    ('id,xyz.q\ns000,1\n"s001,3\ns002,4\ns003",5\n', 3, "runs on to line 5; is a closing quote missing?"),
    ('id,xyz.q\ns001,"3\ns002,4"\n', 2, "runs on to line 3"),
    ('id,xyz.q\n"s001"x,3\n', 2, "not a CSV file"),
])
def test_an_unclosed_quote_is_one_error_naming_its_line(tmp_path, run_cli, csv_text, line, says):
    """Issue 25, case 2: an unclosed quote made one student of the rows below it, exit 0."""
    answers = tmp_path / "uq.csv"
    answers.write_text(csv_text)
    code, out, err = run_cli("grade", str(CS231N), str(answers), "--json")
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {answers}, line {line}: ") and says in err and err.count("\n") == 1


def test_quoted_cells_on_one_line_still_read(cs231n):
    answers = parse_answers('id,xyz.q\n"s,1",3\n"s""2","4"\r\ns3,5\n', cs231n)
    assert answers.rows == {"s,1": {"xyz.q": "3"}, 's"2': {"xyz.q": "4"}, "s3": {"xyz.q": "5"}}
    assert answers.lines == {"s,1": 2, 's"2': 3, "s3": 4}


@pytest.fixture(scope="module")
def cs231n():
    return load(CS231N)


# ------------------------------------------------------------------ 4. ids equal once normalised


def test_ids_equal_once_unicode_normalised_are_duplicates(cs231n):
    """Issue 25, case 4: 'sé01' precomposed and decomposed got one variant but two rows."""
    nfc, nfd = unicodedata.normalize("NFC", "sé01"), unicodedata.normalize("NFD", "sé01")
    assert nfc != nfd
    with pytest.raises(AnswersError) as caught:
        parse_answers(f"id,xyz.q\n{nfc},1\ns2,2\n{nfd},3\n", cs231n, "a.csv")
    assert str(caught.value) == (f"a.csv, line 4: the id '{nfd}' is also on line 2 as '{nfc}', the same id once "
                                 "Unicode-normalised (duplicate ids)")
    with pytest.raises(AnswersError, match=r"a.csv, line 3: the id 's1' is also on line 2 \(duplicate ids\)"):
        parse_answers("id,xyz.q\ns1,1\ns1,3\n", cs231n, "a.csv")


# ------------------------------------------------------------------ 9. limits where the set is read


def _one_problem(program: str, inputs: str, extra: str = "", question: str = 'ask = "value"\nof = "f"') -> str:
    return (f'title = "t"\nseed = 1\n[[problems]]\nid = "p"\nstatement = "s"\nprogram = "{program}"\n{extra}'
            f"inputs = {{ {inputs} }}\n[[problems.questions]]\nid = \"q\"\n{question}\n")


@pytest.mark.parametrize("text, line, field, says", [
    (_one_problem("f = x", "x = { uniform = [-1e308, 1e308] }"), 7, "problems[1].inputs.x.uniform[1]",
     "with 2 decimals, LOW and HIGH must be at least -1e+306 and at most 1e+306, got -1e+308"),
    (_one_problem("f = w * x", "x = 2, w = 1", "lr = 1e308\n", 'ask = "update"\nof = "w"'), 7,
     "problems[1].lr", "lr = 1e+308 must be more than 0 and at most 1000"),
    (_one_problem("f = x", "x = 2", "", 'ask = "value"\nof = "f"\npoints = 1e308'), 12,
     "problems[1].questions[1].points", "points = 1e+308 must be at least 0 and at most 1000000"),
])
def test_limits_are_checked_where_the_set_is_read(text, line, field, says):
    """Issue 25, case 9: [-1e308, 1e308] with 2 decimals raised 'cannot convert float infinity to
    integer' (no file, line or field); lr = 1e308 passed `sheet` and failed in key/grade with a
    claim's text; points = 1e308 failed in grade with 'intermediate overflow in fsum'."""
    with pytest.raises(SetError) as caught:
        loads(text, "s.toml")
    assert (caught.value.line, caught.value.field, caught.value.message) == (line, field, says)


def test_the_widest_ranges_still_read():
    loads(_one_problem("f = x", "x = { uniform = [-1e306, 1e306] }"))
    loads(_one_problem("f = w * x", "x = 2, w = 1", "lr = 1000\n", 'ask = "update"\nof = "w"'))


def test_an_update_that_would_overflow_is_drawn_again(run_cli, tmp_path):
    """A gradient near the float limit times lr is not a number: such a draw is not used."""
    text = _one_problem("f = w * x", "x = { choose = [1e306, 2] }, w = 1", "lr = 1000\n", 'ask = "update"\nof = "w"')
    (tmp_path / "s.toml").write_text(text)
    for student in ("s1", "s2", "s3", "s4"):
        code, out, err = run_cli("key", str(tmp_path / "s.toml"), "--student", student, "--format", "json")
        assert code == 0, err
        assert json.loads(out)["answers"] == {"p.q": 1 - 1000 * 2}


def test_a_set_saved_with_a_byte_order_mark_is_read(tmp_path, run_cli):
    """Issue 25, case 12: a set saved by an editor that writes a BOM was 'not valid TOML'."""
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + CS231N.read_bytes())
    read, plain = load(path), load(CS231N)
    assert (read.title, read.question_ids, read.source) == (plain.title, plain.question_ids, str(path))
    code, out, err = run_cli("key", str(path), "--student", "s1", "--format", "json")
    assert code == 0 and err == ""
    assert json.loads(out)["answers"] == json.loads(run_cli("key", str(CS231N), "--student", "s1",
                                                            "--format", "json")[1])["answers"]


# ------------------------------------------------------------------ 9. never smooth: refused fast


def _counting_evaluations(monkeypatch) -> list:
    from autograd.lang.program import Program

    calls, evaluate = [], Program.evaluate

    def counted(self, at):
        calls.append(dict(at))
        return evaluate(self, at)

    monkeypatch.setattr(Program, "evaluate", counted)
    return calls


def test_a_set_that_is_never_smooth_is_refused_after_every_possible_draw(monkeypatch):
    """relu(x - x) is at its kink for every x: once each of the 21 numbers of the grid has
    failed, no draw can succeed (it took 1,000 evaluations, each with a quadratic scan)."""
    from autograd.apps.course import variant

    lines = "; ".join(["a0 = relu(x - x)", *(f"a{i} = a{i - 1} + x" for i in range(1, 200)), "f = x * 2"])
    pset = loads(_one_problem(lines, "x = { uniform = [1, 3], decimals = 1 }"), "k.toml")
    calls = _counting_evaluations(monkeypatch)
    with pytest.raises(SetError, match=r"tried \d+ draws for student 's1'\): every one of the 21 possible draws fails"):
        variant(pset, "s1")
    assert len(calls) == 21 and len({c["x"] for c in calls}) == 21


def test_a_kink_no_random_input_reaches_is_refused_at_the_first_draw(monkeypatch):
    from autograd.apps.course import variant

    pset = loads(_one_problem("f = relu(w - 2) + x", "x = { uniform = [-1000, 1000] }, w = 2"), "k.toml")
    calls = _counting_evaluations(monkeypatch)
    with pytest.raises(SetError, match=r"tried 1 draw for student 's1'\): relu\(0\.0\) is at a kink whatever"):
        variant(pset, "s1")
    assert len(calls) == 1


def test_the_kink_scan_is_linear_in_the_statements():
    """Quantities the output does not use were each walked to the leaves: quadratic."""
    from autograd.apps.course.variants import kinks

    def seconds(n: int) -> float:
        lines = ";".join(["a0=x+1", *(f"a{i}=a{i - 1}+x" for i in range(1, n)), "f=x*2"])
        evaluation = loads(_one_problem(lines, "x = 2")).problems[0].program.evaluate({"x": 2.0})
        best = math.inf
        for _ in range(3):
            start = time.perf_counter()
            assert kinks(evaluation) == []
            best = min(best, time.perf_counter() - start)
        return best

    small, large = seconds(100), seconds(800)
    assert large < 24 * small  # 8 times the statements: 8 times the time when linear, 64 when quadratic


# ------------------------------------------------------------------ 12. ids in the text report


def test_the_text_report_neutralises_terminal_codes_and_bidi_controls(tmp_path, run_cli):
    """Issue 25, case 12: `grade` printed ids raw, so an id could clear the screen (ESC [2J) or
    reverse the rest of its line (U+202E) on the teacher's terminal."""
    answers = tmp_path / "a.csv"
    answers.write_text("id,xyz.q\ns\x1b[2J1,3\n\u202es2,4\nzé\u200d3,5\n", encoding="utf-8")
    code, out, err = run_cli("grade", str(CS231N), str(answers))
    assert code == 0, err
    assert not [c for c in out if unicodedata.category(c) in ("Cc", "Cf") and c != "\n"]
    rows = [line.split()[0] for line in out.splitlines()[2:5]]
    assert rows == ["s\\x1b[2J1", "\\u202es2", "zé\\u200d3"]


def test_an_error_quotes_an_id_as_the_report_does(cs231n):
    with pytest.raises(AnswersError) as caught:
        parse_answers("id,xyz.q\ns\x1b1,1\ns\x1b1,2\n", cs231n, "a.csv")
    assert str(caught.value) == "a.csv, line 3: the id 's\\x1b1' is also on line 2 (duplicate ids)"
