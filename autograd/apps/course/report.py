"""The class report: one standalone HTML page (`autograd.viz.html_page`: no script, no
network) with the score histogram drawn as inline SVG, per question how many got it right and
the most common mistakes, and every student's marks."""

from __future__ import annotations

import html
import statistics

from autograd.apps.course.grade import NO_ANSWER, ClassGrades
from autograd.apps.course.mathtext import question_latex
from autograd.apps.course.page import PRINT_STYLE, mathml
from autograd.viz import html_page

__all__ = ["report_html", "histogram_svg", "bins"]


def bins(scores: list[float], max_score: float, count: int = 10) -> list[tuple[float, float, int]]:
    """``count`` equal bins over [0, max_score] (the last one closed): (low, high, students)."""
    if max_score <= 0:
        return [(0.0, 0.0, len(scores))]
    width = max_score / count
    counts = [0] * count
    for s in scores:
        counts[min(int(s / width), count - 1)] += 1
    return [(i * width, (i + 1) * width, n) for i, n in enumerate(counts)]


def histogram_svg(scores: list[float], max_score: float) -> str:
    """Bars of how many students scored in each bin of points (one point wide when the total
    is a whole number up to 30, else a tenth of the total), with labelled axes."""
    whole = max_score == int(max_score) and 1 <= max_score <= 30
    data = bins(scores, max_score, int(max_score) if whole else 10)
    width, height, left, bottom, top = 560, 260, 44, 40, 16
    plot_w, plot_h = width - left - 12, height - bottom - top
    most = max([n for _, _, n in data] + [1])
    bar = plot_w / len(data)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="histogram of scores" '
             'font-family="system-ui, sans-serif" font-size="12">']
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#333"/>')
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#333"/>')
    for tick in sorted({0, most // 2, most}):
        y = top + plot_h - plot_h * tick / most
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#ddd"/>')
    for i, (low, high, n) in enumerate(data):
        h = plot_h * n / most
        x = left + i * bar
        parts.append(f'<rect x="{x + 2:.1f}" y="{top + plot_h - h:.1f}" width="{bar - 4:.1f}" height="{h:.1f}" '
                     f'fill="#4a7bd0"><title>{low:g}–{high:g} points: {n} student{"s" * (n != 1)}</title></rect>')
        if n:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{top + plot_h - h - 3:.1f}" text-anchor="middle">{n}</text>')
        parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 14}" text-anchor="middle">{low:g}</text>')
    parts.append(f'<text x="{left + plot_w:.1f}" y="{top + plot_h + 14}" text-anchor="middle">{max_score:g}</text>')
    parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 6}" text-anchor="middle">score (points)</text>')
    parts.append(f'<text x="12" y="{top + plot_h / 2:.1f}" text-anchor="middle" '
                 f'transform="rotate(-90 12 {top + plot_h / 2:.1f})">students</text>')
    parts.append("</svg>")
    return "".join(parts)


_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.right { color: #1a7f37; } .wrong { color: #b42318; } .ft { color: #9a6700; }
"""


def report_html(grades: ClassGrades) -> str:
    """The whole report as one page."""
    pset = grades.problem_set
    scores = [s.score for s in grades.students]
    stats = grades.question_stats()
    esc = html.escape
    summary = (f"{len(scores)} student{'s' * (len(scores) != 1)}, {len(pset.question_ids)} questions, "
               f"{pset.max_score:g} points.")
    if scores:
        summary += (f" Mean {statistics.fmean(scores):.3g}, median {statistics.median(scores):g}, "
                    f"lowest {min(scores):g}, highest {max(scores):g}.")
    body = [f"<h1>{esc(pset.title)}: grades</h1>", f"<p>{esc(summary)}</p>", "<h2>Scores</h2>",
            histogram_svg(scores, pset.max_score), "<h2>Questions</h2>"]
    rows = ["<tr><th>question</th><th>asks for</th><th>points</th><th>right</th><th>wrong</th>"
            "<th>of which follow-through</th><th>imprecise</th><th>no answer</th><th>mean points</th>"
            "<th>most common mistakes</th></tr>"]
    outputs = {p.id: p.program.output for p in pset.problems}
    for question in pset.questions:
        st = stats[question.qid]
        n = len(scores) or 1
        mistakes = "<br>".join(f"<b>{esc(m['code'])}</b> ×{m['count']}: {esc(m['what'])}" for m in st["mistakes"][:3])
        asked = mathml(question_latex(question, outputs[question.problem]))
        rows.append(f"<tr><td><code>{esc(question.qid)}</code></td><td>{asked} ({question.ask})</td>"
                    f'<td class="n">{question.points:g}</td>'
                    f'<td class="n right">{st["right"]} ({100 * st["right"] / n:.0f}%)</td>'
                    f'<td class="n wrong">{st["wrong"]}</td><td class="n ft">{st["follow_through"]}</td>'
                    f'<td class="n">{st["imprecise"]}</td><td class="n">{st["no_answer"]}</td>'
                    f'<td class="n">{st["mean_points"]:.3g}</td><td>{mistakes or "—"}</td></tr>')
    body.append("<table>" + "".join(rows) + "</table>")
    body.append("<h2>Students</h2>")
    head = "".join(f"<th><code>{esc(q)}</code></th>" for q in pset.question_ids)
    rows = [f"<tr><th>id</th><th>score</th>{head}</tr>"]
    marks = {"right": ("✓", "right"), "wrong": ("✗", "wrong"), "imprecise": ("~", ""), NO_ANSWER: ("–", "")}
    for s in grades.students:
        cells = []
        for qid in pset.question_ids:
            g = s.questions[qid]
            mark, css = marks[g.verdict]
            if g.follow_through:
                mark, css = f"✗→{g.points:g}", "ft"
            codes = " ".join(d.code for d in g.diagnoses)
            cells.append(f'<td class="{css}" title="{esc(g.feedback())}">{mark} {esc(codes)}</td>')
        rows.append(f'<tr><td>{esc(s.id)}</td><td class="n">{s.score:g} / {s.max_score:g}</td>{"".join(cells)}</tr>')
    body.append("<table>" + "".join(rows) + "</table>")
    body.append("<p>✓ right, ✗ wrong, ✗→p wrong but given p points of follow-through credit, ~ imprecise, "
                "– no answer. Hover over a mark for the feedback the student gets.</p>")
    body += [f"<p>note: {esc(note)}</p>" for note in grades.notes]
    return html_page(f"{pset.title}: grades", "\n".join(body), style=_STYLE.strip() + "\n" + PRINT_STYLE.strip())
