"""The table of operations: every primitive the engine knows, declared once, beside its rule.

An operation is one `Op` entry with named fields, added by one `register(Op(...))` call (README.md,
"Adding an operation", describes every field):

- ``forward(a[, b]) -> (value, (∂/∂a[, ∂/∂b]))``: the value and the local derivatives, from
  plain floats, raising ``ValueError`` (outside the domain), ``ZeroDivisionError`` (an infinite
  derivative; `InfiniteSlope` carries the value) or ``OverflowError`` (a result too large for a
  float) with a message naming the operation and the value;
- ``formula`` and ``derivatives``: the operation and, per argument, its local derivative, written in
  the program language over ``a`` and ``b`` (``1 - tanh(a)**2`` for tanh). The tests evaluate each
  derivative with the program language and compare it with the number ``forward`` computes, so a
  forward rule computes its derivative with the same floating-point steps as its formula;
- ``differentiable`` (no kink, no jump) and ``twice_differentiable``: the course's kink scan reads
  the first, the Hessian tests the second;
- ``symbol`` (the drawing's label), ``latex`` (with ``{a}``, ``{b}``), ``doc`` (one line).

``engine`` builds `Value` methods from this table (it subscribes to it), ``lang`` its functions
(reading `FUNCTIONS`, live), ``explain`` and ``viz`` the formulas and symbols they show, the README
its operation table (``python -m autograd.core.ops --readme``).

The entries live by family: `arithmetic` (operators), `elementary` (smooth functions), `piecewise`
(kinks and jumps: their conventions at the kink are in its docstring), `fused` (n-ary sums).
"""

from autograd.core.ops.registry import (
    FUNCTIONS, OPS, REFLECTED_PREFIX, InfiniteSlope, Op, get, number_text, register, subscribe, unregister,
)
from autograd.core.ops import arithmetic, elementary, piecewise, fused  # noqa: F401  (each registers its entries)
from autograd.core.ops.elementary import sigmoid_of
from autograd.core.ops.piecewise import LEAKY_SLOPE
from autograd.core.ops.readme import readme_block, replace_block

__all__ = ["Op", "OPS", "FUNCTIONS", "REFLECTED_PREFIX", "InfiniteSlope", "get", "number_text", "sigmoid_of",
           "LEAKY_SLOPE", "register", "unregister", "subscribe", "readme_block", "replace_block"]
