"""Optimisers that update `Value` parameters from their gradients, and learning-rate schedules."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from autograd.engine import Value

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
    def __init__(self, parameters: Sequence[Value], lr: float | Schedule) -> None:
        self.parameters = list(parameters)
        self.schedule = lr if callable(lr) else constant(float(lr))
        self.steps = 0

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
        self.momentum, self.weight_decay = momentum, weight_decay
        self.velocity = [0.0] * len(self.parameters)

    def step(self) -> None:
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        for i, p in enumerate(self.parameters):
            g = p.grad + wd * p.data
            self.velocity[i] = v = mu * self.velocity[i] + g
            p.data -= lr * v
        self.steps += 1


class Adam(_Optimizer):
    """m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  p ← p − lr·m̂ / (√v̂ + ε), with bias correction."""

    def __init__(self, parameters, lr=0.01, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0) -> None:
        super().__init__(parameters, lr)
        self.beta1, self.beta2 = betas
        self.eps, self.weight_decay = eps, weight_decay
        self.m = [0.0] * len(self.parameters)
        self.v = [0.0] * len(self.parameters)

    def step(self) -> None:
        lr, b1, b2 = self.lr, self.beta1, self.beta2
        t = self.steps + 1
        c1, c2 = 1 - b1**t, 1 - b2**t
        for i, p in enumerate(self.parameters):
            g = p.grad + self.weight_decay * p.data
            self.m[i] = m = b1 * self.m[i] + (1 - b1) * g
            self.v[i] = v = b2 * self.v[i] + (1 - b2) * g * g
            p.data -= lr * (m / c1) / (math.sqrt(v / c2) + self.eps)
        self.steps = t
