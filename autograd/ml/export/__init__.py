"""A trained `MLP` handed to the tools a learner uses next: PyTorch (`autograd.ml.export.torch`:
an ``nn.Sequential`` as a state dict or a readable script, and back) and ONNX
(`autograd.ml.export.onnx`). Both packages are optional extras, imported only here, when used.

Both read the network as `layers(model)`: per layer its weight matrix W (one row per neuron,
so the layer computes act(W·x + b), as ``nn.Linear`` stores it), its bias b and its activation.
"""

from __future__ import annotations

from importlib import import_module

from autograd.ml.data import MissingDependency
from autograd.ml.nn import MLP

__all__ = ["layers", "require", "EXTRAS"]

# The optional package behind each target, and the extra that installs it.
EXTRAS = {"torch": ("torch", "PyTorch"), "onnx": ("onnx", "ONNX")}


def require(package: str, extra: str):
    """The module ``package``, or MissingDependency naming the extra that installs it."""
    try:
        return import_module(package)
    except ImportError:
        raise MissingDependency(f"this needs the {package} package, which is not installed: "
                                f"pip install 'scalar-autograd[{extra}]'") from None


def layers(model: MLP) -> list[tuple[list[list[float]], list[float], str]]:
    """``[(W, b, activation), ...]`` for each layer of ``model``, W as nout rows of nin weights."""
    return [([[w.data for w in n.w] for n in layer.neurons], [n.b.data for n in layer.neurons],
             layer.neurons[0].activation) for layer in model.layers]
