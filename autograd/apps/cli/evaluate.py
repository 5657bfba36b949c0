"""`autograd evaluate MODEL.json DATASET`: a saved model's loss, accuracy and confusion matrix
on a dataset (by name, regenerated as training made it) or on a CSV file of inputs and labels."""

from __future__ import annotations

import argparse
import json

from autograd.apps.cli.options import UsageError
from autograd.apps.cli.predict import load_model, read_table

SPLITS = ("test", "train", "all")

EPILOG = """DATASET is a dataset name (moons, circles, xor, spirals, blobs, digits, mnist) or a CSV file whose
columns are the model's inputs and `label` (a class number; with no header, the label comes last).
A named dataset is made again from the seed and size the model was trained with (recorded by
`autograd train --save`), and split as training split it: --split test (the default) is the part
training never saw; train is the rest (including any --validation part); all is both.

examples:
  autograd train moons --save moons.json
  autograd evaluate moons.json moons
  autograd evaluate moons.json moons --split all --json
  autograd evaluate moons.json labelled.csv
"""


def add(commands) -> None:
    evaluate = commands.add_parser("evaluate", help="a saved model's loss, accuracy and confusion matrix",
                                   epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
                                   description="Evaluate a saved model on a dataset or a labelled CSV file.")
    evaluate.add_argument("model", metavar="MODEL.json", help="a model saved by 'autograd train --save'")
    evaluate.add_argument("dataset", metavar="DATASET", help="a dataset name or a CSV file with a label column")
    evaluate.add_argument("--split", choices=SPLITS, default=None,
                          help="which part of a named dataset (default: test when the model records its "
                               "training, else all)")
    evaluate.add_argument("--loss", metavar="LOSS", default=None,
                          help="the loss to report (default: the one the model was trained with)")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.set_defaults(run=run)


def _named_dataset(model, name: str, split: str | None):
    from autograd.ml.settings import held_out, load_data, settings_for

    record = model.training if model.training and model.training.get("dataset") == name else None
    split = split or ("test" if record else "all")
    if split != "all" and record is None:
        raise UsageError(f"the model does not record training on {name}, so it has no {split} split: "
                         "use --split all")
    keep = {key: record[key] for key in ("seed", "n") if record and key in record}
    settings = settings_for(name, **keep)
    X, y = load_data(settings)
    if split == "all":
        return X, y, split
    Xtr, Xte, ytr, yte = held_out(settings, X, y, record.get("test_fraction", 0.25))
    return (Xte, yte, split) if split == "test" else (Xtr, ytr, split)


def _csv_dataset(model, path: str):
    rows, extra = read_table(path, model.inputs, ("label",))
    if "label" not in extra:
        raise UsageError(f"{path}: no label column (name it 'label', or put it last without a header)")
    labels = extra["label"]
    if not all(v == int(v) and v >= 0 for v in labels):
        raise UsageError(f"{path}: the labels must be class numbers 0, 1, 2, ...")
    return rows, [int(v) for v in labels], "all"


def run(args: argparse.Namespace) -> int:
    model = load_model(args.model)
    from autograd.ml.data import DATASETS
    from autograd.ml.train import LOSSES, evaluate

    if args.dataset in DATASETS:
        X, y, split = _named_dataset(model, args.dataset, args.split)
    elif args.dataset.lower().endswith(".csv"):
        X, y, split = _csv_dataset(model, args.dataset)
    else:
        raise UsageError(f"DATASET {args.dataset!r} is neither a dataset ({', '.join(DATASETS)}) nor a .csv file")
    loss = args.loss or model.loss or ("softmax" if model.nouts[-1] > 1 else "hinge")
    if loss not in LOSSES:
        raise UsageError(f"unknown loss {loss!r}: choose one of {', '.join(LOSSES)}")
    _check_fits(model, X, y, loss)
    result = evaluate(model, X, y, loss)
    classes = list(range(max(max(int(v) for v in y) + 1, model.nouts[-1] if loss == "softmax" else 2)))
    confusion = [[0] * len(classes) for _ in classes]
    for true, guess in zip(y, result["labels"]):
        confusion[int(true)][guess] += 1
    report = {"model": args.model, "dataset": args.dataset, "split": split, "samples": len(y), "loss_name": loss,
              "loss": result["loss"], "accuracy": result["accuracy"], "classes": classes, "confusion": confusion}
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _print_report(report)
    return 0


def _check_fits(model, X, y, loss: str) -> None:
    width = len(X[0]) if len(X) else 0
    if width != model.nin:
        raise UsageError(f"the model reads {model.nin} inputs, the dataset has {width} features")
    top = max(int(v) for v in y)
    if loss == "softmax" and top >= model.nouts[-1]:
        raise UsageError(f"the dataset has class {top}, the model scores {model.nouts[-1]} classes")
    if loss != "softmax" and (top > 1 or model.nouts[-1] != 1):
        raise UsageError(f"the {loss} loss reads one score for two classes; the model has {model.nouts[-1]} "
                         f"output(s) and the dataset {top + 1} classes")


def _print_report(report: dict) -> None:
    from autograd.ml.train import loss_text

    print(f"{report['dataset']} ({report['split']}, {report['samples']} samples): "
          f"loss {loss_text(report['loss'])} ({report['loss_name']}), accuracy {report['accuracy']:.3f}")
    print("confusion matrix (rows: true class, columns: predicted class)")
    width = max(5, *(len(str(n)) + 1 for row in report["confusion"] for n in row))
    print(" " * 6 + "".join(f"{c:>{width}}" for c in report["classes"]))
    for c, row in zip(report["classes"], report["confusion"]):
        print(f"{c:>6}" + "".join(f"{n:>{width}}" for n in row))
