"""One operation's entry, `Op`, and the live table every other module reads.

``OPS`` (name → entry) and ``FUNCTIONS`` (name → number of arguments, for the functions a
program may call) are filled by `register` and emptied by `unregister`, always in place, so a
module that keeps a reference to them (the program language does) sees every change. A module
that builds something from each entry (the engine builds `Value` methods) calls `subscribe`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Op", "OPS", "FUNCTIONS", "REFLECTED_PREFIX", "InfiniteSlope", "register", "unregister", "subscribe",
           "get", "number_text", "domain_error", "overflow_error", "infinite_slope"]

Forward = Callable[..., tuple[float, tuple[float, ...]]]
_PLACEHOLDERS = ("a", "b")  # the arguments' names in formula, derivatives and latex


@dataclass(frozen=True, kw_only=True)
class Op:
    """One operation. README.md, "Adding an operation", describes every field with an example.

    name, arity (1, 2; 0 for a fused sum of any number of terms), forward (floats → the value
    and the local derivatives; None for the fused nodes), formula and derivatives (the program
    language over ``a``, ``b``), symbol, latex (``{a}``/``{b}`` replaced by the arguments),
    doc, differentiable, twice_differentiable; optional: function, method, output_derivative,
    domain.
    """

    name: str
    arity: int
    forward: Forward | None
    formula: str
    derivatives: tuple[str, ...]
    symbol: str
    latex: str
    doc: str
    differentiable: bool  # no kink and no jump anywhere in its domain
    twice_differentiable: bool  # its derivative is differentiable too (Hessians are exact)
    function: bool = True  # callable by name in the program language, and a Value method
    method: str = ""  # the Value method's name when it differs from ``name``
    # the derivative written over the output y instead of the argument, as textbooks write an
    # activation's (σ' = y(1 - y)); the checker's model of "σ' taken at the wrong place" uses it
    output_derivative: str = ""
    # an open interval of the first argument inside which it is defined with a finite slope:
    # the tests draw their points there
    domain: tuple[float, float] = (-math.inf, math.inf)

    def __post_init__(self) -> None:
        problem = _incomplete(self)
        if problem:
            raise ValueError(f"operation {self.name!r}: {problem}")

    @property
    def method_name(self) -> str:
        return self.method or self.name

    def latex_of(self, *arguments: str) -> str:
        """The LaTeX with its placeholders replaced by the arguments' LaTeX, in order."""
        text = self.latex
        for placeholder, argument in zip(_PLACEHOLDERS, arguments):
            text = text.replace("{" + placeholder + "}", argument)
        return text


def _incomplete(op: Op) -> str:
    """What is missing or contradictory in an entry, or "" (checks that need no import)."""
    if op.arity not in (0, 1, 2):
        return f"arity {op.arity!r}: expected 1, 2, or 0 for a fused sum"
    if (op.forward is None) != (op.arity == 0):
        return "forward is None exactly for the fused nodes (arity 0)"
    if op.arity and len(op.derivatives) != op.arity:
        return f"{len(op.derivatives)} derivatives for {op.arity} argument(s)"
    if not (op.name and op.formula and op.symbol and op.latex and op.doc):
        return "name, formula, symbol, latex and doc are all needed"
    missing = [p for p in _PLACEHOLDERS[:op.arity] if "{" + p + "}" not in op.latex]
    if missing:
        return f"its latex {op.latex!r} lacks the placeholder {{{missing[0]}}}"
    if op.twice_differentiable and not op.differentiable:
        return "twice_differentiable but not differentiable"
    if op.function and op.arity == 0:
        return "a fused node cannot be a function of the language"
    low, high = op.domain
    if not low < high:
        return f"an empty domain {op.domain!r}"
    return ""


OPS: dict[str, Op] = {}
FUNCTIONS: dict[str, int] = {}  # the functions a program may call, with their number of arguments
_SUBSCRIBERS: list[Callable[[Op, bool], None]] = []

# A constant on the left of a non-commutative operation (3 - x, 3 / x, 2 ** x) is recorded under
# the operation's name with this prefix; the node's one child is then the right-hand operand.
REFLECTED_PREFIX = "r"


def register(op: Op) -> Op:
    """Add one operation to the table; every subscriber (the engine's Value methods) follows.

    Raises ValueError for a name already taken (the entry itself is checked when it is made).
    """
    if op.name in OPS:
        raise ValueError(f"operation {op.name!r} is already in the table")
    OPS[op.name] = op
    if op.function:
        FUNCTIONS[op.name] = op.arity
    done = []
    try:
        for subscriber in _SUBSCRIBERS:
            subscriber(op, True)
            done.append(subscriber)
    except BaseException:  # all or nothing: a subscriber that refuses leaves the table as it was
        for subscriber in reversed(done):
            subscriber(op, False)
        del OPS[op.name]
        FUNCTIONS.pop(op.name, None)
        raise
    return op


def unregister(name: str) -> Op:
    """Remove an operation (a test's throwaway one) and everything built from it."""
    op = OPS.pop(name, None)
    if op is None:
        raise KeyError(f"no operation named {name!r} in autograd.core.ops")
    FUNCTIONS.pop(name, None)
    for subscriber in reversed(_SUBSCRIBERS):
        subscriber(op, False)
    return op


def subscribe(subscriber: Callable[[Op, bool], None]) -> None:
    """Call ``subscriber(op, True)`` for every entry now and every one registered later, and
    ``subscriber(op, False)`` for every one removed."""
    for op in OPS.values():
        subscriber(op, True)
    _SUBSCRIBERS.append(subscriber)


def get(name: str) -> Op:
    """The entry for a node's ``op`` (a reflected name such as "r-" gives the entry of "-")."""
    op = OPS.get(name)
    if op is None and name.startswith(REFLECTED_PREFIX):
        op = OPS.get(name[len(REFLECTED_PREFIX):])
    if op is None:
        raise KeyError(f"no operation named {name!r} in autograd.core.ops")
    return op


def number_text(x: float) -> str:
    """A constant as it is written in formulas: short, and read back as the same float (-0.0
    as 0, which compares equal): 3.0 → "3", 0.1 → "0.1", 1e17 → "1e+17"."""
    if x == int(x) and abs(x) < 1e16:
        return str(int(x))
    return repr(x)


# ------------------------------------------------------------------ the errors of forward rules


class InfiniteSlope(ZeroDivisionError):
    """The value is fine but a local derivative is infinite (sqrt at 0): ``value`` carries the value,
    which a caller that needs no gradient (inside no_grad) may use."""

    def __init__(self, message: str, value: float) -> None:
        super().__init__(message)
        self.value = value


def domain_error(op: str, a: float, needs: str) -> ValueError:
    return ValueError(f"{op} of {a!r}: {needs}")


def overflow_error(op: str, a: float) -> OverflowError:
    return OverflowError(f"{op} of {a!r} overflows a float")


def infinite_slope(op: str, a: float, formula: str, value: float) -> InfiniteSlope:
    return InfiniteSlope(
        f"{op} of {a!r}: its derivative {formula} is infinite there (use no_grad() if no gradient is needed)",
        value,
    )
