"""Side-by-side benchmarks: this engine against micrograd, in one process. Writes RESULTS.md.

    python benchmarks/run.py            # everything
    python benchmarks/run.py --quick    # smaller sizes

Measured: bytes per operation of a long chain (tracemalloc, forward graph and backward peak),
time per operation (forward + backward) for chains of 1e4 to 1e6 operations, one training step
of micrograd's moons demo with micrograd, this engine (plain and compiled, `autograd.compile`)
and PyTorch (when torch is installed; one thread), one epoch on the digits (plain and compiled),
`autograd train digits` whole, and the time to draw a 1,000-node graph. Ratios come first,
absolute figures after. Timings are the best of several runs. micrograd's backward() recurses
once per node, so everything runs in a thread with a large stack.
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import sys
import threading
import time
import tracemalloc
import warnings
from pathlib import Path

sys.setrecursionlimit(10**7)  # micrograd's backward() recurses once per node

from micrograd.engine import Value as MicroValue  # noqa: E402

from autograd import Value  # noqa: E402
from autograd.util.files import atomic_write  # noqa: E402

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


def time_per_op(V, n: int, repeats: int = 3, collect_cycles: bool = True) -> float:
    """Best time, in nanoseconds per operation, of building a chain and running backward().

    ``collect_cycles=False`` switches Python's cyclic garbage collector off for the run: it
    rescans every live node from time to time, which is most of why time per operation grows
    with the size of the graph.
    """
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        if not collect_cycles:
            gc.disable()
        try:
            start = time.perf_counter()
            _, v = chain(V, n)
            v.backward()
            best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
        del v
    return best / (2 * n) * 1e9


def machine() -> str:
    return f"{platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}"


def run_chain_benchmarks(quick: bool) -> list[str]:
    lines = ["## Chains: v ← v · 1.0000001 + 0.5 (2 operations per link)", ""]
    # Bytes per operation are flat in n; micrograd's deep recursion under tracemalloc is not
    # (20,000 links take 30 s, 50,000 take 3 minutes), so memory is measured on 40,000 operations.
    n_mem = 10_000 if quick else 20_000
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
    sizes = [5_000, 50_000] if quick else [5_000, 50_000, 500_000]  # 1e4 to 1e6 operations
    rows = []
    for n in sizes:
        t = {name: time_per_op(V, n) for name, V in ENGINES.items()}
        quiet = time_per_op(Value, n, collect_cycles=False)
        rows.append(f"| {2 * n:,} | {t['micrograd'] / t['autograd']:.2f}× | {t['autograd']:.0f} | {quiet:.0f} "
                    f"| {t['micrograd']:.0f} |")
    lines += [
        "Time per operation (forward + backward), best of 3. The column 'gc off' is this engine with",
        "Python's cyclic garbage collector switched off, which leaves the engine's own cost;",
        "with it on, the collector's rescans of the live graph make large graphs dearer per operation.",
        "",
        "| operations | micrograd ÷ autograd | autograd ns/op | autograd ns/op, gc off | micrograd ns/op |",
        "|---|---|---|---|---|",
        *rows,
        "",
    ]
    return lines


def best_of(fn, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def moons_step_micrograd(X, y):
    """One step of micrograd's demo, exactly as its README writes it."""
    from micrograd.engine import Value as MV
    from micrograd.nn import MLP as MMLP

    random.seed(1337)
    model = MMLP(2, [16, 16, 1])

    def step():
        inputs = [list(map(MV, row)) for row in X]
        scores = list(map(model, inputs))
        data_loss = sum((1 + -yi * si).relu() for yi, si in zip(y, scores)) * (1.0 / len(scores))
        total = data_loss + 1e-4 * sum(p * p for p in model.parameters())
        model.zero_grad()
        total.backward()
        for p in model.parameters():
            p.data -= 0.5 * p.grad
    return step


def moons_step_autograd(X, y, fused: bool, compiled: bool = False, gc_paused: bool = False):
    """The same step with this engine: with the fused losses (as autograd.ml.train does), or
    written micrograd-style (builtin sum, p * p) so that only the engine differs.

    ``compiled``: the step is `autograd.compile`d (recorded on its first call, replayed after);
    ``gc_paused``: the cyclic garbage collector is off during the step, as `fit` does."""
    from autograd import compile
    from autograd.ml import losses
    from autograd.ml.nn import MLP

    model = MLP(2, [16, 16, 1], seed=1337)
    params = model.parameters()

    def objective():
        scores = [model(row) for row in X]
        if fused:
            return losses.hinge(scores, y) + 1e-4 * losses.l2_penalty(params)
        data_loss = sum((1 + -yi * si).relu() for yi, si in zip(y, scores)) * (1.0 / len(scores))
        return data_loss + 1e-4 * sum(p * p for p in params)

    replay = compile(objective) if compiled else None

    def step():
        if gc_paused:
            gc.disable()
        try:
            if replay is not None:
                replay()
            else:
                objective().backward()
        finally:
            gc.enable()
        for p in params:
            p.data -= 0.5 * p.grad
    return step


def moons_step_torch(X, y, tensors: bool):
    import torch

    # One thread, like the scalar engines; on a small shared machine more threads only spin.
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Linear(16, 16),
                                torch.nn.ReLU(), torch.nn.Linear(16, 1)).double()
    Xt, yt = torch.tensor(X, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)

    def step():
        if tensors:
            scores = model(Xt).squeeze(1)
            data_loss = torch.relu(1 - yt * scores).mean()
        else:  # one sample at a time, as a scalar engine does
            terms = [torch.relu(1 - yt[i] * model(Xt[i]).squeeze()) for i in range(len(Xt))]
            data_loss = sum(terms) / len(terms)
        total = data_loss + 1e-4 * sum((p * p).sum() for p in model.parameters())
        model.zero_grad()
        total.backward()
        with torch.no_grad():
            for p in model.parameters():
                p -= 0.5 * p.grad
    return step


def first_step(make) -> float:
    """Seconds of the first step of a fresh set-up (cold), best of three fresh set-ups."""
    best = float("inf")
    for _ in range(3):
        step = make()
        gc.collect()
        start = time.perf_counter()
        step()
        best = min(best, time.perf_counter() - start)
    return best


def whole_demo(X, y, steps: int) -> dict[str, float]:
    """Seconds per step over a whole run of the demo (first step included), each from the same start."""
    runs = {"micrograd": lambda: moons_step_micrograd(X, y),
            "plain": lambda: moons_step_autograd(X, y, fused=True),
            "paused": lambda: moons_step_autograd(X, y, fused=True, gc_paused=True),
            "compiled": lambda: moons_step_autograd(X, y, fused=True, compiled=True)}
    seconds = {}
    for name, make in runs.items():
        step = make()
        gc.collect()
        start = time.perf_counter()
        for _ in range(steps):
            step()
        seconds[name] = (time.perf_counter() - start) / steps
    return seconds


def run_training_benchmarks(quick: bool) -> list[str]:
    from autograd.ml.data import moons

    X, y = moons(100, noise=0.1, seed=1337)
    X, y = X.tolist(), (y * 2 - 1).tolist()
    repeats = 2 if quick else 5
    t_micro = best_of(moons_step_micrograd(X, y), repeats)
    compiled_step = moons_step_autograd(X, y, fused=True, compiled=True)
    compiled_step()  # the first call records
    t_compiled = best_of(lambda: [compiled_step() for _ in range(10)], repeats) / 10
    t_record = first_step(lambda: moons_step_autograd(X, y, fused=True, compiled=True))
    t_paused = best_of(moons_step_autograd(X, y, fused=True, gc_paused=True), repeats)
    t_fused = best_of(moons_step_autograd(X, y, fused=True), repeats)
    t_plain = best_of(moons_step_autograd(X, y, fused=False), repeats)
    rows = [
        f"| autograd compiled (`autograd.compile`, as `autograd train`) | {t_micro / t_compiled:.0f}× "
        f"| {t_compiled * 1e3:.2f} |",
        f"| autograd compiled, first call (runs the plain engine and records) | {t_micro / t_record:.1f}× "
        f"| {t_record * 1e3:.1f} |",
        f"| autograd plain engine, collector paused (as `--no-compile`) | {t_micro / t_paused:.1f}× "
        f"| {t_paused * 1e3:.1f} |",
        f"| autograd plain engine (fused losses) | {t_micro / t_fused:.1f}× | {t_fused * 1e3:.1f} |",
        f"| autograd written micrograd-style (`sum`, `p * p`) | {t_micro / t_plain:.1f}× | {t_plain * 1e3:.1f} |",
        f"| micrograd 0.1.0 | 1.0× | {t_micro * 1e3:.1f} |",
    ]
    verdicts = [f"- plain engine ÷ micrograd, one fresh step: **{t_micro / t_paused:.0f}×** with the collector "
                f"paused, {t_micro / t_fused:.0f}× without (target: at least 60×; the whole run is above)."]
    try:
        import torch
    except ImportError:
        rows.append("| PyTorch | not installed here: its rows are skipped | |")
    else:
        warm = moons_step_torch(X, y, True)
        warm()
        t_warm = best_of(lambda: [warm() for _ in range(10)], repeats) / 10
        t_cold = first_step(lambda: moons_step_torch(X, y, True))
        t_single = best_of(moons_step_torch(X, y, False), repeats)
        rows += [
            f"| PyTorch {torch.__version__}, as tensors, warm | {t_micro / t_warm:.0f}× | {t_warm * 1e3:.2f} |",
            f"| PyTorch, as tensors, cold (first step of a fresh model) | {t_micro / t_cold:.0f}× "
            f"| {t_cold * 1e3:.2f} |",
            f"| PyTorch, one sample at a time | {t_micro / t_single:.1f}× | {t_single * 1e3:.2f} |",
        ]
        verdicts.append(f"- compiled ÷ PyTorch on tensors (warm): **{t_compiled / t_warm:.2f}×** the time "
                        "(target: within 2×).")
    demo_steps = 10 if quick else 100
    demo = whole_demo(X, y, demo_steps)
    d_micro = demo["micrograd"]
    lines = [
        f"## micrograd's moons demo, run whole: {demo_steps} steps, as a user runs it",
        "",
        "Average time per step over the whole run. micrograd's nodes hold closures that refer back to",
        "the nodes, so every old graph is a reference cycle that only Python's cycle collector frees;",
        "its steps slow down as the run goes on. This engine's graphs are freed as soon as they are dropped.",
        "",
        "| engine | speed-up over micrograd | ms per step |",
        "|---|---|---|",
        f"| autograd compiled (first call records) | {d_micro / demo['compiled']:.0f}× "
        f"| {demo['compiled'] * 1e3:.2f} |",
        f"| autograd plain engine, collector paused (as `fit(compile=False)`) | {d_micro / demo['paused']:.1f}× "
        f"| {demo['paused'] * 1e3:.1f} |",
        f"| autograd plain engine | {d_micro / demo['plain']:.1f}× | {demo['plain'] * 1e3:.1f} |",
        f"| micrograd 0.1.0 | 1.0× | {d_micro * 1e3:.1f} |",
        "",
        "## micrograd's moons demo: one training step, best of several, each engine fresh",
        "",
        "100 samples, MLP(2, [16, 16, 1]), max-margin loss + 1e-4·L2, forward + backward + update.",
        "The compiled step gives the plain engine's losses and gradients bit for bit (tests/test_replay.py).",
        "PyTorch runs on one thread, as the scalar engines do (float64).",
        "",
        "| engine | speed-up over micrograd | ms per step |",
        "|---|---|---|",
        *rows,
        "",
        *verdicts,
        "",
    ]
    lines += digits_epoch(quick)
    lines += drawing_time()
    return lines


def digits_epoch(quick: bool) -> list[str]:
    try:
        from autograd.ml.data import digits, train_test_split
    except ImportError:
        return []
    try:
        X, y = digits()
    except ImportError as error:
        return ["## Digits", "", f"Not run: {error}", ""]
    from autograd.ml.nn import MLP
    from autograd.ml.optim import Adam
    from autograd.ml.train import fit

    Xtr, _, ytr, _ = train_test_split(X, y, 0.25, seed=0)
    if quick:
        Xtr, ytr = Xtr[:300], ytr[:300]
    seconds = {}
    for compiled in (False, True):
        model = MLP(64, [32, 10], seed=0)
        start = time.perf_counter()
        fit(model, Xtr, ytr, loss="softmax", optimizer=Adam(model.parameters(), lr=0.01), epochs=1,
            batch_size=16, progress=False, compile=compiled)
        seconds[compiled] = time.perf_counter() - start
    plain, fast = seconds[False], seconds[True]
    return [
        "## Digits: one epoch",
        "",
        f"{len(Xtr):,} images of 64 pixels, MLP(64, [32, 10]), softmax cross-entropy, batches of 16, Adam,",
        "the training accuracy measured after the epoch (the compiled epoch includes its recordings):",
        "",
        "| engine | seconds per epoch | ms per image |",
        "|---|---|---|",
        f"| autograd compiled | {fast:.2f} | {fast / len(Xtr) * 1e3:.2f} |",
        f"| autograd plain engine | {plain:.2f} | {plain / len(Xtr) * 1e3:.2f} |",
        "",
        *train_digits_command(quick),
    ]


def train_digits_command(quick: bool) -> list[str]:
    """`autograd train digits --json`, run in this process: held-out accuracy and seconds."""
    import contextlib
    import io
    import json

    from autograd.apps.cli import main as autograd_main

    rows = []
    for flags in ([], ["--no-compile"]) if not quick else ([],):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            autograd_main(["train", "digits", "--json", *flags])
        result = json.loads(out.getvalue())
        command = " ".join(["autograd train digits", *flags])
        rows.append(f"| `{command}` | {result['test_accuracy']:.3f} | {result['seconds']:.1f} |")
    return [
        "`autograd train digits` (MLP(64, [32, 10]), 10 epochs; target: at least 95% held out in under 5 s):",
        "",
        "| command | held-out accuracy | seconds (training) |",
        "|---|---|---|",
        *rows,
        "",
    ]


def drawing_time() -> list[str]:
    from autograd import Value
    from autograd.viz import draw

    v = Value(0.5, label="x")
    for i in range(499):
        v = (v * 1.001 + 0.1) if i % 2 else (v + 0.1) * 0.999
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        draw(v).svg()
        seconds = time.perf_counter() - start
    return [
        "## Drawing",
        "",
        f"A 1,000-node graph (500 values, 499 operations) to SVG: **{seconds:.2f} s** "
        "(DOT built in Python, laid out by Graphviz; WebAssembly when no system `dot`, first call included).",
        "",
    ] + drawing_worst_cases()


def drawing_worst_cases() -> list[str]:
    """Issue 13's two drawing cases, each to stay under 5 s: `autograd grad "x+x+…+x" --svg` at the
    program length limit (one value used 5,000 times; before: 4.2 GB and a crash), and an
    MLP(2, [16, 16, 1]) on one sample (a dense graph)."""
    import io
    import tempfile
    from contextlib import redirect_stderr, redirect_stdout

    from autograd.apps.cli import main as cli
    from autograd.lang import MAX_PROGRAM_LENGTH
    from autograd.ml.nn import MLP
    from autograd.viz import draw

    terms = (MAX_PROGRAM_LENGTH + 1) // 2
    with tempfile.TemporaryDirectory() as folder:
        svg = str(Path(folder) / "g.svg")

        def command() -> None:
            with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
                assert cli(["grad", "+".join(["x"] * terms), "--at", "x=1", "--svg", svg]) == 0

        t_many = best_of(command, 3)
    model = MLP(2, [16, 16, 1], seed=0)
    out = model([0.5, -1.0])
    out.backward()
    t_mlp = best_of(lambda: draw(out, parameters=model.parameters()).svg(), 3)
    return [
        "Worst cases (best of 3; each must stay under 5 s):",
        "",
        "| picture | seconds |",
        "|---|---|",
        f"| `autograd grad \"x+x+…+x\" --svg` at the length limit ({terms:,} terms; the values nearest "
        f"the output within the size budget are drawn, x again beside each far use) | {t_many:.2f} |",
        f"| MLP(2, [16, 16, 1]) on one sample (parameters coloured) | {t_mlp:.2f} |",
        "",
    ]


def microgpt_section(quick: bool) -> list[str]:
    """The microgpt-style GPT against a lean microgpt-style Value (benchmarks/microgpt.py)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import microgpt

    gc.collect()  # micrograd's graphs from the sections before are cycles: freed now, not during the timing

    return ["## A microgpt-style GPT: the plain engine against a lean microgpt-style Value", "",
            *microgpt.run(10 if quick else 40, quick), ""]


def replay_section(quick: bool) -> list[str]:
    """The compiled replay against PyTorch on tensors (benchmarks/replay.py)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks import replay

    gc.collect()
    return [*replay.run(quick), ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a fast look")
    parser.add_argument("--out", default="build/benchmarks/RESULTS.md",
                        help="where to write the table (default: build/, untracked; `make bench-update` "
                             "writes benchmarks/RESULTS.md)")
    args = parser.parse_args()
    lines = ["# Benchmark results", "", f"Machine: {machine()}; produced by `python benchmarks/run.py`.", ""]

    def work() -> None:
        for section in (run_chain_benchmarks, run_training_benchmarks, microgpt_section, replay_section):
            part = section(args.quick)
            print("\n".join(part), flush=True)  # as each section finishes: the whole run takes minutes
            lines.extend(part)

    print("\n".join(lines), flush=True)
    threading.stack_size(1 << 29)  # room for micrograd's recursion on a 1e6-node chain
    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    atomic_write(args.out, "\n".join(lines) + "\n")  # the package's one writer: nothing partial
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
