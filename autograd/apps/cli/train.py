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
# them (not the basic checks). Work is counted in parameter·sample·epoch (50 million: 3 to 10 s),
# memory in parameter·sample per step: the plain graph of one batch holds about 50 bytes for each,
# the compiled replay (the default) about 700, so its limit is ten times lower (both ~350 MB).
LIMITS = {"width": 512, "layers": 6, "parameters": 100_000, "epochs": 5_000,
          "work": 50_000_000, "graph": 5_000_000, "compiled graph": 500_000}
BYTES_PER_PARAMETER_SAMPLE = {"graph": 50, "compiled graph": 700}
SETTINGS = ("hidden", "loss", "optimizer", "lr", "epochs", "batch_size", "l2")

EPILOG = f"""limits (raise them with --allow-large): hidden layers at most {LIMITS['layers']}, each at most
{LIMITS['width']} wide and {LIMITS['parameters']:,} parameters in all; --epochs at most {LIMITS['epochs']:,};
parameters × samples × epochs at most {LIMITS['work']:,} (3 to 10 s), parameters × batch size
at most {LIMITS['compiled graph']:,}, or {LIMITS['graph']:,} with --no-compile (about 350 MB
for one step's graph either way).

examples:
  autograd train moons
  autograd train digits --json
  autograd train spirals --hidden 32,32 --activation tanh --optimizer adam --lr 0.02
"""


def add(commands) -> None:
    """`autograd train`: always present; a missing optional package is reported when it runs."""
    train = commands.add_parser(
        "train", help="train an MLP on a small dataset", epilog=EPILOG,
        description="Train an MLP with gradient descent on a dataset made from a seed. "
                    "Defaults are chosen per dataset so that the plain command trains well.",
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
    train.add_argument("--lr", type=bounded(float, 0.0, 1000.0, low_open=True), help="learning rate, more than 0 and at most 1000")
    train.add_argument("--epochs", type=bounded(int, 1, None), help="passes over the training set")
    train.add_argument("--batch-size", type=bounded(int, 0, 1_000_000), help="samples per step; 0 = the full set")
    train.add_argument("--init", choices=Choices("autograd.ml.nn", "INITS"), default="uniform", metavar="INIT",
                       help="one of: %(choices)s (default %(default)s)")
    train.add_argument("--l2", type=bounded(float, 0.0, 1000.0), help="L2 penalty weight, at least 0 and at most 1000")
    train.add_argument("--seed", type=bounded(int, 0, 2**32 - 1), default=1337)
    train.add_argument("--save", metavar="PATH", help="save the trained model as JSON")
    train.add_argument("--no-compile", dest="compile", action="store_false",
                       help="run every step through the graph instead of a compiled replay")
    train.add_argument("--allow-large", action="store_true", help="lift the size limits listed below")
    train.add_argument("--json", action="store_true", help="print one JSON object")
    train.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Train an MLP on a dataset; every limit and path is checked before any training."""
    save = plan_outputs([(args.save, "--save")])
    _require_training_packages()
    from autograd.ml import train
    from autograd.ml.data import train_test_split
    from autograd.ml.settings import build, fit_options, layer_sizes, load_data, settings_for

    settings = settings_for(args.dataset, **{key: getattr(args, key) for key in (*SETTINGS, "activation", "init", "seed")})
    X, y = load_data(settings)
    Xtr, Xte, ytr, yte = train_test_split(X, y, 0.25, seed=args.seed)
    classes = int(y.max()) + 1
    try:
        sizes = layer_sizes(settings, X.shape[1], classes)
    except ValueError as error:  # more classes than the loss can score
        raise UsageError(f"{error} (--loss softmax)") from None
    check_size(args, sizes, len(Xtr), settings)
    model, optimizer = build(settings, X.shape[1], classes, samples=len(Xtr))
    started = time.perf_counter()
    history = train.fit(model, Xtr, ytr, optimizer=optimizer, progress=False if args.json else None,
                        compile=args.compile, **fit_options(settings))
    seconds = time.perf_counter() - started
    result = {"dataset": args.dataset, "train_accuracy": train.accuracy(model, Xtr, ytr),
              "test_accuracy": train.accuracy(model, Xte, yte), "seconds": seconds,
              "loss_history": history.loss, "accuracy_history": history.accuracy,
              "settings": settings}
    if save:
        model.save(save[0])
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{args.dataset}: MLP({X.shape[1]}, {sizes[1:]}), {settings['epochs']} epochs in {seconds:.1f} s")
        print(f"  final loss      {history.loss[-1]:.4f}")
        print(f"  train accuracy  {result['train_accuracy']:.3f}")
        print(f"  test accuracy   {result['test_accuracy']:.3f}")
    if save:
        print(f"wrote {save[0]}", file=sys.stderr)
    return 0


def _require_training_packages() -> None:
    """numpy and tqdm, both required by training: a missing one is a broken installation."""
    try:
        import numpy  # noqa: F401
        import tqdm  # noqa: F401
    except ImportError as error:
        from autograd.ml.data import MissingDependency

        raise MissingDependency(f"autograd train needs {error.name or 'a package'}, which is not installed: "
                                "pip install scalar-autograd") from None


def check_size(args: argparse.Namespace, sizes: list[int], samples: int, settings: dict) -> None:
    """Refuse, before building anything, a network or a run past `LIMITS` (unless --allow-large)."""
    if args.allow_large:
        return
    hidden = sizes[1:-1]
    parameters = sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))
    batch = settings["batch_size"] or samples
    work = parameters * samples * settings["epochs"]
    problems = []
    if len(hidden) > LIMITS["layers"]:
        problems.append(f"--hidden has {len(hidden)} layers, at most {LIMITS['layers']}")
    if max(hidden, default=0) > LIMITS["width"]:
        problems.append(f"--hidden has a layer of {max(hidden):,}, at most {LIMITS['width']}")
    if parameters > LIMITS["parameters"]:
        problems.append(f"--hidden makes {parameters:,} parameters, at most {LIMITS['parameters']:,}")
    if settings["epochs"] > LIMITS["epochs"]:
        problems.append(f"--epochs {settings['epochs']:,} is more than {LIMITS['epochs']:,}")
    graph = "compiled graph" if args.compile else "graph"
    if parameters * batch > LIMITS[graph]:
        size = BYTES_PER_PARAMETER_SAMPLE[graph] / 1e6
        problems.append(f"one step on {batch:,} samples (--batch-size) × {parameters:,} parameters needs a {graph} of "
                        f"about {parameters * batch * size:,.0f} MB, at most {LIMITS[graph] * size:,.0f} MB"
                        + (", or --no-compile" if args.compile and parameters * batch <= LIMITS["graph"] else ""))
    if not problems and work > LIMITS["work"]:
        problems.append(f"{parameters:,} parameters × {samples:,} samples × {settings['epochs']:,} --epochs is "
                        f"{work:,} steps of work, at most {LIMITS['work']:,}")
    if problems:
        raise UsageError("; ".join(problems) + " (--allow-large lifts the limits)")
