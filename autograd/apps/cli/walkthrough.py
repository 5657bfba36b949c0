"""`autograd walkthrough`: the worked example (autograd.apps.worked) step by step, as text or
JSON, with its pictures; its help states what the walkthrough finds, computed from the same data."""

from __future__ import annotations

import argparse
import json

from autograd.apps.cli.options import add_output_options, bounded, finite
from autograd.apps.cli.pictures import pictures, plan_pictures, write_all

MAX_STEPS = 2_000    # walkthrough --steps: about 2 s and 60 MB at the most

HELP = """\
Step through the worked example by hand: one input x, a sigmoid hidden unit h = sigmoid(w1·x),
a linear output yhat = w2·h, the loss L = ½(y - yhat)² and one gradient-descent update.
Prints every forward value, every chain-rule product, the update, and checks the figures
a well-known article published for this example ({verdict}).

examples:
  autograd walkthrough
  autograd walkthrough --steps 5 --lr 0.5
  autograd walkthrough --json
  autograd walkthrough --html walkthrough.html --svg graph.svg
"""


def description() -> str:
    """The help text, with the published figures' verdict as the walkthrough itself reports it
    (computed when the help is shown, not when the parser is built)."""
    from autograd.apps import worked

    return HELP.format(verdict=worked.published_verdict(worked.run()[0]))


def add(commands) -> None:
    walk = commands.add_parser("walkthrough", help="the worked example, step by step", description=description,
                               formatter_class=argparse.RawDescriptionHelpFormatter)
    walk.add_argument("--x", type=finite, default=2.0, help="the input (default 2)")
    walk.add_argument("--w1", type=finite, default=0.5, help="the hidden weight (default 0.5)")
    walk.add_argument("--w2", type=finite, default=0.3, help="the output weight (default 0.3)")
    walk.add_argument("--target", type=finite, default=0.5, help="the target y (default 0.5)")
    walk.add_argument("--lr", type=bounded(float, 0, None, low_open=True), default=0.01,
                      help="the learning rate η, more than 0 (default 0.01)")
    walk.add_argument("--steps", type=bounded(int, 1, MAX_STEPS), default=1,
                      help=f"gradient-descent steps (default 1, at most {MAX_STEPS:,})")
    add_output_options(walk)
    walk.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from autograd.apps import worked

    plan_pictures(args)
    example = worked.Example(x=args.x, w1=args.w1, w2=args.w2, y=args.target, lr=args.lr)
    results = worked.run(example, steps=args.steps)
    first = results[0]
    outputs = pictures(args, first.evaluation, "The worked example", parameters=worked.PARAMETERS,
                       extra_steps=worked.page_steps(example, first, args.digits))
    if args.json:
        text = json.dumps(worked.to_json(example, results), indent=2)
    else:
        text = worked.report(example, results, args.digits)
    write_all(outputs)
    print(text)
    return 0
