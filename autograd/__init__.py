"""autograd: a scalar reverse-mode automatic differentiation engine you can watch work.

    >>> from autograd import Value
    >>> x = Value(2.0, label="x")
    >>> y = (x * x + 1).tanh()
    >>> y.backward()
    >>> round(x.grad, 6)
    0.000726
"""

from autograd.engine import Value, is_grad_enabled, linear, no_grad, sum_values

__all__ = ["Value", "no_grad", "is_grad_enabled", "sum_values", "linear"]
__version__ = "0.1.0"
