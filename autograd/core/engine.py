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
neither exhausts memory nor the recursion limit.

Plain numbers used with a `Value` (``x + 3``) are constants: they take part in the arithmetic
but are not nodes of the graph. The node keeps such a constant as the last item of its
``edges``, which then has an odd length (``x + 3`` stores ``(x, 1.0, 3.0)``) — except
``x * c``, whose local derivative already is exactly c. A constant on the left of ``-``, ``/``
or ``**`` is recorded under the names "r-", "r/" and "r**".

What each operation computes, and its derivative, comes from the table in `autograd.core.ops`; only
the hottest operations (+, *, and the fused neuron node) are written out here for speed. This
module imports only the standard library and `ops`, and knows nothing of the rest.
"""

from __future__ import annotations

import numbers
import operator
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import reduce
from typing import Union

from autograd.core import ops
from autograd.core.graph import sweep_into_nodes, topological_order

__all__ = ["Value", "no_grad", "is_grad_enabled", "sum_values", "linear", "neuron_sum", "topological_order"]

Number = Union[int, float]
Operand = Union["Value", Number]

# ------------------------------------------------------------------ recording on and off

# Whether operations record a graph, per thread and per asyncio task. Reading a ContextVar on
# every operation would cost about 3% of the engine's speed, so a global count of open
# `no_grad()` blocks (in any thread) is checked first: while it is 0, nobody has switched off.
_recording: ContextVar[bool] = ContextVar("autograd_recording", default=True)
_open_no_grad_blocks = 0
_count_lock = threading.Lock()


@contextmanager
def no_grad() -> Iterator[None]:
    """Record no graph inside the block: results are leaves with no children.

    Use it for parameter updates and evaluation, where no gradient is wanted::

        with no_grad():
            prediction = model(x)

    It holds for the current thread (and asyncio task) only.
    """
    global _open_no_grad_blocks
    token = _recording.set(False)
    with _count_lock:
        _open_no_grad_blocks += 1
    try:
        yield
    finally:
        with _count_lock:
            _open_no_grad_blocks -= 1
        _recording.reset(token)


def is_grad_enabled() -> bool:
    """True unless inside a `no_grad()` block (of this thread)."""
    return _open_no_grad_blocks == 0 or _recording.get()


# ------------------------------------------------------------------ numbers


def _real(x: object, what: str) -> float:
    """Convert a real number (int, float, bool, numpy scalar, Fraction) to a finite float."""
    if type(x) is float:
        value = x
    elif isinstance(x, numbers.Real) and not isinstance(x, Value):
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

    # `op` and `label` share the slot `_tag`, which saves 8 bytes on every node: a leaf keeps
    # its label there (a leaf has no op); an inner node its op, or (op, label) once labelled.
    __slots__ = ("_data", "grad", "_tag", "edges")

    grad: float
    edges: tuple  # (child₀, ∂self/∂child₀, child₁, ∂self/∂child₁, ...[, constant])

    def __init__(self, data: Number, label: str = "") -> None:
        if isinstance(data, Value):
            raise TypeError("Value: data must be a real number, got a Value (use it directly)")
        self._data = _real(data, "Value")
        self.grad = 0.0
        self.edges = ()
        self.label = label

    @property
    def data(self) -> float:
        """The value, a finite float. Assignable (parameter updates); inf and nan are refused."""
        return self._data

    @data.setter
    def data(self, value: Number) -> None:
        if type(value) is float and value - value == 0.0:  # the hot case (optimisers, batches): no message built
            self._data = value
        else:
            self._data = _real(value, f"setting the data of {self._name()}")

    @property
    def op(self) -> str:
        """The name of the operation in `autograd.core.ops` that made this node; "" for a leaf."""
        if not self.edges:
            return ""
        tag = self._tag
        return tag if type(tag) is str else tag[0]

    @property
    def label(self) -> str:
        """A name for display ("" when none was given)."""
        tag = self._tag
        if not self.edges:
            return tag
        return "" if type(tag) is str else tag[1]

    @label.setter
    def label(self, label: str) -> None:
        if not isinstance(label, str):
            raise TypeError(f"Value: a label must be a str, got {type(label).__name__} {label!r}")
        if not self.edges:
            self._tag = label
        else:
            self._tag = (self.op, label) if label else self.op

    def _name(self) -> str:
        return repr(self.label) if self.label else (f"a {self.op} node" if self.op else "a Value")

    # ------------------------------------------------------------------ the graph around a node

    @property
    def children(self) -> tuple[Value, ...]:
        """The nodes this one was computed from, in order (a child may appear twice)."""
        edges = self.edges
        return edges[0 : len(edges) - 1 : 2]

    @property
    def local_grads(self) -> tuple[float, ...]:
        """∂self/∂child for each of `children`, computed in the forward pass."""
        edges = self.edges
        return edges[1 : len(edges) : 2] if len(edges) % 2 == 0 else edges[1 : len(edges) - 1 : 2]

    @property
    def constant(self) -> float | None:
        """The plain-number operand of this node's operation (``3`` in ``x + 3``), or None."""
        edges = self.edges
        if len(edges) % 2:
            return edges[-1]
        if self.op == "*" and len(edges) == 2:
            return edges[1]  # x * c keeps c as its local derivative
        return None

    @property
    def is_leaf(self) -> bool:
        """True for inputs, parameters and constants: nodes computed from nothing."""
        return not self.edges

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self._data!r}, grad={self.grad!r}{label})"

    def __float__(self) -> float:
        return self._data

    # ------------------------------------------------------------------ arithmetic

    def __add__(self, other: Operand) -> Value:
        """a + b;  ∂/∂a = 1, ∂/∂b = 1."""
        if isinstance(other, Value):
            data = _checked(self._data + other._data, "+", self._data, other._data)
            return _node(data, "+", (self, 1.0, other, 1.0))
        c = _constant(other, "+")
        if c is None:
            return NotImplemented
        return _node(_checked(self._data + c, "+", self._data, c), "+", (self, 1.0, c))

    __radd__ = __add__  # c + a is exactly a + c in floating point

    def __mul__(self, other: Operand) -> Value:
        """a · b;  ∂/∂a = b, ∂/∂b = a."""
        if isinstance(other, Value):
            data = _checked(self._data * other._data, "*", self._data, other._data)
            return _node(data, "*", (self, other._data, other, self._data))
        c = _constant(other, "*")
        if c is None:
            return NotImplemented
        return _node(_checked(self._data * c, "*", self._data, c), "*", (self, c))

    __rmul__ = __mul__

    def __sub__(self, other: Operand) -> Value:
        return _binary(self, other, "-")

    def __rsub__(self, other: Number) -> Value:
        return _reflected(self, other, "-")

    def __truediv__(self, other: Operand) -> Value:
        return _binary(self, other, "/")

    def __rtruediv__(self, other: Number) -> Value:
        return _reflected(self, other, "/")

    def __pow__(self, other: Operand) -> Value:
        return _binary(self, other, "**")

    def __rpow__(self, other: Number) -> Value:
        return _reflected(self, other, "**")

    def __neg__(self) -> Value:
        return _unary(self, _NEG)

    def __pos__(self) -> Value:
        return self

    def __abs__(self) -> Value:
        return _unary(self, _ABS)

    # The named functions (exp, log, tanh, sigmoid, relu, maximum, ...) are added below from
    # the table in `autograd.core.ops`.

    # ------------------------------------------------------------------ comparisons

    # Comparisons look at `data` and return a bool. Equality and hashing are left by
    # identity on purpose: nodes live in sets and dicts during graph walks.
    def __lt__(self, other: Operand) -> bool:
        return self._data < _compared(other)

    def __le__(self, other: Operand) -> bool:
        return self._data <= _compared(other)

    def __gt__(self, other: Operand) -> bool:
        return self._data > _compared(other)

    def __ge__(self, other: Operand) -> bool:
        return self._data >= _compared(other)

    __hash__ = object.__hash__

    # ------------------------------------------------------------------ backward

    def backward(self, accumulate: bool = False, *, create_graph: bool = False) -> None:
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

        A gradient that overflows to inf or nan raises OverflowError naming the node.

        ``create_graph=True`` is refused, pointing to ``autograd.grad(out, xs, create_graph=True)``:
        gradients that can be differentiated again are Values built from the operation table's
        derivative formulas (`autograd.higher`), returned rather than stored, so no node pays a
        slot for them and this module stays free of the expression language.
        """
        if create_graph:
            raise TypeError(
                "backward(create_graph=True): gradients as Values are returned, not stored on nodes: "
                "use autograd.grad(out, [x, y, ...], create_graph=True) (and grad() again for second derivatives)"
            )
        if accumulate is not True and accumulate is not False:
            raise TypeError(
                f"backward: accumulate must be True or False, got {type(accumulate).__name__} {accumulate!r} "
                "(backward() takes no gradient argument: the output's gradient is always 1)"
            )
        sweep_into_nodes(topological_order(self), accumulate)


_new_value = object.__new__


def _node(data: float, op: str, edges: tuple) -> Value:
    """A result node; with recording off (`no_grad`) it is a leaf with no edges.

    (A module-level function rather than a method: it is called once per operation, and
    skipping the attribute lookup is measurably faster.)
    """
    out = _new_value(Value)
    out._data = data
    out.grad = 0.0
    if _open_no_grad_blocks == 0 or _recording.get():
        out._tag = op
        out.edges = edges
    else:
        out._tag = ""  # a leaf: the slot holds its (empty) label
        out.edges = ()
    return out


def _compared(other: Operand) -> float:
    if isinstance(other, Value):
        return other._data
    c = _constant(other, "comparison")
    if c is None:
        raise TypeError(f"cannot compare a Value with {type(other).__name__} {other!r}")
    return c


# ------------------------------------------------------------------ operations from the table


def _finite(op: ops.Op, value: float, locals_: tuple[float, ...], operands: tuple) -> None:
    """Raise OverflowError when a value or a local derivative is inf or nan."""
    for x in (value, *locals_):
        if x - x != 0.0:
            shown = ", ".join(repr(a) for a in operands)
            what = "its value" if x is value else "its derivative"
            raise OverflowError(f"{op.name} of {shown}: {what} overflows a float ({x})")


def _apply(op: ops.Op, operands: tuple) -> tuple[float, tuple[float, ...]]:
    """The table's forward rule, with its errors; inside no_grad an infinite slope is no error."""
    try:
        value, locals_ = op.forward(*operands)
    except ops.InfiniteSlope as error:
        if is_grad_enabled():
            raise
        value, locals_ = error.value, ()  # sqrt(0), 0 ** 0.5, arcsin(1): the value is fine
    _finite(op, value, locals_, operands)
    return value, locals_


def _unary(a: Value, op: ops.Op) -> Value:
    """op(a) for a one-argument operation of the table (the activations' path: kept short)."""
    x = a._data
    try:
        value, (local,) = op.forward(x)
    except ops.InfiniteSlope:
        return _node(_apply(op, (x,))[0], "", ())  # inside no_grad: a value with no slope
    if value - value != 0.0 or local - local != 0.0:  # inf or nan
        _finite(op, value, (local,), (x,))
    return _node(value, op.name, (a, local))


def _binary(a: Value, other: Operand, name: str) -> Value:
    """a (op) other for a two-argument operation of the table; other a Value or a number."""
    op = ops.OPS[name]
    if isinstance(other, Value):
        value, locals_ = _apply(op, (a._data, other._data))
        if not locals_:
            return _node(value, "", ())
        if name == "**" and locals_[1] == 0.0 and a._data < 0.0 and is_grad_enabled():
            _negative_base_error(a._data, other._data)
        return _node(value, name, (a, locals_[0], other, locals_[1]))
    c = _constant(other, name)
    if c is None:
        return NotImplemented
    value, locals_ = _apply(op, (a._data, c))
    if not locals_:
        return _node(value, "", ())
    return _node(value, name, (a, locals_[0], c))


def _reflected(a: Value, other: Number, name: str) -> Value:
    """other (op) a, with the constant on the left: recorded as "r" + name."""
    c = _constant(other, name)
    if c is None:
        return NotImplemented
    if name == "**" and c < 0.0 and is_grad_enabled():
        _negative_base_error(c, a._data)
    try:
        value, locals_ = _apply(ops.OPS[name], (c, a._data))
    except ops.InfiniteSlope as error:
        # 0 ** b for 0 < b < 1: only ∂/∂b is kept, and its limit is 0 (see ops); the infinite
        # ∂/∂base that the table's rule refuses is not needed for a constant base
        value, locals_ = error.value, (0.0, 0.0)
    if not locals_:
        return _node(value, "", ())
    return _node(value, ops.REFLECTED_PREFIX + name, (a, locals_[1], c))


def _negative_base_error(base: float, exponent: float) -> None:
    raise ValueError(
        f"** of a negative base {base!r} to a Value exponent {exponent!r}: "
        "the derivative with respect to the exponent is not real"
    )


_NEG, _ABS = ops.OPS["neg"], ops.OPS["abs"]


def _function_method(op: ops.Op) -> Callable:
    """A Value method for one function of the table: ``x.tanh()``, ``x.maximum(y)``."""
    if op.arity == 1:
        forward, name = op.forward, op.name

        def method(self: Value) -> Value:  # _unary, inlined: activations are on the hot path
            x = self._data
            try:
                value, (local,) = forward(x)
            except ops.InfiniteSlope:
                return _unary(self, op)
            if value - value != 0.0 or local - local != 0.0:  # inf or nan
                _finite(op, value, (local,), (x,))
            return _node(value, name, (self, local))
    else:
        def method(self: Value, other: Operand) -> Value:
            if not isinstance(other, (Value, numbers.Real)):
                raise TypeError(f"{op.name}: expected a Value or a real number, got {type(other).__name__}")
            return _binary(self, other, op.name)
    method.__name__ = method.__qualname__ = op.method_name
    if op.arity == 1:
        arguments, slopes = "a = self", f"∂/∂a = {op.derivatives[0]}"
    else:
        arguments, slopes = "a = self, b = other", f"∂/∂a = {op.derivatives[0]}, ∂/∂b = {op.derivatives[1]}"
    method.__doc__ = f"{op.formula}: {op.doc} ({arguments}).  {slopes}"
    return method


def _follow_table(op: ops.Op, added: bool) -> None:
    """One Value method per function of the table, added and removed with its entry."""
    if not op.function:
        return
    if not added:
        delattr(Value, op.method_name)
    elif hasattr(Value, op.method_name):
        raise ValueError(f"operation {op.name!r}: Value already has an attribute {op.method_name!r}")
    else:
        setattr(Value, op.method_name, _function_method(op))


ops.subscribe(_follow_table)  # the entries already there, and every one registered later


# ------------------------------------------------------------------ fused nodes


def sum_values(values: Iterable[Operand]) -> Value:
    """Σ values as one node: ∂/∂vᵢ = 1 for each `Value`.

    The sum is taken left to right, so the result is bit-for-bit that of ``v0 + v1 + ...``
    with binary ``+``, with one node instead of n - 1. Plain numbers among the terms are
    constants; the sum is then built with binary ``+`` so that each constant is kept.
    """
    items = list(values)
    if not items:
        raise ValueError("sum_values: needs at least one value")
    if not all(type(item) is Value for item in items):
        for item in items:
            if not isinstance(item, Value) and _constant(item, "sum") is None:
                raise TypeError(f"sum: expected Values or real numbers, got {type(item).__name__}")
        return reduce(operator.add, items) if isinstance(items[0], Value) else _constant_first_sum(items)
    edges: list = []
    total = None
    for item in items:
        edges += (item, 1.0)
        total = item._data if total is None else total + item._data
    _checked(total, "sum", total)
    return _node(total, "sum", tuple(edges))


def _constant_first_sum(items: list) -> Value | float:
    """c0 + v1 + ... when the first term is a plain number (left to right, as Python would)."""
    total = items[0]
    for item in items[1:]:
        total = total + item
    if not isinstance(total, Value):
        raise TypeError("sum_values: needs at least one Value among the terms")
    return total


def linear(weights: Iterable[Operand], inputs: Iterable[Operand], bias: Operand | None = None) -> Value:
    """w·x + b as one node (a neuron's pre-activation).

    ∂/∂wᵢ = xᵢ, ∂/∂xᵢ = wᵢ, ∂/∂b = 1. The products are summed left to right and the bias
    added last, bit-for-bit as ``w0*x0 + w1*x1 + ... + b`` with binary operations.
    With Value weights and bias and inputs that are all Values (op "linear") or all plain
    numbers (op "affine") it is one node; any other mix is built from binary operations.
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
    for item in (*ws, *xs, *([] if bias is None else [bias])):
        if not isinstance(item, Value) and _constant(item, "linear") is None:
            raise TypeError(f"linear: expected Values or real numbers, got {type(item).__name__}")
    total = reduce(operator.add, [w * x for w, x in zip(ws, xs)])
    if bias is not None:
        total = total + bias
    if not isinstance(total, Value):
        raise TypeError("linear: needs at least one Value among the weights, inputs and bias")
    return total


def neuron_sum(ws: list[Value], xs: list, bias: Value, inputs_are_values: bool) -> Value:
    """`linear` for its hot case, a neuron: Value weights and bias, inputs all floats or all Values.

    It checks nothing: callers that have checked the types once for many neurons (a `Layer`)
    use it directly; everyone else calls `linear`.

    The same left-to-right sum as the general path (``reduce`` adds in order, unlike ``sum``,
    which compensates rounding on Python 3.12+), with the loops run in C. With float inputs
    the node is "affine" and each input is kept exactly as its weight's local derivative.
    """
    wd = [w._data for w in ws]
    xd = [x._data for x in xs] if inputs_are_values else xs
    total = reduce(operator.add, map(operator.mul, wd, xd)) + bias._data
    _checked(total, "linear", total)
    n = len(ws)
    if inputs_are_values:
        edges = [None] * (4 * n + 2)
        edges[0:4 * n:4], edges[1:4 * n:4], edges[2:4 * n:4], edges[3:4 * n:4] = ws, xd, xs, wd
    else:
        edges = [None] * (2 * n + 2)
        edges[0:2 * n:2], edges[1:2 * n:2] = ws, xd
    edges[-2], edges[-1] = bias, 1.0
    return _node(total, "linear" if inputs_are_values else "affine", tuple(edges))
