"""Side-by-side benchmarks: this engine against micrograd, in one process. Writes RESULTS.md.

    python benchmarks/run.py            # everything
    python benchmarks/run.py --quick    # smaller sizes

Measured: bytes per operation of a long chain (tracemalloc, forward graph and backward peak),
time per operation (forward + backward) for chains of 1e4 to 1e6 operations, and — once
autograd.nn exists — the time of one training step of micrograd's moons demo.
Ratios come first, absolute figures after. Timings are the best of several runs.
"""

from __future__ import annotations

import argparse
import gc
import platform
import sys
import time
import tracemalloc
from pathlib import Path

sys.setrecursionlimit(10**6)  # micrograd's backward() recurses once per node

from micrograd.engine import Value as MicroValue  # noqa: E402

from autograd import Value  # noqa: E402

ENGINES = {"autograd": Value, "micrograd": MicroValue}


def chain(V, n: int):
    """v ← v · 1.0000001 + 0.5, n times: 2n operations with plain-number constants."""
    x = V(0.5)
    v = x
    for _ in range(n):
        v = v * 1.0000001 + 0.5
    return x, v


def memory_per_op(V, n: int) -> tuple[float, float]:
    """(bytes per operation held by the forward graph, peak bytes per operation during backward)."""
    gc.collect()
    tracemalloc.start()
    x, v = chain(V, n)
    graph, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    v.backward()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del x, v
    gc.collect()
    return graph / (2 * n), peak / (2 * n)


def time_per_op(V, n: int, repeats: int = 3) -> float:
    """Best time, in nanoseconds per operation, of building a chain and running backward()."""
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        _, v = chain(V, n)
        v.backward()
        best = min(best, time.perf_counter() - start)
        del v
    return best / (2 * n) * 1e9


def machine() -> str:
    return f"{platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}"


def run_chain_benchmarks(quick: bool) -> list[str]:
    lines = ["## Chains: v ← v · 1.0000001 + 0.5 (2 operations per link)", ""]
    n_mem = 50_000 if quick else 200_000
    mem = {name: memory_per_op(V, n_mem) for name, V in ENGINES.items()}
    a, m = mem["autograd"], mem["micrograd"]
    lines += [
        f"Memory, {2 * n_mem:,} operations:",
        "",
        "| engine | graph bytes/op | backward peak bytes/op |",
        "|---|---|---|",
        f"| micrograd ÷ autograd | {m[0] / a[0]:.1f}× | {m[1] / a[1]:.1f}× |",
        f"| autograd | {a[0]:.0f} | {a[1]:.0f} |",
        f"| micrograd | {m[0]:.0f} | {m[1]:.0f} |",
        "",
    ]
    sizes = [5_000, 50_000] if quick else [5_000, 50_000, 500_000]
    rows = []
    for n in sizes:
        t = {name: time_per_op(V, n) for name, V in ENGINES.items()}
        rows.append(f"| {2 * n:,} | {t['micrograd'] / t['autograd']:.2f}× | {t['autograd']:.0f} | {t['micrograd']:.0f} |")
    lines += [
        "Time per operation (forward + backward), best of 3:",
        "",
        "| operations | micrograd ÷ autograd | autograd ns/op | micrograd ns/op |",
        "|---|---|---|---|",
        *rows,
        "",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a fast look")
    parser.add_argument("--out", default=str(Path(__file__).with_name("RESULTS.md")), help="where to write the table")
    args = parser.parse_args()
    lines = ["# Benchmark results", "", f"Machine: {machine()}.", ""]
    lines += run_chain_benchmarks(args.quick)
    try:
        from benchmarks_training import run_training_benchmarks  # type: ignore
    except ImportError:
        run_training_benchmarks = None
    if run_training_benchmarks:
        lines += run_training_benchmarks(args.quick)
    text = "\n".join(lines)
    print(text)
    Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()
