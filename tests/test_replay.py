"""Compiled replay (`autograd.compile`): bit for bit the plain engine, or the plain engine itself.

Every comparison here is ``==`` on floats (and on the sign of zero where it matters), never
approximate: the replay must add the same numbers in the same order as the engine.
"""

from __future__ import annotations

import gc
import math
import random
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value
from autograd.core import ops
from autograd.ml import losses
from autograd.core import linear, sum_values, topological_order
from autograd.core.value import _node
from autograd.ml.nn import MLP
from autograd.ml.optim import SGD, Adam
from autograd.ml.replay import OTHER_FACTOR, VECTOR_RULES, ReplayMismatch, compile
from autograd.ml.train import fit

# ------------------------------------------------------------------ the vectorised rules


def _samples(rng: random.Random, n: int = 400) -> list[float]:
    special = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 1e-300, -1e-300, 1e300, -1e300, 5e-324, 3.0, 3.0]
    return special + [rng.choice([rng.gauss(0, 1), rng.gauss(0, 1e6), rng.uniform(-3, 3), float(rng.randint(-3, 3))])
                      for _ in range(n)]


def _bits(x: float) -> str:
    return float(x).hex()  # tells 0.0 from -0.0


@pytest.mark.parametrize("op, pattern", sorted(VECTOR_RULES))
def test_every_vectorised_rule_is_the_tables_rule_bit_for_bit(op, pattern):
    rng = random.Random(hash((op, pattern)) % 1000)
    value_rule, locals_rule = VECTOR_RULES[(op, pattern)]
    forward = ops.get(op).forward
    a = _samples(rng)
    b = list(reversed(_samples(rng)))
    b[:20] = a[:20]  # ties, for max and min
    if op == "/":
        b = [x if x != 0.0 else 2.0 for x in b]
    # the table's argument order: c - a for "r-", (a, c) for constants on the right
    columns = [a] if len(pattern) == 1 else ([b, a] if pattern == "cv" else [a, b])
    node_positions = [k for k, p in enumerate(pattern) if p == "v"]
    with np.errstate(all="ignore"):
        values = value_rule(*map(np.array, columns))
        derivatives = locals_rule(*map(np.array, columns)) if callable(locals_rule) else None
    for i, args in enumerate(zip(*columns)):
        try:
            value, local = forward(*args)
        except (ArithmeticError, ValueError):
            continue
        assert _bits(values[i]) == _bits(value), (op, pattern, args)
        for j, k in enumerate(node_positions):
            if locals_rule is OTHER_FACTOR:  # each operand's derivative is the other's value
                assert _bits(args[1 - k]) == _bits(local[k]), (op, args)
            elif derivatives is not None:
                assert _bits(np.broadcast_to(derivatives[j], values.shape)[i]) == _bits(local[k]), (op, args)
            else:  # the recorded derivative depends on the constants only: it never goes stale
                other = forward(*[x if p == "c" else 0.75 for x, p in zip(args, pattern)])[1][k]
                assert _bits(other) == _bits(local[k]), (op, args)


def test_fused_sums_add_strictly_left_to_right():
    # 1e16 + 1 - 1e16 is 0 left to right, but 1 added pairwise or compensated
    big = [Value(x) for x in [1e16, 1.0, -1e16, 3.0, 1e-3, -7.0, 1e16, 2.0, -1e16]]
    ws = [Value(x) for x in [1.0, 1.0, 1.0, 2.0, 5.0, 1.0, 1.0, 0.5, 1.0]]
    bias = Value(0.25)

    def fn():
        s = sum_values(big)
        lin = linear(ws, big, bias)
        aff = linear(ws, [1e16, 1.0, -1e16, 3.0, 1e-3, -7.0, 1e16, 2.0, -1e16], bias)
        return s * lin + aff * s + lin.tanh()

    _assert_same_as_plain(fn, big + ws + [bias], calls=3)


# ------------------------------------------------------------------ helpers


def _assert_same_as_plain(fn, leaves, calls: int = 5, nudge=None):
    """compile(fn) and the plain engine give equal outputs and leaf gradients, call after call."""
    step = compile(fn)
    for call in range(calls):
        out = fn()
        out.backward()
        expected = (out.data, [v.grad for v in leaves])
        for v in leaves:
            v.grad = 123.0
        got = step()
        assert (got, [v.grad for v in leaves]) == expected, f"call {call}"
        if nudge:
            nudge(call)
    assert step.stats["replays"] == calls - 1
    return step


def _train_pair(make, steps: int, update):
    """Two identical set-ups, one trained with the plain engine, one compiled; their losses and
    final parameters."""
    results = []
    for compiled in (False, True):
        params, fn = make()
        step = compile(fn) if compiled else None
        trace = []
        for k in range(steps):
            if step is None:
                out = fn()
                out.backward()
                trace.append(out.data)
            else:
                trace.append(step())
            update(params, k)
        results.append((trace, [p.data for p in params], step))
    (plain, plain_params, _), (replayed, replayed_params, step) = results
    assert replayed == plain
    assert replayed_params == plain_params
    assert step.stats["replays"] == steps - 1
    return plain


def _sgd(lr: float):
    def update(params, k):
        for p in params:
            p.data -= lr * (1.0 - 0.9 * k / 100) * p.grad
    return update


# ------------------------------------------------------------------ training, bit for bit


def test_moons_100_compiled_steps_equal_the_plain_engine():
    from autograd.ml.data import moons

    X, y = moons(30, noise=0.1, seed=1337)
    X, y = X.tolist(), (y * 2 - 1).tolist()

    def make():
        model = MLP(2, [8, 8, 1], seed=1337)
        params = model.parameters()
        return params, lambda: losses.hinge([model(r) for r in X], y) + 1e-4 * losses.l2_penalty(params)

    trace = _train_pair(make, 100, _sgd(0.5))
    assert trace[-1] < trace[0]  # it did learn


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
def test_every_activation(activation):
    rng = random.Random(3)
    X = [[rng.uniform(-2, 2), rng.uniform(-2, 2)] for _ in range(8)]
    y = [1.0 if a * b > 0 else -1.0 for a, b in X]

    def make():
        model = MLP(2, [5, 1], activation=activation, seed=4)
        model.layers[-1].neurons[0].activation = activation  # the output too
        return model.parameters(), lambda: losses.mse([model(r) for r in X], y)

    _train_pair(make, 100, _sgd(0.05))


LOSSES = {
    "mse": lambda out, y, p: losses.mse(out, y),
    "half_squared_error": lambda out, y, p: losses.half_squared_error(out, y),
    "hinge": lambda out, y, p: losses.hinge(out, y),
    "bce_with_logits": lambda out, y, p: losses.bce_with_logits(out, [(t + 1) / 2 for t in y]),
    "l1_penalty": lambda out, y, p: losses.mse(out, y) + 0.01 * losses.l1_penalty(p),
    "l2_penalty": lambda out, y, p: losses.mse(out, y) + 0.01 * losses.l2_penalty(p),
}


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_every_loss(name):
    rng = random.Random(5)
    X = [[rng.uniform(-2, 2), rng.uniform(-2, 2)] for _ in range(8)]
    y = [1.0 if a > b else -1.0 for a, b in X]

    def make():
        model = MLP(2, [6, 1], activation="tanh", seed=6)
        params = model.parameters()
        return params, lambda: LOSSES[name]([model(r) for r in X], y, params)

    _train_pair(make, 100, _sgd(0.1))


def test_softmax_cross_entropy():
    rng = random.Random(7)
    X = [[rng.uniform(-2, 2), rng.uniform(-2, 2)] for _ in range(9)]
    y = [i % 3 for i in range(9)]

    def make():
        model = MLP(2, [6, 3], seed=8)
        return model.parameters(), lambda: losses.softmax_cross_entropy([model(r) for r in X], y)

    _train_pair(make, 100, _sgd(0.3))


def test_a_one_hot_label_is_the_class_index_bit_for_bit():
    rng = random.Random(9)
    rows = [[Value(rng.gauss(0, 3)) for _ in range(4)] for _ in range(6)]
    labels = [rng.randrange(4) for _ in rows]
    by_index = losses.softmax_cross_entropy(rows, labels)
    by_index.backward()
    expected = (by_index.data, [z.grad for row in rows for z in row])
    one_hot = [[Value(float(k == label)) for k in range(4)] for label in labels]
    by_row = losses.softmax_cross_entropy(rows, one_hot)
    by_row.backward()
    assert (by_row.data, [z.grad for row in rows for z in row]) == expected


def _blobs(n: int, seed: int):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 3
    return rng.normal(size=(n, 4)) + y[:, None], y


@pytest.mark.parametrize("loss", ["softmax", "hinge", "bce", "mse"])
def test_fit_mini_batches_with_a_short_last_batch(loss):
    X, y = _blobs(37, seed=1)  # batches of 8: four full ones and one of 5
    if loss != "softmax":
        y = (y > 0).astype(int)
    runs = []
    for compiled in (False, True):
        model = MLP(4, [8, 3 if loss == "softmax" else 1], seed=2)
        history = fit(model, X, y, loss=loss, optimizer=Adam(model.parameters(), lr=0.02), epochs=6, batch_size=8,
                      l2=1e-3, l1=1e-3 if loss == "mse" else 0.0, progress=False, compile=compiled)
        runs.append((history.loss, history.accuracy, [p.data for p in model.parameters()]))
    assert runs[1] == runs[0]
    assert runs[0][0][-1] < runs[0][0][0]


def test_fit_pauses_the_garbage_collector_and_restores_it():
    X, y = _blobs(12, seed=3)
    model = MLP(4, [4, 3], seed=4)
    seen = []
    original = SGD.step

    class Watching(SGD):
        def step(self):
            seen.append(gc.isenabled())
            original(self)

    assert gc.isenabled()
    fit(model, X, y, loss="softmax", optimizer=Watching(model.parameters(), lr=0.1), epochs=2, progress=False,
        compile=False)
    assert seen == [False, False] and gc.isenabled()
    gc.disable()
    try:
        fit(model, X, y, loss="softmax", epochs=1, progress=False)
        assert not gc.isenabled()  # restored to what it was, not switched on
    finally:
        gc.enable()


# ------------------------------------------------------------------ falling back


def test_inputs_passed_as_arguments_and_a_new_shape_records_again():
    w = [Value(0.3), Value(-0.2)]
    b = Value(0.1)

    def fn(xs, ys):
        return losses.mse([linear(w, row, b).tanh() for row in xs], ys)

    step = compile(fn)
    rng = random.Random(10)
    for size in [4, 4, 3, 4, 3, 5]:
        xs = [[Value(rng.uniform(-1, 1)), Value(rng.uniform(-1, 1))] for _ in range(size)]
        ys = [Value(rng.choice([-1.0, 1.0])) for _ in range(size)]
        got = step(xs, ys)
        grads = [v.grad for v in w + [b]] + [x.grad for row in xs for x in row] + [t.grad for t in ys]
        out = fn(xs, ys)
        out.backward()
        assert got == out.data
        assert grads == [v.grad for v in w + [b]] + [x.grad for row in xs for x in row] + [t.grad for t in ys]
    assert step.stats == {"calls": 6, "replays": 3, "recordings": 3, "plain": 3}


def test_an_operation_without_a_replay_rule_runs_the_plain_engine():
    x = Value(1.5)

    def fn():
        strange = _node(x.data * 2.0, "not-in-the-table", (x, 2.0))
        return strange * x + 1.0

    step = compile(fn)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for data in [1.5, -0.5, 2.0]:
            x.data = data
            assert step() == 2.0 * data * data + 1.0
            assert x.grad == 4.0 * data
    assert [str(w.message) for w in caught] == [  # reported once, with the reason
        "autograd.compile: no replay rule for the operation 'not-in-the-table'; this graph runs on the plain engine"]
    assert step.stats["replays"] == 0 and step.stats["plain"] == 3
    assert "not-in-the-table" in next(iter(step.recordings.values())).reason


def test_a_value_that_overflows_during_replay_raises_the_engines_error():
    x = Value(1.0)
    step = compile(lambda: (x * 100.0).exp() + x)
    step()
    x.data = 10.0  # exp(1000) overflows
    with pytest.raises(OverflowError) as replayed:
        step()
    with pytest.raises(OverflowError) as plain:
        (x * 100.0).exp() + x
    assert str(replayed.value) == str(plain.value)
    x.data = 2.0
    assert step() == math.exp(200.0) + 2.0  # and it replays again afterwards
    assert step.stats["replays"] == 1


def test_a_gradient_that_overflows_during_replay_raises_the_engines_error():
    x, y = Value(1.0), Value(1.0)
    step = compile(lambda: x.log() * 1e300 * y)
    step()
    x.data = 1e-10  # the value stays finite, its gradient 1e300 / x does not
    with pytest.raises(OverflowError, match="backward") as replayed:
        step()
    out = x.log() * 1e300 * y
    with pytest.raises(OverflowError) as plain:
        out.backward()
    assert str(replayed.value) == str(plain.value)


def test_a_domain_error_during_replay_is_the_engines():
    x = Value(2.0)
    step = compile(lambda: (x - 1.0).log())
    step()
    x.data = 0.5
    with pytest.raises(ValueError, match="log of -0.5"):
        step()


def test_check_catches_a_function_that_reads_data():
    x = Value(2.0)
    step = compile(lambda: x * x + x.data, check=2)  # x.data is baked in: wrong on replay
    step()
    x.data = 3.0
    with pytest.raises(ReplayMismatch, match="not one of the step's arguments"):
        step()


def test_check_passes_for_a_good_function():
    x = Value(2.0)
    step = compile(lambda: (x * x).tanh() + x.maximum(1.0), check=1)
    for data in [2.0, 0.5, -1.0]:
        x.data = data
        step()
    assert step.stats["replays"] == 2


def test_graph_rebuilds_the_plain_graph_of_the_last_call():
    a, b = Value(0.7, label="a"), Value(-1.2, label="b")

    def fn():
        return ((a * b).sigmoid() + 3.0 - a / 4.0).relu() * (2.0 - b) + (a ** 2.0)

    step = compile(fn)
    step()
    a.data = 0.9
    step()
    rebuilt = topological_order(step.graph())
    out = fn()
    out.backward()
    plain = topological_order(out)
    assert [(n.op, n.data, n.grad, n.local_grads, n.constant, n.label) for n in rebuilt] == \
           [(n.op, n.data, n.grad, n.local_grads, n.constant, n.label) for n in plain]


def test_every_way_a_constant_is_stored_is_replayed_not_run_plain():
    # x + c keeps c after its edge, x * c as its local derivative, c - x is "reflected": the
    # replay reads each through core.graph.layout and must replay it, and rebuild it as stored
    from autograd.core.graph import layout

    x, y = Value(0.8, label="x"), Value(1.7, label="y")

    def fn():
        terms = [x + 2.0, x * 3.0, 3.0 * x, x - 0.5, 2.0 - x, x / 4.0, 1.5 / y, x ** 2.0, 2.0 ** x,
                 x.maximum(0.25), x.minimum(0.25), x * y, x - y]
        return sum_values(terms)

    step = compile(fn)
    for k in range(3):
        x.data, y.data = 0.8 + k, 1.7 - 0.1 * k
        step()
    assert step.stats == {"calls": 3, "replays": 2, "recordings": 1, "plain": 1}
    assert not next(iter(step.recordings.values())).reason
    rebuilt, plain = topological_order(step.graph()), topological_order(fn())
    assert [layout(n)._replace(children=len(n.children)) for n in rebuilt] == \
           [layout(n)._replace(children=len(n.children)) for n in plain]


def test_bad_arguments():
    with pytest.raises(TypeError, match="Values, integer indices or lists of them"):
        compile(lambda x: x)(3.0)
    with pytest.raises(ValueError, match="check"):
        compile(lambda: Value(1.0), check=-1)
    with pytest.raises(TypeError, match="return a Value"):
        compile(lambda: 3.0)()


def test_exported_from_the_package():
    assert autograd.compile is compile


def test_compile_values_gives_the_plain_forward_values():
    from autograd.ml.replay import compile_values

    model = MLP(3, [4, 2], activation="tanh", seed=11)
    values = compile_values(lambda rows: [o for row in rows for o in model(row)])
    rng = random.Random(12)
    for size in [5, 5, 2, 5]:
        rows = [[Value(rng.uniform(-1, 1)) for _ in range(3)] for _ in range(size)]
        assert values(rows) == [o.data for row in rows for o in model(row)]
        for p in model.parameters():
            p.data += 0.01
    assert values.stats == {"calls": 4, "replays": 2, "recordings": 2, "plain": 2}


# ------------------------------------------------------------------ random graphs

_UNARY = ["neg", "relu", "abs", "tanh", "sigmoid", "exp", "log", "sqrt", "sin", "softplus", "leaky_relu", "elu"]


def _outcome(thunk):
    """(result, None) or (None, the exception's type and message)."""
    try:
        return thunk(), None
    except (ArithmeticError, ValueError) as error:
        return None, (type(error), str(error))


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_random_graphs_replay_as_the_plain_engine(data):
    leaves = [Value(data.draw(st.floats(-2, 2)), label=f"x{i}") for i in range(3)]
    program = []  # (kind, operand positions or constants), drawn once: fn builds it again every call
    for _ in range(data.draw(st.integers(1, 12))):
        size = 3 + len(program)
        pick = st.integers(0, size - 1)
        kind = data.draw(st.sampled_from(["binary", "constant", "reflected", "unary", "sum", "linear", "affine"]))
        if kind == "binary":
            program.append((kind, data.draw(st.sampled_from(["+", "-", "*", "/", "max", "min"])),
                            data.draw(pick), data.draw(pick)))
        elif kind in ("constant", "reflected"):
            program.append((kind, data.draw(st.sampled_from(["+", "-", "*", "/", "**", "max"])), data.draw(pick),
                            data.draw(st.sampled_from([0.5, 2.0, -1.5, 3.0, 1e-3]))))
        elif kind == "unary":
            program.append((kind, data.draw(st.sampled_from(_UNARY)), data.draw(pick)))
        else:
            program.append((kind, data.draw(st.lists(pick, min_size=1, max_size=4))))

    def fn():
        nodes = list(leaves)
        for kind, *args in program:
            if kind == "binary":
                op, i, j = args
                a, b = nodes[i], nodes[j]
                value = {"+": a.__add__, "-": a.__sub__, "*": a.__mul__, "/": a.__truediv__,
                         "max": a.maximum, "min": a.minimum}[op](b)
            elif kind == "constant":
                op, i, c = args
                a = nodes[i]
                value = {"+": lambda: a + c, "-": lambda: a - c, "*": lambda: a * c, "/": lambda: a / c,
                         "**": lambda: a ** 2.0, "max": lambda: a.maximum(c)}[op]()
            elif kind == "reflected":
                op, i, c = args
                a = nodes[i]
                value = {"+": lambda: c + a, "-": lambda: c - a, "*": lambda: c * a, "/": lambda: c / a,
                         "**": lambda: abs(c) ** a, "max": lambda: a.minimum(c)}[op]()
            elif kind == "unary":
                op, i = args
                value = getattr(nodes[i], op)() if op != "neg" else -nodes[i]
            elif kind == "sum":
                value = sum_values([nodes[i] for i in args[0]])
            elif kind == "linear":
                chosen = [nodes[i] for i in args[0]]
                value = linear(chosen, list(reversed(chosen)), nodes[0])
            else:
                value = linear([nodes[i] for i in args[0]], [0.5 * (k + 1) for k in range(len(args[0]))], nodes[1])
            nodes.append(value)
        return nodes[-1] * nodes[-1] + sum_values(nodes[3:])  # every node reaches the output

    step = compile(fn)
    for call in range(4):
        expected = _outcome(lambda: (lambda out: (out.backward(), out.data)[1])(fn()))
        plain_grads = [v.grad for v in leaves]
        got = _outcome(step)
        assert got[1] == expected[1]  # both raised, with the same message, or neither did
        if expected[1] is None:
            assert got[0] == expected[0] and [v.grad for v in leaves] == plain_grads
        for v in leaves:
            v.data = data.draw(st.floats(-2, 2))


def test_fit_refuses_a_label_beyond_the_classes_as_the_plain_path_does():
    X, y = _blobs(9, seed=5)
    y[4] = 7
    messages = []
    for compiled in (False, True):
        with pytest.raises(ValueError, match="label 7 is not a class index below 3") as error:
            fit(MLP(4, [3], seed=1), X, y, loss="softmax", epochs=1, progress=False, compile=compiled)
        messages.append(str(error.value))
    assert messages[0] == messages[1]


def test_argument_grads_false_leaves_the_arguments_alone():
    w = Value(0.5)
    step = compile(lambda xs: sum_values([(w * x).tanh() for x in xs]), argument_grads=False)
    xs = [Value(1.0), Value(-2.0)]
    step(xs)  # records with the plain engine, which sets every gradient
    for x in xs:
        x.grad = 7.0
    xs[0].data = 3.0
    got = (step(xs), w.grad)
    assert [x.grad for x in xs] == [7.0, 7.0]
    out = sum_values([(w * x).tanh() for x in [Value(3.0), Value(-2.0)]])
    out.backward()
    assert got == (out.data, w.grad)


def test_reset_records_again_and_graph_after_a_fallback_is_the_plain_graph():
    x = Value(1.0, label="x")
    step = compile(lambda: (x * 3.0).exp())
    step()
    step()
    step.reset()
    step()
    assert step.stats["recordings"] == 2 and step.stats["replays"] == 1
    x.data = 400.0  # exp(1200) overflows: the plain engine runs (and raises)
    with pytest.raises(OverflowError):
        step()
    x.data = 0.5
    step.graph()  # the last finished call's graph
    assert step() == math.exp(1.5)
    assert [n.label for n in topological_order(step.graph())] == ["x", "", ""]


def test_compile_values_runs_the_plain_engine_for_what_it_cannot_replay():
    from autograd.ml.replay import compile_values

    x = Value(1.0)
    values = compile_values(lambda: [(x * 10.0).exp(), x.tanh()])
    assert values() == [math.exp(10.0), math.tanh(1.0)]
    x.data = 100.0
    with pytest.raises(OverflowError, match="exp"):
        values()
    x.data = 2.0
    assert values() == [math.exp(20.0), math.tanh(2.0)]
    assert values.stats["replays"] == 1
