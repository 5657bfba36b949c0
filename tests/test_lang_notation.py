"""The program language's modules: their order, and notation reading nodes through `layout`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import autograd.lang
from autograd import Value, linear
from autograd.lang import Name, notation

# bottom up: each module may import only the modules before it (see autograd/lang/__init__.py)
LANG_ORDER = ["syntax", "errors", "tokens", "parser", "evaluate", "program", "notation"]


def _lang_imports(path: Path) -> set[str]:
    """The lang modules a module imports when it runs (not those named only for type checking)."""
    found = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("autograd.lang."):
            found.add(node.module.split(".")[2])
        elif isinstance(node, ast.ImportFrom) and node.module == "autograd.lang":
            found.update(alias.name for alias in node.names)
    return found


def test_lang_modules_import_only_those_below_them():
    folder = Path(autograd.lang.__file__).parent
    modules = {path.stem for path in folder.glob("*.py")} - {"__init__"}
    assert modules == set(LANG_ORDER), "list a new module of autograd/lang in LANG_ORDER and the facade's docstring"
    for i, name in enumerate(LANG_ORDER):
        imported = _lang_imports(folder / f"{name}.py")
        assert imported <= set(LANG_ORDER[:i]), (name, imported - set(LANG_ORDER[:i]))


def _arguments(node: Value) -> list[str]:
    trees = [Name(child.label, 0) for child in node.children]
    return [notation.text(tree) for tree in notation.arguments(node, trees)]


@pytest.mark.parametrize("build, expected", [
    (lambda x, y: x + 3, ["x", "3"]),
    (lambda x, y: 3 + x, ["x", "3"]),
    (lambda x, y: 3 - x, ["3", "x"]),
    (lambda x, y: x * 2.5, ["x", "2.5"]),
    (lambda x, y: 2 ** x, ["2", "x"]),
    (lambda x, y: x ** 3, ["x", "3"]),
    (lambda x, y: x - x, ["x", "x"]),
    (lambda x, y: y / x, ["y", "x"]),
    (lambda x, y: x.exp(), ["x"]),
    (lambda x, y: linear([x, y], [2.0, -3.0], x), ["x", "2", "y", "-3", "x"]),
    (lambda x, y: linear([x, y], [y, x], y), ["x", "y", "y", "x", "y"]),
])
def test_arguments_stand_where_layout_places_them(build, expected):
    assert _arguments(build(Value(0.7, label="x"), Value(1.3, label="y"))) == expected


def test_each_edge_gets_the_derivative_of_its_own_position():
    x = Value(0.7, label="x")
    node = x / x
    trees = [Name("x", 0)] * 2
    assert [notation.text(notation.derivative_tree(node, k, trees)) for k in range(2)] == ["1 / x", "-x / x**2"]
    affine = linear([x, x], [2.0, -3.0], x)
    trees = [Name("x", 0)] * 3
    assert [notation.text(notation.derivative_tree(affine, k, trees)) for k in range(3)] == ["2", "-3", "1"]


@pytest.mark.parametrize("source", ["2 + (x - 2)", "x * (y * z)", "a - (b + c)", "a / (b * c)", "a + b - c"])
def test_a_right_operand_of_the_same_precedence_keeps_its_brackets(source):
    # in floating point 2 + (x - 2) and (2 + x) - 2 differ: at x = 0.2 they give 0.19999999999999996 and 0.20000000000000018
    from autograd.lang.parser import parse_expression
    from autograd.lang.syntax import unparse

    assert unparse(parse_expression(source)) == source
