"""`Value`'s operations that come from the table of operations (`autograd.core.ops`).

- the generic paths of the arithmetic: ``-``, ``/`` and ``**`` where `value` does not write them
  out (a zero, tiny or huge divisor, a base ≤ 0, a Value exponent), a constant on the left of
  ``/`` or ``**`` (recorded as "r/", "r**"), and ``abs``;
- one `Value` method per function of the table (``x.tanh()``, ``x.maximum(y)``), added and
  removed with its entry.

Each runs the table's forward rule, whose value and local derivatives are checked (`reals`).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Union

from autograd.core import ops
from autograd.core.grad_mode import is_grad_enabled, open_blocks, recording
from autograd.core.reals import apply_rule, as_constant, finite_or_raise, negative_base_error
from autograd.core.value import Value, _forget, _new, _node, _slots

__all__: list[str] = []

Number = Union[int, float]
Operand = Union[Value, Number]


def _unary(a: Value, op: ops.Op) -> Value:
    """op(a) for a one-argument operation of the table (the activations' path: kept short)."""
    x = a.data
    try:
        value, (local,) = op.forward(x)
    except ops.InfiniteSlope:
        return _node(apply_rule(op, (x,))[0], "", ())  # inside no_grad: a value with no slope
    if value - value != 0.0 or local - local != 0.0 or x - x != 0.0:  # inf or nan
        finite_or_raise(op, value, (local,), (x,))
    return _slots(value, op.name, a, local)


def _binary(a: Value, other: Operand, name: str) -> Value:
    """a (op) other for a two-argument operation of the table; other a Value or a number."""
    op = ops.OPS[name]
    if isinstance(other, Value):
        value, locals_ = apply_rule(op, (a.data, other.data))
        if not locals_:
            return _node(value, "", ())
        if name == "**" and locals_[1] == 0.0 and a.data < 0.0 and is_grad_enabled():
            negative_base_error(a.data, other.data)
        return _node(value, name, (a, locals_[0], other, locals_[1]))
    c = as_constant(other, name)
    if c is None:
        return NotImplemented
    value, locals_ = apply_rule(op, (a.data, c))
    if not locals_:
        return _node(value, "", ())
    return _node(value, name, (a, locals_[0], c))


def _reflected(a: Value, other: Number, name: str) -> Value:
    """other (op) a, with the constant on the left: recorded as "r" + name."""
    c = as_constant(other, name)
    if c is None:
        return NotImplemented
    if name == "**" and c < 0.0 and is_grad_enabled():
        negative_base_error(c, a.data)
    try:
        value, locals_ = apply_rule(ops.OPS[name], (c, a.data))
    except ops.InfiniteSlope as error:
        # 0 ** b for 0 < b < 1: only ∂/∂b is kept, and its limit is 0 (see ops); the infinite
        # ∂/∂base that the table's rule refuses is not needed for a constant base
        value, locals_ = error.value, (0.0, 0.0)
    if not locals_:
        return _node(value, "", ())
    return _node(value, ops.REFLECTED_PREFIX + name, (a, locals_[1], c))





def _function_method(op: ops.Op) -> Callable:
    """A Value method for one function of the table: ``x.tanh()``, ``x.maximum(y)``."""
    if op.arity == 1:
        forward, name = op.forward, op.name

        def method(self: Value) -> Value:  # _unary and `_slots`, inlined: activations are hot
            x = self.data
            try:
                value, (local,) = forward(x)
            except ops.InfiniteSlope:
                return _unary(self, op)
            if value - value != 0.0 or local - local != 0.0 or x - x != 0.0:  # inf or nan
                finite_or_raise(op, value, (local,), (x,))
            out = _new(Value)
            out.data, out.grad, out._tag = value, 0.0, name
            out._a, out._da, out._b = self, local, None
            out._db = None
            if open_blocks[0] and not recording():
                _forget(out)
            return out
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
