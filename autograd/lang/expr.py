"""The expression language of the command line: parsed and interpreted here, never by eval/exec.

A program is statements separated by ``;`` or newlines::

    q = x + y; f = q * z

Each statement is ``name = expression``; the last one is the output, and a bare last
expression is named ``f``. Expressions have numbers, names, ``+ - * / **``, unary minus,
parentheses and the functions of the operation table `autograd.core.ops` (``exp``, ``log``,
``tanh``, ``sigmoid``, ``relu``, ..., and ``max``, ``min`` of two arguments; `FUNCTIONS` lists
them). Nothing else exists in the language: no attributes,
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
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

from autograd.core import ops
from autograd.core import Value
from autograd.core.graph import backward_pass, topological_order
from autograd.util.validate import MAX_NUMBER_LENGTH, NUMBER, InvalidValue, beyond_float, read_number

__all__ = ["ExprError", "Program", "Evaluation", "parse", "FUNCTIONS", "number_value", "nearest"]

MAX_PROGRAM_LENGTH = 10_000
MAX_NESTING = 60

FUNCTIONS = ops.FUNCTIONS  # name -> number of arguments, from the operation table


class ExprError(ValueError):
    """A program that cannot be parsed or evaluated.

    ``str(error)`` is the whole message for a person: what is wrong, where, a suggestion when
    the intent is clear, then the offending line with a caret under the column::

        unexpected character '^' at column 6: powers are written ** (did you mean 'f = x**2'?)
          f = x^2
               ^

    The parts are fields too, for a page that shows the error in place: ``message`` (what is
    wrong), ``suggestion`` (or None), ``position`` (0-based offset into the program, or None),
    ``line`` and ``column`` (1-based, or None) and ``line_text`` (the offending line, or None).
    """

    def __init__(self, message: str, *, position: int | None = None, suggestion: str | None = None,
                 source: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.suggestion = suggestion
        self.position = position
        self.line: int | None = None
        self.column: int | None = None
        self.line_text: str | None = None
        self.multiline = False  # the program has several lines: say which one
        if source is not None:
            self.locate(source)

    def locate(self, source: str) -> ExprError:
        """Fill in ``line``, ``column`` and ``line_text`` from the program text (once)."""
        if self.position is not None and self.line_text is None:
            position = min(self.position, len(source))
            start = source.rfind("\n", 0, position) + 1
            end = source.find("\n", position)
            self.line = source.count("\n", 0, start) + 1
            self.column = position - start + 1
            self.line_text = source[start : end if end >= 0 else len(source)]
            self.multiline = "\n" in source
        return self

    def __str__(self) -> str:
        text = self.message
        if self.column is not None:
            text += f" at line {self.line}, column {self.column}" if self.multiline else f" at column {self.column}"
        if self.suggestion:
            text += f": {self.suggestion}"
        if self.line_text is not None:
            shown, caret = _excerpt(self.line_text, self.column - 1)
            text += f"\n  {shown}\n  {' ' * caret}^"
        return text


def _excerpt(line: str, index: int, width: int = 76) -> tuple[str, int]:
    """At most ``width`` characters of a line around ``index``, and where index falls in them."""
    line = line.replace("\t", " ").rstrip("\r")
    start = max(0, min(index - width // 2, len(line) - width))
    shown = line[start : start + width]
    if start > 0:
        shown = "…" + shown[1:]
    if start + width < len(line):
        shown = shown[:-1] + "…"
    return shown, index - start


def _corrected(source: str, position: int, length: int, replacement: str) -> str:
    """The line holding ``position``, with ``length`` characters there replaced: 'f = x**2'."""
    fixed = source[:position] + replacement + source[position + length :]
    start = fixed.rfind("\n", 0, position) + 1
    end = fixed.find("\n", position)
    line = fixed[start : end if end >= 0 else len(fixed)].strip()
    return line if len(line) <= 60 else _excerpt(line, position - start, 60)[0]


# Characters people type for an operator the language spells in ASCII.
_LOOKALIKES = {
    "^": ("**", "powers are written **"),
    "\u2212": ("-", "a minus is written -"),  # − MINUS SIGN
    "\u2013": ("-", "a minus is written -"),  # – EN DASH
    "\u00d7": ("*", "multiplication is written *"),  # ×
    "\u00b7": ("*", "multiplication is written *"),  # ·
    "\u22c5": ("*", "multiplication is written *"),  # ⋅
    "\u2217": ("*", "multiplication is written *"),  # ∗
    "\u00f7": ("/", "division is written /"),  # ÷
    "\u00b2": ("**2", "powers are written **"),  # ²
    "\u00b3": ("**3", "powers are written **"),  # ³
}


def _unexpected_character(source: str, position: int) -> ExprError:
    """An unknown character, with the ASCII spelling that was meant when that is clear."""
    char = source[position]
    suggestion = None
    if char in _LOOKALIKES:
        replacement, why = _LOOKALIKES[char]
        suggestion = f"{why} (did you mean '{_corrected(source, position, 1, replacement)}'?)"
    elif unicodedata.decimal(char, None) is not None:
        digit = str(unicodedata.decimal(char))
        suggestion = f"only the digits 0-9 are numbers (did you mean '{_corrected(source, position, 1, digit)}'?)"
    return ExprError(f"unexpected character {char!r}", position=position, suggestion=suggestion, source=source)


# ------------------------------------------------------------------ tokens

# NUMBER (util.validate): only ASCII digits are numbers; a '#' starts a comment that runs to the
# end of the line.
_TOKEN = re.compile(
    r"(?P<space>[ \t\r]+|\#[^\n]*)"
    r"|(?P<number>" + NUMBER + ")"
    r"|(?P<name>[A-Za-z_][A-Za-z_0-9]*)"
    r"|(?P<op>\*\*|[-+*/(),;=\n])"
)


_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*\Z")


def is_name(text: str) -> bool:
    """True for a name the language accepts: a letter or _, then letters, digits or _."""
    return bool(_NAME.match(text))


def number_value(text: str, what: str) -> float:
    """A number as the command line takes it (``--at x=-1.5``, a claim): an optional sign (the
    Unicode minus − too), ASCII digits, a point, an exponent. Raises `ExprError` naming ``what``
    (when given) for anything else, with the spelling that was meant when it is clear (1,5 → 1.5;
    ١٠ → 10), for nan and inf, and for a number beyond a float's range (1e999, or 1e-999, which
    would round to 0). The rule is `autograd.util.validate.read_number`'s."""
    try:
        return read_number(text, what)
    except InvalidValue as error:
        raise ExprError(error.message, suggestion=error.suggestion) from None


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
            raise _unexpected_character(source, position)
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
    return fold(root, render)[0]


def fold(root: Node, combine):
    """``combine(node, [results of its subtrees])`` over a tree, children first. An explicit
    stack: deep expressions never recurse. A subtree may appear more than once (a formula
    of `autograd.lang.notation` uses an operand twice)."""
    results: dict[int, object] = {}
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, ready = stack.pop()
        if not ready:
            stack.append((node, True))
            stack += [(child, False) for child in subtrees(node)]
            continue
        results[id(node)] = combine(node, [results[id(c)] for c in subtrees(node)])
    return results[id(root)]


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
        return (f"-{text}" if inner >= mine and not text.startswith("-") else f"-({text})"), mine
    (left, lp), (right, rp) = parts
    mine = _PRECEDENCE[node.op]
    if node.op == "**":  # right-associative, and binds tighter than a unary minus on its left
        left = left if lp > mine else f"({left})"
        right = right if rp >= _PRECEDENCE["neg"] and not right.startswith("-") else f"({right})"
        return f"{left}**{right}", mine
    left = left if lp >= mine else f"({left})"
    # a negative right operand is parenthesised: x - (-1), never x - -1
    needs = rp < mine or (node.op in "-/" and rp == mine) or right.startswith("-")
    return f"{left} {node.op} {f'({right})' if needs else right}", mine


def parse_expression(text: str) -> Node:
    """One expression (no statements) as a syntax tree: how formulas of `autograd.core.ops` are read."""
    parser = _Parser(tokenize(text), text)
    node = parser.sum()
    if parser.current.kind != "end":
        raise ExprError(f"unexpected {_show(parser.current)} at column {parser.current.column} in {text!r}")
    return node


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
        return self.error(message, token.column, _juxtaposed(self.source, previous, token) or hint)

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
            raise self.error(f"unknown function '{name.text}'", name.column, self.meant_function(name))
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


    def meant_function(self, name: Token) -> str:
        """The known function a misspelt name most likely meant, or '*' for a product x(…)."""
        position = name.column - 1
        meant = _ALIASES.get(name.text) or nearest(name.text, FUNCTIONS)
        if meant:
            fix = f"did you mean '{_corrected(self.source, position, len(name.text), meant)}'?"
            return f"the natural logarithm is log ({fix})" if name.text == "ln" else fix
        functions = f"the functions are {' '.join(FUNCTIONS)}"
        used_as_name = any(t.kind == "name" and t.text == name.text and t is not name for t in self.tokens)
        if len(name.text) <= 2 or used_as_name:  # x(y + 1): a quantity times a bracket
            fix = _corrected(self.source, position + len(name.text), 0, "*")
            return f"multiplication is written * (did you mean '{fix}'?); {functions}"
        return functions


_ALIASES = {"ln": "log"}  # names from other notations whose meaning is certain


def nearest(name: str, known) -> str | None:
    """The known name closest to a misspelt one (difflib's ratio ≥ 0.6), or None."""
    import difflib

    match = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return match[0] if match else None


def _juxtaposed(source: str, previous: Token | None, token: Token) -> str | None:
    """'2x', '2(x+1)', '(a)(b)' mean a product; '1,5' a decimal: the suggestion, or None."""
    if previous is None or token.kind == "end":
        return None
    touching = previous.column + len(previous.text) == token.column
    position = token.column - 1
    if (previous.kind == "number" and touching and (token.kind == "name" or token.text == "(")) or (
        previous.text == ")" and token.text == "("
    ):
        return f"multiplication is written * (did you mean '{_corrected(source, position, 0, '*')}'?)"
    if previous.kind == "number" and token.text == "," and source[position + 1 : position + 2].isdigit():
        return f"decimals are written with a point (did you mean '{_corrected(source, position, 1, '.')}'?)"
    return None


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

    @cached_property
    def order(self) -> list[Value]:
        """The graph's nodes, children before parents (sorted once per evaluation)."""
        return topological_order(self.root)

    @cached_property
    def gradients(self) -> dict[Value, float]:
        """∂output/∂node for every node: one backward pass, run on first use and kept (it
        also leaves each node's ``.grad`` set, for pictures that read it)."""
        return backward_pass(self.order)

    def grads(self) -> dict[str, float]:
        """∂output/∂name for every input and every named quantity."""
        gradients = self.gradients
        return {name: gradients.get(node, 0.0) for name, node in self.values.items()}


class Program:
    """A parsed program: its statements, its inputs (names it reads but never assigns)."""

    def __init__(self, source: str) -> None:
        if len(source) > MAX_PROGRAM_LENGTH:
            raise ExprError(f"the program is longer than {MAX_PROGRAM_LENGTH} characters")
        self.source = source
        try:
            statements = _Parser(tokenize(source), source).program()
            self.statements = _name_statements(statements)
            self.inputs = _inputs(self.statements)
        except ExprError as error:
            raise error.locate(source)  # the line and the caret, wherever it was raised

    @property
    def output(self) -> str:
        return self.statements[-1].name

    def evaluate(self, at: dict[str, float]) -> Evaluation:
        """Build the graph at the given input values. Math errors name the subexpression."""
        _check_inputs(self, at)
        values: dict[str, Value] = {name: Value(at[name], label=name) for name in self.inputs}
        constants: list[Value] = []
        for statement in self.statements:
            try:
                node = _Evaluator(values, constants).run(statement.expression)
            except ExprError as error:
                raise error.locate(self.source)
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
                raise ExprError("this expression is not assigned to a name", position=statement.column - 1,
                                suggestion="only the last statement may be a bare expression; write 'name = ...'")
            statement = Statement("f", statement.expression, statement.column)
        if statement.name in FUNCTIONS:
            raise ExprError(f"'{statement.name}' is a function and cannot be assigned",
                            position=statement.column - 1)
        named.append(statement)
    seen: set[str] = set()
    for statement in named:
        if statement.name in seen:
            raise ExprError(f"'{statement.name}' is assigned twice", position=statement.column - 1,
                            suggestion="each name is assigned once")
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
                    raise ExprError(f"'{name.name}' is used in its own definition", position=name.column - 1)
                raise ExprError(f"'{name.name}' is used before it is assigned", position=name.column - 1)
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
    missing = [name for name in program.inputs if name not in at]
    for name, value in at.items():
        if name in assigned:
            raise ExprError(f"'{name}' is computed by the program and cannot be given a value")
        if name not in program.inputs:
            meant = nearest(name, missing) or nearest(name, program.inputs)
            raise ExprError(f"'{name}' is given a value but the program does not use it",
                            suggestion=f"did you mean '{meant}'?" if meant else None)
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ExprError(f"the value of '{name}' must be a finite number, got {value!r}")
    if missing:
        raise _missing_inputs(program, missing, at)


def _missing_inputs(program: Program, missing: list[str], at: dict[str, float]) -> ExprError:
    """'no value for ...', pointing at the first use, with what a misspelt name (or e**x) meant."""
    listed = ", ".join(f"'{m}'" for m in missing)
    first = missing[0]
    uses = [n for s in program.statements for n in _names_in(s.expression) if n.name == first]
    suggestion = "give each input with --at NAME=NUMBER"
    known = [*at, *(s.name for s in program.statements)]
    if first in FUNCTIONS:
        suggestion = f"'{first}' is a function: give it its argument in parentheses, e.g. '{first}(x)'"
    elif first == "e":
        powers = [node for s in program.statements for node in _nodes_in(s.expression)
                  if isinstance(node, Binary) and node.op == "**" and node.left == Name("e", node.left.column)]
        meant = f"exp({unparse(powers[0].right)})" if powers else "exp(1)"
        suggestion = f"Euler's number is not a name; e**x is written exp(x) (did you mean '{meant}'?)"
    elif nearest(first, known):
        suggestion = f"did you mean '{nearest(first, known)}'? (or give {first} a value with --at {first}=NUMBER)"
    position = uses[0].column - 1 if uses else None
    return ExprError(f"no value for {listed}", position=position, suggestion=suggestion, source=program.source)


def _nodes_in(node: Node) -> list[Node]:
    """Every node of an expression (an explicit stack: no recursion)."""
    found, stack = [], [node]
    while stack:
        node = stack.pop()
        found.append(node)
        stack += subtrees(node)
    return found


_BINARY = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "**": lambda a, b: a**b,
}


def call(function: str, args: list[Value]) -> Value:
    """A function of the operation table applied to Values: ``call("max", [x, y])``."""
    return getattr(args[0], ops.OPS[function].method_name)(*args[1:])


class _Evaluator:
    """Interpret one expression into `Value`s. Number literals become labelled constant leaves,
    so that a picture or a step table shows them. Inner nodes get no label: `autograd.explain.trace`
    names them from their formula, and a statement's node gets the statement's name."""

    def __init__(self, values: dict[str, Value], constants: list[Value]) -> None:
        self.values = values
        self.constants = constants

    def run(self, root: Node) -> Value:
        # Post-order with an explicit stack: the depth of a program never meets the recursion limit.
        results: dict[int, tuple[Value, tuple[str, int]]] = {}
        stack: list[tuple[Node, bool]] = [(root, False)]
        while stack:
            node, ready = stack.pop()
            if id(node) in results:
                continue  # a subtree used twice (formulas of autograd.lang.notation): one Value, used twice
            if not ready:
                stack.append((node, True))
                stack += [(child, False) for child in reversed(subtrees(node))]
                continue
            done = [results[id(child)] for child in subtrees(node)]
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
            elif isinstance(node, Binary) and node.op == "**" and not _names_in(node.right):
                out = args[0] ** args[1].data  # a constant power: x**2 and x**(1+1) work for negative x
            elif isinstance(node, Binary):
                out = _BINARY[node.op](*args)
            else:
                out = call(node.function, args)
        except (ValueError, ZeroDivisionError, OverflowError) as error:
            raise ExprError(f"{error} in '{_shorten(text)}'",  # the caret under its operator or function
                            position=node.column - 1 if node.column > 0 else None) from None
        return out


def evaluate_tree(tree: Node, values: dict[str, Value], constants: list[Value] | None = None) -> Value:
    """One syntax tree interpreted into Values: each name looked up in ``values``, each number a
    new constant leaf (appended to ``constants`` when given). `autograd.higher` evaluates the
    table's derivative formulas with it, so that a local derivative is a Value too."""
    return _Evaluator(values, [] if constants is None else constants).run(tree)


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def subtrees(node: Node) -> tuple:
    """The operands of an expression node, left to right."""
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, Call):
        return node.args
    return ()
