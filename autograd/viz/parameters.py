"""How a picture reads its ``parameters`` argument: the ONE reader for `draw`, `draw_steps`
and the step-through page, so the three accept the same things and name them alike.

``parameters`` may be a model (``named_parameters()`` or ``parameters()``), a mapping
name → Value, or an iterable of Values (named by their labels).
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import contextmanager

from autograd.core import Value

__all__ = ["named_parameters", "readable_parameter_name", "labelled"]


def named_parameters(parameters) -> list[tuple[str, Value]]:
    """(name, Value) pairs from a model, a mapping name → Value, or Values.

    A model's dotted names are made readable whether the model or ``dict(model.named_parameters())``
    is given, so both draw alike; anything else is a TypeError naming what was given (a picture
    would otherwise silently colour nothing)."""
    if hasattr(parameters, "named_parameters"):
        pairs = [(readable_parameter_name(name), p) for name, p in parameters.named_parameters()]
    elif isinstance(parameters, Mapping):
        pairs = [(readable_parameter_name(str(name)), p) for name, p in parameters.items()]
    elif hasattr(parameters, "parameters") and callable(parameters.parameters):
        pairs = [(p.label, p) for p in parameters.parameters()]
    else:
        try:
            pairs = [(p.label, p) for p in parameters]
        except (TypeError, AttributeError):
            raise TypeError("parameters must be a model (named_parameters() or parameters()), a mapping "
                            f"name → Value or Values, got {type(parameters).__name__}") from None
    for name, p in pairs:
        if not isinstance(p, Value):
            raise TypeError(f"parameters: {name or 'an entry'} is a {type(p).__name__}, not a Value")
    return pairs


def readable_parameter_name(name: str) -> str:
    """``layers.0.neurons.3.w.1`` → ``L1_n4_w2``: layer, neuron and weight counted from 1, as
    written in the maths (w2 multiplies the neuron's second input), and a valid name in the
    program language, so that chain-rule lines and formulas can use it as it is."""
    parts = name.split(".")
    short, i = [], 0
    prefixes = {"layers": "L", "neurons": "n", "w": "w"}
    while i < len(parts):
        if parts[i] in prefixes and i + 1 < len(parts) and parts[i + 1].isdigit():
            short.append(f"{prefixes[parts[i]]}{int(parts[i + 1]) + 1}")
            i += 2
        else:
            short.append(parts[i])
            i += 1
    return "_".join(short)


@contextmanager
def labelled(named: list[tuple[str, Value]], root: Value | None = None, order: list[Value] = ()):
    """Name unlabelled parameters, and an unlabelled output ``out``, while a picture is built,
    then leave the caller's Values as they were. Without a name the output would be spelt out
    as its whole expression in every chain-rule line (``∂(t13 - 1)**2/∂L2_n1_w1``)."""
    named = list(named)
    if root is not None and not root.label:
        taken = {node.label for node in order} | {name for name, _ in named}
        name, i = "out", 1
        while name in taken:  # a value the caller named out keeps its name
            i += 1
            name = f"out{i}"
        named.append((name, root))
    changed = [p for name, p in named if name and not p.label]
    for name, p in named:
        if name and not p.label:
            p.label = name
    try:
        yield
    finally:
        for p in changed:
            p.label = ""
