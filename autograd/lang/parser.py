"""The grammar of the program language: tokens to a syntax tree, by recursive descent.

A program is statements separated by ``;`` or newlines::

    q = x + y; f = q * z

Each statement is ``name = expression``; the last one is the output, and a bare last
expression is named ``f`` (`autograd.lang.program` checks and names the statements).
Expressions have numbers, names, ``+ - * / **``, unary minus, parentheses and the functions of
the operation table `autograd.core.ops` (``exp``, ``log``, ``tanh``, ``sigmoid``, ``relu``, ...,
and ``max``, ``min`` of two arguments; `FUNCTIONS` lists them). Nothing else exists in the
language: no attributes, subscripts, strings, comparisons or other calls, so nothing a user
types can run Python. It is parsed and interpreted here, never by eval/exec.

Grammar (``**`` binds tighter than unary minus on its left, as in Python: -x**2 = -(x**2))::

    program   := statement ((';' | newline) statement)*
    statement := NAME '=' sum | sum
    sum       := product (('+' | '-') product)*
    product   := unary (('*' | '/') unary)*
    unary     := ('-' | '+') unary | power
    power     := atom ('**' unary)?
    atom      := NUMBER | NAME | NAME '(' sum (',' sum)* ')' | '(' sum ')'

Nesting is limited (`MAX_NESTING`), so a hostile program cannot exhaust the stack.
"""

from __future__ import annotations

from dataclasses import dataclass

from autograd.lang.errors import ExprError, juxtaposed, meant_function
from autograd.lang.syntax import FUNCTIONS, Binary, Call, Name, Node, Num, Unary, unparse
from autograd.lang.tokens import MAX_NUMBER_LENGTH, Token, beyond_float, tokenize

__all__ = ["MAX_NESTING", "Statement", "parse_statements", "parse_expression"]

MAX_NESTING = 60


@dataclass(frozen=True)
class Statement:
    """``name = expression`` (``name`` is "" for a bare expression until the program names it)."""

    name: str
    expression: Node
    column: int

    @property
    def text(self) -> str:
        return unparse(self.expression)


def parse_expression(text: str) -> Node:
    """One expression (no statements) as a syntax tree: how formulas of `autograd.core.ops` are read."""
    parser = _Parser(tokenize(text), text)
    node = parser.sum()
    if parser.current.kind != "end":
        raise ExprError(f"unexpected {_show(parser.current)} at column {parser.current.column} in {text!r}")
    return node


def parse_statements(source: str) -> list[Statement]:
    """The statements of a program, as written (not yet checked or named)."""
    return _Parser(tokenize(source), source).program()


class _Parser:
    """Recursive descent over the token list, with a hard limit on nesting depth."""

    def __init__(self, tokens: list[Token], source: str = "") -> None:
        self.tokens = tokens
        self.source = source
        self.index = 0
        self.depth = 0

    def error(self, message: str, column: int, suggestion: str | None = None) -> ExprError:
        """An error at a (1-based) column of the program, with the line and a caret."""
        return ExprError(message, position=column - 1, suggestion=suggestion, source=self.source)

    def unexpected(self, expected: str = "", hint: str | None = None) -> ExprError:
        """The current token cannot come here; suggest the '*' or '.' that was meant when clear."""
        token, previous = self.current, self.tokens[self.index - 1] if self.index else None
        message = f"expected {expected}, found {_show(token)}" if expected else f"unexpected {_show(token)}"
        return self.error(message, token.column, juxtaposed(self.source, previous, token) or hint)

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at(self, *texts: str) -> bool:
        return self.current.kind in ("op", "end") and self.current.text in texts

    def expect(self, text: str, what: str) -> Token:
        if not self.at(text):
            raise self.unexpected(what)
        return self.advance()

    def program(self) -> list[Statement]:
        statements = []
        while True:
            while self.at(";", "\n"):
                self.advance()
            if self.current.kind == "end":
                break
            statements.append(self.statement())
            if not self.at(";", "\n", ""):
                raise self.unexpected(hint="statements are separated by ';' or new lines")
        if not statements:
            raise ExprError("the program is empty", suggestion="write at least one expression, e.g. 'f = x * y'")
        return statements

    def statement(self) -> Statement:
        start = self.current
        following = self.tokens[self.index + 1]
        if start.kind == "name" and following.kind == "op" and following.text == "=":
            self.advance()
            self.advance()
            return Statement(start.text, self.sum(), start.column)
        return Statement("", self.sum(), start.column)

    def nested(self, column: int) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.error(f"the expression nests more than {MAX_NESTING} levels deep", column)

    def sum(self) -> Node:
        node = self.product()
        while self.at("+", "-"):
            op = self.advance()
            node = Binary(op.text, node, self.product(), op.column)
        return node

    def product(self) -> Node:
        node = self.unary()
        while self.at("*", "/"):
            op = self.advance()
            node = Binary(op.text, node, self.unary(), op.column)
        return node

    def unary(self) -> Node:
        if self.at("-", "+"):
            op = self.advance()
            self.nested(op.column)
            operand = self.unary()
            self.depth -= 1
            if op.text == "+":
                return operand
            if isinstance(operand, Num):
                return Num(-operand.value, _negated(operand.text), op.column)
            return Unary("-", operand, op.column)
        return self.power()

    def power(self) -> Node:
        base = self.atom()
        if self.at("**"):
            op = self.advance()
            self.nested(op.column)
            exponent = self.unary()
            self.depth -= 1
            return Binary("**", base, exponent, op.column)
        return base

    def atom(self) -> Node:
        token = self.current
        if token.kind == "number":
            self.advance()
            return _number(token, self.source)
        if token.kind == "name":
            self.advance()
            if self.at("("):
                return self.call(token)
            return Name(token.text, token.column)
        if self.at("("):
            self.advance()
            self.nested(token.column)
            node = self.sum()
            self.depth -= 1
            self.expect(")", "')' to close the '(' of column %d" % token.column)
            return node
        raise self.unexpected("a number, a name or '('")

    def call(self, name: Token) -> Node:
        if name.text not in FUNCTIONS:
            raise self.error(f"unknown function '{name.text}'", name.column, meant_function(self.source, name, self.tokens))
        self.advance()  # the '('
        self.nested(name.column)
        args = [self.sum()]
        while self.at(","):
            self.advance()
            args.append(self.sum())
        self.depth -= 1
        self.expect(")", f"')' to close {name.text}( of column {name.column}")
        wanted = FUNCTIONS[name.text]
        if len(args) != wanted:
            raise self.error(f"{name.text}() takes {wanted} argument{'s' * (wanted > 1)}, got {len(args)}",
                             name.column)
        return Call(name.text, tuple(args), name.column)


def _negated(number: str) -> str:
    """The text of -number: "-2" for "2", "2" for "-2" (never "--2")."""
    return number[1:] if number.startswith("-") else "-" + number


def _show(token: Token) -> str:
    if token.kind == "end":
        return "the end of the program"
    if token.text == "\n":
        return "a new line"
    return f"'{token.text}'"


def _number(token: Token, source: str = "") -> Num:
    if len(token.text) > MAX_NUMBER_LENGTH:
        raise ExprError(f"the number is longer than {MAX_NUMBER_LENGTH} characters", position=token.column - 1,
                        source=source)
    value = float(token.text)  # a float from the start: no giant integers, ever
    if beyond_float(token.text, value):
        raise ExprError(f"the number {token.text} is beyond the range of a float (too large, or too small "
                        "to be told from 0)", position=token.column - 1, source=source)
    return Num(value, token.text, token.column)
