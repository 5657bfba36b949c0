"""The compiled replay (`autograd.compile`) against PyTorch on tensors, in one process.

    python benchmarks/replay.py [--quick]

Three workloads, each as a user runs it (first calls, which record, included):

- a microgpt-style GPT trained one name at a time (the model of benchmarks/microgpt.py, run
  unchanged): the lean microgpt-style `Value`, this engine plain, this engine compiled once per
  name length with the name's tokens passed as a list of integers (``exact=False``: the target
  ``probs[tokens[i + 1]]`` picks a computed Value, see `autograd.ml.replay`), and PyTorch on
  tensors; steps interleaved, losses compared with the plain engine's at every step;
- micrograd's moons demo, 100 steps: compiled exact, compiled ``exact=False``, PyTorch;
- the seed article's 784-100-10 network on mini-batches of 32: plain, compiled, PyTorch.

PyTorch runs in float64 on one thread, written as a lean tensor program. Printed as Markdown.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.microgpt import BLOCK, HEAD_DIM, N_HEAD, NAMES, LeanValue, Trainer, loss_of, make_model, tokenizer  # noqa: E402

from autograd import Value, compile  # noqa: E402


def _clock() -> float:
    return time.process_time()  # CPU time: the machine may be shared


# ------------------------------------------------------------------ the GPT


class TorchGPT:
    """The same GPT and Adam as benchmarks/microgpt.py, on float64 tensors (one thread)."""

    def __init__(self, vocab: int) -> None:
        import torch

        torch.set_num_threads(1)
        self.torch = torch
        self.sd = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True)
                   for k, v in make_model(float, vocab).items()}
        self.opt = torch.optim.Adam(list(self.sd.values()), lr=0.01, betas=(0.85, 0.99), eps=1e-8)

    def step(self, tokens: list[int]) -> float:
        torch, sd = self.torch, self.sd
        n = min(BLOCK, len(tokens) - 1)
        idx, target = torch.tensor(tokens[:n]), torch.tensor(tokens[1:n + 1])

        def rmsnorm(x):
            return x * ((x * x).mean(-1, keepdim=True) + 1e-5) ** -0.5

        x = rmsnorm(sd["wte"][idx] + sd["wpe"][:n])
        residual = x
        x = rmsnorm(x)
        q, k, v = (x @ sd[w].T for w in ("wq", "wk", "wv"))
        q, k, v = (t.view(n, N_HEAD, HEAD_DIM).transpose(0, 1) for t in (q, k, v))
        scores = (q @ k.transpose(1, 2)) / HEAD_DIM ** 0.5
        scores = scores.masked_fill(torch.ones(n, n, dtype=torch.bool).triu(1), float("-inf"))
        x = (scores.softmax(-1) @ v).transpose(0, 1).reshape(n, -1) @ sd["wo"].T + residual
        residual = x
        x = torch.relu(rmsnorm(x) @ sd["fc1"].T) @ sd["fc2"].T + residual
        loss = torch.nn.functional.cross_entropy(x @ sd["lm_head"].T, target)
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()
        return loss.item()


class CompiledTrainer(Trainer):
    """`Trainer` whose loss and backward are one compiled step, the tokens passed as an argument."""

    def __init__(self, vocab: int, exact: bool) -> None:
        super().__init__(Value, vocab)
        self.compiled = compile(lambda tokens: loss_of(self.sd, tokens), exact=exact)

    def step(self, tokens: list[int]) -> None:
        self.losses.append(self.compiled(tokens))
        self.adam.step()


def gpt(steps: int) -> list[str]:
    encode, vocab = tokenizer()
    engines = {"lean": Trainer(LeanValue, vocab), "plain": Trainer(Value, vocab),
               "compiled": CompiledTrainer(vocab, exact=False), "torch": TorchGPT(vocab)}
    seconds = {name: [] for name in engines}
    losses = {name: [] for name in engines}
    docs = list(NAMES)
    random.Random(0).shuffle(docs)
    for i in range(steps):
        tokens = encode(docs[i % len(docs)])
        for name, engine in engines.items():  # interleaved: all see the same load
            start = _clock()
            loss = engine.step(tokens)
            seconds[name].append(_clock() - start)
            losses[name].append(loss if name == "torch" else engine.losses[-1])
    mean = {name: sum(s) / len(s) for name, s in seconds.items()}
    median = {name: statistics.median(s) for name, s in seconds.items()}
    gap = {name: max(abs(a - b) for a, b in zip(losses[name], losses["plain"])) for name in engines}
    compiled = engines["compiled"].compiled
    lines = [f"### microgpt-style GPT, {steps} names one at a time (first calls included)", "",
             "| engine | × lean (mean) | ms per step, mean | ms, median | largest loss difference from plain |",
             "|---|---|---|---|---|"]
    titles = {"lean": "lean microgpt-style Value (baseline)", "plain": "autograd plain",
              "compiled": "autograd compiled, tokens as an argument (exact=False)", "torch": "PyTorch, tensors"}
    for name, title in titles.items():
        lines.append(f"| {title} | {mean['lean'] / mean[name]:.1f}× | {mean[name] * 1e3:.1f} "
                     f"| {median[name] * 1e3:.1f} | {gap[name]:.1e} |")
    lines += ["", f"- compiled: {compiled.stats['recordings']} recordings (one per name length), "
              f"{compiled.stats['replays']} replays, {compiled.stats['plain']} plain runs; "
              f"compiled ÷ lean **{mean['lean'] / mean['compiled']:.1f}×** (target ≥ 8×), "
              f"÷ PyTorch {mean['compiled'] / mean['torch']:.1f}× the time.", ""]
    return lines


# ------------------------------------------------------------------ moons


def moons_run(X, y, exact: bool | None, steps: int) -> float:
    """Seconds for ``steps`` steps of the moons demo from a fresh model, first call included;
    ``exact`` None: PyTorch."""
    if exact is None:
        from benchmarks.run import moons_step_torch

        step = moons_step_torch(X, y, True)
    else:
        from autograd.ml import losses
        from autograd.ml.nn import MLP

        model = MLP(2, [16, 16, 1], seed=1337)
        params = model.parameters()
        replay = compile(lambda: losses.hinge([model(r) for r in X], y) + 1e-4 * losses.l2_penalty(params),
                         exact=exact)

        def step():
            replay()
            for p in params:
                p.data -= 0.5 * p.grad
    gc.collect()
    start = _clock()
    for _ in range(steps):
        step()
    return _clock() - start


def moons(steps: int) -> list[str]:
    from autograd.ml.data import moons as make_moons

    X, y = make_moons(100, noise=0.1, seed=1337)
    X, y = X.tolist(), (y * 2 - 1).tolist()
    runs = {"exact": [], "loose": [], "torch": []}
    for _ in range(3):  # interleaved, best of three
        for name, exact in (("exact", True), ("loose", False), ("torch", None)):
            runs[name].append(moons_run(X, y, exact, steps))
    t = {name: min(r) / steps for name, r in runs.items()}
    return [f"### micrograd's moons demo, {steps} steps from a fresh model (first call included), best of 3", "",
            "| engine | ms per step | ÷ PyTorch |", "|---|---|---|",
            f"| autograd compiled (exact) | {t['exact'] * 1e3:.2f} | {t['exact'] / t['torch']:.2f}× (target ≤ 2×) |",
            f"| autograd compiled, exact=False | {t['loose'] * 1e3:.2f} | {t['loose'] / t['torch']:.2f}× (target ≤ 1×) |",
            f"| PyTorch, tensors | {t['torch'] * 1e3:.2f} | 1.00× |", ""]


# ------------------------------------------------------------------ 784-100-10


def mnist_sized(batches: int) -> list[str]:
    """The seed article's network on random pixel data (the shapes are what cost), mini-batch 32."""
    import numpy as np

    from autograd.ml import losses
    from autograd.ml.nn import MLP

    rng = np.random.default_rng(1)
    data = [(rng.random((32, 784)).tolist(), rng.integers(0, 10, 32).tolist()) for _ in range(4)]
    model = MLP(784, [100, 10], seed=1)
    params = model.parameters()
    xs = [[Value(0.0) for _ in range(784)] for _ in range(32)]
    ys = [[Value(0.0) for _ in range(10)] for _ in range(32)]

    def load(i):
        pixels, labels = data[i % len(data)]
        for row, values in zip(xs, pixels):
            for x, v in zip(row, values):
                x.data = v
        for row, label in zip(ys, labels):
            for k, t in enumerate(row):
                t.data = float(k == label)

    def objective(inputs, targets):
        return losses.softmax_cross_entropy([model(r) for r in inputs], targets)

    t = {}
    load(0)
    start = _clock()
    objective(xs, ys).backward()
    t["plain"] = _clock() - start
    for name, exact in (("exact", True), ("loose", False)):
        step = compile(objective, argument_grads=False, exact=exact)
        start = _clock()
        step(xs, ys)
        t[f"{name} record"] = _clock() - start
        step(xs, ys)  # the first replay is checked against the plain engine
        times = []
        for i in range(batches):  # replays 2 on: the ones after 4 and 16 are checked (a plain run each)
            load(i)
            start = _clock()
            step(xs, ys)
            times.append(_clock() - start)
            for p in params:
                p.data -= 0.01 * p.grad
        t[name], t[f"{name} median"] = sum(times) / batches, statistics.median(times)
    t["torch"] = torch_mlp(data, batches)
    lines = [f"### 784-100-10 network, mini-batch 32, {batches} batches after the recording and its first check",
             "", "| engine | ms per mini-batch | ÷ PyTorch |", "|---|---|---|"]
    for name, title in (("plain", "autograd plain (one step, collector on)"),
                        ("exact record", "autograd compiled, the recording call"),
                        ("exact", "autograd compiled (exact), mean (checks included)"),
                        ("exact median", "autograd compiled (exact), median replay"),
                        ("loose", "autograd compiled exact=False, mean (checks included)"),
                        ("loose median", "autograd compiled exact=False, median replay"), ("torch", "PyTorch, tensors")):
        lines.append(f"| {title} | {t[name] * 1e3:.1f} | {t[name] / t['torch']:.1f}× |")
    lines += ["", f"- median replay ÷ PyTorch: exact **{t['exact median'] / t['torch']:.1f}×** (target ≤ 10×), "
              f"exact=False **{t['loose median'] / t['torch']:.1f}×** (target ≤ 2×).", ""]
    return lines


def torch_mlp(data, batches: int) -> float:
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(1)
    model = torch.nn.Sequential(torch.nn.Linear(784, 100), torch.nn.ReLU(), torch.nn.Linear(100, 10)).double()
    tensors = [(torch.tensor(x, dtype=torch.float64), torch.tensor(y)) for x, y in data]

    def step(i):
        x, y = tensors[i % len(tensors)]
        loss = torch.nn.functional.cross_entropy(model(x), y)
        model.zero_grad()
        loss.backward()
        with torch.no_grad():
            for p in model.parameters():
                p -= 0.01 * p.grad
    step(0)
    start = _clock()
    for i in range(batches):
        step(i)
    return (_clock() - start) / batches


def run(quick: bool = False) -> list[str]:
    return ["## The compiled replay against PyTorch on tensors", "",
            *gpt(12 if quick else 60), *moons(20 if quick else 100), *mnist_sized(3 if quick else 20)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    print("\n".join(run(parser.parse_args().quick)))


if __name__ == "__main__":
    main()
