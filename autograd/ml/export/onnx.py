"""An `MLP` as an ONNX graph (float64), built with the ``onnx`` package.

The graph reads ``input`` of shape [N, nin] and writes ``output`` of shape [N, nout]: per layer
one ``Gemm`` (Y = X·Wᵀ + b, ``transB=1``, W stored as nn.Linear stores it, one row per neuron)
then ``Relu``, ``Tanh`` or ``Sigmoid`` (none for a linear layer). Opset `OPSET`, IR version
`IR_VERSION` (every op used is unchanged since opset 13; IR 8 is read by onnxruntime 1.10 on).
"""

from __future__ import annotations

from autograd.ml.export import layers, require
from autograd.ml.nn import MLP

__all__ = ["OPSET", "IR_VERSION", "model_proto", "onnx_bytes"]

OPSET = 17
IR_VERSION = 8
NODES = {"relu": "Relu", "tanh": "Tanh", "sigmoid": "Sigmoid"}


def model_proto(model: MLP):
    """The ONNX ModelProto computing what ``model`` computes, checked by ``onnx.checker``."""
    onnx = require("onnx", "onnx")
    from onnx import TensorProto, helper

    nodes, weights, current = [], [], "input"
    for i, (W, b, activation) in enumerate(layers(model)):
        weights += [helper.make_tensor(f"W{i}", TensorProto.DOUBLE, [len(W), len(W[0])], [w for row in W for w in row]),
                    helper.make_tensor(f"b{i}", TensorProto.DOUBLE, [len(b)], b)]
        last = i == len(model.layers) - 1
        linear = "output" if last and activation not in NODES else f"z{i}"
        nodes.append(helper.make_node("Gemm", [current, f"W{i}", f"b{i}"], [linear], name=f"linear{i}", transB=1))
        current = linear
        if activation in NODES:
            current = "output" if last else f"h{i}"
            nodes.append(helper.make_node(NODES[activation], [linear], [current], name=f"{activation}{i}"))
    graph = helper.make_graph(
        nodes, "autograd_mlp",
        [helper.make_tensor_value_info("input", TensorProto.DOUBLE, ["N", model.nin])],
        [helper.make_tensor_value_info("output", TensorProto.DOUBLE, ["N", model.nouts[-1]])],
        initializer=weights)
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=IR_VERSION,
                              producer_name="autograd",
                              doc_string=f"{model!r}; inputs (columns of input): {', '.join(model.inputs)}; "
                                         f"opset {OPSET}")
    onnx.checker.check_model(proto, full_check=True)
    return proto


def onnx_bytes(model: MLP) -> bytes:
    return model_proto(model).SerializeToString()
