"""Optimisers that update `Value` parameters from their gradients, and learning-rate schedules.

An optimiser never writes a non-finite number into a weight: when a step would (an infinite or
nan gradient, a learning rate too large, a nan learning rate) it raises OverflowError naming the
parameter and the step, and changes nothing, neither the weights nor its own state. (PyTorch's
optimisers write the nan and carry on; the next forward pass then fails far from the cause.)
Parameters are Values, or (name, Value) pairs such as ``model.named_parameters()`` gives, so
that the message can say ``layers.0.neurons.3.w.1`` rather than a position.

The settings are checked when the optimiser is made (by `autograd.util.validate`): a setting
that is not a real number raises TypeError, one out of its range ValueError naming the
optimiser and the setting (``Adam: betas[1]=1 must be at least 0 and less than 1``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

from autograd.core import Value
from autograd.util import validate

__all__ = ["SGD", "Adam", "constant", "step_decay", "linear_decay"]

Schedule = Callable[[int], float]


def constant(lr: float) -> Schedule:
    return lambda step: lr


def step_decay(lr: float, every: int, factor: float = 0.1) -> Schedule:
    """lr · factor^⌊step / every⌋."""
    return lambda step: lr * factor ** (step // every)


def linear_decay(lr: float, total: int, final: float = 0.0) -> Schedule:
    """From lr at step 0 to ``final`` at step ``total`` (micrograd's demo: 1 − 0.9·k/100)."""
    return lambda step: lr + (final - lr) * min(step, total) / total


class _Optimizer:
    def __init__(self, parameters: Sequence[Value] | Sequence[tuple[str, Value]], lr: float | Schedule) -> None:
        items = list(parameters)
        named = [item if isinstance(item, tuple) else (item.label or f"parameter {i}", item)
                 for i, item in enumerate(items)]
        self.names = [name for name, _ in named]
        self.parameters = [p for _, p in named]
        if not callable(lr):
            lr = self._setting("lr", lr, 0, label="the learning rate")
        self.schedule = lr if callable(lr) else constant(lr)
        self.steps = 0

    def _setting(self, keyword: str, value: object, low: float, high: float | None = None, *,
                 low_open: bool = False, high_open: bool = False, label: str = "") -> float:
        """A finite real ``value`` in the range, else TypeError / ValueError naming the optimiser
        and the setting: ``SGD: the learning rate lr=-1 must be at least 0``."""
        name = f"{type(self).__name__}: {label or keyword}"
        number = validate.finite_argument(value, name)
        shown = f"{type(self).__name__}: {label + ' ' if label else ''}{keyword}={number:g}"
        return validate.in_range(number, shown, low, high, low_open=low_open, high_open=high_open)

    def _commit(self, new: list[float]) -> None:
        """Write the new weights, or raise OverflowError (changing nothing) if one is inf or nan."""
        if not math.isfinite(sum(new)):  # one C-speed pass; a sum overflowing from finite terms is rare
            for name, p, value in zip(self.names, self.parameters, new):
                if not math.isfinite(value):
                    raise OverflowError(
                        f"{type(self).__name__} step {self.steps + 1}: the update would set {name} to {value} "
                        f"(it is {p.data}, its gradient {p.grad}, the learning rate {self.lr}); nothing was changed")
        for p, value in zip(self.parameters, new):
            p.data = value

    @property
    def lr(self) -> float:
        return self.schedule(self.steps)

    def zero_grad(self) -> None:
        for p in self.parameters:
            p.grad = 0.0


class SGD(_Optimizer):
    """v ← μ·v + (g + λ·p);  p ← p − lr·v   (μ momentum, λ weight decay; μ = 0 is plain SGD)."""

    def __init__(self, parameters, lr=0.1, momentum: float = 0.0, weight_decay: float = 0.0) -> None:
        super().__init__(parameters, lr)
        # μ < 1: at μ = 1 the velocity would never forget a gradient, and beyond it would grow
        self.momentum = self._setting("momentum", momentum, 0, 1, high_open=True)
        self.weight_decay = self._setting("weight_decay", weight_decay, 0)
        self.velocity = [0.0] * len(self.parameters)

    def step(self) -> None:
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        velocity = [mu * v + (p.grad + wd * p.data) for p, v in zip(self.parameters, self.velocity)]
        self._commit([p.data - lr * v for p, v in zip(self.parameters, velocity)])
        self.velocity = velocity
        self.steps += 1


class Adam(_Optimizer):
    """m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  p ← p − lr·m̂ / (√v̂ + ε), with bias correction."""

    def __init__(self, parameters, lr=0.01, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0) -> None:
        super().__init__(parameters, lr)
        if isinstance(betas, (str, bytes)) or not isinstance(betas, Iterable):
            raise TypeError(f"Adam: betas must be a pair of numbers (β1, β2), got {betas!r}")
        betas = tuple(betas)
        if len(betas) != 2:
            raise ValueError(f"Adam: betas must be a pair of numbers (β1, β2), got {len(betas)} numbers")
        # β < 1: the bias correction divides by 1 − β^t, which is 0 at β = 1
        self.beta1, self.beta2 = (self._setting(f"betas[{i}]", beta, 0, 1, high_open=True)
                                  for i, beta in enumerate(betas))
        self.eps = self._setting("eps", eps, 0, low_open=True)  # ε > 0: a zero second moment would divide by 0
        self.weight_decay = self._setting("weight_decay", weight_decay, 0)
        self.m = [0.0] * len(self.parameters)
        self.v = [0.0] * len(self.parameters)

    def step(self) -> None:
        lr, b1, b2 = self.lr, self.beta1, self.beta2
        t = self.steps + 1
        c1, c2 = 1 - b1**t, 1 - b2**t
        wd, eps, sqrt = self.weight_decay, self.eps, math.sqrt
        grads = [p.grad + wd * p.data for p in self.parameters]
        m = [b1 * mi + (1 - b1) * g for mi, g in zip(self.m, grads)]
        v = [b2 * vi + (1 - b2) * g * g for vi, g in zip(self.v, grads)]
        self._commit([p.data - lr * (mi / c1) / (sqrt(vi / c2) + eps) for p, mi, vi in zip(self.parameters, m, v)])
        self.m, self.v = m, v
        self.steps = t
