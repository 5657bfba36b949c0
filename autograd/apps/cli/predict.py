"""`autograd predict MODEL.json [--input CSV | --at x0=… x1=…]`: a saved model's outputs and
predicted classes for new inputs. Also the model and table readers `evaluate` shares."""

from __future__ import annotations

import argparse
import csv
import io
import json

from autograd.apps.cli.options import UsageError, add_at_option, parse_assignments
from autograd.util import reading, validate

MAX_TABLE_BYTES = 16 * 2**20  # a CSV of inputs: far more rows than this engine scores in seconds
MAX_ROWS = 100_000

EPILOG = """The model is a file written by `autograd train --save` (or `autograd import-model`); its
inputs are named in the file (x0, x1, ... unless named otherwise). A CSV has one row per input:
a header naming the model's inputs (in any order), or no header and the inputs in the model's order.

examples:
  autograd predict moons.json --at x0=0.5 x1=-0.25
  autograd predict moons.json --input points.csv --json
"""


def add(commands) -> None:
    predict = commands.add_parser("predict", help="a saved model's predictions for new inputs", epilog=EPILOG,
                                  description="Run a saved model on inputs given with --at or in a CSV file.",
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    predict.add_argument("model", metavar="MODEL.json", help="a model saved by 'autograd train --save'")
    source = predict.add_mutually_exclusive_group(required=True)
    source.add_argument("--input", metavar="CSV", help="a CSV file of inputs, one row per prediction")
    add_at_option(source, "one input, e.g. --at x0=0.5 x1=-0.25")
    predict.add_argument("--json", action="store_true", help="print one JSON object")
    predict.set_defaults(run=run)


def load_model(path: str):
    """The saved model (`autograd.nn.load`); its errors name the file and become `error:` lines."""
    from autograd.ml.nn import load

    return load(path)


def read_table(path: str, columns: list[str], optional: tuple[str, ...] = ()) -> tuple[list[list[float]], dict]:
    """The rows of a CSV as numbers in the order of ``columns``, and the ``optional`` columns
    found ({name: [numbers]}). A header row names the columns; without one, the columns are
    ``columns`` then ``optional``, in that order. Bad content raises UsageError naming the line."""
    try:
        text = reading.read_text(path, MAX_TABLE_BYTES, "CSV file", encoding="utf-8-sig")
    except reading.InputError as error:
        raise UsageError(str(error)) from None
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if not rows:
        raise UsageError(f"{path}: the CSV file has no rows")
    header = [cell.strip() for cell in rows[0]]
    if all(_is_number(cell) for cell in header):
        header = [*columns, *optional][:len(rows[0])]
        start = 0
    else:
        start = 1
    missing = [name for name in columns if name not in header]
    unknown = [name for name in header if name not in (*columns, *optional)]
    if missing or unknown or len(set(header)) != len(header):
        raise UsageError(f"{path}: the columns are {', '.join(header) or 'none'}; the model reads "
                         f"{', '.join(columns)}" + (f" (and {', '.join(optional)})" if optional else ""))
    if len(rows) - start > MAX_ROWS:
        raise UsageError(f"{path}: more than {MAX_ROWS:,} rows")
    table = []
    for line, row in enumerate(rows[start:], start + 1):
        if len(row) != len(header):
            raise UsageError(f"{path}: line {line} has {len(row)} values, the header {len(header)}")
        try:
            table.append([validate.read_number(cell, f"{path}: line {line}, {name}") for name, cell in zip(header, row)])
        except ValueError as error:
            raise UsageError(str(error)) from None
    if not table:
        raise UsageError(f"{path}: the CSV file has a header but no rows")
    index = {name: i for i, name in enumerate(header)}
    inputs = [[row[index[name]] for name in columns] for row in table]
    return inputs, {name: [row[index[name]] for row in table] for name in optional if name in index}


def _is_number(cell: str) -> bool:
    try:
        validate.read_number(cell)
    except ValueError:
        return False
    return True


def inputs_from_at(model, groups: list[list[str]]) -> list[list[float]]:
    values = parse_assignments(groups)
    missing = [name for name in model.inputs if name not in values]
    unknown = [name for name in values if name not in model.inputs]
    if missing or unknown:
        raise UsageError(f"--at names {', '.join(values)}; the model's inputs are {', '.join(model.inputs)}"
                         + (f" (missing {', '.join(missing)})" if missing else ""))
    return [[values[name] for name in model.inputs]]


def run(args: argparse.Namespace) -> int:
    model = load_model(args.model)
    if args.input is not None:
        rows, _ = read_table(args.input, model.inputs)
    else:
        rows = inputs_from_at(model, args.at)
    from autograd.ml.train import label, scores

    outputs = scores(model, rows)
    predictions = [{"input": dict(zip(model.inputs, row)), "outputs": out, "class": label(out)}
                   for row, out in zip(rows, outputs)]
    if args.json:
        print(json.dumps({"model": args.model, "inputs": model.inputs, "loss": model.loss,
                          "predictions": predictions}, indent=2))
        return 0
    for p in predictions:
        shown = " ".join(f"{name}={value:g}" for name, value in p["input"].items())
        print(f"{shown}  ->  class {p['class']}  (outputs {', '.join(f'{o:.6g}' for o in p['outputs'])})")
    return 0
