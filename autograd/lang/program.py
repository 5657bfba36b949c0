"""Programs: statements checked and named, their inputs found, and their evaluation at a point.

A program's statements come from `autograd.lang.parser`. Here each gets its name (a bare last
expression is ``f``; every other statement must be assigned, once), the inputs are the names a
program reads but never assigns, in order of first use, and the values given for them are
checked before a graph is built: a missing or misspelt input is named, with what was meant.
"""

from __future__ import annotations

import math

from autograd.core import Value
from autograd.lang.errors import ExprError, nearest
from autograd.lang.evaluate import Evaluation, evaluate_tree
from autograd.lang.parser import Statement, parse_statements
from autograd.lang.syntax import FUNCTIONS, Binary, Name, names_in, nodes_in, unparse

__all__ = ["MAX_PROGRAM_LENGTH", "Program", "parse"]

MAX_PROGRAM_LENGTH = 10_000


class Program:
    """A parsed program: its statements, its inputs (names it reads but never assigns)."""

    def __init__(self, source: str) -> None:
        if len(source) > MAX_PROGRAM_LENGTH:
            raise ExprError(f"the program is longer than {MAX_PROGRAM_LENGTH} characters")
        self.source = source
        try:
            statements = parse_statements(source)
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
        named = {id(node) for node in values.values()}  # a set: one look-up per statement, not a scan
        for statement in self.statements:
            try:
                node = evaluate_tree(statement.expression, values, constants)
            except ExprError as error:
                raise error.locate(self.source)
            if id(node) in named:
                node = node * 1.0  # an alias such as `q = x`: q gets a node of its own
            node.label = statement.name
            values[statement.name] = node
            named.add(id(node))
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
        for name in names_in(statement.expression):
            if name.name in assigned and name.name not in assigned_so_far:
                if name.name == statement.name:
                    raise ExprError(f"'{name.name}' is used in its own definition", position=name.column - 1)
                raise ExprError(f"'{name.name}' is used before it is assigned", position=name.column - 1)
            if name.name not in assigned and name.name not in inputs:
                inputs.append(name.name)
        assigned_so_far.add(statement.name)
    return inputs


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
    uses = [n for s in program.statements for n in names_in(s.expression) if n.name == first]
    suggestion = "give each input with --at NAME=NUMBER"
    known = [*at, *(s.name for s in program.statements)]
    if first in FUNCTIONS:
        suggestion = f"'{first}' is a function: give it its argument in parentheses, e.g. '{first}(x)'"
    elif first == "e":
        powers = [node for s in program.statements for node in nodes_in(s.expression)
                  if isinstance(node, Binary) and node.op == "**" and node.left == Name("e", node.left.column)]
        meant = f"exp({unparse(powers[0].right)})" if powers else "exp(1)"
        suggestion = f"Euler's number is not a name; e**x is written exp(x) (did you mean '{meant}'?)"
    elif nearest(first, known):
        suggestion = f"did you mean '{nearest(first, known)}'? (or give {first} a value with --at {first}=NUMBER)"
    position = uses[0].column - 1 if uses else None
    return ExprError(f"no value for {listed}", position=position, suggestion=suggestion, source=program.source)
