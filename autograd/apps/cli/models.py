"""`autograd export-model MODEL.json --to torch|onnx FILE` and `autograd import-model FILE.pt
MODEL.json`: a saved model to PyTorch or ONNX, and a PyTorch network to a saved model. PyTorch
and onnx are optional extras (`pip install 'scalar-autograd[torch]'`, `[onnx]`), imported only
when these commands run."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograd.apps.cli.options import Choices, UsageError
from autograd.util.files import plan_outputs, write_outputs

# What each target writes, by the output file's suffix.
TARGETS = {"torch": (".py", ".pt"), "onnx": (".onnx",)}

EXPORT_EPILOG = """targets:
  torch FILE.py    a short Python script: the nn.Sequential (float64) with the weights written out
  torch FILE.pt    the nn.Sequential's state dict: net.load_state_dict(torch.load("FILE.pt"))
  onnx FILE.onnx   an ONNX graph (float64; opset 17): input [N, inputs] -> output [N, outputs]

examples:
  autograd train moons --save moons.json
  autograd export-model moons.json --to torch moons.py
  autograd export-model moons.json --to torch moons.pt
  autograd export-model moons.json --to onnx moons.onnx
"""

IMPORT_EPILOG = """FILE.pt holds an nn.Sequential of nn.Linear layers with one kind of activation between them
(nn.ReLU, nn.Tanh or nn.Sigmoid) and none after the last: either its state dict (then give
--activation when there is an activation between the layers: a state dict does not record it), or the
whole module saved with torch.save(net, ...). The file is read with torch.load(weights_only=True):
tensors and those layer classes only, never arbitrary code.

examples:
  autograd import-model net.pt net.json --activation tanh
  autograd import-model whole_module.pt net.json --loss softmax
  autograd predict net.json --at x0=1 x1=2
"""


def add(commands) -> None:
    export = commands.add_parser("export-model", help="write a saved model as a PyTorch or ONNX network",
                                 description="Write a saved model as the same network in PyTorch or ONNX.",
                                 epilog=EXPORT_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    export.add_argument("model", metavar="MODEL.json", help="a model saved by 'autograd train --save'")
    export.add_argument("--to", nargs=2, required=True, metavar=("TARGET", "FILE"),
                        help="torch FILE.py | torch FILE.pt | onnx FILE.onnx")
    export.set_defaults(run=run_export)
    load = commands.add_parser("import-model", help="read a PyTorch nn.Sequential as a saved model",
                               description="Read a PyTorch nn.Sequential (.pt) and save it as autograd's JSON "
                                           "model, to step through, draw, evaluate and predict with.",
                               epilog=IMPORT_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    load.add_argument("source", metavar="FILE.pt", help="a state dict or a whole nn.Sequential saved by torch.save")
    load.add_argument("output", metavar="MODEL.json", help="where to write the model")
    load.add_argument("--activation", choices=Choices("autograd.ml.export.torch", "MODULES"), metavar="ACTIVATION",
                      help="between the Linear layers of a state dict: one of %(choices)s")
    load.add_argument("--loss", choices=Choices("autograd.ml.nn", "LOSS_NAMES"), metavar="LOSS",
                      help="how the outputs read (one of %(choices)s; recorded for evaluate)")
    load.set_defaults(run=run_import)


def run_export(args: argparse.Namespace) -> int:
    target, path = args.to
    if target not in TARGETS:
        raise UsageError(f"--to {target!r}: choose torch or onnx")
    suffix = Path(path).suffix.lower()
    if suffix not in TARGETS[target]:
        raise UsageError(f"--to {target} writes {' or '.join('FILE' + s for s in TARGETS[target])}, not {path!r}")
    out = plan_outputs([(path, "--to")], inputs=[(args.model, "model")])[0]
    from autograd.ml.nn import load

    model = load(args.model)
    if target == "onnx":
        from autograd.ml.export.onnx import onnx_bytes

        data: bytes | str = onnx_bytes(model)
    else:
        from autograd.ml.export import torch as to_torch

        data = to_torch.script(model) if suffix == ".py" else to_torch.state_dict_bytes(model)
    write_outputs({out: data})
    print(f"wrote {out}", file=sys.stderr)
    return 0


def run_import(args: argparse.Namespace) -> int:
    out = plan_outputs([(args.output, "MODEL.json")], inputs=[(args.source, "PyTorch file")])[0]
    from autograd.ml.export.torch import from_file

    model = from_file(args.source, args.activation)
    model.describe(loss=args.loss)
    model.save(out)
    print(f"wrote {out}: {model!r}", file=sys.stderr)
    return 0
