"""Numerical gradient checking: compare `backward()` with central finite differences.

For a function f of inputs x₁..xₙ, the central difference

    ∂f/∂xᵢ ≈ (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h

has error O(h²), so with h ≈ 1e-6 · max(1, |xᵢ|) it agrees with an exact derivative to
about 1e-8 relative in float64, except where f is not smooth (relu at 0, |x| at 0, a tie
in max/min) — there a derivative is a convention, and no difference quotient can check it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from autograd.engine import Value, no_grad

__all__ = ["numerical_grads", "analytic_grads", "gradcheck", "GradcheckError"]


class GradcheckError(AssertionError):
    """An analytic gradient disagrees with its finite-difference estimate."""


def numerical_grads(f: Callable[..., Value], xs: Sequence[float], h: float = 1e-6) -> list[float]:
    """Central-difference estimates of ∂f/∂xᵢ, with a step scaled to each |xᵢ|."""
    grads = []
    point = [float(x) for x in xs]
    with no_grad():
        for i, x in enumerate(point):
            step = h * max(1.0, abs(x))
            up = point[:i] + [x + step] + point[i + 1 :]
            down = point[:i] + [x - step] + point[i + 1 :]
            f_up = f(*[Value(v) for v in up]).data
            f_down = f(*[Value(v) for v in down]).data
            grads.append((f_up - f_down) / (2.0 * step))
    return grads


def analytic_grads(f: Callable[..., Value], xs: Sequence[float]) -> tuple[float, list[float]]:
    """f's value and ∂f/∂xᵢ from one `backward()` pass."""
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

    Returns the analytic gradients when all agree within ``atol + rtol·|numerical|``.
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
