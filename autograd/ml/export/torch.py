"""An `MLP` as a PyTorch ``nn.Sequential`` of ``nn.Linear`` and activations, in float64, and back.

Export: ``state_dict_bytes(model)`` (what ``torch.save(net.state_dict(), f)`` writes, to load
with ``net.load_state_dict(torch.load(f))``) and ``script(model)`` (a short Python file that
builds the network with the weights written out, exact: ``repr`` of a float reads back as the
same float). Import: ``from_file(path)`` reads a state dict or a whole saved ``nn.Sequential``
with ``torch.load(weights_only=True)``, which unpickles tensors and containers only (a whole
module: only the layer classes named in `MODULES` are allowed besides), never arbitrary code.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

from autograd.ml.export import layers, require
from autograd.ml.nn import ACTIVATIONS, MAX_MODEL_BYTES, MLP

__all__ = ["sequential", "state_dict_bytes", "script", "from_module", "from_state_dict", "from_file", "MODULES"]

# Our activation → the torch.nn class computing it (linear: no module between two Linear layers).
MODULES = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid"}


def _torch():
    return require("torch", "torch")


def sequential(model: MLP):
    """An ``nn.Sequential`` (float64) computing what ``model`` computes, with its weights."""
    torch = _torch()
    modules = []
    for W, b, activation in layers(model):
        linear = torch.nn.Linear(len(W[0]), len(W), dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(W, dtype=torch.float64))
            linear.bias.copy_(torch.tensor(b, dtype=torch.float64))
        modules.append(linear)
        if activation in MODULES:
            modules.append(getattr(torch.nn, MODULES[activation])())
    return torch.nn.Sequential(*modules)


def state_dict_bytes(model: MLP) -> bytes:
    """The bytes of ``torch.save(sequential(model).state_dict())``."""
    buffer = io.BytesIO()
    _torch().save(sequential(model).state_dict(), buffer)
    return buffer.getvalue()


def script(model: MLP) -> str:
    """A Python file that builds the network as ``model`` (an ``nn.Sequential``) with the weights."""
    lines = [f'"""{model!r}, exported by autograd: the same network as a PyTorch nn.Sequential (float64).',
             "", f"Inputs, in order: {', '.join(model.inputs)}." + (f" Trained with the {model.loss} loss." if model.loss
                                                                   else ""),
             '"""', "", "import torch", "from torch import nn", "", "model = nn.Sequential("]
    for W, _, activation in layers(model):
        lines.append(f"    nn.Linear({len(W[0])}, {len(W)}),")
        if activation in MODULES:
            lines.append(f"    nn.{MODULES[activation]}(),")
    lines += [").double()", "", "WEIGHTS = {"]
    for name, value in _named_weights(model):
        if name.endswith(".weight"):  # one row per neuron
            lines += [f"    {name!r}: [", *(f"        {row!r}," for row in value), "    ],"]
        else:
            lines.append(f"    {name!r}: {value!r},")
    lines += ["}", "model.load_state_dict({name: torch.tensor(value, dtype=torch.float64) "
              "for name, value in WEIGHTS.items()})", "",
              'if __name__ == "__main__":',
              f"    print(model(torch.zeros(1, {model.nin}, dtype=torch.float64)))", ""]
    return "\n".join(lines)


def _named_weights(model: MLP):
    """(state-dict name, value) in the order of ``sequential(model).state_dict()``."""
    index = 0
    for W, b, activation in layers(model):
        yield f"{index}.weight", W
        yield f"{index}.bias", b
        index += 2 if activation in MODULES else 1


def from_module(net) -> MLP:
    """The `MLP` an ``nn.Sequential`` of Linear layers and one kind of activation between them computes."""
    torch = _torch()
    if not isinstance(net, torch.nn.Sequential):
        raise ValueError(f"expected an nn.Sequential, got {type(net).__name__}")
    names = {cls: name for name, cls in MODULES.items()}
    pattern, linears = [], []
    for i, module in enumerate(net):
        if isinstance(module, torch.nn.Linear):
            pattern.append("L")
            linears.append((module.weight, module.bias))
        elif type(module).__name__ in names:
            pattern.append(names[type(module).__name__])
        else:
            raise ValueError(f"layer {i} is {type(module).__name__}: autograd reads nn.Linear and "
                             f"{', '.join('nn.' + m for m in MODULES.values())}")
    activations = set(pattern) - {"L"}
    if pattern[-1:] != ["L"] or len(activations) > 1 or "L" not in pattern or \
            any(a == b != "L" for a, b in zip(pattern, pattern[1:])) or pattern[0] != "L":
        raise ValueError(f"the layers are {' '.join(pattern)}: autograd reads Linear layers with one kind of "
                         "activation between them and none after the last (its MLP's output is linear)")
    if activations and pattern.count("L") - 1 != len(pattern) - pattern.count("L"):
        raise ValueError("every pair of Linear layers needs the same activation between them")
    return _build(linears, activations.pop() if activations else "linear")


def from_state_dict(state, activation: str | None) -> MLP:
    """The `MLP` a state dict of an ``nn.Sequential`` describes (keys ``I.weight``, ``I.bias``).

    A state dict names only the Linear layers: ``activation`` says what is between them (not
    needed when the layers are adjacent, I and I + 1, which means nothing is between them)."""
    torch = _torch()
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise ValueError("expected a state dict: a mapping of names such as '0.weight' to tensors")
    found: dict[int, dict[str, object]] = {}
    for key, tensor in state.items():
        match = re.fullmatch(r"(\d+)\.(weight|bias)", str(key))
        if not match:
            raise ValueError(f"the state dict has {key!r}: autograd reads an nn.Sequential's "
                             "'I.weight' and 'I.bias' of its Linear layers")
        found.setdefault(int(match[1]), {})[match[2]] = tensor
    indices = sorted(found)
    if any("weight" not in found[i] for i in indices):
        raise ValueError("the state dict has a bias without its weight")
    gaps = {b - a for a, b in zip(indices, indices[1:])}
    if gaps - {1, 2} or len(gaps) > 1:
        raise ValueError(f"the Linear layers are at {indices}: autograd reads an activation module (or none) "
                         "between each pair, the same everywhere")
    if gaps == {2} and activation in (None, "linear"):
        raise ValueError("a state dict does not record the activation between its Linear layers: "
                         f"give --activation ({', '.join(MODULES)})")
    if gaps == {1} and activation not in (None, "linear"):
        raise ValueError(f"the Linear layers are adjacent ({indices}): there is no activation between them")
    return _build([(found[i]["weight"], found[i].get("bias")) for i in indices],
                  activation if gaps == {2} else "linear")


def _build(linears: list, activation: str) -> MLP:
    """An MLP with these (weight, bias) tensors; a missing bias (bias=False) is zero."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}: choose one of {', '.join(ACTIVATIONS)}")
    for i, (w, b) in enumerate(linears):
        if w.dim() != 2 or 0 in w.shape or (b is not None and b.dim() != 1):
            raise ValueError(f"Linear layer {i}: the weight must be a matrix and the bias a vector, "
                             f"got shapes {list(w.shape)} and {None if b is None else list(b.shape)}")
    weights = [w.detach().double().tolist() for w, _ in linears]
    for i, w in enumerate(weights):
        if i and len(w[0]) != len(weights[i - 1]):
            raise ValueError(f"Linear layer {i} reads {len(w[0])} inputs, layer {i - 1} gives {len(weights[i - 1])}")
    model = MLP(len(weights[0][0]), [len(w) for w in weights], activation=activation)
    state = {}
    for i, ((_, bias), W) in enumerate(zip(linears, weights)):
        b = [0.0] * len(W) if bias is None else bias.detach().double().tolist()
        if len(b) != len(W):
            raise ValueError(f"Linear layer {i}: {len(b)} biases for {len(W)} outputs")
        for j, (row, bj) in enumerate(zip(W, b)):
            state.update({f"layers.{i}.neurons.{j}.w.{k}": w for k, w in enumerate(row)})
            state[f"layers.{i}.neurons.{j}.b"] = bj
    model.load_state_dict(state)
    return model


def from_file(path: str | os.PathLike, activation: str | None = None) -> MLP:
    """The `MLP` in a ``.pt`` file: a state dict (see `from_state_dict`) or a whole ``nn.Sequential``.

    Raises ValueError naming the file for anything else, including a file over `MAX_MODEL_BYTES`
    and any object outside tensors, containers and the allowed layer classes."""
    torch = _torch()
    path = Path(path)
    try:
        if path.stat().st_size > MAX_MODEL_BYTES:
            raise ValueError(f"{path}: larger than {MAX_MODEL_BYTES // 2**20} MiB, the most a model file may be")
        if not zipfile.is_zipfile(path):  # torch.save has written zip archives since PyTorch 1.6
            raise ValueError(f"{path}: not a file written by torch.save (not a zip archive)")
        allowed = [torch.nn.Sequential, torch.nn.Linear, *(getattr(torch.nn, m) for m in MODULES.values())]
        with torch.serialization.safe_globals(allowed):
            loaded = torch.load(path, weights_only=True, map_location="cpu")
    except OSError as error:
        raise ValueError(f"{path}: cannot read the model file: {error.strerror or error}") from None
    except ValueError:
        raise
    except Exception as error:  # torch's own: a disallowed global, a damaged archive or pickle
        unsafe = re.search(r"Unsupported global: GLOBAL ([\w.]+)", str(error))
        if unsafe:
            raise ValueError(f"{path}: it holds a {unsafe[1]}, which autograd does not unpickle (it reads tensors, "
                             f"nn.Sequential, nn.Linear and {', '.join('nn.' + m for m in MODULES.values())})") from None
        raise ValueError(f"{path}: not a PyTorch file autograd reads ({type(error).__name__})") from None
    try:
        if isinstance(loaded, torch.nn.Module):
            if activation is not None:
                raise ValueError("--activation is for a state dict; a whole module names its own")
            return from_module(loaded)
        return from_state_dict(loaded, activation)
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None
