"""`autograd train DATASET`: train an MLP on a small dataset. Every limit and path is checked
before any training; numpy and the training modules are imported only when this command runs
(the dataset, loss, activation and init names are read from their modules then, or for --help)."""

from __future__ import annotations

import argparse
import json
import sys
import time

from autograd.apps.cli.options import Choices, UsageError, bounded, layer_sizes
from autograd.util.files import plan_outputs

# Limits that keep one `autograd train` within seconds and a few hundred MB; --allow-large lifts
# them (not the basic checks), and a dataset's own defaults are always within them (mnist's
# 784-100-10 network on 4,000 images is far past them: it is the largest run we offer).
# Work is counted in parameter·sample·epoch (50 million: 3 to 10 s),
# memory in parameter·sample per step: the plain graph of one batch holds about 50 bytes for each,
# the compiled replay (the default) about 700, so its limit is ten times lower (both ~350 MB).
LIMITS = {"width": 512, "layers": 6, "parameters": 100_000, "epochs": 5_000,
          "work": 50_000_000, "graph": 5_000_000, "compiled graph": 500_000}
BYTES_PER_PARAMETER_SAMPLE = {"graph": 50, "compiled graph": 700}
SETTINGS = ("hidden", "loss", "optimizer", "lr", "schedule", "epochs", "batch_size", "l2", "init", "exact")

EPILOG = f"""limits (raise them with --allow-large): hidden layers at most {LIMITS['layers']}, each at most
{LIMITS['width']} wide and {LIMITS['parameters']:,} parameters in all; --epochs at most {LIMITS['epochs']:,};
parameters × samples × epochs at most {LIMITS['work']:,} (3 to 10 s), parameters × batch size
at most {LIMITS['compiled graph']:,}, or {LIMITS['graph']:,} with --no-compile (about 350 MB
for one step's graph either way). A dataset's default run is always allowed (mnist's is
past the work and graph limits: it needs about 2 GB).

examples:
  autograd train moons
  autograd train digits --json
  autograd train mnist        (needs: pip install 'scalar-autograd[mnist]')
  autograd train spirals --hidden 32,32 --activation tanh --optimizer adam --lr 0.02
  autograd train moons --validation 0.2 --keep-best --save moons.json
"""

DESCRIPTION = ("Train an MLP with gradient descent on a dataset made from a seed. "
               "Defaults are chosen per dataset so that the plain command trains well.")


def describe_defaults() -> str:
    """The description with each dataset's defaults (read from autograd.ml.settings, which loads
    numpy: called only when the help is shown)."""
    from autograd.ml.settings import DEFAULTS

    lines = [DESCRIPTION, "", "defaults per dataset (a flag overrides one):"]
    for name, values in DEFAULTS.items():
        shown = " ".join(_flag(key, value) for key, value in values.items() if key != "n")
        lines.append(f"  {name:8} {shown}" + (f" ({values['n']} samples)" if values.get("n") else ""))
    return "\n".join(lines)


def _flag(key: str, value) -> str:
    if isinstance(value, bool):
        return f"--{'' if value else 'no-'}{key}"
    return f"--{key.replace('_', '-')} " + (",".join(map(str, value)) if isinstance(value, list) else str(value))



def add(commands) -> None:
    """`autograd train`: always present; a missing optional package is reported when it runs."""
    train = commands.add_parser(
        "train", help="train an MLP on a small dataset", epilog=EPILOG,
        description=describe_defaults,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    train.add_argument("dataset", choices=Choices("autograd.ml.data", "DATASETS", sort=True), metavar="DATASET",
                       help="one of: %(choices)s")
    train.add_argument("--hidden", type=layer_sizes, help="hidden layer sizes, e.g. 16,16")
    train.add_argument("--activation", choices=Choices("autograd.ml.nn", "ACTIVATIONS", first=3), default="relu",
                       metavar="ACTIVATION", help="one of: %(choices)s (default %(default)s)")
    train.add_argument("--loss", choices=Choices("autograd.ml.train", "LOSSES", sort=True), metavar="LOSS",
                       help="one of: %(choices)s (default: the dataset's)")
    train.add_argument("--optimizer", choices=("sgd", "adam"))
    train.add_argument("--schedule", choices=Choices("autograd.ml.settings", "SCHEDULES"), metavar="SCHEDULE",
                       help="the learning rate over the run, one of: %(choices)s (linear_decay: from --lr to a "
                            "tenth of it; default: the dataset's, else linear_decay for sgd, constant for adam)")
    train.add_argument("--lr", type=bounded(float, 0.0, 1000.0, low_open=True), help="learning rate, more than 0 and at most 1000")
    train.add_argument("--epochs", type=bounded(int, 1, None), help="passes over the training set")
    train.add_argument("--batch-size", type=bounded(int, 0, 1_000_000), help="samples per step; 0 = the full set")
    train.add_argument("--init", choices=Choices("autograd.ml.nn", "INITS"), metavar="INIT",
                       help="initial weights, one of: %(choices)s (default: the dataset's, else uniform)")
    train.add_argument("--l2", type=bounded(float, 0.0, 1000.0), help="L2 penalty weight, at least 0 and at most 1000")
    train.add_argument("--seed", type=bounded(int, 0, 2**32 - 1), default=1337)
    train.add_argument("--validation", type=bounded(float, 0.0, 1.0, high_open=True), default=0.0, metavar="FRACTION",
                       help="hold out this fraction of the training set and report its loss and accuracy per epoch")
    train.add_argument("--keep-best", action="store_true",
                       help="end with the epoch of least validation loss (least training loss without --validation)")
    train.add_argument("--save", metavar="PATH", help="save the trained model as JSON (after a divergence: the last good one)")
    train.add_argument("--no-compile", dest="compile", action="store_false",
                       help="run every step through the graph instead of a compiled replay")
    train.add_argument("--exact", action=argparse.BooleanOptionalAction, default=None,
                       help="replay bit for bit as the plain engine (--no-exact: sums reordered into matrix "
                            "products, within 1e-12 relative, faster; default: the dataset's, else --exact)")
    train.add_argument("--allow-large", action="store_true", help="lift the size limits listed below")
    train.add_argument("--json", action="store_true", help="print one JSON object")
    train.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Train an MLP on a dataset; every limit and path is checked before any training."""
    save = plan_outputs([(args.save, "--save")])
    _require_training_packages()
    from autograd.ml import train
    from autograd.ml.data import train_test_split
    from autograd.ml.settings import (HELD_OUT, TEST_FRACTION, build, fit_options, held_out, layer_sizes, load_data,
                                      settings_for)

    settings = settings_for(args.dataset, **{key: getattr(args, key) for key in (*SETTINGS, "activation", "seed")})
    X, y = load_data(settings)
    Xtr, Xte, ytr, yte = held_out(settings, X, y)
    classes = int(y.max()) + 1
    try:
        sizes = layer_sizes(settings, X.shape[1], classes)
    except ValueError as error:  # more classes than the loss can score
        raise UsageError(f"{error} (--loss softmax)") from None
    check_size(args, sizes, len(Xtr), settings, _default_run(args.dataset, X.shape[1], classes, len(Xtr)))
    validation = None
    if args.validation:
        Xtr, Xva, ytr, yva = train_test_split(Xtr, ytr, args.validation, seed=args.seed)
        validation = (Xva, yva)
    model, optimizer = build(settings, X.shape[1], classes, samples=len(Xtr))
    held_out_fraction = len(Xte) / len(X) if args.dataset in HELD_OUT else TEST_FRACTION  # recorded for evaluate
    model.describe(loss=settings["loss"], training={**settings, "test_fraction": held_out_fraction,
                                                    "validation": args.validation})
    started = time.perf_counter()
    try:
        history = train.fit(model, Xtr, ytr, optimizer=optimizer, progress=False if args.json else None,
                            compile=args.compile, validation=validation, keep_best=args.keep_best,
                            **fit_options(settings))
    except train.Diverged:
        if save:  # the model holds the last good step's parameters
            model.save(save[0])
            print(f"wrote {save[0]} (the last good step)", file=sys.stderr)
        raise
    seconds = time.perf_counter() - started
    # the training accuracy of the parameters kept was measured by fit after their epoch
    kept = history.best_epoch if history.best_epoch is not None else -1
    result = {"dataset": args.dataset, "train_accuracy": history.accuracy[kept],
              "test_accuracy": train.accuracy(model, Xte, yte, compile=args.compile), "seconds": seconds,
              "loss_history": history.loss, "accuracy_history": history.accuracy,
              "settings": settings}
    if validation is not None:
        result.update(val_loss_history=history.val_loss, val_accuracy_history=history.val_accuracy)
    if args.keep_best:
        result["best_epoch"] = history.best_epoch + 1
    if save:
        model.save(save[0])
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        _print_summary(args, result, history, f"MLP({X.shape[1]}, {sizes[1:]})", train.loss_text)
    if save:
        print(f"wrote {save[0]}", file=sys.stderr)
    return 0


def _print_summary(args: argparse.Namespace, result: dict, history, model: str, loss_text) -> None:
    epochs = len(history.loss)
    print(f"{args.dataset}: {model}, {epochs} epochs in {result['seconds']:.1f} s")
    print(f"  final loss      {loss_text(history.loss[-1])}")
    if history.val_loss:
        print(f"  validation loss {loss_text(history.val_loss[-1])} (accuracy {history.val_accuracy[-1]:.3f})")
    if history.best_epoch is not None:
        print(f"  kept epoch      {history.best_epoch + 1} (the best)")
    print(f"  train accuracy  {result['train_accuracy']:.3f}")
    print(f"  test accuracy   {result['test_accuracy']:.3f}")


def _require_training_packages() -> None:
    """numpy and tqdm, both required by training: a missing one is a broken installation."""
    try:
        import numpy  # noqa: F401
        import tqdm  # noqa: F401
    except ImportError as error:
        from autograd.ml.data import MissingDependency

        raise MissingDependency(f"autograd train needs {error.name or 'a package'}, which is not installed: "
                                "pip install scalar-autograd") from None


def _default_run(dataset: str, inputs: int, classes: int, samples: int) -> dict:
    """The size of the dataset's default run, which the limits always allow."""
    from autograd.ml.settings import layer_sizes, settings_for

    defaults = settings_for(dataset)
    sizes = layer_sizes(defaults, inputs, classes)
    parameters = _parameters(sizes)
    return {"work": parameters * samples * defaults["epochs"], "graph": parameters * (defaults["batch_size"] or samples)}


def _parameters(sizes: list[int]) -> int:
    return sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))


def check_size(args: argparse.Namespace, sizes: list[int], samples: int, settings: dict,
               allowed: dict | None = None) -> None:
    """Refuse, before building anything, a network or a run past `LIMITS` (unless --allow-large);
    ``allowed`` (the dataset's default run: its work and one step's graph) raises those limits to it."""
    if args.allow_large:
        return
    allowed = allowed or {}
    limits = {**LIMITS, "work": max(LIMITS["work"], allowed.get("work", 0))}
    for graph in ("graph", "compiled graph"):
        limits[graph] = max(LIMITS[graph], allowed.get("graph", 0))
    hidden = sizes[1:-1]
    parameters = _parameters(sizes)
    batch = settings["batch_size"] or samples
    work = parameters * samples * settings["epochs"]
    problems = []
    if len(hidden) > limits["layers"]:
        problems.append(f"--hidden has {len(hidden)} layers, at most {limits['layers']}")
    if max(hidden, default=0) > limits["width"]:
        problems.append(f"--hidden has a layer of {max(hidden):,}, at most {limits['width']}")
    if parameters > limits["parameters"]:
        problems.append(f"--hidden makes {parameters:,} parameters, at most {limits['parameters']:,}")
    if settings["epochs"] > limits["epochs"]:
        problems.append(f"--epochs {settings['epochs']:,} is more than {limits['epochs']:,}")
    graph = "compiled graph" if args.compile else "graph"
    if parameters * batch > limits[graph]:
        size = BYTES_PER_PARAMETER_SAMPLE[graph] / 1e6
        problems.append(f"one step on {batch:,} samples (--batch-size) × {parameters:,} parameters needs a {graph} of "
                        f"about {parameters * batch * size:,.0f} MB, at most {limits[graph] * size:,.0f} MB"
                        + (", or --no-compile" if args.compile and parameters * batch <= limits["graph"] else ""))
    if not problems and work > limits["work"]:
        problems.append(f"{parameters:,} parameters × {samples:,} samples × {settings['epochs']:,} --epochs is "
                        f"{work:,} steps of work, at most {limits['work']:,}")
    if problems:
        raise UsageError("; ".join(problems) + " (--allow-large lifts the limits)")
