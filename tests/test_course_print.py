"""Sheets, keys and the class report fit the page: in chromium at 1,400 px and at A4 print size
(180 mm of width between 15 mm margins), no element reaches past the page's right edge and no
table cell, code block or line is cut (its content wider than its box)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from autograd.apps.course import grade_class, load, parse_answers, render, solve_set
from autograd.apps.course.report import report_html
from tests.chromium_browser import launch

ROOT = Path(__file__).resolve().parents[1]
SETS = sorted((ROOT / "examples" / "problem-sets").glob("*.toml"))
LONG_ID = "student-with-a-long-identifier-2026-000000000001"
A4_WIDTH = round(180 / 25.4 * 96)  # CSS pixels between the margins of the print stylesheet

# Every element's right edge, and every box whose content is wider than the box itself.
MEASURE = """() => {
  const width = document.documentElement.clientWidth, over = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0) continue;
    const name = el.tagName.toLowerCase() + ' ' + (el.textContent || '').slice(0, 40);
    if (box.right > width + 1 || box.left < -1) over.push('past the edge: ' + name + ' ' + box.right);
    if (['td', 'th', 'pre', 'code', 'p', 'li'].includes(el.tagName.toLowerCase()) &&
        el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) over.push('cut: ' + name);
  }
  return {over, page: document.documentElement.scrollWidth, width};
}"""


@pytest.fixture(scope="module")
def browser():
    yield from launch()


def _report(problem_set) -> str:
    """A class of 30: the long id, right, wrong and blank answers, so every mark appears."""
    ids = problem_set.question_ids
    table = io.StringIO()
    writer = csv.writer(table)
    writer.writerow(["id", *ids])
    for n in range(30):
        student = LONG_ID if n == 0 else f"s{n:03d}"
        _, solutions = solve_set(problem_set, student)
        truth = {q: t for s in solutions for q, t in s.answers.items()}
        writer.writerow([student, *(f"{truth[q]:.6g}" if (n + k) % 3 == 0 else "" if (n + k) % 3 == 1
                                    else f"{-truth[q]:.4g}" for k, q in enumerate(ids))])
    return report_html(grade_class(problem_set, parse_answers(table.getvalue(), problem_set)))


def _pages():
    for path in SETS:
        problem_set = load(path)
        yield f"{path.stem}-sheet", lambda ps=problem_set: render("sheet", ps, LONG_ID, "html")
        yield f"{path.stem}-key", lambda ps=problem_set: render("key", ps, LONG_ID, "html")
        yield f"{path.stem}-report", lambda ps=problem_set: _report(ps)


PAGES = list(_pages())


@pytest.mark.parametrize("size", ["screen-1400", "print-a4"])
@pytest.mark.parametrize("name,page", PAGES, ids=[name for name, _ in PAGES])
def test_nothing_is_wider_than_the_page(browser, tmp_path, name, page, size):
    file = tmp_path / f"{name}.html"
    file.write_text(page(), encoding="utf-8")
    width = 1400 if size == "screen-1400" else A4_WIDTH
    tab = browser.new_page(viewport={"width": width, "height": 1000})
    try:
        if size == "print-a4":
            tab.emulate_media(media="print")
        tab.goto(file.as_uri())
        measured = tab.evaluate(MEASURE)
    finally:
        tab.close()
    assert measured["width"] == width
    assert measured["over"] == [] and measured["page"] <= width, measured


def test_the_print_stylesheet_is_on_every_page():
    problem_set = load(SETS[0])
    for page in (render("sheet", problem_set, "s1", "html"), render("key", problem_set, "s1", "html"),
                 _report(problem_set)):
        assert "@media print" in page and "@page { size: A4" in page and "overflow-wrap: anywhere" in page


def test_keys_call_every_leaf_what_the_set_declares_and_show_every_formula():
    for path in SETS:
        problem_set = load(path)
        key = render("key", problem_set, "s1", "markdown")
        rows = [line.split(" | ") for line in key.splitlines() if line.startswith("| $")]
        leaves = [row for row in rows if len(row) == 3 and not row[1].startswith("$")]
        assert leaves and all(row[1].startswith("input (") for row in leaves), path
        assert "parameter" not in key
        computed = [row for row in rows if len(row) == 3 and row[1].startswith("$") and "=" in row[1]]
        assert all(" = " in row[1] for row in computed)
    worked = render("key", load(ROOT / "examples" / "problem-sets" / "worked-example.toml"), "s1", "markdown")
    assert "| ${e}^{2}$ | ${e}^{2} = {0.280682}^{2}$ | $0.0787826$ |" in worked
    assert "| $w_{1}$ | input (given) | $0.5$ |" in worked and "| $w_{1}$ | input (your number, drawn from $-1$ to $1$)" in worked


def test_hats_sit_small_and_centred_over_their_letter(browser, tmp_path):
    page = render("key", load(ROOT / "examples" / "problem-sets" / "worked-example.toml"), "s1", "html")
    assert "<mo>\u02c6</mo></mover>" in page and "<mo>^</mo></mover>" not in page  # the allow-list writes characters, not entities
    (tmp_path / "key.html").write_text(page, encoding="utf-8")
    tab = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        tab.goto((tmp_path / "key.html").as_uri())
        hats = tab.evaluate("""() => [...document.querySelectorAll('mover')].map(m => {
            const base = m.firstElementChild.getBoundingClientRect(), hat = m.lastElementChild.getBoundingClientRect();
            return [base.left + base.width / 2, hat.left + hat.width / 2, parseFloat(getComputedStyle(m).fontSize),
                    hat.height]; })""")
    finally:
        tab.close()
    assert hats
    for base_x, hat_x, font_size, hat_h in hats:  # the ASCII ^ was drawn stretched, half an em tall
        assert abs(base_x - hat_x) < 0.5 and hat_h < 0.3 * font_size
