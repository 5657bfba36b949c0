"""Sheets and keys as documents: Markdown (LaTeX math between $ signs), HTML (the same math as
MathML, made here with the pure-Python ``latex2mathml``, so a page renders offline in any
current browser), or JSON.

A document is a list of blocks — ("h1", text), ("h2", text), ("h3", text), ("p", markdown),
("math", latex), ("table", head, rows), ("code", text), ("list", items) — written once by
`sheet_blocks` and `key_blocks` and rendered by `markdown` or `html`. Formulas come from the
trace (`autograd.explain.trace`), which writes them from the operation table through
`autograd.lang.notation`: the key reads like the walkthrough.
"""

from __future__ import annotations

import html as _html
import re
from collections.abc import Callable

from autograd.lang import notation
from autograd.lang import Binary, Call, Name, Node, Num, Unary, parse_expression
from autograd.explain import Contribution, Trace, fmt
from autograd.apps.course.format import PLACEHOLDER, Problem, ProblemSet, Question
from autograd.apps.course.solve import Solution, solve_set
from autograd.apps.course.variants import shown_number

__all__ = ["sheet_blocks", "key_blocks", "markdown", "html", "sheet_json", "key_json", "render",
           "question_latex", "mathml", "FORMATS"]

FORMATS = ("markdown", "html", "json")
DIGITS = 6

Block = tuple


# ------------------------------------------------------------------ math pieces


def name_latex(name: str) -> str:
    """A quantity's name (or a short formula naming an intermediate) in LaTeX: w1 → w_{1}."""
    try:
        return notation.latex(parse_expression(name))
    except ValueError:
        return name


def _partial(top: str, bottom: str) -> str:
    """∂top/∂bottom as a fraction; a formula below the ∂ is parenthesised."""
    def part(name: str) -> str:
        shown = name_latex(name)
        return shown if re.fullmatch(r"[A-Za-z_0-9]+", name) else f"\\left({shown}\\right)"
    return f"\\frac{{\\partial {part(top)}}}{{\\partial {part(bottom)}}}"


def _number(x: float) -> str:
    return fmt(x, DIGITS)


def _factor(x: float) -> str:
    return f"\\left({_number(x)}\\right)" if x < 0 else _number(x)


def _with_numbers(formula: str, values: dict[str, float]) -> str:
    """A formula with each name replaced by its number, in LaTeX: w_{1} \\cdot x → 0.18 \\cdot 1.6."""
    tree = parse_expression(formula)

    def put(node: Node) -> Node:
        if isinstance(node, Name) and node.name in values:
            return Num(values[node.name], _number(values[node.name]), 0)
        if isinstance(node, Unary):
            return Unary(node.op, put(node.operand), node.column)
        if isinstance(node, Binary):
            return Binary(node.op, put(node.left), put(node.right), node.column)
        if isinstance(node, Call):
            return Call(node.function, tuple(put(a) for a in node.args), node.column)
        return node

    return notation.latex(put(tree))


def question_latex(question: Question, output: str) -> str:
    """What a question asks for, as LaTeX: h, ∂L/∂w1, or w1 after one step."""
    if question.ask == "gradient":
        return _partial(output, question.of)
    if question.ask == "update":
        return f"{name_latex(question.of)}'"
    return name_latex(question.of)


def _question_words(question: Question, output: str) -> str:
    if question.text:
        return question.text
    if question.ask == "gradient":
        return f"the gradient ${question_latex(question, output)}$"
    if question.ask == "update":
        w = name_latex(question.of)
        return (f"${w}$ after one gradient-descent step with learning rate $\\eta = {_number(question.lr)}$: "
                f"${w}' = {w} - \\eta \\cdot {_partial(output, question.of)}$")
    return f"the value of ${name_latex(question.of)}$"


def _points(points: float) -> str:
    return f"{points:g} point{'s' * (points != 1)}"


def filled_statement(problem: Problem, at: dict[str, float]) -> str:
    """The statement with each {{name}} replaced by the student's number ({{lr}}: the rate)."""
    rules = {rule.name: rule for rule in problem.inputs}

    def number(match: re.Match) -> str:
        name = match.group(1)
        if name == "lr" and name not in rules:
            return _number(problem.lr)
        return shown_number(rules[name], at[name])

    return PLACEHOLDER.sub(number, problem.statement)


# ------------------------------------------------------------------ the sheet


def sheet_blocks(problem_set: ProblemSet, student: str) -> list[Block]:
    numbers, solutions = solve_set(problem_set, student)
    blocks: list[Block] = [("h1", problem_set.title), ("p", f"Student: **{student}**")]
    if problem_set.instructions:
        blocks.append(("md", problem_set.instructions))
    for n, solution in enumerate(solutions, 1):
        problem = solution.problem
        blocks.append(("h2", f"Problem {n}: {problem.title}"))
        blocks.append(("md", filled_statement(problem, solution.at)))
        blocks.append(("p", "The program (the last line is the output):"))
        blocks.append(("code", problem.program.source.strip()))
        rules = {rule.name: rule for rule in problem.inputs}
        given = ", ".join(f"${name_latex(name)} = {shown_number(rules[name], value)}$"
                          for name, value in solution.at.items())
        blocks.append(("p", f"Your numbers: {given}."))
        items = []
        for question in problem.questions:
            items.append(f"`{question.qid}` ({_points(question.points)}; {question.tolerance.describe()}): "
                         f"{_question_words(question, problem.program.output)}")
        blocks.append(("list", items))
    columns = ",".join(problem_set.question_ids)
    blocks.append(("h2", "Handing in"))
    blocks.append(("p", "One row of a CSV file, under this first row (numbers as decimals, integers or "
                        "fractions such as -3/8; a decimal is judged at the precision you write it with):"))
    blocks.append(("code", f"id,{columns}\n{student},{','.join('…' for _ in problem_set.question_ids)}"))
    return blocks


def sheet_json(problem_set: ProblemSet, student: str) -> dict:
    numbers, solutions = solve_set(problem_set, student)
    problems = []
    for solution in solutions:
        problem = solution.problem
        problems.append({
            "id": problem.id, "title": problem.title, "statement": filled_statement(problem, solution.at),
            "program": problem.program.source.strip(), "inputs": solution.at,
            "questions": [{"id": q.qid, "ask": q.ask, "of": q.of, "points": q.points, "lr": q.lr,
                           "tolerance": q.tolerance.to_json(), "text": q.text} for q in problem.questions],
        })
    return {"student": student, "set": problem_set.title, "max_score": problem_set.max_score, "problems": problems}


# ------------------------------------------------------------------ the key


def key_blocks(problem_set: ProblemSet, student: str) -> list[Block]:
    numbers, solutions = solve_set(problem_set, student)
    blocks: list[Block] = [("h1", f"{problem_set.title}: answer key"), ("p", f"Student: **{student}**")]
    for n, solution in enumerate(solutions, 1):
        blocks += _problem_key(n, solution)
    blocks.append(("h2", "All answers"))
    rows = [[f"`{qid}`", _number(value)] for qid, value in _answers(solutions).items()]
    blocks.append(("table", ["question", "answer"], rows))
    return blocks


def _answers(solutions: list[Solution]) -> dict[str, float]:
    return {qid: value for solution in solutions for qid, value in solution.answers.items()}


def _problem_key(n: int, solution: Solution) -> list[Block]:
    problem, record = solution.problem, solution.trace
    output = problem.program.output
    blocks: list[Block] = [("h2", f"Problem {n}: {problem.title}"), ("md", filled_statement(problem, solution.at))]
    values = _values_by_name(record)
    blocks.append(("h3", "Forward pass"))
    rows = []
    leaves_first = sorted(record.forward, key=lambda step: step.kind == "computed")  # stable: order kept within
    for step in leaves_first:
        if step.kind == "constant":
            continue
        if step.kind == "computed" and step.name == step.formula:  # an unnamed intermediate
            how = f"${_with_numbers(step.formula, values)}$"
        elif step.kind == "computed":
            how = f"${step.latex} = {_with_numbers(step.formula, values)}$"
        else:
            how = step.kind
        rows.append([f"${name_latex(step.name)}$", how, f"${_number(step.value)}$"])
    blocks.append(("table", ["quantity", "computed as", "value"], rows))
    blocks.append(("h3", "Backward pass"))
    blocks.append(("p", f"The chain rule, in the order `backward()` runs: each step passes "
                        f"${_partial(output, 'node')}$ times the local derivative to a child, and a child "
                        "used more than once adds up its contributions."))
    blocks.append(("mathlist", [_chain_latex(record, step.node, step.grad, c)
                                for step in record.backward for c in step.contributions]))
    blocks.append(("h3", "Answers"))
    rows = []
    for question in problem.questions:
        answer = solution.answers[question.qid]
        rows.append([f"`{question.qid}`", f"${question_latex(question, output)}$",
                     f"${_answer_working(question, solution, answer)}$"])
    blocks.append(("table", ["question", "asks for", "answer"], rows))
    return blocks


def _values_by_name(record: Trace) -> dict[str, float]:
    values = {}
    for step in record.forward:
        values[step.id] = step.value
        values.setdefault(step.name, step.value)
    return values


def _chain_latex(record: Trace, node: str, grad: float, c: Contribution) -> str:
    """One chain-rule step, as `trace.chain_line` writes it, in LaTeX with the local formula."""
    out = record.output
    sign = "=" if c.first else "\\mathrel{+}="
    local = c.local_latex
    local_number = _number(c.local)
    if node == out:
        text = f"{_partial(out, c.child)} {sign} {local}" + ("" if local == local_number else f" = {local_number}")
    else:
        shown_local = _factor(c.local)
        text = (f"{_partial(out, c.child)} {sign} {_partial(out, node)} \\cdot {_partial(node, c.child)} = "
                f"{_number(grad)} \\cdot " + (f"{local} = {_number(grad)} \\cdot {shown_local}"
                                              if local != local_number else shown_local)
                + f" = {_number(c.product)}")
    if not c.first:
        text += f" \\quad \\text{{(total {_number(c.total)})}}"
    return text


def _answer_working(question: Question, solution: Solution, answer: float) -> str:
    if question.ask == "update":
        w = name_latex(question.of)
        old, g = solution.values[question.of], solution.grads[question.of]
        return (f"{w} - \\eta \\cdot {_partial(solution.output, question.of)} = {_number(old)} - "
                f"{_number(question.lr)} \\cdot {_factor(g)} = {_number(answer)}")
    return _number(answer)


def key_json(problem_set: ProblemSet, student: str) -> dict:
    """``{"student", "answers": {PROBLEM.QUESTION: number}, "set", "problems": [...]}``."""
    numbers, solutions = solve_set(problem_set, student)
    return {
        "student": student,
        "answers": _answers(solutions),
        "set": problem_set.title,
        "problems": [{"id": s.problem.id, "inputs": s.at, "output": s.output, "values": s.values,
                      "grads": s.grads, "answers": s.answers, "trace": s.trace.to_dict()} for s in solutions],
    }


# ------------------------------------------------------------------ Markdown


def markdown(blocks: list[Block]) -> str:
    out = []
    for block in blocks:
        kind = block[0]
        if kind in ("h1", "h2", "h3"):
            out.append("#" * int(kind[1]) + " " + block[1])
        elif kind in ("p", "md"):
            out.append(block[1].strip())
        elif kind == "math":
            out.append(f"$$\n{block[1]}\n$$")
        elif kind == "code":
            out.append(f"```\n{block[1]}\n```")
        elif kind == "list":
            out.append("\n".join(f"- {item}" for item in block[1]))
        elif kind == "mathlist":
            out.append("\n".join(f"- ${item}$" for item in block[1]))
        elif kind == "table":
            head, rows = block[1], block[2]
            lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
            lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
            out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


# ------------------------------------------------------------------ HTML

_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
h3 { font-size: 1.1rem; }
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: left; vertical-align: middle; }
th { background: #f4f4f4; }
pre { background: #f6f6f6; padding: 0.6rem; overflow-x: auto; }
code { font-family: ui-monospace, monospace; font-size: 0.95em; }
ul.steps li { margin: 0.35rem 0; }
math { font-size: 1.1em; }
ul.steps math, td math { math-style: normal; }  /* full-size fractions in the steps */
"""


def html(blocks: list[Block], title: str) -> str:
    """A standalone page: no script, no network; math as MathML."""
    body = []
    for block in blocks:
        kind = block[0]
        if kind in ("h1", "h2", "h3"):
            body.append(f"<{kind}>{inline_html(block[1])}</{kind}>")
        elif kind == "p":
            body.append(f"<p>{inline_html(block[1])}</p>")
        elif kind == "md":
            body.append(markdown_html(block[1]))
        elif kind == "math":
            body.append(f"<p>{mathml(block[1], display=True)}</p>")
        elif kind == "code":
            body.append(f"<pre><code>{_html.escape(block[1])}</code></pre>")
        elif kind == "list":
            body.append("<ul>" + "".join(f"<li>{inline_html(item)}</li>" for item in block[1]) + "</ul>")
        elif kind == "mathlist":
            body.append('<ul class="steps">' + "".join(f"<li>{mathml(item)}</li>" for item in block[1]) + "</ul>")
        elif kind == "table":
            head, rows = block[1], block[2]
            cells = "".join(f"<th>{inline_html(h)}</th>" for h in head)
            lines = [f"<tr>{cells}</tr>"]
            lines += ["<tr>" + "".join(f"<td>{inline_html(c)}</td>" for c in row) + "</tr>" for row in rows]
            body.append("<table>" + "".join(lines) + "</table>")
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{_html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


def mathml(latex: str, display: bool = False) -> str:
    """LaTeX as MathML; LaTeX the converter cannot read (a teacher's typo in a statement) is
    shown as its source rather than stopping the page."""
    from latex2mathml.converter import convert

    try:
        markup = convert(latex, display="block" if display else "inline")
    except Exception:  # latex2mathml raises its own exception types, and IndexError on some input
        markup = ""
    # the converter copies \text{...} into the page unescaped: only plain MathML may pass
    return markup if _only_mathml(markup) else f"<code>{_html.escape(latex)}</code>"


_MATHML_ELEMENTS = frozenset(
    "math mi mn mo ms mtext mspace mrow mfrac msqrt mroot mstyle merror mpadded mphantom mfenced "
    "menclose msub msup msubsup munder mover munderover mmultiscripts mprescripts none mtable mtr "
    "mtd mlabeledtr semantics annotation".split()
)


def _only_mathml(markup: str) -> bool:
    """True when ``markup`` is well-formed XML made only of MathML elements, with no event
    handler or link attributes (so no script can run from a problem set's text)."""
    from xml.etree import ElementTree

    try:
        root = ElementTree.fromstring(markup)
    except ElementTree.ParseError:
        return False
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] not in _MATHML_ELEMENTS:
            return False
        if any(name.lower().startswith("on") or "href" in name.lower() for name in element.attrib):
            return False
    return True


_INLINE = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$|`([^`]+)`|\*\*(.+?)\*\*|\*(.+?)\*", re.S)


def inline_html(text: str) -> str:
    """Inline Markdown: $math$, $$display math$$, `code`, **bold**, *italic*; the rest escaped."""
    out, last = [], 0
    for match in _INLINE.finditer(text):
        out.append(_html.escape(text[last:match.start()]))
        display, math, code, bold, italic = match.groups()
        if display is not None:
            out.append(mathml(display, display=True))
        elif math is not None:
            out.append(mathml(math))
        elif code is not None:
            out.append(f"<code>{_html.escape(code)}</code>")
        elif bold is not None:
            out.append(f"<strong>{inline_html(bold)}</strong>")
        else:
            out.append(f"<em>{inline_html(italic)}</em>")
        last = match.end()
    out.append(_html.escape(text[last:]))
    return "".join(out)


def markdown_html(text: str) -> str:
    """The Markdown a statement may use: paragraphs, '- ' lists, '#' headings (as h4), display
    math on lines of its own between $$, and the inline forms of `inline_html`."""
    parts = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = chunk.strip().splitlines()
        if all(re.match(r"\s*[-*] ", line) for line in lines):
            items = [inline_html(re.sub(r"^\s*[-*] ", "", line)) for line in lines]
            parts.append("<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>")
        elif lines and lines[0].startswith("#"):
            parts.append(f"<h4>{inline_html(lines[0].lstrip('#').strip())}</h4>")
            if lines[1:]:
                parts.append(f"<p>{inline_html(' '.join(lines[1:]))}</p>")
        else:
            parts.append(f"<p>{inline_html(chr(10).join(lines))}</p>")
    return "\n".join(parts)


# ------------------------------------------------------------------ one call


def render(what: str, problem_set: ProblemSet, student: str, form: str = "markdown") -> str:
    """The sheet or key ("sheet"/"key") of one student in a format of `FORMATS`."""
    import json

    if form not in FORMATS:
        raise ValueError(f"unknown format {form!r}: one of {', '.join(FORMATS)}")
    if form == "json":
        data = sheet_json(problem_set, student) if what == "sheet" else key_json(problem_set, student)
        return json.dumps(data, indent=2) + "\n"
    build: Callable = sheet_blocks if what == "sheet" else key_blocks
    blocks = build(problem_set, student)
    if form == "markdown":
        return markdown(blocks)
    suffix = "" if what == "sheet" else " (answer key)"
    return html(blocks, f"{problem_set.title}{suffix}: {student}")
