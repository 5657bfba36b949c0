"""Checking `backward()` against central finite differences: the package's one numerical
derivative (the tests use it too).

For a function f of inputs x₁..xₙ, the central difference

    ∂f/∂xᵢ ≈ (f(x + sᵢ·eᵢ) − f(x − sᵢ·eᵢ)) / 2sᵢ,     sᵢ = h · max(1, |xᵢ|)

has error O(sᵢ²), so with h = 1e-6 it agrees with an exact derivative to about 1e-8 relative in
float64, except where f is not smooth (relu at 0, |x| at 0, a tie in max/min): there a
derivative is a convention, and no difference quotient can check it. The step grows with |xᵢ|
because below a relative step of about 1e-8 the two values of f differ only in rounding.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from autograd.core import Value, no_grad

__all__ = ["numerical_grads", "analytic_grads", "gradcheck", "GradcheckError"]


class GradcheckError(AssertionError):
    """An analytic gradient disagrees with its finite-difference estimate."""


def numerical_grads(f: Callable, xs: Sequence[float], h: float = 1e-6, *, floats: bool = False) -> list[float]:
    """Central-difference estimates of ∂f/∂xᵢ at the point ``xs``, one per input.

    The step for input i is ``h · max(1, |xᵢ|)`` (see the module docstring), taken up and down
    with every other input held where it is. ``f`` is called with one argument per input:
    `Value`s by default (so it may use their methods, ``x.tanh()``), or plain floats with
    ``floats=True`` (a program's ``evaluate``, a table entry's ``forward``). It may return a
    `Value` or a number; only its value is read, so it runs under `no_grad`.
    """
    if not h > 0 or not math.isfinite(h):
        raise ValueError(f"numerical_grads: the step h must be a finite number above 0, got {h!r}")
    point = [float(x) for x in xs]
    wrap = float if floats else Value
    grads = []
    with no_grad():
        for i, x in enumerate(point):
            step = h * max(1.0, abs(x))
            up = _value_of(f(*[wrap(v) for v in point[:i] + [x + step] + point[i + 1:]]))
            down = _value_of(f(*[wrap(v) for v in point[:i] + [x - step] + point[i + 1:]]))
            grads.append((up - down) / (2.0 * step))
    return grads


def _value_of(result: Value | float) -> float:
    return result.data if isinstance(result, Value) else float(result)


def analytic_grads(f: Callable[..., Value], xs: Sequence[float]) -> tuple[float, list[float]]:
    """f's value and ∂f/∂xᵢ from one `backward()` pass.

    It calls ``backward()`` itself, not the graph module's sweep: backward() is what a
    gradcheck checks.
    """
    inputs = [Value(x, label=f"x{i}") for i, x in enumerate(xs)]
    out = f(*inputs)
    out.backward()
    return out.data, [v.grad for v in inputs]


def gradcheck(
    f: Callable[..., Value],
    xs: Sequence[float],
    rtol: float = 1e-5,
    atol: float = 1e-7,
    h: float = 1e-6,
) -> list[float]:
    """Raise `GradcheckError` naming the input when backward() and finite differences disagree.

    Returns the analytic gradients when every pair agrees as `math.isclose` judges it: within
    ``max(atol, rtol · max(|analytic|, |numerical|))``.
    """
    _, analytic = analytic_grads(f, xs)
    numerical = numerical_grads(f, xs, h)
    for i, (a, n) in enumerate(zip(analytic, numerical)):
        if not math.isclose(a, n, rel_tol=rtol, abs_tol=atol):
            raise GradcheckError(
                f"gradient of input {i} (x{i} = {xs[i]!r}): backward() gives {a!r}, "
                f"central differences give {n!r} (difference {a - n:.3g})"
            )
    return analytic
