"""The program language: parse and evaluate ``name = expression`` programs into `Value` graphs,
errors with suggestions, and the notation (program text and LaTeX) written from the op table.
Standard library only; it reads `autograd.core` and nothing above it."""

from autograd.lang import notation
from autograd.lang.expr import (
    FUNCTIONS, MAX_NUMBER_LENGTH, MAX_PROGRAM_LENGTH, NUMBER, Binary, Call, Evaluation, ExprError, Name, Node,
    Num, Program, Unary, evaluate_tree, fold, is_name, nearest, number_value, parse, parse_expression, subtrees,
    unparse,
)

__all__ = [
    "notation", "FUNCTIONS", "MAX_NUMBER_LENGTH", "MAX_PROGRAM_LENGTH", "NUMBER", "Binary", "Call", "Evaluation",
    "ExprError", "Name", "Node", "Num", "Program", "Unary", "evaluate_tree", "fold", "is_name", "nearest",
    "number_value", "parse", "parse_expression", "subtrees", "unparse",
]
