"""`autograd train mnist`, timed: the seed article's 784-100-10 network on 5,000 MNIST digits.

    python benchmarks/mnist.py              # the command as a user runs it (3 epochs)
    python benchmarks/mnist.py --quick      # one epoch, for a fast look
    python benchmarks/mnist.py --out FILE   # also write the Markdown section to FILE

Runs `autograd train mnist --json` in this process, as a user's command runs, and reports the
held-out accuracy (1,000 digits, 100 per class, never trained on), the training accuracy, the
command's training seconds, the whole command's seconds (loading the digits and measuring the
held-out accuracy included), its CPU seconds (every thread's: numpy's matrix products may use both
cores, so they can exceed the seconds) and its peak memory. Other work on a shared machine slows
the run: the load average at the start is printed beside the figures. Prints a Markdown section for
benchmarks/RESULTS.md; needs the mnist extra (`pip install 'scalar-autograd[mnist]'`).
Target (issue 21): at least 93% held out (goal 95%) in under 60 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import resource
import time
from pathlib import Path

from autograd.apps.cli import main as autograd_main
from autograd.util.files import atomic_write


def run_command(flags: list[str]) -> dict:
    """`autograd train mnist --json FLAGS`: its JSON, the wall and CPU seconds of the whole command."""
    out = io.StringIO()
    wall, cpu = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(out):
        code = autograd_main(["train", "mnist", "--json", *flags])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if code != 0:
        raise SystemExit(f"autograd train mnist exited with {code}")
    result = json.loads(out.getvalue())
    result.update(command_seconds=wall, cpu_seconds=cpu)
    return result


def section(result: dict, flags: list[str], load: float) -> list[str]:
    settings = result["settings"]
    command = " ".join(["autograd train mnist", *flags])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    return [
        "## MNIST: the seed article's network, `autograd train mnist`",
        "",
        f"MLP(784, [100, 10]) (ReLU, softmax cross-entropy), {settings['init']} initialisation, "
        f"{settings['optimizer']} at {settings['lr']} ({settings['schedule']}), batches of "
        f"{settings['batch_size']}, {settings['epochs']} epochs, the compiled replay "
        f"({'exact' if settings['exact'] else 'exact=False: matrix products'}); 4,000 digits to train, "
        "1,000 held out (100 per class). Target: at least 93% held out (goal 95%) in under 60 s.",
        "",
        "| command | held-out accuracy | seconds (training) | seconds (whole command) | CPU seconds | "
        "training accuracy | peak MB |",
        "|---|---|---|---|---|---|---|",
        f"| `{command}` | {result['test_accuracy']:.3f} | {result['seconds']:.1f} | "
        f"{result['command_seconds']:.1f} | {result['cpu_seconds']:.1f} | {result['train_accuracy']:.3f} | "
        f"{peak:,.0f} |",
        "",
        f"Load average when the run started: {load:.1f} (2 cores; above 2, other work shared them).",
        "",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="one epoch instead of the command's three")
    parser.add_argument("--out", help="also write the Markdown section to this file")
    args = parser.parse_args()
    flags = ["--epochs", "1"] if args.quick else []
    load = os.getloadavg()[0]
    lines = section(run_command(flags), flags, load)
    print("\n".join(lines))
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        atomic_write(args.out, "\n".join(lines) + "\n")
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
