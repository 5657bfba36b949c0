"""How formulas are written: the one place that spells a node's formula and its local derivatives.

Every formula comes from the table in `autograd.core.ops`: an operation's ``formula`` and its
``derivatives`` are templates in the program language over the placeholders ``a`` and ``b``.
Here a template is parsed with the expression language, the node's operands are put in for the
placeholders, the result is tidied (``2 * x**(2 - 1)`` becomes ``2 * x``), and written back as
text with only the parentheses it needs — or as LaTeX.

Tidying never changes a number: a constant subexpression is replaced by the very float the
expression language computes for it, and ``x**1``, ``1 * x``, ``x / 1``, ``x + 0`` by ``x``,
which floating point evaluates exactly. So a written formula, evaluated by the program language,
gives back the number the engine stored.

A node is read through `autograd.core.graph.layout`, the one decoder of how a node stores its
edges: which argument each child is (by its position among the edges, never by looking a child
up, so ``x - x`` and ``x / x`` are right), its local derivatives and its constant operand.
`arguments` puts them in the operation's argument order.
"""

from __future__ import annotations

from functools import lru_cache

from autograd.core import Value, ops
from autograd.core.graph import Layout, layout
from autograd.lang.parser import parse_expression
from autograd.lang.syntax import Binary, Call, Name, Node, Num, Unary, fold, unparse

__all__ = ["number", "arguments", "formula_tree", "derivative_tree", "tidy", "substitute_names", "text", "latex"]

_PLACEHOLDERS = ("a", "b")


def number(x: float) -> Num:
    """A constant as a formula: written exactly (see `ops.number_text`)."""
    return Num(x, ops.number_text(x), 0)


@lru_cache(maxsize=None)
def _template(source: str) -> Node:
    return parse_expression(source)


# ------------------------------------------------------------------ a node's operands


def arguments(node: Value, child_trees: list[Node]) -> list[Node]:
    """The operands of ``node`` in argument order, as formulas.

    Each child's tree (given in edge order) stands where `layout` places it; the places left
    are the node's plain numbers, in order (see `_numbers`): ``3`` in ``x + 3`` and ``3 - x``,
    and in an affine node ``w0*c0 + w1*c1 + … + b`` each number cₖ.
    """
    return _arguments(layout(node), child_trees)


def _arguments(shape: Layout, child_trees: list[Node]) -> list[Node]:
    placed = {shape.argument(k): tree for k, tree in enumerate(child_trees)}
    numbers = [number(c) for c in _numbers(shape)]
    gaps = iter(numbers)
    return [placed[i] if i in placed else next(gaps) for i in range(len(placed) + len(numbers))]


def _numbers(shape: Layout) -> list[float]:
    """The plain-number operands of a node: its constant, or an affine node's inputs cₖ, each
    of which is its weight's local derivative (∂(w·c)/∂w = c)."""
    if shape.constant is not None:
        return [shape.constant]
    if shape.op is not None and shape.op.name == "affine":
        return list(shape.locals[:-1])  # the last child is the bias, whose local derivative is 1
    return []


# ------------------------------------------------------------------ formulas of a node


def formula_tree(node: Value, child_trees: list[Node]) -> Node:
    """How ``node`` is computed from its operands, e.g. ``sigmoid(z)`` or ``w1 * x``."""
    shape = layout(node)
    args = _arguments(shape, child_trees)
    op = shape.op
    if op.name == "sum":
        return _left_sum(args)
    if op.name in ("linear", "affine"):
        products = [Binary("*", args[i], args[i + 1], 0) for i in range(0, len(args) - 1, 2)]
        return _left_sum(products + [args[-1]])
    # not tidied: x * 1 is shown as computed, never as a bare x (its operands are tidy already)
    return _substitute(_template(op.formula), args)


def derivative_tree(node: Value, k: int, child_trees: list[Node]) -> Node:
    """∂node/∂(its k-th child) as a formula over the operands (the edge's position decides,
    never a look-up of the child, so ``x - x`` and ``x / x`` are right)."""
    shape = layout(node)
    args = _arguments(shape, child_trees)
    op = shape.op
    position = shape.argument(k)
    if op.name == "sum":
        return number(1.0)
    if op.name in ("linear", "affine"):
        if position == len(args) - 1:
            return number(1.0)  # the bias
        return args[position + 1] if position % 2 == 0 else args[position - 1]  # the other factor
    return tidy(_substitute(_template(op.derivatives[position]), args))


def _left_sum(terms: list[Node]) -> Node:
    total = terms[0]
    for term in terms[1:]:
        total = Binary("+", total, term, 0)
    return total


def _substitute(template: Node, args: list[Node]) -> Node:
    """The template with its placeholders a, b replaced by the operands' formulas."""
    return substitute_names(template, dict(zip(_PLACEHOLDERS, args)))


def substitute_names(tree: Node, bindings: dict[str, Node]) -> Node:
    """``tree`` with each name in ``bindings`` replaced by its formula."""
    return _rebuild(tree, lambda n: bindings.get(n.name, n) if isinstance(n, Name) else n)


# ------------------------------------------------------------------ tidying


def tidy(tree: Node) -> Node:
    """Fold constant subexpressions and drop ``**1``, ``1 *``, ``* 1``, ``/ 1``, ``+ 0``, ``- 0``.

    Each rewrite gives exactly the float the original evaluates to (see the module docstring).
    """
    return _rebuild(tree, _tidy_one)


def _tidy_one(node: Node) -> Node:
    if isinstance(node, Unary) and isinstance(node.operand, Num):
        return number(-node.operand.value)
    if isinstance(node, Call) and all(isinstance(a, Num) for a in node.args):
        return _folded(node.function, [a.value for a in node.args]) or node
    if not isinstance(node, Binary):
        return node
    left, right, op = node.left, node.right, node.op
    if isinstance(left, Num) and isinstance(right, Num):
        return _folded(op, [left.value, right.value]) or node
    if _is(right, 1.0) and op in ("**", "*", "/"):
        return left
    if _is(left, 1.0) and op == "*":
        return right
    if _is(right, 0.0) and op in ("+", "-"):
        return left
    if _is(left, 0.0) and op == "+":
        return right
    if _is(left, -1.0) and op == "*":
        return Unary("-", right, 0)
    return node


def _is(node: Node, value: float) -> bool:
    return isinstance(node, Num) and node.value == value


def _folded(op_name: str, values: list[float]) -> Num | None:
    """The value the expression language computes for op(values), or None where it fails."""
    try:
        value, _ = ops.OPS[op_name].forward(*values)
    except (ValueError, ArithmeticError):
        return None
    return number(value) if value - value == 0.0 else None


def _rebuild(tree: Node, visit) -> Node:
    """Apply ``visit`` to every node, children first, on a copy of the tree."""
    return fold(tree, lambda node, kids: visit(_with_kids(node, kids)))


def _with_kids(node: Node, kids: list[Node]) -> Node:
    if isinstance(node, Unary):
        return Unary(node.op, kids[0], node.column)
    if isinstance(node, Binary):
        return Binary(node.op, kids[0], kids[1], node.column)
    if isinstance(node, Call):
        return Call(node.function, tuple(kids), node.column)
    return node


# ------------------------------------------------------------------ writing


def text(tree: Node) -> str:
    """A formula in the program language, with only the parentheses it needs."""
    return unparse(tree)


_LATEX_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 5, "neg": 3, "**": 4}


def latex(tree: Node) -> str:
    """A formula in LaTeX: ``\\frac{1}{x}``, ``w_{1} \\cdot x``, ``\\sigma(z)``."""
    return fold(tree, _latex_one)[0]


def _latex_one(node: Node, parts: list[tuple[str, int]]) -> tuple[str, int]:
    if isinstance(node, Num):
        return node.text, (3 if node.value < 0 else 9)
    if isinstance(node, Name):
        return _latex_name(node.name), 9
    if isinstance(node, Call):
        template = ops.OPS[node.function].latex
        for placeholder, (part, _) in zip(_PLACEHOLDERS, parts):
            template = template.replace("{" + placeholder + "}", part)
        return template, 9
    if isinstance(node, Unary):
        (inner, p), = parts
        return (f"-{inner}" if p > 3 else f"-\\left({inner}\\right)"), 3
    (left, lp), (right, rp) = parts
    if node.op == "/":
        return f"\\frac{{{left}}}{{{right}}}", 9
    if node.op == "**":
        base = left if lp == 9 else f"\\left({left}\\right)"
        return f"{{{base}}}^{{{right}}}", 4
    mine = _LATEX_PRECEDENCE[node.op]
    left = left if lp >= mine else f"\\left({left}\\right)"
    wrap = rp < mine or (node.op == "-" and rp == mine) or right.startswith("-")
    right = f"\\left({right}\\right)" if wrap else right
    symbol = r" \cdot " if node.op == "*" else f" {node.op} "
    return left + symbol + right, mine


def _latex_name(name: str) -> str:
    """w1 → w_{1}, yhat → \\hat{y}, t12 → t_{12}."""
    if name.endswith("hat") and len(name) > 3:
        return f"\\hat{{{_latex_name(name[:-3])}}}"
    stem = name.rstrip("0123456789")
    if stem and stem != name:  # net_o1 → net\_o_{1}: an underscore in the stem is a letter, not a subscript
        return stem.replace("_", r"\_") + f"_{{{name[len(stem):]}}}"
    return name.replace("_", r"\_")
