"""`Value`, one scalar node of a computation graph: its arithmetic and its `backward()`.

Every operation on a `Value` returns a new `Value` that remembers its ``edges``: each node
it was computed from (a *child*), in order, followed by the *local derivative* of the result
with respect to that child, ∂out/∂child, evaluated in the forward pass. ``x * y`` has the edges
``(x, y.data, y, x.data)``; the properties ``children``, ``local_grads``, ``constant`` and
``reflected`` read them with the rules of `autograd.core.graph` (``graph.layout`` reads all of
them at once).

A node keeps up to two children in its own slots, with no tuple: ``_a, _da, _b, _db`` are the
first child and ∂node/∂it, the second child and ∂node/∂it (``_b`` None for one child, when
``_db`` holds the constant, or None). A node with more children (the fused ones) keeps its
edges tuple in ``_a``; a leaf has ``_a`` None. One object per node, not two, is what keeps a
large graph cheap: less memory than a node and its tuple, and half the objects the cyclic
garbage collector counts and walks while the graph is built. ``edges`` gives the tuple back.

Backpropagation is then one generic loop over the graph in reverse topological order
(the chain rule, `graph.sweep_into_nodes`)::

    child.grad += local * node.grad        # ∂L/∂child += ∂node/∂child · ∂L/∂node

There is no closure per node and no recursion anywhere, so a graph of a million operations
neither exhausts memory nor the recursion limit.

Plain numbers used with a `Value` (``x + 3``) are constants: they take part in the arithmetic
but are not nodes of the graph. The node keeps such a constant as the last item of its
``edges``, which then has an odd length (``x + 3`` stores ``(x, 1.0, 3.0)``) — except
``x * c``, whose local derivative already is exactly c. A constant on the left of ``-``, ``/``
or ``**`` is recorded under the names "r-", "r/" and "r**".

What each operation computes, and its derivative, comes from the table in `autograd.core.ops`; the
hot ones (+, -, * with Values or constants, / by a divisor of ordinary size, ** to a constant power
of a positive base, unary minus) are written out here for speed, giving the table's numbers bit for
bit; the rest run the table's rules (`table_methods`), and the fused nodes are in `fused`.

``data`` is a plain attribute, as cheap to read and write as any (optimisers write it for every
parameter on every step); `Value.set_data` is the checked write. A number that is not finite never
enters a result: every operation checks what it produces, and refuses an operand that is not finite.
This module imports only the standard library and its neighbours in `autograd.core`.
"""

from __future__ import annotations

from typing import Union

from autograd.core import ops
from autograd.core.grad_mode import edges_of, is_grad_enabled, node_maker, open_blocks, recording
from autograd.core.graph import children_of, constant_of, is_reflected, locals_of, sweep_into_nodes, topological_order
from autograd.core.reals import as_constant, as_real, checked, constant_operand

__all__ = ["Value"]

Number = Union[int, float]
Operand = Union["Value", Number]

class Value:
    """A scalar in a computation graph, with the gradient of some output with respect to it.

    ``Value(data, label="")`` makes a leaf (an input or a parameter). ``data`` is any finite
    real number and is stored as a float; ``grad`` starts at 0.0 and is filled in by
    `backward()`.
    """

    # `op` and `label` share the slot `_tag`, which saves 8 bytes on every node: a leaf keeps
    # its label there (a leaf has no op); an inner node its op, or (op, label) once labelled.
    __slots__ = ("data", "grad", "_tag", "_a", "_da", "_b", "_db")

    data: float  # a plain slot, read as fast as any attribute: see `set_data` for the checked write
    grad: float

    def __init__(self, data: Number, label: str = "") -> None:
        if isinstance(data, Value):
            raise TypeError("Value: data must be a real number, got a Value (use it directly)")
        self.data = as_real(data, "Value")
        self.grad = 0.0
        self._a = self._da = self._b = self._db = None
        self.label = label

    def set_data(self, value: Number) -> None:
        """``data = value``, checked: TypeError for a non-number, ValueError for inf or nan.

        ``data`` itself is a plain attribute (an optimiser writes it thousands of times per step);
        a value that is not finite written there is caught where it is used: every result an
        operation produces is checked, and an operation whose result could hide it (relu, max, …)
        checks its operands.
        """
        self.data = as_real(value, f"setting the data of {self._name()}")

    @property
    def op(self) -> str:
        """The name of the operation in `autograd.core.ops` that made this node; "" for a leaf."""
        if self._a is None:
            return ""
        tag = self._tag
        return tag if type(tag) is str else tag[0]

    @property
    def label(self) -> str:
        """A name for display ("" when none was given)."""
        tag = self._tag
        if self._a is None:
            return tag
        return "" if type(tag) is str else tag[1]

    @label.setter
    def label(self, label: str) -> None:
        if not isinstance(label, str):
            raise TypeError(f"Value: a label must be a str, got {type(label).__name__} {label!r}")
        if self._a is None:
            self._tag = label
        else:
            self._tag = (self.op, label) if label else self.op

    def _name(self) -> str:
        return repr(self.label) if self.label else (f"a {self.op} node" if self.op else "a Value")

    # ------------------------------------------------------------------ the graph around a node

    # (child₀, ∂self/∂child₀, child₁, ∂self/∂child₁, ...[, constant]); () for a leaf
    edges = property(edges_of, doc=edges_of.__doc__)

    @property
    def children(self) -> tuple[Value, ...]:
        """The nodes this one was computed from, in order (a child may appear twice)."""
        return children_of(self.edges)

    @property
    def local_grads(self) -> tuple[float, ...]:
        """∂self/∂child for each of `children`, computed in the forward pass."""
        return locals_of(self.edges)

    @property
    def constant(self) -> float | None:
        """The plain-number operand of this node's operation (``3`` in ``x + 3``), or None."""
        return constant_of(self.edges, self.op)

    @property
    def reflected(self) -> bool:
        """True when the constant stood on the left (``3 - x``): the one child is the right operand."""
        return is_reflected(self.op)

    @property
    def is_leaf(self) -> bool:
        """True for inputs, parameters and constants: nodes computed from nothing."""
        return self._a is None

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    def __float__(self) -> float:
        return self.data

    # ------------------------------------------------------------------ arithmetic

    # The hot operations are written out: a Value operand is recognised by its exact type and a
    # float constant taken as it is (anything else goes through `reals.constant_operand`), and
    # the result is checked once: inf or nan there means an operand was not finite or the
    # arithmetic overflowed (`_not_finite` says which). The numbers are the table's, bit for bit.

    def __add__(self, other: Operand) -> Value:
        """a + b;  ∂/∂a = 1, ∂/∂b = 1."""
        if type(other) is Value:
            x = other.data
            c = 1.0  # ∂/∂b
        else:  # a constant: kept where a second child's derivative would be
            c = x = other if type(other) is float else constant_operand(other, "+")
            if c is NotImplemented:
                return NotImplemented
            other = None
        data = self.data + x
        if data - data != 0.0:  # inf or nan
            _not_finite("+", self, c if other is None else other, data)
        out = _new(Value)  # `_slots`, written out: the hottest operations of all
        out.data, out.grad, out._tag = data, 0.0, "+"  # (no more than three: no tuple is built)
        out._a, out._da, out._b = self, 1.0, other
        out._db = c
        if open_blocks[0] and not recording():  # inside no_grad: a leaf
            _forget(out)
        return out

    __radd__ = __add__  # c + a is exactly a + c in floating point

    def __mul__(self, other: Operand) -> Value:
        """a · b;  ∂/∂a = b, ∂/∂b = a."""
        if type(other) is Value:
            b, a = other.data, self.data  # ∂/∂a, ∂/∂b
        else:  # a constant c: ∂/∂a = c, and c is kept only there
            b = other if type(other) is float else constant_operand(other, "*")
            if b is NotImplemented:
                return NotImplemented
            other = a = None
        data = self.data * b
        if data - data != 0.0:
            _not_finite("*", self, b if other is None else other, data)
        out = _new(Value)
        out.data, out.grad, out._tag = data, 0.0, "*"
        out._a, out._da, out._b = self, b, other
        out._db = a
        if open_blocks[0] and not recording():
            _forget(out)
        return out

    __rmul__ = __mul__

    def __sub__(self, other: Operand) -> Value:
        """a - b;  ∂/∂a = 1, ∂/∂b = -1."""
        if type(other) is Value:
            x = other.data
            c = -1.0  # ∂/∂b
        else:
            c = x = other if type(other) is float else constant_operand(other, "-")
            if c is NotImplemented:
                return NotImplemented
            other = None
        data = self.data - x
        if data - data != 0.0:
            _not_finite("-", self, c if other is None else other, data)
        out = _new(Value)
        out.data, out.grad, out._tag = data, 0.0, "-"
        out._a, out._da, out._b = self, 1.0, other
        out._db = c
        if open_blocks[0] and not recording():
            _forget(out)
        return out

    def __rsub__(self, other: Number) -> Value:
        """c - a;  ∂/∂a = -1."""
        c = other if type(other) is float else constant_operand(other, "-")
        if c is NotImplemented:
            return NotImplemented
        data = c - self.data
        if data - data != 0.0:
            _not_finite("-", self, c, data)
        return _slots(data, "r-", self, -1.0, None, c)

    def __truediv__(self, other: Operand) -> Value:
        """a / b;  ∂/∂a = 1 / b, ∂/∂b = -a / b²."""
        if type(other) is Value:
            b = other.data
            if _SAFE_DIVISOR < b < _HUGE or -_HUGE < b < -_SAFE_DIVISOR:
                a = self.data
                data, d_b = a / b, -a / b**2
                if data - data == 0.0 and d_b - d_b == 0.0:
                    return _slots(data, "/", self, 1 / b, other, d_b)
        else:
            c = other if type(other) is float else constant_operand(other, "/")
            if c is NotImplemented:
                return NotImplemented
            if _SAFE_DIVISOR < c < _HUGE or -_HUGE < c < -_SAFE_DIVISOR:
                data = self.data / c
                if data - data != 0.0:
                    _not_finite("/", self, c, data)
                return _slots(data, "/", self, 1 / c, None, c)
        return _binary(self, other, "/")  # a zero, tiny or huge divisor, an int: the table's rule

    def __rtruediv__(self, other: Number) -> Value:
        return _reflected(self, other, "/")

    def __pow__(self, other: Operand) -> Value:
        """a ** c;  ∂/∂a = c · a^(c - 1) (a Value exponent, or a base ≤ 0: the table's rule)."""
        if type(other) is not Value:
            c = other if type(other) is float else constant_operand(other, "**")
            a = self.data
            if c is not NotImplemented and a > 0.0 and c != 0.0 and -_HUGE < c < _HUGE:
                try:
                    data, d_a = a**c, c * a ** (c - 1.0)
                except OverflowError:  # the table's rule says so, with its own message
                    return _binary(self, other, "**")
                if data - data == 0.0 and d_a - d_a == 0.0:
                    out = _new(Value)  # `_slots`, written out: rmsnorm and softmax raise to powers
                    out.data, out.grad, out._tag = data, 0.0, "**"
                    out._a, out._da, out._b = self, d_a, None
                    out._db = c
                    if open_blocks[0] and not recording():
                        _forget(out)
                    return out
        return _binary(self, other, "**")

    def __rpow__(self, other: Number) -> Value:
        return _reflected(self, other, "**")

    def __neg__(self) -> Value:
        """-a;  ∂/∂a = -1."""
        data = -self.data
        if data - data != 0.0:
            _not_finite("neg", self, 0.0, data)
        return _slots(data, "neg", self, -1.0)

    def __pos__(self) -> Value:
        return self

    def __abs__(self) -> Value:
        return _unary(self, ops.OPS["abs"])

    # The named functions (exp, log, tanh, sigmoid, relu, maximum, ...) are added below from
    # the table in `autograd.core.ops`.

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
        if not is_grad_enabled():
            raise RuntimeError(
                "backward() inside no_grad(): no graph was recorded there, so there are no gradients to compute "
                "(call backward() outside the no_grad() block)"
            )
        sweep_into_nodes(topological_order(self), accumulate)


# The node maker every operation calls (a module-level name: called once per operation, it
# skips an attribute lookup); it reads the recording switch where that is cheapest.
_node, _slots = node_maker(Value)
_new = object.__new__


def _forget(out: Value) -> None:
    """Make a node just built a leaf (inside no_grad), as `_slots` would have made it."""
    out._tag = ""
    out._a = out._da = out._b = out._db = None

# A divisor in this range (and a constant exponent below _HUGE) takes the written-out path: its
# derivatives can neither overflow nor underflow to nothing there; the table's rule takes the rest.
_SAFE_DIVISOR, _HUGE = 1e-150, 1e150


def _not_finite(op: str, a: Value, b: Value | float, result: float) -> None:
    """Raise for a result that is inf or nan: ValueError when an operand already was (a constant,
    or ``data`` written directly), else OverflowError (the arithmetic overflowed)."""
    for operand in (a, b):
        x = operand.data if isinstance(operand, Value) else operand
        if x - x != 0.0:
            what = f"the data of {operand._name()}" if isinstance(operand, Value) else "the constant"
            raise ValueError(f"{op}: {what} {x} is not a finite number")
    checked(result, op, a.data, b.data if isinstance(b, Value) else b)


def _compared(other: Operand) -> float:
    if isinstance(other, Value):
        return other.data
    c = as_constant(other, "comparison")
    if c is None:
        raise TypeError(f"cannot compare a Value with {type(other).__name__} {other!r}")
    return c


# The generic paths (the table's rules) and the named functions: in `table_methods`, which
# reads `Value` and `_node` from here, so it is imported once both exist.
from autograd.core.table_methods import _binary, _reflected, _unary  # noqa: E402
