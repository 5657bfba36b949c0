"""A student's sheet and answer key as documents: lists of blocks, or JSON.

A block is ("h1", text), ("h2", text), ("h3", text), ("p", inline Markdown), ("md", Markdown
from the set's file), ("code", text), ("list", items), ("mathlist", LaTeX items) or ("table",
head, rows); LaTeX stands between $ signs. The blocks are written once here and turned into
Markdown or HTML by `autograd.apps.course.render`. The key's working comes from the trace
(`autograd.explain.trace`) of the one graph the solution evaluated: it reads like the walkthrough.
"""

from __future__ import annotations

import re

from autograd.explain import Contribution, Trace, shown_product
from autograd.apps.course.mathtext import (DIGITS, factor, name_latex, number, partial, points, question_latex,
                                           question_words, with_numbers)
from autograd.apps.course.problems import PLACEHOLDER, Problem, ProblemSet, Question
from autograd.apps.course.solve import Solution, solve_set
from autograd.apps.course.variants import shown_number

__all__ = ["Block", "sheet_blocks", "key_blocks", "sheet_json", "key_json", "filled_statement"]

Block = tuple


def filled_statement(problem: Problem, at: dict[str, float]) -> str:
    """The statement with each {{name}} replaced by the student's number ({{lr}}: the rate)."""
    rules = {rule.name: rule for rule in problem.inputs}

    def filled(match: re.Match) -> str:
        name = match.group(1)
        if name == "lr" and name not in rules:
            return number(problem.lr)
        return shown_number(rules[name], at[name])

    return PLACEHOLDER.sub(filled, problem.statement)


def literal(text: str) -> str:
    """Text (a student id) as Markdown that shows it as typed: every ASCII punctuation mark
    backslash-escaped, so ``$\\style{…}{x}$`` or ``[a](http://…)`` in an id is neither math nor a link."""
    return _PUNCTUATION.sub(r"\\\g<0>", " ".join(text.split("\n")))


_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")


# ------------------------------------------------------------------ the sheet


def sheet_blocks(problem_set: ProblemSet, student: str) -> list[Block]:
    """The student's sheet: each problem with their numbers and its questions, and how to hand in."""
    numbers, solutions = solve_set(problem_set, student)
    blocks: list[Block] = [("h1", problem_set.title), ("p", f"Student: **{literal(student)}**")]
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
            items.append(f"`{question.qid}` ({points(question.points)}; {question.tolerance.describe()}): "
                         f"{question_words(question, problem.program.output)}")
        blocks.append(("list", items))
    columns = ",".join(problem_set.question_ids)
    blocks.append(("h2", "Handing in"))
    blocks.append(("p", "One row of a CSV file, under this first row (numbers as decimals, integers or "
                        "fractions such as -3/8; a decimal is judged at the precision you write it with):"))
    blocks.append(("code", f"id,{columns}\n{student},{','.join('…' for _ in problem_set.question_ids)}"))
    return blocks


def sheet_json(problem_set: ProblemSet, student: str) -> dict:
    """The sheet as data: per problem its statement filled in, program, numbers and questions."""
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
    """The student's answer key: per problem the forward pass, the chain rule step by step and
    the answers, then every answer in one table."""
    numbers, solutions = solve_set(problem_set, student)
    blocks: list[Block] = [("h1", f"{problem_set.title}: answer key"), ("p", f"Student: **{literal(student)}**")]
    for n, solution in enumerate(solutions, 1):
        blocks += _problem_key(n, solution)
    blocks.append(("h2", "All answers"))
    rows = [[f"`{qid}`", number(value)] for qid, value in _answers(solutions).items()]
    blocks.append(("table", ["question", "answer"], rows))
    return blocks


def _answers(solutions: list[Solution]) -> dict[str, float]:
    return {qid: value for solution in solutions for qid, value in solution.answers.items()}


def _problem_key(n: int, solution: Solution) -> list[Block]:
    """One problem of the key, worked: a table of the forward pass, the backward steps, the answers."""
    problem, record = solution.problem, solution.trace
    output = problem.program.output
    blocks: list[Block] = [("h2", f"Problem {n}: {problem.title}"), ("md", filled_statement(problem, solution.at))]
    values = _values_by_name(record)
    blocks.append(("h3", "Forward pass"))
    rows = []
    leaves_first = sorted(record.forward, key=lambda step: step.kind == "computed")  # stable: order kept within
    rules = {rule.name: rule for rule in problem.inputs}
    for step in leaves_first:
        if step.kind == "constant":
            continue
        if step.kind == "computed":  # every row shows its formula, an unnamed intermediate's (e²) too
            how = f"${step.latex} = {with_numbers(step.formula, values)}$"
        else:  # a leaf: what the set's [inputs] declares it to be, the same words for every leaf
            how = _declared(rules.get(step.id) or rules.get(step.name))
        rows.append([f"${name_latex(step.name)}$", how, f"${number(step.value)}$"])
    blocks.append(("table", ["quantity", "computed as", "value"], rows))
    blocks.append(("h3", "Backward pass"))
    blocks.append(("p", f"The chain rule, in the order `backward()` runs: each step passes "
                        f"${partial(output, 'node')}$ times the local derivative to a child, and a child "
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


def _declared(rule) -> str:
    """A leaf's role as the set declares it: an input, given, or drawn for each student."""
    if rule is None or rule.kind == "fixed":
        return "input (given)"
    if rule.kind == "choose":
        return "input (your number, chosen from " + ", ".join(f"${number(c)}$" for c in rule.choices[:6]) + \
            (", …" if len(rule.choices) > 6 else "") + ")"
    return f"input (your number, drawn from ${number(rule.low)}$ to ${number(rule.high)}$)"


def _values_by_name(record: Trace) -> dict[str, float]:
    values = {}
    for step in record.forward:
        values[step.id] = step.value
        values.setdefault(step.name, step.value)
    return values


def _chain_latex(record: Trace, node: str, grad: float, c: Contribution) -> str:
    """One chain-rule step, as `trace.chain_line` writes it, in LaTeX with the local formula:
    one use of a repeated value at a time (x₍₁₎), its product with digits enough to check."""
    out = record.output

    def through_use(fraction: str) -> str:  # ∂out/∂{x}_{(1)}: through one use of x
        if c.uses == 1:
            return fraction
        head, name = fraction[:-1].rsplit("\\partial ", 1)
        return f"{head}\\partial {{{name}}}_{{({c.use})}}}}"

    local, local_number = c.local_latex, number(c.local)
    if node == out:
        text = f"{through_use(partial(out, c.child))} = {local}" + ("" if local == local_number else f" = {local_number}")
    else:
        g, d, product = shown_product(grad, c.local, c.product, DIGITS)
        d = f"\\left({d}\\right)" if d.startswith("-") else d
        text = (f"{through_use(partial(out, c.child))} = {partial(out, node)} \\cdot "
                f"{through_use(partial(node, c.child))} = {g} \\cdot "
                + (f"{local} = {g} \\cdot {d}" if local != local_number else d) + f" = {product}")
    if c.uses > 1 and c.use == c.uses:
        text += f" \\quad {partial(out, c.child)} = {number(c.total)} \\text{{, the sum over its {c.uses} uses}}"
    return text


def _answer_working(question: Question, solution: Solution, answer: float) -> str:
    if question.ask == "update":
        w = name_latex(question.of)
        old, g = solution.values[question.of], solution.grads[question.of]
        return (f"{w} - \\eta \\cdot {partial(solution.output, question.of)} = {number(old)} - "
                f"{number(question.lr)} \\cdot {factor(g)} = {number(answer)}")
    return number(answer)


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
