"""Neural networks built only on `Value`: Module, Neuron, Layer, MLP.

A neuron computes act(w·x + b) with the fused one-node `linear`, so a layer of n neurons
with k inputs adds n `linear` nodes (plus n activations) to the graph, not 2·n·k nodes.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Union

from autograd.core import Value, linear, neuron_sum
from autograd.lang import is_name  # an input name is one the program language and --at accept
from autograd.util import files, reading, validate

__all__ = ["Module", "Neuron", "Layer", "MLP", "ACTIVATIONS", "INITS", "load"]

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
INITS = ("uniform", "xavier", "he")
# The losses a model can be trained with (autograd.ml.train.LOSSES reads this one list).
LOSS_NAMES = ("hinge", "bce", "softmax", "mse")
Seed = Union[int, random.Random, None]

MODEL_FORMAT = "autograd-model"
# Version 2 adds what a model needs to be used on its own: its input names, the loss it was
# trained with (which says how to read its outputs) and its training settings. Version 1 files
# (architecture and parameters only) still load, with inputs named x0, x1, ... and no loss.
MODEL_VERSION = 2
READABLE_VERSIONS = (1, 2)
# A saved model is about 25 bytes per parameter: 64 MiB holds over two million parameters,
# far beyond what this scalar engine trains, and bounds what `load` reads into memory.
MAX_MODEL_BYTES = 64 * 2**20


def _read_model_file(path: str | Path) -> dict:
    """The JSON object of a saved model, checked for size, format and version (ValueError otherwise)."""
    try:
        data = json.loads(reading.read_text(path, MAX_MODEL_BYTES, "saved model"))
    except reading.InputError as error:  # unreadable, too large, not UTF-8
        raise ValueError(f"load: {error}") from None
    except RecursionError:
        raise ValueError(f"load: {path} is not a saved model (JSON nested too deeply)") from None
    except ValueError as error:  # bad JSON, an integer of more than 4300 digits
        raise ValueError(f"load: {path} is not a saved model (bad JSON: {error})") from None
    if not isinstance(data, dict) or data.get("format") != MODEL_FORMAT:
        raise ValueError(f"load: {path} is not a saved autograd model")
    version = data.get("version")
    if version not in READABLE_VERSIONS or isinstance(version, bool):
        raise ValueError(f"load: {path} is format version {validate.shown(version)}; "
                         f"this autograd reads versions {' and '.join(map(str, READABLE_VERSIONS))}")
    return data


def load(path: str | Path) -> "MLP":
    """The model a file written by `Module.save` describes, built from the file alone: its
    architecture (inputs, layer sizes, activation), parameters, input names, loss and training
    settings. Raises ValueError naming the file for anything it cannot read (see `Module.load`)."""
    data = _read_model_file(path)
    shape = data.get("architecture")
    if not isinstance(shape, dict) or shape.get("class") != "MLP":
        raise ValueError(f"load: {path} does not describe an MLP (architecture {validate.shown(shape)})")
    try:
        model = MLP(shape.get("nin"), shape.get("nouts"), activation=shape.get("activation", "relu"))
        model.load_state_dict(data.get("parameters"))
        model.describe(inputs=data.get("inputs"), loss=data.get("loss"), training=data.get("training"))
    except (TypeError, ValueError) as error:
        raise ValueError(f"load: {path}: {error}") from None
    return model


def _size(value: object, what: str) -> int:
    """A count of inputs or neurons: a whole number (TypeError: ``True`` is not one) of at least 1."""
    count = validate.whole_argument(value, what)
    return validate.in_range(count, f"{what} = {count}", 1)


def _rng(seed: Seed) -> random.Random:
    return seed if isinstance(seed, random.Random) else random.Random(seed)


def initial_weight(rng: random.Random, init: str, nin: int, nout: int) -> float:
    """One initial weight.

    uniform: U(-1, 1) (as micrograd);  xavier (Glorot): U(-a, a), a = √(6 / (nin + nout));
    he: N(0, 2 / nin), suited to ReLU.
    """
    if init == "uniform":
        return rng.uniform(-1, 1)
    if init == "xavier":
        bound = math.sqrt(6.0 / (nin + nout))
        return rng.uniform(-bound, bound)
    if init == "he":
        return rng.gauss(0.0, math.sqrt(2.0 / nin))
    raise ValueError(f"unknown init {init!r}: choose one of {', '.join(INITS)}")


class Module:
    """Anything with parameters: lists them, names them, zeroes their gradients, saves them."""

    def parameters(self) -> list[Value]:
        return [p for _, p in self.named_parameters()]

    def named_parameters(self) -> list[tuple[str, Value]]:
        raise NotImplementedError

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0.0

    def state_dict(self) -> dict[str, float]:
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: dict) -> None:
        """Load every parameter, or raise ValueError and change nothing."""
        named = self.named_parameters()
        expected = {name for name, _ in named}
        if not isinstance(state, dict):
            raise ValueError(f"load_state_dict: expected a mapping of names to numbers, got {type(state).__name__}")
        missing, extra = expected - state.keys(), state.keys() - expected
        if missing or extra:
            detail = []
            if missing:
                detail.append(f"missing {sorted(missing)[:3]}")
            if extra:
                detail.append(f"unexpected {sorted(extra)[:3]}")
            raise ValueError(f"load_state_dict: the state does not fit this model ({'; '.join(detail)})")
        numbers = {name: validate.finite(value, f"load_state_dict: {name}") for name, value in state.items()}
        for name, p in named:
            p.data = numbers[name]

    def save(self, path: str | Path) -> None:
        """Write the parameters as JSON (no pickle) through `autograd.util.files`: the path is checked
        first, then written atomically (temporary file, fsync, rename; an existing file's mode is
        kept; a symbolic link is written through to its target)."""
        files.atomic_write(path, json.dumps(self.saved()))

    def saved(self) -> dict:
        """The JSON object `save` writes (and `load` reads): format, version, architecture,
        description and parameters."""
        return {"format": MODEL_FORMAT, "version": MODEL_VERSION, "architecture": self.architecture(),
                **self.description(), "parameters": self.state_dict()}

    def load(self, path: str | Path) -> None:
        """Read parameters saved by `save`, or raise and change nothing.

        Every failure raises ValueError naming the file: a file that cannot be read, one over
        `MAX_MODEL_BYTES` (read through `autograd.util.reading.read_text`, which never holds more),
        and any bad content (not UTF-8 or not JSON, nested too deeply, a number too large for a
        float, another format or version, another architecture).
        """
        data = _read_model_file(path)
        if data.get("architecture") != self.architecture():
            raise ValueError(f"load: {path} holds a model of shape {data.get('architecture')}, "
                             f"this one is {self.architecture()}")
        try:
            self.load_state_dict(data.get("parameters"))
        except ValueError as error:
            raise ValueError(f"load: {path}: {error}") from None

    def architecture(self) -> dict:
        return {"class": type(self).__name__}

    def description(self) -> dict:
        """What a saved file records beside the architecture and parameters (see `MLP.describe`)."""
        return {}


class Neuron(Module):
    """act(w·x + b) with ``nin`` weights and a bias."""

    def __init__(self, nin: int, activation: str = "relu", init: str = "uniform", seed: Seed = None,
                 nout_hint: int = 1) -> None:
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}: choose one of {', '.join(ACTIVATIONS)}")
        nin = _size(nin, "Neuron: nin")
        rng = _rng(seed)
        self.w = [Value(initial_weight(rng, init, nin, nout_hint)) for _ in range(nin)]
        self.b = Value(0.0)
        self.activation = activation

    def __call__(self, xs: Sequence) -> Value:
        if len(xs) != len(self.w):
            raise ValueError(f"Neuron: expected {len(self.w)} inputs, got {len(xs)}")
        return self.activate(linear(self.w, xs, self.b))

    def activate(self, out: Value) -> Value:
        if self.activation == "relu":
            return out.relu()
        if self.activation == "tanh":
            return out.tanh()
        if self.activation == "sigmoid":
            return out.sigmoid()
        return out

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [(f"w.{i}", w) for i, w in enumerate(self.w)] + [("b", self.b)]

    def __repr__(self) -> str:
        return f"Neuron({len(self.w)}, activation={self.activation!r})"


class Layer(Module):
    """``nout`` neurons reading the same ``nin`` inputs; calling it always returns a list."""

    def __init__(self, nin: int, nout: int, activation: str = "relu", init: str = "uniform", seed: Seed = None) -> None:
        nout = _size(nout, "Layer: nout")
        rng = _rng(seed)
        self.neurons = [Neuron(nin, activation, init, rng, nout) for _ in range(nout)]

    def __call__(self, xs: Sequence) -> list[Value]:
        # The hot path of training: check the inputs once for the whole layer, not per neuron.
        xs = list(xs)
        kinds = set(map(type, xs))
        if (kinds == {float} or kinds == {Value}) and len(xs) == len(self.neurons[0].w):
            values = kinds == {Value}
            return [n.activate(neuron_sum(n.w, xs, n.b, values)) for n in self.neurons]
        return [n(xs) for n in self.neurons]

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [(f"neurons.{i}.{name}", p) for i, n in enumerate(self.neurons) for name, p in n.named_parameters()]

    def __repr__(self) -> str:
        return f"Layer([{', '.join(map(repr, self.neurons))}])"


class MLP(Module):
    """A multi-layer perceptron: ``MLP(nin, [16, 16, 1])``.

    Hidden layers use ``activation`` (ReLU by default) and the last layer is linear, as in
    micrograd. ``model(xs)`` returns a Value when the last layer has one neuron, else a list.
    """

    def __init__(self, nin: int, nouts: Sequence[int], activation: str = "relu", init: str = "uniform",
                 seed: Seed = None) -> None:
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Sequence):
            raise TypeError(f"MLP: nouts must be a list of layer sizes such as [16, 1], got {validate.shown(nouts)}")
        if not nouts:
            raise ValueError("MLP: nouts needs at least one layer size")
        nin = _size(nin, "MLP: nin")
        nouts = [_size(n, f"MLP: nouts[{i}]") for i, n in enumerate(nouts)]
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}: choose one of {', '.join(ACTIVATIONS)}")
        rng = _rng(seed)
        sizes = [nin, *nouts]
        self.nin, self.nouts, self.activation, self.init = nin, list(nouts), activation, init
        self.describe()
        self.layers = [
            Layer(sizes[i], sizes[i + 1], activation if i < len(nouts) - 1 else "linear", init, rng)
            for i in range(len(nouts))
        ]

    def __call__(self, xs: Sequence) -> Value | list[Value]:
        for layer in self.layers:
            xs = layer(xs)
        return xs[0] if len(xs) == 1 else xs

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [(f"layers.{i}.{name}", p) for i, layer in enumerate(self.layers) for name, p in layer.named_parameters()]

    def architecture(self) -> dict:
        return {"class": "MLP", "nin": self.nin, "nouts": self.nouts, "activation": self.activation}

    def describe(self, inputs: Sequence[str] | None = None, loss: str | None = None,
                 training: dict | None = None) -> "MLP":
        """Name the inputs (default x0, x1, ...), and record the loss the model is trained with
        (how its outputs read: a class per output for softmax, else the sign of one score) and
        the training settings; all three are saved with the model. Returns the model."""
        inputs = [f"x{i}" for i in range(self.nin)] if inputs is None else inputs
        if isinstance(inputs, (str, bytes)) or not isinstance(inputs, Sequence) or len(inputs) != self.nin \
                or not all(isinstance(n, str) and is_name(n) for n in inputs) or len(set(inputs)) != len(inputs):
            raise ValueError(f"inputs must be {self.nin} different names such as x0, got {validate.shown(inputs)}")
        if loss is not None and loss not in LOSS_NAMES:
            raise ValueError(f"unknown loss {validate.shown(loss)}: choose one of {', '.join(LOSS_NAMES)}")
        if training is not None and not isinstance(training, dict):
            raise ValueError(f"training must be a mapping of settings, got {validate.shown(training)}")
        self.inputs, self.loss, self.training = list(inputs), loss, training
        return self

    def description(self) -> dict:
        found = {"inputs": self.inputs, "loss": self.loss, "training": self.training}
        return {key: value for key, value in found.items() if value is not None}

    def __repr__(self) -> str:
        return f"MLP({self.nin}, {self.nouts}, activation={self.activation!r})"
