"""The key's mathematics as LaTeX: names (w1 → w_{1}), partial derivatives, numbers, formulas
with the student's numbers put in, and what each question asks for.

Formulas come from `autograd.lang.notation`, which writes them from the operation table, so
the key spells every function as the walkthrough does.
"""

from __future__ import annotations

import re

from autograd.lang import notation
from autograd.lang import Binary, Call, Name, Node, Num, Unary, parse_expression
from autograd.explain import fmt
from autograd.apps.course.problems import Question

__all__ = ["name_latex", "partial", "number", "factor", "with_numbers", "question_latex", "question_words",
           "points", "DIGITS"]

DIGITS = 6


def name_latex(name: str) -> str:
    """A quantity's name (or a short formula naming an intermediate) in LaTeX: w1 → w_{1}."""
    try:
        return notation.latex(parse_expression(name))
    except ValueError:
        return name


def partial(top: str, bottom: str) -> str:
    """∂top/∂bottom as a fraction; a formula below the ∂ is parenthesised."""
    def part(name: str) -> str:
        shown = name_latex(name)
        return shown if re.fullmatch(r"[A-Za-z_0-9]+", name) else f"\\left({shown}\\right)"
    return f"\\frac{{\\partial {part(top)}}}{{\\partial {part(bottom)}}}"


def number(x: float) -> str:
    """A number as the key writes it: `DIGITS` significant digits."""
    return fmt(x, DIGITS)


def factor(x: float) -> str:
    """A number as a factor: parenthesised when negative."""
    return f"\\left({number(x)}\\right)" if x < 0 else number(x)


def with_numbers(formula: str, values: dict[str, float]) -> str:
    """A formula with each name replaced by its number, in LaTeX: w_{1} \\cdot x → 0.18 \\cdot 1.6."""
    tree = parse_expression(formula)

    def put(node: Node) -> Node:
        if isinstance(node, Name) and node.name in values:
            return Num(values[node.name], number(values[node.name]), 0)
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
        return partial(output, question.of)
    if question.ask == "update":
        return f"{name_latex(question.of)}'"
    return name_latex(question.of)


def question_words(question: Question, output: str) -> str:
    """What a question asks, in words with $math$: the teacher's own text when given."""
    if question.text:
        return question.text
    if question.ask == "gradient":
        return f"the gradient ${question_latex(question, output)}$"
    if question.ask == "update":
        w = name_latex(question.of)
        return (f"${w}$ after one gradient-descent step with learning rate $\\eta = {number(question.lr)}$: "
                f"${w}' = {w} - \\eta \\cdot {partial(output, question.of)}$")
    return f"the value of ${name_latex(question.of)}$"


def points(amount: float) -> str:
    return f"{amount:g} point{'s' * (amount != 1)}"
