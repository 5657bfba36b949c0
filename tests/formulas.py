"""Evaluating the formulas that step records write, with the program language (shared by the
tests of the records: test_ops.py and test_explain_trace.py)."""

from __future__ import annotations

from autograd.lang import ExprError, parse


def evaluate(text: str, values: dict[str, float]) -> float:
    """A formula of a step record, evaluated by the expression language."""
    program = parse(f"result_ = {text}")
    return program.evaluate({name: values[name] for name in program.inputs}).root.data


def close(a: float, b: float, rel: float = 1e-12) -> bool:
    return a == b or abs(a - b) <= rel * max(abs(a), abs(b))


def local_holds(local_expr: str, values: dict[str, float], local: float) -> bool:
    """The written local derivative gives the engine's number. Where the formula cannot be
    evaluated in floats, only the limit 0 the table documents may stand in for it: ``**`` at a
    zero base (``b * a**(b - 1)`` with a = 0, b = 0) or a derivative that underflows
    (``-a / b**2`` with b near 1e200, where b² overflows)."""
    try:
        return close(evaluate(local_expr, values), local)
    except (ExprError, ArithmeticError):
        return local == 0.0
