"""The program language: parse and evaluate ``name = expression`` programs into `Value` graphs,
errors with suggestions, and the notation (program text and LaTeX) written from the op table.
Standard library only; it reads `autograd.core` and nothing above it.

The modules, from the bottom up (each imports only those before it):

- `syntax`: the syntax tree (Num, Name, Unary, Binary, Call), walking it, writing it as text;
- `errors`: `ExprError` and the suggestions it carries (what was meant);
- `tokens`: the lexer, names, and numbers as the command line takes them;
- `parser`: the grammar, by recursive descent;
- `evaluate`: a tree interpreted into `Value`s, and `Evaluation` (a program at a point);
- `program`: `Program` and `parse`: statements named, inputs found and checked;
- `notation`: a node's formula and local derivatives, from the op table, as text or LaTeX.
"""

from autograd.lang import notation
from autograd.lang.errors import ExprError, nearest
from autograd.lang.evaluate import Evaluation, evaluate_tree
from autograd.lang.parser import parse_expression
from autograd.lang.program import MAX_PROGRAM_LENGTH, Program, parse
from autograd.lang.syntax import FUNCTIONS, Binary, Call, Name, Node, Num, Unary, fold, subtrees, unparse
from autograd.lang.tokens import MAX_NUMBER_LENGTH, NUMBER, is_name, number_value

__all__ = [
    "notation", "FUNCTIONS", "MAX_NUMBER_LENGTH", "MAX_PROGRAM_LENGTH", "NUMBER", "Binary", "Call", "Evaluation",
    "ExprError", "Name", "Node", "Num", "Program", "Unary", "evaluate_tree", "fold", "is_name", "nearest",
    "number_value", "parse", "parse_expression", "subtrees", "unparse",
]
