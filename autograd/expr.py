"""The expression language of the command line: parsed and interpreted here, never by eval/exec.

A program is statements separated by ``;`` or newlines::

    q = x + y; f = q * z

Each statement is ``name = expression``; the last one is the output, and a bare last
expression is named ``f``. Expressions have numbers, names, ``+ - * / **``, unary minus,
parentheses and the functions ``exp log sqrt tanh sigmoid relu abs sin cos`` (one
argument) and ``max min`` (two). Nothing else exists in the language: no attributes,
subscripts, strings, comparisons or other calls, so nothing a user types can run Python.

Grammar (``**`` binds tighter than unary minus on its left, as in Python: -x**2 = -(x**2))::

    program   := statement ((';' | newline) statement)*
    statement := NAME '=' sum | sum
    sum       := product (('+' | '-') product)*
    product   := unary (('*' | '/') unary)*
    unary     := ('-' | '+') unary | power
    power     := atom ('**' unary)?
    atom      := NUMBER | NAME | NAME '(' sum (',' sum)* ')' | '(' sum ')'
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from autograd.engine import Value

__all__ = ["ExprError", "Program", "Evaluation", "parse", "FUNCTIONS"]

MAX_PROGRAM_LENGTH = 10_000
MAX_NESTING = 60
MAX_NUMBER_LENGTH = 60

FUNCTIONS = {
    "exp": 1, "log": 1, "sqrt": 1, "tanh": 1, "sigmoid": 1, "relu": 1, "abs": 1,
    "sin": 1, "cos": 1, "max": 2, "min": 2,
}


class ExprError(ValueError):
    """A program that cannot be parsed or evaluated; the message says what and where."""


# ------------------------------------------------------------------ tokens

_TOKEN = re.compile(
    r"(?P<space>[ \t\r]+)"
    r"|(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z_0-9]*)"
    r"|(?P<op>\*\*|[-+*/(),;=\n])"
)


@dataclass(frozen=True)
class Token:
    kind: str  # "number", "name", "op" or "end"
    text: str
    column: int  # 1-based, counted over the whole program text


def tokenize(source: str) -> list[Token]:
    """Split a program into tokens; an unknown character is an error naming its column."""
    tokens = []
    position = 0
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None:
            char = source[position]
            raise ExprError(f"unexpected character {char!r} at column {position + 1}")
        kind = match.lastgroup
        if kind != "space":
            tokens.append(Token(kind, match.group(), position + 1))
        position = match.end()
    tokens.append(Token("end", "", len(source) + 1))
    return tokens


# ------------------------------------------------------------------ syntax tree


@dataclass(frozen=True)
class Num:
    value: float
    text: str
    column: int


@dataclass(frozen=True)
class Name:
    name: str
    column: int


@dataclass(frozen=True)
class Unary:
    op: str  # only "-"
    operand: "Node"
    column: int


@dataclass(frozen=True)
class Binary:
    op: str  # + - * / **
    left: "Node"
    right: "Node"
    column: int


@dataclass(frozen=True)
class Call:
    function: str
    args: tuple
    column: int


Node = Num | Name | Unary | Binary | Call

_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "**": 4}


def unparse(root: Node) -> str:
    """The expression as text, with only the parentheses it needs."""
    texts: dict[int, tuple[str, int]] = {}
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:  # post-order with an explicit stack: deep expressions never recurse
        node, ready = stack.pop()
        if not ready:
            stack.append((node, True))
            stack += [(child, False) for child in _children(node)]
            continue
        texts[id(node)] = render(node, [texts.pop(id(c)) for c in _children(node)])
    return texts[id(root)][0]


def render(node: Node, parts: list[tuple[str, int]]) -> tuple[str, int]:
    """One node as (text, precedence), given its children's (text, precedence)."""
    if isinstance(node, Num):
        return node.text, (_PRECEDENCE["neg"] if node.value < 0 else 5)
    if isinstance(node, Name):
        return node.name, 5
    if isinstance(node, Call):
        return f"{node.function}({', '.join(text for text, _ in parts)})", 5
    if isinstance(node, Unary):
        (text, inner), mine = parts[0], _PRECEDENCE["neg"]
        return (f"-{text}" if inner >= mine else f"-({text})"), mine
    (left, lp), (right, rp) = parts
    mine = _PRECEDENCE[node.op]
    if node.op == "**":  # right-associative, and binds tighter than a unary minus on its left
        left = left if lp > mine else f"({left})"
        right = right if rp >= _PRECEDENCE["neg"] else f"({right})"
        return f"{left}**{right}", mine
    left = left if lp >= mine else f"({left})"
    needs = rp < mine or (node.op in "-/" and rp == mine)
    return f"{left} {node.op} {f'({right})' if needs else right}", mine


# ------------------------------------------------------------------ parser


@dataclass(frozen=True)
class Statement:
    name: str
    expression: Node
    column: int

    @property
    def text(self) -> str:
        return unparse(self.expression)


class _Parser:
    """Recursive descent over the token list, with a hard limit on nesting depth."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0
        self.depth = 0

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
            raise ExprError(f"expected {what} at column {self.current.column}, found {_show(self.current)}")
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
                raise ExprError(
                    f"unexpected {_show(self.current)} at column {self.current.column} "
                    "(statements are separated by ';' or new lines)"
                )
        if not statements:
            raise ExprError("the program is empty: write at least one expression, e.g. 'f = x * y'")
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
            raise ExprError(f"the expression nests more than {MAX_NESTING} levels deep at column {column}")

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
                return Num(-operand.value, "-" + operand.text, op.column)
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
            return _number(token)
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
            self.expect(")", "')' to close the '(' at column %d" % token.column)
            return node
        raise ExprError(f"expected a number, a name or '(' at column {token.column}, found {_show(token)}")

    def call(self, name: Token) -> Node:
        if name.text not in FUNCTIONS:
            known = " ".join(FUNCTIONS)
            raise ExprError(f"unknown function '{name.text}' at column {name.column} (known: {known})")
        self.advance()  # the '('
        self.nested(name.column)
        args = [self.sum()]
        while self.at(","):
            self.advance()
            args.append(self.sum())
        self.depth -= 1
        self.expect(")", f"')' to close {name.text}( at column {name.column}")
        wanted = FUNCTIONS[name.text]
        if len(args) != wanted:
            raise ExprError(
                f"{name.text}() takes {wanted} argument{'s' * (wanted > 1)}, "
                f"got {len(args)} at column {name.column}"
            )
        return Call(name.text, tuple(args), name.column)


def _show(token: Token) -> str:
    if token.kind == "end":
        return "the end of the program"
    if token.text == "\n":
        return "a new line"
    return f"'{token.text}'"


def _number(token: Token) -> Num:
    if len(token.text) > MAX_NUMBER_LENGTH:
        raise ExprError(f"the number at column {token.column} is longer than {MAX_NUMBER_LENGTH} characters")
    value = float(token.text)  # a float from the start: no giant integers, ever
    if math.isinf(value):
        raise ExprError(f"the number {token.text} at column {token.column} is too large for a float")
    return Num(value, token.text, token.column)


# ------------------------------------------------------------------ programs


@dataclass
class Evaluation:
    """A program evaluated at a point: every named quantity as a node of one graph."""

    program: Program
    values: dict[str, Value]  # inputs, then named quantities, in program order
    output: str
    constants: list[Value] = field(default_factory=list)

    @property
    def root(self) -> Value:
        return self.values[self.output]

    def backward(self) -> None:
        self.root.backward()

    def grads(self) -> dict[str, float]:
        """∂output/∂name for every input and every named quantity (after `backward`)."""
        return {name: node.grad for name, node in self.values.items()}


class Program:
    """A parsed program: its statements, its inputs (names it reads but never assigns)."""

    def __init__(self, source: str) -> None:
        if len(source) > MAX_PROGRAM_LENGTH:
            raise ExprError(f"the program is longer than {MAX_PROGRAM_LENGTH} characters")
        self.source = source
        statements = _Parser(tokenize(source)).program()
        self.statements = _name_statements(statements)
        self.inputs = _inputs(self.statements)

    @property
    def output(self) -> str:
        return self.statements[-1].name

    def evaluate(self, at: dict[str, float]) -> Evaluation:
        """Build the graph at the given input values. Math errors name the subexpression."""
        _check_inputs(self, at)
        values: dict[str, Value] = {name: Value(at[name], label=name) for name in self.inputs}
        constants: list[Value] = []
        for statement in self.statements:
            node = _Evaluator(values, constants).run(statement.expression)
            if any(node is named for named in values.values()):
                node = node * 1.0  # an alias such as `q = x`: q gets a node of its own
            node.label = statement.name
            values[statement.name] = node
        return Evaluation(self, values, self.output, constants)


def parse(source: str) -> Program:
    """Parse a program; raises `ExprError` with the column of the first problem."""
    return Program(source)


def _name_statements(statements: list[Statement]) -> list[Statement]:
    named = []
    for i, statement in enumerate(statements):
        if not statement.name:
            if i != len(statements) - 1:
                raise ExprError(
                    f"the expression at column {statement.column} is not assigned to a name; "
                    "only the last statement may be a bare expression"
                )
            statement = Statement("f", statement.expression, statement.column)
        if statement.name in FUNCTIONS:
            raise ExprError(f"'{statement.name}' is a function and cannot be assigned (column {statement.column})")
        named.append(statement)
    seen: set[str] = set()
    for statement in named:
        if statement.name in seen:
            raise ExprError(f"'{statement.name}' is assigned twice (column {statement.column}); each name is assigned once")
        seen.add(statement.name)
    return named


def _inputs(statements: list[Statement]) -> list[str]:
    """Names read before (or without) being assigned, in order of first use."""
    assigned_so_far: set[str] = set()
    assigned = {s.name for s in statements}
    inputs: list[str] = []
    for statement in statements:
        for name in _names_in(statement.expression):
            if name.name in assigned and name.name not in assigned_so_far:
                if name.name == statement.name:
                    raise ExprError(f"'{name.name}' is used in its own definition at column {name.column}")
                raise ExprError(f"'{name.name}' is used at column {name.column} before it is assigned")
            if name.name not in assigned and name.name not in inputs:
                inputs.append(name.name)
        assigned_so_far.add(statement.name)
    return inputs


def _names_in(node: Node) -> list[Name]:
    """Every Name in an expression, left to right (an explicit stack: no recursion)."""
    found = []
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, Name):
            found.append(node)
        elif isinstance(node, Unary):
            stack.append(node.operand)
        elif isinstance(node, Binary):
            stack += [node.right, node.left]
        elif isinstance(node, Call):
            stack += reversed(node.args)
    return found


def _check_inputs(program: Program, at: dict[str, float]) -> None:
    assigned = {s.name for s in program.statements}
    for name, value in at.items():
        if name in assigned:
            raise ExprError(f"'{name}' is computed by the program and cannot be given a value")
        if name not in program.inputs:
            raise ExprError(f"'{name}' is given a value but the program does not use it")
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ExprError(f"the value of '{name}' must be a finite number, got {value!r}")
    missing = [name for name in program.inputs if name not in at]
    if missing:
        listed = ", ".join(f"'{m}'" for m in missing)
        raise ExprError(f"no value for {listed}: give each input with --at NAME=NUMBER")


_UNARY_METHODS = {
    "exp": Value.exp, "log": Value.log, "sqrt": Value.sqrt, "tanh": Value.tanh,
    "sigmoid": Value.sigmoid, "relu": Value.relu, "abs": Value.abs, "sin": Value.sin,
    "cos": Value.cos,
}
_BINARY = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "**": lambda a, b: a**b,
    "max": Value.maximum,
    "min": Value.minimum,
}


class _Evaluator:
    """Interpret one expression into `Value`s. Number literals become labelled constant leaves,
    so that a picture or a step table shows them; every inner node is labelled with its text."""

    def __init__(self, values: dict[str, Value], constants: list[Value]) -> None:
        self.values = values
        self.constants = constants

    def run(self, root: Node) -> Value:
        # Post-order with an explicit stack: the depth of a program never meets the recursion limit.
        results: dict[int, tuple[Value, tuple[str, int]]] = {}
        stack: list[tuple[Node, bool]] = [(root, False)]
        while stack:
            node, ready = stack.pop()
            if not ready:
                stack.append((node, True))
                stack += [(child, False) for child in reversed(_children(node))]
                continue
            done = [results.pop(id(child)) for child in _children(node)]
            text = render(node, [part for _, part in done])
            results[id(node)] = (self.apply(node, [value for value, _ in done], text[0]), text)
        return results[id(root)][0]

    def apply(self, node: Node, args: list[Value], text: str) -> Value:
        if isinstance(node, Num):
            constant = Value(node.value, label=node.text)
            self.constants.append(constant)
            return constant
        if isinstance(node, Name):
            return self.values[node.name]
        try:
            if isinstance(node, Unary):
                out = -args[0]
            elif isinstance(node, Binary) and node.op == "**" and isinstance(node.right, Num):
                out = args[0] ** node.right.value  # a constant power: x**2 works for negative x
            elif isinstance(node, Binary):
                out = _BINARY[node.op](*args)
            elif FUNCTIONS[node.function] == 1:
                out = _UNARY_METHODS[node.function](args[0])
            else:
                out = _BINARY[node.function](*args)
        except (ValueError, ZeroDivisionError, OverflowError) as error:
            raise ExprError(f"{error} in '{_shorten(text)}'") from None
        out.label = _shorten(text)
        return out


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _children(node: Node) -> tuple:
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, Call):
        return node.args
    return ()
