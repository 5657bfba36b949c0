"""``autograd export SET --to moodle FILE.xml``: a problem set as Moodle ``calculated`` questions.

One question per question of the set. Its wildcards are the problem's inputs, written ``{x}`` in
the question text (the statement's ``{{x}}``); each has a dataset of N items, item k holding the
numbers our variant function (`autograd.apps.course.variants`) gives student ``moodle-k``, so every
wildcard of one item belongs to the same variant. The answers:

- at 100%: a formula over the wildcards when every operation has a Moodle formula (``a**b`` as
  ``pow(a, b)``, σ(z) as ``1/(1+exp(-z))``): a value is the program's statements put into one
  another; a gradient is the chain rule written out, Σ over the edges of ∂OUT/∂node times the
  local derivative's formula from the operation table (`autograd.lang.notation`); an update is
  w − η·that. A formula is used only when, evaluated by our program language at every item's
  numbers, it gives our key's answer (to 1e-9); else the answer is a private wildcard
  ``{answer_Q}`` whose items are our key's numbers;
- at 0%, with our diagnosis as feedback: one per classic mistake (`autograd.checking.MISTAKES`)
  that gives a number different from the truth in every item, as a private wildcard of those
  numbers.

Tolerance (Moodle: 1 relative, 2 nominal): ``rtol`` → relative rtol (nominal atol when rtol is 0);
``sig = N`` → relative 5·10⁻ᴺ; ``"written"`` → relative 5·10⁻⁴ (Moodle cannot read how many digits
were typed: four significant figures, the precision the example sets ask for).
"""

from __future__ import annotations

import html
import math
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

from autograd.checking import MISTAKES, Diagnoser, gradient_variants
from autograd.checking.chain import Chain
from autograd.checking.diagnosis import update_variants
from autograd.core.graph import layout
from autograd.lang import Binary, Call, ExprError, Name, Num, Program, Unary
from autograd.lang.notation import derivative_tree, formula_tree, number, substitute_names, text, tidy
from autograd.apps.course.problems import PLACEHOLDER, Problem, ProblemSet, Question, Tolerance
from autograd.apps.course.solve import Solution
from autograd.apps.course.variants import evaluated_variant, shown_number

__all__ = ["moodle_xml", "formula", "tolerance", "MAX_VARIANTS", "MAX_FORMULA"]

MAX_VARIANTS = 1000
MAX_FORMULA = 2000  # characters: a longer inlined formula is given as numbers instead
_FUNCTIONS = ("exp", "log", "sin", "cos", "tan", "tanh", "sinh", "cosh", "sqrt", "abs", "atan", "asin", "acos")


def tolerance(rule: Tolerance) -> tuple[float, int]:
    """(tolerance, Moodle tolerancetype) for the set's rule (see the module's docstring)."""
    if rule.rule == "rtol":
        return (rule.rtol, 1) if rule.rtol > 0 else (rule.atol, 2)
    if rule.rule == "sig":
        return 5 * 10.0 ** -rule.sig, 1
    return 5e-4, 1


def _number(x: float) -> str:
    """A number as Moodle's formulas read it: positional, never 1e-05."""
    text = repr(float(x))
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    return f"({text})" if text.startswith("-") else text


def formula(problem: Problem, quantity: str, wildcards: dict[str, str]) -> str | None:
    """``quantity``'s value as one Moodle formula over the inputs' wildcards, or None when an
    operation has no Moodle spelling or the formula would be longer than `MAX_FORMULA`."""
    return _moodle(_value_tree(problem, quantity), wildcards)


def _value_tree(problem: Problem, quantity: str):
    bindings = {}
    for statement in problem.program.statements:
        bindings[statement.name] = substitute_names(statement.expression, bindings)
    return bindings.get(quantity, Name(quantity, 0))


def _gradient_tree(solution: Solution, quantity: str):
    """∂OUT/∂quantity as a formula over the inputs: the chain rule over the graph, written out
    (each node's formula and each edge's local derivative from the operation table)."""
    evaluation = solution.evaluation
    inputs = {id(evaluation.values[name]): name for name in solution.problem.program.inputs}
    order = evaluation.order
    trees = {}
    for node in order:
        shape = layout(node)
        if shape.op is None:
            trees[node] = Name(inputs[id(node)], 0) if id(node) in inputs else number(node.data)
        else:
            trees[node] = formula_tree(node, [trees[c] for c in shape.children])
    grads = {order[-1]: number(1.0)}
    for node in reversed(order):
        if node not in grads or layout(node).op is None:
            continue
        children = layout(node).children
        for k, child in enumerate(children):
            term = Binary("*", grads[node], derivative_tree(node, k, [trees[c] for c in children]), 0)
            grads[child] = Binary("+", grads[child], term, 0) if child in grads else term
    target = evaluation.values[quantity]
    return tidy(grads[target]) if target in grads else number(0.0)


def _answer_tree(solution: Solution, question: Question):
    if question.ask == "value":
        return _value_tree(solution.problem, question.of)
    gradient = _gradient_tree(solution, question.of)
    if question.ask == "gradient":
        return gradient
    return Binary("-", Name(question.of, 0), Binary("*", number(question.lr), gradient, 0), 0)


def _checked_formula(question: Question, solutions: list[Solution], wildcards: dict[str, str]) -> str | None:
    """The answer's Moodle formula when our program language, evaluating the same formula at
    every item's numbers, gives our key's answer; else None (the answer is given as numbers)."""
    try:
        tree = _answer_tree(solutions[0], question)
        written = _moodle(tree, wildcards)
        if written is None:
            return None
        program = Program(f"answer__ = {text(tree)}")
        for solution in solutions:
            at = {name: solution.at[name] for name in program.inputs}
            got = program.evaluate(at).values["answer__"].data
            if not math.isclose(got, solution.answers[question.qid], rel_tol=1e-9, abs_tol=1e-12):
                return None
    except (ExprError, ArithmeticError, ValueError, KeyError, RecursionError):
        return None
    return written


def _moodle(tree, wildcards: dict[str, str]) -> str | None:
    try:
        written = _written(tree, wildcards, [MAX_FORMULA])
    except (KeyError, RecursionError):
        return None
    return written if len(written) <= MAX_FORMULA else None


def _written(node, wildcards: dict[str, str], budget: list[int]) -> str:
    """The tree in Moodle's formula syntax; KeyError for an operation Moodle lacks, or once more
    than the budget of nodes is written (a shared subformula is written out at each use)."""
    budget[0] -= 1
    if budget[0] < 0:
        raise KeyError("too long")
    if isinstance(node, Num):
        return _number(node.value)
    if isinstance(node, Name):
        return "{" + wildcards[node.name] + "}"
    if isinstance(node, Unary):
        return f"(-{_written(node.operand, wildcards, budget)})"
    if isinstance(node, Binary):
        a, b = _written(node.left, wildcards, budget), _written(node.right, wildcards, budget)
        return f"pow({a}, {b})" if node.op == "**" else f"({a} {node.op} {b})"
    if isinstance(node, Call):
        args = [_written(arg, wildcards, budget) for arg in node.args]
        if node.function == "sigmoid" and len(args) == 1:
            return f"(1 / (1 + exp(-{args[0]})))"
        if node.function in _FUNCTIONS:
            return f"{node.function}({', '.join(args)})"
    raise KeyError(getattr(node, "function", type(node).__name__))


def _wildcards(problem: Problem) -> dict[str, str]:
    """Each input's wildcard name: Moodle's start with a letter."""
    return {rule.name: rule.name if rule.name[0].isalpha() else "v" + rule.name for rule in problem.inputs}


def _mistakes(solution: Solution, question: Question) -> dict[str, float]:
    """The first answer each classic mistake gives for a gradient or update question."""
    if question.ask == "value":
        return {}
    evaluation = solution.evaluation
    diagnoser = Diagnoser(evaluation.root, evaluation.constants, evaluation.order)
    node = evaluation.values[question.of]
    if node is diagnoser.root:
        return {}
    chain = Chain(diagnoser.root, node, diagnoser.order, diagnoser.names, diagnoser.constants)
    if not chain.order:
        return {}
    found = {}
    lr = question.lr
    variants = update_variants(chain, node.data, lr) if question.ask == "update" else gradient_variants(chain)
    for code, _, value in variants:
        if code not in found and math.isfinite(value):
            found[code] = value
    return found


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        ET.SubElement(element, "text").text = text
    return element


def _plain(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, tag).text = text


# Moodle's MathJax filter reads \( \) and $$ $$ by default, not a single $: inline math is moved
# to the delimiters it reads, so $q = x + y$ is typeset instead of shown with its dollars.
_INLINE_MATH = re.compile(r"(?<![$\\])\$(?!\$)(.+?)(?<![$\\])\$(?!\$)", re.S)


def _question_text(problem: Problem, question: Question, wildcards: dict[str, str]) -> str:
    r"""The statement (escaped HTML, ``{{x}}`` as Moodle's ``{x}``, inline ``$…$`` as ``\(…\)``)
    and what is asked."""
    def place(text: str) -> str:
        text = _INLINE_MATH.sub(lambda m: "\\(" + m.group(1) + "\\)", text)
        marked = PLACEHOLDER.sub(lambda m: f"\0{m.group(1)}\0", text)
        escaped = html.escape(marked).replace("{", "&#123;").replace("}", "&#125;")
        return re.sub(r"\0([A-Za-z_][A-Za-z_0-9]*)\0",
                      lambda m: "{" + wildcards[m.group(1)] + "}" if m.group(1) in wildcards
                      else _number(problem.lr) if m.group(1) == "lr" and problem.lr is not None else m.group(1),
                      escaped)
    asked = question.text or {"value": f"the value of {question.of}",
                              "gradient": f"∂{problem.program.output}/∂{question.of}",
                              "update": f"{question.of} after one gradient-descent step"}[question.ask]
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", problem.statement.strip()) if p.strip()]
    return "".join(f"<p>{place(p)}</p>" for p in paragraphs) + f"<p>Give {place(asked)}.</p>"


def _dataset(parent: ET.Element, name: str, values: list[float], shown: list[str]) -> None:
    definition = ET.SubElement(parent, "dataset_definition")
    _sub(definition, "status", "private")
    _sub(definition, "name", name)
    _plain(definition, "type", "calculated")
    _sub(definition, "distribution", "uniform")
    _sub(definition, "minimum", shown[values.index(min(values))])
    _sub(definition, "maximum", shown[values.index(max(values))])
    decimals = max((len(t.split(".")[1]) if "." in t else 0) for t in shown)
    _sub(definition, "decimals", str(decimals))
    _plain(definition, "itemcount", str(len(values)))
    items = ET.SubElement(definition, "dataset_items")
    for k, text in enumerate(shown, 1):
        item = ET.SubElement(items, "dataset_item")
        _plain(item, "number", str(k))
        _plain(item, "value", text)
    _plain(definition, "number_of_items", str(len(values)))


def _answer(parent: ET.Element, fraction: str, text: str, question: Question, feedback: str) -> None:
    value, kind = tolerance(question.tolerance)
    answer = ET.SubElement(parent, "answer", {"fraction": fraction})
    ET.SubElement(answer, "text").text = text
    _plain(answer, "tolerance", repr(value))
    _plain(answer, "tolerancetype", str(kind))
    _plain(answer, "correctanswerformat", "2")  # significant figures
    _plain(answer, "correctanswerlength", str(question.tolerance.sig or 4))
    _sub(answer, "feedback", html.escape(feedback), format="html")


def _question(quiz: ET.Element, problem_set: ProblemSet, problem: Problem, question: Question,
              solutions: list[Solution]) -> None:
    wildcards = _wildcards(problem)
    element = ET.SubElement(quiz, "question", {"type": "calculated"})
    _sub(element, "name", f"{problem_set.title}: {question.qid}")
    _sub(element, "questiontext", _question_text(problem, question, wildcards), format="html")
    _sub(element, "generalfeedback", "", format="html")
    _plain(element, "defaultgrade", f"{question.points:g}")
    _plain(element, "penalty", "0")
    _plain(element, "hidden", "0")
    _plain(element, "synchronize", "0")
    _plain(element, "single", "0")
    _plain(element, "answernumbering", "abc")
    _plain(element, "shuffleanswers", "0")
    datasets: list[tuple[str, list[float], list[str]]] = []
    truths = [s.answers[question.qid] for s in solutions]
    written = _checked_formula(question, solutions, wildcards)
    if written is None:
        name = "answer_" + re.sub(r"\W", "_", question.id)
        written = "{" + name + "}"
        datasets.append((name, truths, [repr(t) for t in truths]))
    _answer(element, "100", written, question, "Right.")
    per_item = [_mistakes(s, question) for s in solutions]
    value, kind = tolerance(question.tolerance)
    for n, code in enumerate(MISTAKES):
        numbers = [found.get(code) for found in per_item]
        if any(x is None or abs(x - t) <= (value * abs(t) if kind == 1 else value) for x, t in zip(numbers, truths)):
            continue  # not in every item, or indistinguishable from the answer in one
        name = f"mistake{n}_" + re.sub(r"\W", "_", question.id)
        datasets.append((name, numbers, [repr(x) for x in numbers]))
        mistake = MISTAKES[code]
        _answer(element, "0", "{" + name + "}", question,
                f"This is the answer you get by {mistake.what}. {mistake.example}")
    for tag, text in (("unitgradingtype", "0"), ("unitpenalty", "0.1"), ("showunits", "3"), ("unitsleft", "0")):
        _plain(element, tag, text)
    definitions = ET.SubElement(element, "dataset_definitions")
    for rule in problem.inputs:
        values = [s.at[rule.name] for s in solutions]
        _dataset(definitions, wildcards[rule.name], values, [shown_number(rule, v) for v in values])
    for name, values, shown in datasets:
        _dataset(definitions, name, values, shown)


def moodle_xml(problem_set: ProblemSet, variants: int = 20) -> str:
    """The Moodle XML quiz file: a calculated question per question, ``variants`` dataset items."""
    quiz = ET.Element("quiz")
    for problem in problem_set.problems:
        solutions = []
        for k in range(1, variants + 1):
            at, _, evaluation = evaluated_variant(problem, problem_set.seed, f"moodle-{k}", problem_set.source)
            solutions.append(Solution(problem, at, evaluation))
        for question in problem.questions:
            _question(quiz, problem_set, problem, question, solutions)
    ET.indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode") + "\n"
