"""A microgpt-style GPT trained one name at a time: this engine against a lean scalar `Value`.

    python benchmarks/microgpt.py [--steps N] [--block K] [--quick]

The baseline is our own ~40-line `LeanValue` in the style of Karpathy's microgpt.py (2026):
``__slots__``, local derivatives stored in the forward pass, constants wrapped as new leaves,
``backward()`` one loop over a recursive topological sort. The model code below (1 layer,
4 heads, n_embd 16, block 16: 4,192 parameters; rmsnorm, attention, a ReLU MLP, softmax
cross-entropy, Adam) is written once and run unchanged with either engine: only the class
that makes parameters differs. Both run in one process, their steps interleaved in blocks of K
(5) steps, each on its own copy of the same initial parameters and the same names.

A step is timed from the forward pass to the release of its graph. Blocks, not single steps,
because microgpt's ``backward()`` leaves its graph in a reference cycle (the nested
``build_topo`` refers to itself and holds ``visited``), so its graph is freed by the cyclic
garbage collector, during whichever step runs next: alternating single steps (``--block 1``)
bills much of the lean engine's collection to the other engine. Within a block each engine pays
for its own graphs, as when it runs alone; our graph is freed at once (no cycle), inside the step.

Printed: time per training step and the ratio, then a table per operation (ns), the backward
pass per step and the Adam update over all parameters (ms).
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
import timeit

sys.setrecursionlimit(100_000)  # the baseline's topological sort recurses once per node

from autograd import Value  # noqa: E402

NAMES = ("emma olivia ava isabella sophia mia charlotte amelia harper evelyn abigail emily elizabeth "
         "mila ella avery sofia camila aria scarlett victoria madison luna grace chloe penelope layla "
         "riley zoey nora lily eleanor hannah lillian addison aubrey ellie stella natalie zoe leah "
         "hazel violet aurora savannah audrey brooklyn bella claire skylar liam noah oliver elijah "
         "william james benjamin lucas henry alexander mason michael ethan daniel jacob logan jackson "
         "levi sebastian mateo jack owen theodore aiden samuel joseph john david wyatt matthew luke "
         "asher carter julian grayson leo jayden gabriel isaac lincoln anthony hudson dylan ezra "
         "thomas charles christopher jaxon maverick josiah isaiah andrew elias joshua nathan caleb "
         "ryan adrian miles eli nolan christian aaron cameron ezekiel colton luca landon hunter").split()


class LeanValue:
    """The baseline: a microgpt-style scalar node (written by us, in that style)."""

    __slots__ = ("data", "grad", "_children", "_local_grads")

    def __init__(self, data, children=(), local_grads=()):
        self.data = data
        self.grad = 0
        self._children = children
        self._local_grads = local_grads

    def __add__(self, other):
        other = other if isinstance(other, LeanValue) else LeanValue(other)
        return LeanValue(self.data + other.data, (self, other), (1, 1))

    def __mul__(self, other):
        other = other if isinstance(other, LeanValue) else LeanValue(other)
        return LeanValue(self.data * other.data, (self, other), (other.data, self.data))

    def __pow__(self, other):
        return LeanValue(self.data ** other, (self,), (other * self.data ** (other - 1),))

    def log(self):
        return LeanValue(math.log(self.data), (self,), (1 / self.data,))

    def exp(self):
        return LeanValue(math.exp(self.data), (self,), (math.exp(self.data),))

    def relu(self):
        return LeanValue(max(0, self.data), (self,), (float(self.data > 0),))

    def __neg__(self): return self * -1
    def __radd__(self, other): return self + other
    def __sub__(self, other): return self + (-other)
    def __rsub__(self, other): return other + (-self)
    def __rmul__(self, other): return self * other
    def __truediv__(self, other): return self * other ** -1
    def __rtruediv__(self, other): return other * self ** -1

    def backward(self):
        topo, visited = [], set()

        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._children:
                    build_topo(child)
                topo.append(v)
        build_topo(self)
        self.grad = 1
        for v in reversed(topo):
            for child, local_grad in zip(v._children, v._local_grads):
                child.grad += local_grad * v.grad


# ------------------------------------------------------------------ the model, written once

N_EMBD, N_HEAD, BLOCK = 16, 4, 16
BLOCK_STEPS = 5  # steps of one engine before the other's (see the module docstring)
HEAD_DIM = N_EMBD // N_HEAD


def make_model(V, vocab: int, seed: int = 42) -> dict:
    rng = random.Random(seed)
    matrix = lambda nout, nin, std=0.08: [[V(rng.gauss(0, std)) for _ in range(nin)] for _ in range(nout)]  # noqa: E731
    return {"wte": matrix(vocab, N_EMBD), "wpe": matrix(BLOCK, N_EMBD), "lm_head": matrix(vocab, N_EMBD),
            "wq": matrix(N_EMBD, N_EMBD), "wk": matrix(N_EMBD, N_EMBD), "wv": matrix(N_EMBD, N_EMBD),
            "wo": matrix(N_EMBD, N_EMBD), "fc1": matrix(4 * N_EMBD, N_EMBD), "fc2": matrix(N_EMBD, 4 * N_EMBD)}


def linear(x, w):
    return [sum(wi * xi for wi, xi in zip(wo, x)) for wo in w]


def softmax(logits):
    max_val = max(val.data for val in logits)
    exps = [(val - max_val).exp() for val in logits]
    total = sum(exps)
    return [e / total for e in exps]


def rmsnorm(x):
    ms = sum(xi * xi for xi in x) / len(x)
    scale = (ms + 1e-5) ** -0.5
    return [xi * scale for xi in x]


def gpt(sd, token_id, pos_id, keys, values):
    x = [t + p for t, p in zip(sd["wte"][token_id], sd["wpe"][pos_id])]
    x = rmsnorm(x)
    x_residual = x
    x = rmsnorm(x)
    q, k, v = linear(x, sd["wq"]), linear(x, sd["wk"]), linear(x, sd["wv"])
    keys.append(k)
    values.append(v)
    x_attn = []
    for h in range(N_HEAD):
        hs = h * HEAD_DIM
        q_h = q[hs:hs + HEAD_DIM]
        k_h = [ki[hs:hs + HEAD_DIM] for ki in keys]
        v_h = [vi[hs:hs + HEAD_DIM] for vi in values]
        attn_logits = [sum(q_h[j] * k_h[t][j] for j in range(HEAD_DIM)) / HEAD_DIM ** 0.5 for t in range(len(k_h))]
        attn_weights = softmax(attn_logits)
        x_attn.extend(sum(attn_weights[t] * v_h[t][j] for t in range(len(v_h))) for j in range(HEAD_DIM))
    x = linear(x_attn, sd["wo"])
    x = [a + b for a, b in zip(x, x_residual)]
    x_residual = x
    x = rmsnorm(x)
    x = [xi.relu() for xi in linear(x, sd["fc1"])]
    x = linear(x, sd["fc2"])
    x = [a + b for a, b in zip(x, x_residual)]
    return linear(x, sd["lm_head"])


def loss_of(sd, tokens):
    n = min(BLOCK, len(tokens) - 1)
    keys, values, losses = [], [], []
    for pos_id in range(n):
        probs = softmax(gpt(sd, tokens[pos_id], pos_id, keys, values))
        losses.append(-probs[tokens[pos_id + 1]].log())
    return (1 / n) * sum(losses)


class Adam:
    """microgpt's Adam, over plain lists (writes ``p.data``, reads ``p.grad``)."""

    def __init__(self, params, lr=0.01, beta1=0.85, beta2=0.99, eps=1e-8):
        self.params, self.lr, self.b1, self.b2, self.eps = params, lr, beta1, beta2, eps
        self.m, self.v, self.t = [0.0] * len(params), [0.0] * len(params), 0

    def step(self):
        self.t += 1
        b1, b2, m, v = self.b1, self.b2, self.m, self.v
        for i, p in enumerate(self.params):
            m[i] = b1 * m[i] + (1 - b1) * p.grad
            v[i] = b2 * v[i] + (1 - b2) * p.grad ** 2
            m_hat = m[i] / (1 - b1 ** self.t)
            v_hat = v[i] / (1 - b2 ** self.t)
            p.data -= self.lr * m_hat / (v_hat ** 0.5 + self.eps)
            p.grad = 0


def tokenizer():
    chars = sorted(set("".join(NAMES)))
    bos = len(chars)
    return (lambda name: [bos] + [chars.index(c) for c in name] + [bos]), bos + 1


class Trainer:
    """One engine's model, optimiser and step timings."""

    def __init__(self, V, vocab: int):
        self.sd = make_model(V, vocab)
        self.params = [p for mat in self.sd.values() for row in mat for p in row]
        self.adam = Adam(self.params)
        self.times, self.backward, self.update, self.losses = [], [], [], []

    def step(self, tokens):
        t0 = time.process_time()
        loss = loss_of(self.sd, tokens)
        t1 = time.process_time()
        loss.backward()
        t2 = time.process_time()
        self.adam.step()
        self.losses.append(loss.data)
        del loss  # the graph is released inside the step (see the module docstring)
        t3 = time.process_time()
        self.times.append(t3 - t0)
        self.backward.append(t2 - t1)
        self.update.append(t3 - t2)


# ------------------------------------------------------------------ per operation

OPERATIONS = {"a + b": "a + b", "0 + a": "0 + a", "a - 1.5": "a - 1.5", "a / 2.0": "a / 2.0",
              "a ** -0.5": "a ** -0.5", "relu": "a.relu()", "1.5 * a": "1.5 * a", "a * b": "a * b",
              "exp": "a.exp()", "read .data": "a.data"}


def per_operation(V, number: int = 100_000) -> dict[str, float]:
    """ns per operation, best of 5."""
    scope = {"a": V(0.7), "b": V(1.3)}
    return {name: min(timeit.Timer(code, timer=time.process_time, globals=scope).repeat(number=number, repeat=5)) / number * 1e9
            for name, code in OPERATIONS.items()}


def run(steps: int, quick: bool = False, block: int = BLOCK_STEPS) -> list[str]:
    """The comparison as Markdown lines."""
    encode, vocab = tokenizer()
    engines = {"autograd": Trainer(Value, vocab), "lean": Trainer(LeanValue, vocab)}
    docs = list(NAMES)
    random.Random(0).shuffle(docs)
    for start in range(0, steps, block):  # interleaved in blocks: both see the same load
        for trainer in engines.values():
            for i in range(start, min(steps, start + block)):
                trainer.step(encode(docs[i % len(docs)]))
    ours, lean = engines["autograd"], engines["lean"]
    med = statistics.median
    ratio = med(lean.times) / med(ours.times)
    gap = max(abs(a - b) for a, b in zip(ours.losses, lean.losses))
    lines = [f"microgpt-style GPT ({len(ours.params):,} parameters), {steps} steps, one name per step, "
             f"one process, interleaved in blocks of {block} steps; medians.", "",
             "| engine | ms per step | backward ms | Adam update + graph release ms |", "|---|---|---|---|"]
    for name, t in (("autograd plain", ours), ("lean microgpt-style Value", lean)):
        lines.append(f"| {name} | {med(t.times) * 1e3:.1f} | {med(t.backward) * 1e3:.2f} | {med(t.update) * 1e3:.2f} |")
    lines += ["", f"- autograd plain ÷ lean: **{ratio:.2f}×** the speed (target ≥ 1.3×); "
              f"largest loss difference over the run {gap:.1e}.", "",
              "| operation | autograd ns | lean ns | lean ÷ autograd |", "|---|---|---|---|"]
    a_ops, l_ops = per_operation(Value, 20_000 if quick else 100_000), per_operation(LeanValue, 20_000 if quick else 100_000)
    for name in OPERATIONS:
        lines.append(f"| `{name}` | {a_ops[name]:.0f} | {l_ops[name]:.0f} | {l_ops[name] / a_ops[name]:.2f}× |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--block", type=int, default=BLOCK_STEPS, help="steps of one engine before the other's")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    print("\n".join(run(10 if args.quick else args.steps, args.quick, max(1, args.block))))


if __name__ == "__main__":
    main()
