"""`--svg` and `--html` of `grad` and `walkthrough`: checked before any work, drawn from the
evaluation's one backward pass and topological order, written all together or not at all."""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Iterable
from pathlib import Path

from autograd.lang import Evaluation
from autograd.util.files import plan_outputs, write_outputs


def plan_pictures(args: argparse.Namespace) -> None:
    """Check --svg and --html before any work: empty, a folder, no such folder, the same file twice…"""
    plan_outputs([(args.svg, "--svg"), (args.html, "--html")])


def pictures(args: argparse.Namespace, evaluation: Evaluation, title: str, parameters: Iterable[str] = (),
             extra_steps: Iterable[dict] = ()) -> list[tuple[Path, bytes]]:
    """Render the requested pictures (paths already checked by `plan_pictures`); graphviz is
    imported only here, when a picture is asked for."""
    outputs: list[tuple[Path, bytes]] = []
    if args.svg is None and args.html is None:
        return outputs
    from autograd import viz

    gradients = evaluation.gradients  # also sets every node's .grad, which the pictures show
    params = [evaluation.values[name] for name in parameters]
    if args.svg is not None:
        with warnings.catch_warnings(record=True) as notes:  # "showing the 543 nearest…": one line
            warnings.simplefilter("always")
            picture = viz.draw(evaluation.root, constants=evaluation.constants, parameters=params,
                               order=evaluation.order)
        for note in notes:
            print(f"note: {note.message}", file=sys.stderr)
        outputs.append((Path(args.svg), picture.svg().encode()))
    if args.html is not None:
        page = viz.stepper_html(evaluation.root, title=title, constants=evaluation.constants, parameters=params,
                                extra_steps=extra_steps, digits=args.digits, order=evaluation.order,
                                grads=gradients)
        outputs.append((Path(args.html), page.encode()))
    return outputs


def write_all(outputs: list[tuple[Path, bytes]]) -> None:
    """Write every output of the command, or none (see autograd.util.files)."""
    write_outputs(outputs)
    for path, _ in outputs:
        print(f"wrote {path}", file=sys.stderr)
