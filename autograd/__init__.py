"""autograd: a scalar reverse-mode automatic differentiation engine you can watch work.

    >>> from autograd import Value
    >>> x = Value(2.0, label="x")
    >>> y = (x * x + 1).tanh()
    >>> y.backward()
    >>> round(x.grad, 6)
    0.000726
"""

from autograd.core import Value, is_grad_enabled, linear, no_grad, sum_values

__all__ = ["Value", "no_grad", "is_grad_enabled", "sum_values", "linear", "compile", "ReplayMismatch", "grad",
           "hessian", "jvp"]
__version__ = "0.1.0"


def __getattr__(name: str):
    # `autograd.compile` (replay.py) needs numpy: loaded on first use, so that importing the
    # engine stays standard-library only.
    if name in ("compile", "ReplayMismatch"):
        from autograd.ml import replay

        return getattr(replay, name)
    # `grad`, `hessian`, `jvp` (higher.py) read the expression language: loaded on first use too.
    if name in ("grad", "hessian", "jvp"):
        from autograd import higher

        return getattr(higher, name)
    raise AttributeError(f"module 'autograd' has no attribute {name!r}")
