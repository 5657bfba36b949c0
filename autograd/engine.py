"""The engine: `Value`, one scalar node of a computation graph, and reverse-mode `backward()`.

Every operation on a `Value` returns a new `Value` that remembers its ``edges``: each node
it was computed from (a *child*), in order, followed by the *local derivative* of the result
with respect to that child, ∂out/∂child, evaluated in the forward pass. ``x * y`` stores
``(x, y.data, y, x.data)``. The properties ``children`` and ``local_grads`` give the two
halves separately; one flat tuple is stored because it is the smallest and fastest layout.

Backpropagation is then one generic loop over the graph in reverse topological order
(the chain rule)::

    child.grad += local * node.grad        # ∂L/∂child += ∂node/∂child · ∂L/∂node

There is no closure per node and no recursion anywhere, so a graph of a million operations
neither exhausts memory nor the recursion limit. Plain numbers used with a `Value`
(``x * 2``) are constants: they take part in the arithmetic but are not nodes of the graph.

This module imports only the standard library and knows nothing of the rest of the package.
"""

from __future__ import annotations

import math
import numbers
import operator
from functools import reduce
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Union

__all__ = ["Value", "no_grad", "is_grad_enabled", "sum_values", "linear", "neuron_sum", "topological_order"]

Number = Union[int, float]
Operand = Union["Value", Number]

_grad_enabled = True  # switched off inside `no_grad()`


@contextmanager
def no_grad() -> Iterator[None]:
    """Record no graph inside the block: results are leaves with no children.

    Use it for parameter updates and evaluation, where no gradient is wanted::

        with no_grad():
            prediction = model(x)
    """
    global _grad_enabled
    previous = _grad_enabled
    _grad_enabled = False
    try:
        yield
    finally:
        _grad_enabled = previous


def is_grad_enabled() -> bool:
    """True unless inside a `no_grad()` block."""
    return _grad_enabled


def _real(x: object, what: str) -> float:
    """Convert a real number (int, float, bool, numpy scalar, Fraction) to a finite float."""
    if type(x) is float:
        value = x
    elif isinstance(x, numbers.Real):
        value = float(x)
    else:
        raise TypeError(f"{what}: expected a real number, got {type(x).__name__} {x!r}")
    if value - value != 0.0:  # true only for inf and nan
        raise ValueError(f"{what}: {value} is not a finite number")
    return value


def _constant(x: object, op: str) -> float | None:
    """A plain number used as an operand, as a finite float; None when it is not a number."""
    if type(x) is float:
        if x - x != 0.0:
            raise ValueError(f"{op}: the constant {x} is not a finite number")
        return x
    if isinstance(x, numbers.Real) and not isinstance(x, Value):
        return _real(x, op)
    return None


def _checked(result: float, op: str, *operands: float) -> float:
    """Raise OverflowError when float arithmetic silently produced inf or nan."""
    if result - result != 0.0:
        shown = ", ".join(repr(x) for x in operands)
        raise OverflowError(f"{op} of {shown} overflows a float (result {result})")
    return result


class Value:
    """A scalar in a computation graph, with the gradient of some output with respect to it.

    ``Value(data, label="")`` makes a leaf (an input or a parameter). ``data`` is any finite
    real number and is stored as a float; ``grad`` starts at 0.0 and is filled in by
    `backward()`.
    """

    __slots__ = ("data", "grad", "label", "op", "edges")

    data: float
    grad: float
    label: str
    op: str  # the operation that made this node; "" for a leaf
    edges: tuple  # (child₀, ∂self/∂child₀, child₁, ∂self/∂child₁, ...)

    def __init__(self, data: Number, label: str = "") -> None:
        if isinstance(data, Value):
            raise TypeError("Value: data must be a real number, got a Value (use it directly)")
        self.data = _real(data, "Value")
        self.grad = 0.0
        self.label = label
        self.op = ""
        self.edges = ()

    # ------------------------------------------------------------------ building nodes

    @property
    def children(self) -> tuple[Value, ...]:
        """The nodes this one was computed from, in order (a child may appear twice)."""
        return self.edges[0::2]

    @property
    def local_grads(self) -> tuple[float, ...]:
        """∂self/∂child for each of `children`, computed in the forward pass."""
        return self.edges[1::2]

    @property
    def is_leaf(self) -> bool:
        """True for inputs, parameters and constants: nodes computed from nothing."""
        return not self.edges

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    def __float__(self) -> float:
        return self.data

    # ------------------------------------------------------------------ arithmetic

    def __add__(self, other: Operand) -> Value:
        """a + b;  ∂/∂a = 1, ∂/∂b = 1."""
        if isinstance(other, Value):
            data = _checked(self.data + other.data, "+", self.data, other.data)
            return _node(data, "+", (self, 1.0, other, 1.0))
        c = _constant(other, "+")
        if c is None:
            return NotImplemented
        return _node(_checked(self.data + c, "+", self.data, c), "+", (self, 1.0))

    __radd__ = __add__

    def __sub__(self, other: Operand) -> Value:
        """a - b;  ∂/∂a = 1, ∂/∂b = -1."""
        if isinstance(other, Value):
            data = _checked(self.data - other.data, "-", self.data, other.data)
            return _node(data, "-", (self, 1.0, other, -1.0))
        c = _constant(other, "-")
        if c is None:
            return NotImplemented
        return _node(_checked(self.data - c, "-", self.data, c), "-", (self, 1.0))

    def __rsub__(self, other: Number) -> Value:
        """c - a;  ∂/∂a = -1."""
        c = _constant(other, "-")
        if c is None:
            return NotImplemented
        return _node(_checked(c - self.data, "-", c, self.data), "-", (self, -1.0))

    def __mul__(self, other: Operand) -> Value:
        """a · b;  ∂/∂a = b, ∂/∂b = a."""
        if isinstance(other, Value):
            data = _checked(self.data * other.data, "*", self.data, other.data)
            return _node(data, "*", (self, other.data, other, self.data))
        c = _constant(other, "*")
        if c is None:
            return NotImplemented
        return _node(_checked(self.data * c, "*", self.data, c), "*", (self, c))

    __rmul__ = __mul__

    def __truediv__(self, other: Operand) -> Value:
        """a / b;  ∂/∂a = 1/b, ∂/∂b = -a/b²."""
        if isinstance(other, Value):
            b = other.data
            if b == 0.0:
                raise ZeroDivisionError(f"division by zero: {self.data!r} / {b!r}")
            data = _checked(self.data / b, "/", self.data, b)
            return _node(data, "/", (self, 1.0 / b, other, -data / b))
        c = _constant(other, "/")
        if c is None:
            return NotImplemented
        if c == 0.0:
            raise ZeroDivisionError(f"division by zero: {self.data!r} / {c!r}")
        return _node(_checked(self.data / c, "/", self.data, c), "/", (self, 1.0 / c))

    def __rtruediv__(self, other: Number) -> Value:
        """c / a;  ∂/∂a = -c/a²."""
        c = _constant(other, "/")
        if c is None:
            return NotImplemented
        a = self.data
        if a == 0.0:
            raise ZeroDivisionError(f"division by zero: {c!r} / {a!r}")
        data = _checked(c / a, "/", c, a)
        return _node(data, "/", (self, -data / a))

    def __neg__(self) -> Value:
        """-a;  ∂/∂a = -1."""
        return _node(-self.data, "neg", (self, -1.0))

    def __pos__(self) -> Value:
        return self

    def __pow__(self, other: Operand) -> Value:
        """a ** n.  For a constant n: ∂/∂a = n·a^(n-1).

        For a `Value` exponent b also ∂/∂b = a^b · ln a, which needs a > 0
        (at a = 0 with b > 0 the limit 0 is used).
        """
        if isinstance(other, Value):
            return _power(self, other.data, other)
        c = _constant(other, "**")
        if c is None:
            return NotImplemented
        return _power(self, c, None)

    def __rpow__(self, other: Number) -> Value:
        """c ** b;  ∂/∂b = c^b · ln c (c > 0; at c = 0 with b > 0 the limit 0)."""
        c = _constant(other, "**")
        if c is None:
            return NotImplemented
        b = self.data
        if c < 0.0:
            raise ValueError(
                f"** of a negative base {c!r} to a Value exponent {b!r}: "
                "the derivative with respect to the exponent is not real"
            )
        data = _raw_power(c, b)
        local = data * math.log(c) if c > 0.0 else 0.0
        return _node(data, "**", (self, local))

    # ------------------------------------------------------------------ functions

    def exp(self) -> Value:
        """e^a;  ∂/∂a = e^a."""
        try:
            data = math.exp(self.data)
        except OverflowError:
            raise OverflowError(f"exp of {self.data!r} overflows a float") from None
        return _node(data, "exp", (self, data))

    def log(self) -> Value:
        """ln a (a > 0);  ∂/∂a = 1/a."""
        a = self.data
        if a <= 0.0:
            raise ValueError(f"log of {a!r}: the logarithm needs a positive number")
        return _node(math.log(a), "log", (self, 1.0 / a))

    def sqrt(self) -> Value:
        """√a (a ≥ 0);  ∂/∂a = 1/(2√a), which is infinite at a = 0."""
        a = self.data
        if a < 0.0:
            raise ValueError(f"sqrt of {a!r}: the square root needs a number >= 0")
        data = math.sqrt(a)
        if not _grad_enabled:
            return _node(data, "sqrt", ())
        if data == 0.0:
            raise ZeroDivisionError(
                f"sqrt of {a!r}: its derivative 1/(2·sqrt(a)) is infinite at 0 "
                "(use no_grad() if no gradient is needed)"
            )
        return _node(data, "sqrt", (self, 0.5 / data))

    def tanh(self) -> Value:
        """tanh a;  ∂/∂a = 1 - tanh²a.  Saturates to ±1 without overflow."""
        t = math.tanh(self.data)
        return _node(t, "tanh", (self, 1.0 - t * t))

    def sigmoid(self) -> Value:
        """σ(a) = 1 / (1 + e^-a);  ∂/∂a = σ(a)(1 - σ(a)).

        Computed as e^a / (1 + e^a) for negative a, so that no exponent ever overflows.
        """
        a = self.data
        if a >= 0.0:
            s = 1.0 / (1.0 + math.exp(-a))
        else:
            e = math.exp(a)
            s = e / (1.0 + e)
        return _node(s, "sigmoid", (self, s * (1.0 - s)))

    def relu(self) -> Value:
        """max(0, a);  ∂/∂a = 1 for a > 0, else 0 (0 at a = 0 by convention)."""
        a = self.data
        if a > 0.0:
            return _node(a, "relu", (self, 1.0))
        return _node(0.0, "relu", (self, 0.0))

    def __abs__(self) -> Value:
        """|a|;  ∂/∂a = sign(a), and 0 at a = 0 by convention."""
        a = self.data
        sign = 1.0 if a > 0.0 else (-1.0 if a < 0.0 else 0.0)
        return _node(abs(a), "abs", (self, sign))

    def abs(self) -> Value:
        """|a|; the same as ``abs(value)``."""
        return self.__abs__()

    def sin(self) -> Value:
        """sin a;  ∂/∂a = cos a."""
        return _node(math.sin(self.data), "sin", (self, math.cos(self.data)))

    def cos(self) -> Value:
        """cos a;  ∂/∂a = -sin a."""
        return _node(math.cos(self.data), "cos", (self, -math.sin(self.data)))

    def maximum(self, other: Operand) -> Value:
        """max(a, b): the gradient goes to the larger; on a tie, to the first (``self``)."""
        return _select(self, other, "max", operator.ge)

    def minimum(self, other: Operand) -> Value:
        """min(a, b): the gradient goes to the smaller; on a tie, to the first (``self``)."""
        return _select(self, other, "min", operator.le)

    # ------------------------------------------------------------------ comparisons

    # Comparisons look at `data` and return a bool. Equality and hashing are left by
    # identity on purpose: nodes live in sets and dicts during graph walks.
    def __lt__(self, other: Operand) -> bool:
        return self.data < _compared(other)

    def __le__(self, other: Operand) -> bool:
        return self.data <= _compared(other)

    def __gt__(self, other: Operand) -> bool:
        return self.data > _compared(other)

    def __ge__(self, other: Operand) -> bool:
        return self.data >= _compared(other)

    __hash__ = object.__hash__

    # ------------------------------------------------------------------ backward

    def backward(self, accumulate: bool = False) -> None:
        """Fill in ``grad`` = ∂self/∂node for every node of the graph that ends here.

        The chain rule, applied in reverse topological order::

            self.grad = 1
            child.grad += local_grad * node.grad     for every node, for every child

        Default (``accumulate=False``): every node's gradient in this graph is first reset
        to 0, so calling ``backward()`` twice gives the same gradients, never doubled ones.

        ``accumulate=True``: the gradients of leaves (inputs and parameters, the nodes with
        no children) are kept and this graph's gradient is *added* to them, as when summing
        gradients over the samples of a mini-batch, one graph each. Inner nodes are still
        reset, so each of them holds this graph's gradient only.
        """
        order = topological_order(self)
        if accumulate:
            for node in order:
                if node.edges:
                    node.grad = 0.0
        else:
            for node in order:
                node.grad = 0.0
        self.grad += 1.0
        for node in reversed(order):
            g = node.grad
            if g == 0.0:  # nothing to pass on; skipping also spares constant subgraphs
                continue
            edges = node.edges
            for i in range(0, len(edges), 2):
                edges[i].grad += edges[i + 1] * g


def topological_order(root: Value) -> list[Value]:
    """The nodes of the graph ending at ``root``, every node after all of its children.

    Iterative depth-first search with an explicit stack: no recursion, so a graph of any
    depth works under the default recursion limit.
    """
    order: list[Value] = []
    visited: set[Value] = set()
    stack: list = [root]
    while stack:
        node = stack.pop()
        if node is _EMIT:  # all of the node below the marker's children are done
            order.append(stack.pop())
            continue
        if node in visited:
            continue
        visited.add(node)
        stack.append(node)
        stack.append(_EMIT)
        edges = node.edges
        for i in range(len(edges) - 2, -1, -2):  # reversed, so the first child comes out first
            if edges[i] not in visited:
                stack.append(edges[i])
    return order


_new_value = object.__new__


def _node(data: float, op: str, edges: tuple) -> Value:
    """A result node; with recording off (`no_grad`) it is a leaf with no edges.

    (A module-level function rather than a method: it is called once per operation, and
    skipping the attribute lookup is measurably faster.)
    """
    out = _new_value(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    if _grad_enabled:
        out.op = op
        out.edges = edges
    else:
        out.op = ""
        out.edges = ()
    return out

_EMIT = object()  # a stack marker: the node beneath it is ready to be emitted


def _compared(other: Operand) -> float:
    if isinstance(other, Value):
        return other.data
    c = _constant(other, "comparison")
    if c is None:
        raise TypeError(f"cannot compare a Value with {type(other).__name__} {other!r}")
    return c


def _raw_power(a: float, n: float) -> float:
    """a ** n as a real float, with a clear error where it is undefined or overflows."""
    if a == 0.0 and n < 0.0:
        raise ZeroDivisionError(f"** : 0 to the negative power {n!r} is undefined (division by zero)")
    if a < 0.0 and not float(n).is_integer():
        raise ValueError(f"** : a negative base {a!r} to the non-integer power {n!r} is not real")
    try:
        result = a**n
    except OverflowError:
        raise OverflowError(f"** : {a!r} ** {n!r} overflows a float") from None
    return _checked(result, "**", a, n)


def _power(base: Value, n: float, exponent: Value | None) -> Value:
    """base ** n, with ``exponent`` the `Value` that n came from (None for a constant)."""
    a = base.data
    data = _raw_power(a, n)
    if not _grad_enabled:
        return _node(data, "**", ())
    if n == 0.0:
        d_base = 0.0
    elif a == 0.0 and n < 1.0:
        raise ZeroDivisionError(
            f"** : the derivative of a ** {n!r} is infinite at a = 0 "
            "(use no_grad() if no gradient is needed)"
        )
    else:
        d_base = n * _raw_power(a, n - 1.0)
    if exponent is None:
        return _node(data, "**", (base, d_base))
    if a < 0.0:
        raise ValueError(
            f"** of a negative base {a!r} to a Value exponent {n!r}: "
            "the derivative with respect to the exponent is not real"
        )
    d_exponent = data * math.log(a) if a > 0.0 else 0.0
    return _node(data, "**", (base, d_base, exponent, d_exponent))


def _select(a: Value, other: Operand, op: str, self_wins: Callable[[float, float], bool]) -> Value:
    """max or min of two operands: the winner's data, local gradient 1 to the winner only."""
    if isinstance(other, Value):
        if self_wins(a.data, other.data):
            return _node(a.data, op, (a, 1.0, other, 0.0))
        return _node(other.data, op, (a, 0.0, other, 1.0))
    c = _constant(other, op)
    if c is None:
        raise TypeError(f"{op}: expected a Value or a real number, got {type(other).__name__}")
    if self_wins(a.data, c):
        return _node(a.data, op, (a, 1.0))
    return _node(c, op, (a, 0.0))


def sum_values(values: Iterable[Operand]) -> Value:
    """Σ values as one node: ∂/∂vᵢ = 1 for each `Value`; plain numbers are constants.

    The sum is taken left to right, so the result is bit-for-bit that of ``v0 + v1 + ...``
    with binary ``+``, with one node instead of n - 1.
    """
    items = list(values)
    if not items:
        raise ValueError("sum_values: needs at least one value")
    edges: list = []
    total = None
    for item in items:
        if isinstance(item, Value):
            edges += (item, 1.0)
            x = item.data
        else:
            x = _constant(item, "sum")
            if x is None:
                raise TypeError(f"sum: expected Values or real numbers, got {type(item).__name__}")
        total = x if total is None else total + x
    _checked(total, "sum", total)
    return _node(total, "sum", tuple(edges))


def linear(weights: Iterable[Operand], inputs: Iterable[Operand], bias: Operand | None = None) -> Value:
    """w·x + b as one node (a neuron's pre-activation).

    ∂/∂wᵢ = xᵢ, ∂/∂xᵢ = wᵢ, ∂/∂b = 1. The products are summed left to right and the bias
    added last, bit-for-bit as ``w0*x0 + w1*x1 + ... + b`` with binary operations.
    Either side of a product may be a plain number, which is then a constant.
    """
    ws = list(weights)
    xs = list(inputs)
    if len(ws) != len(xs):
        raise ValueError(f"linear: {len(ws)} weights but {len(xs)} inputs")
    if not ws:
        raise ValueError("linear: needs at least one weight")
    if isinstance(bias, Value) and set(map(type, ws)) == {Value}:
        input_types = set(map(type, xs))
        if input_types == {float} or input_types == {Value}:
            return neuron_sum(ws, xs, bias, input_types == {Value})
    edges: list = []
    total = None
    for w, x in zip(ws, xs):
        w_is_value = isinstance(w, Value)
        x_is_value = isinstance(x, Value)
        wd = w.data if w_is_value else _operand(w)
        xd = x.data if x_is_value else _operand(x)
        if w_is_value:
            edges += (w, xd)
        if x_is_value:
            edges += (x, wd)
        product = wd * xd
        total = product if total is None else total + product
    if bias is not None:
        if isinstance(bias, Value):
            edges += (bias, 1.0)
            total += bias.data
        else:
            total += _operand(bias)
    _checked(total, "linear", total)
    return _node(total, "linear", tuple(edges))


def neuron_sum(ws: list[Value], xs: list, bias: Value, inputs_are_values: bool) -> Value:
    """`linear` for its hot case, a neuron: Value weights and bias, inputs all floats or all Values.

    It checks nothing: callers that have checked the types once for many neurons (a `Layer`)
    use it directly; everyone else calls `linear`.

    The same left-to-right sum as the general path (``reduce`` adds in order, unlike ``sum``,
    which compensates rounding on Python 3.12+), with the loops run in C.
    """
    wd = [w.data for w in ws]
    xd = [x.data for x in xs] if inputs_are_values else xs
    total = reduce(operator.add, map(operator.mul, wd, xd)) + bias.data
    _checked(total, "linear", total)
    n = len(ws)
    if inputs_are_values:
        edges = [None] * (4 * n + 2)
        edges[0:4 * n:4], edges[1:4 * n:4], edges[2:4 * n:4], edges[3:4 * n:4] = ws, xd, xs, wd
    else:
        edges = [None] * (2 * n + 2)
        edges[0:2 * n:2], edges[1:2 * n:2] = ws, xd
    edges[-2], edges[-1] = bias, 1.0
    return _node(total, "linear", tuple(edges))


def _operand(x: object) -> float:
    c = _constant(x, "linear")
    if c is None:
        raise TypeError(f"linear: expected Values or real numbers, got {type(x).__name__}")
    return c
