"""A compiled step is never silently wrong: data that changes outside its arguments is caught,
integer indices are arguments, a fallback is reported once, and no_grad() is refused."""

from __future__ import annotations

import gc
import warnings

import pytest

import autograd
from autograd import Value, no_grad, sum_values
from autograd.ml.replay import ReplayMismatch, compile


def test_the_issue_s_minimal_case_raises_replay_mismatch_saying_what_to_pass():
    wte = [Value(float(i)) for i in range(5)]
    doc = [1, 2]
    step = autograd.compile(lambda: autograd.sum_values([wte[t] * wte[t] for t in doc]))
    assert step() == 5.0
    doc = [3, 4]  # read from a Python variable, not passed
    with pytest.raises(autograd.ReplayMismatch, match=r"replay gave 5.0, the plain engine 25.0.*pass what changes "
                                                      r"as an argument, e.g. step\(doc\)"):
        step()
    assert autograd.ReplayMismatch is ReplayMismatch


def test_indices_passed_as_arguments_give_the_plain_engine_s_numbers():
    wte = [Value(0.5 + 0.25 * i) for i in range(6)]

    def fn(doc, target):
        return sum_values([wte[t] * wte[u] for t, u in zip(doc, doc[1:])]) * wte[target]

    step = compile(fn)
    calls = [([1, 2, 3], 4), ([0, 5, 5], 1), ([1, 2, 3], 4), ([1, 1, 1], 0), ([1, 2, 3], 4), ([0, 5, 5], 1)]
    for doc, target in calls:  # "anna": repeated indices too
        for w in wte:
            w.grad = 0.0
        got, grads = step(doc, target), [w.grad for w in wte]
        for w in wte:
            w.grad = 0.0
        out = fn(doc, target)
        out.backward()
        assert got == out.data and grads == [w.grad for w in wte]
    assert step.stats["replays"] >= 3


def test_a_hidden_change_is_caught_at_the_growing_checks():
    x, scale = Value(2.0), [1.0]
    step = compile(lambda: x * x * scale[0])  # scale is read from outside, baked in
    checked_at = []
    for call in range(1, 40):
        if call == 12:
            scale[0] = 3.0
        try:
            step()
        except ReplayMismatch:
            checked_at.append(call)
            break
    # checks after 1, 4, 16 replays: calls 2, 5, 17; the change at 12 is caught at 17
    assert checked_at == [17]


def test_a_fresh_constant_made_inside_the_function_is_no_mismatch():
    x = Value(1.5)
    step = compile(lambda: x * Value(2.0) + x)
    for data in (1.5, 2.5, 3.5, 4.5, 5.5):
        x.data = data
        assert step() == 3.0 * data
        assert x.grad == 3.0
    assert step.stats["replays"] == 4


def test_a_fallback_is_reported_once_with_its_reason():
    x = Value(1.0)
    step = compile(lambda xs: xs[0] * x, argument_grads=True)
    y = x * 2.0  # a computed Value passed as an argument cannot be replayed
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(4):
            assert step([y]) == 2.0
    assert [str(w.message) for w in caught] == [
        "autograd.compile: an argument is a computed Value, not a leaf; this graph runs on the plain engine"]


def test_a_compiled_step_inside_no_grad_is_an_error():
    x = Value(3.0)
    step = compile(lambda: x * x)
    step()
    x.grad = 123.0
    with no_grad():
        with pytest.raises(RuntimeError, match="inside no_grad"):
            step()
    assert x.grad == 123.0


def test_the_collector_is_paused_while_recording_and_checking_and_restored():
    x = Value(1.0)
    seen = []

    def fn():
        seen.append(gc.isenabled())
        return x * x

    step = compile(fn)
    assert gc.isenabled()
    step()
    step()  # checks the replay against the plain engine (no recording)
    step()  # replays: the function does not run
    assert seen == [False, False] and gc.isenabled()


def test_a_recorded_node_costs_less_than_twice_a_plain_node():
    # a graph of binary operations, as microgpt's model builds (Python's sum, products, rmsnorm),
    # on a mini-batch of 8 samples
    import tracemalloc

    from autograd.core import topological_order
    from autograd.ml.replay.recording import Recording

    ws = [[Value(0.01 * (i - j)) for i in range(16)] for j in range(16)]
    batch = [[Value(0.1 * i - 0.05 * k) for i in range(16)] for k in range(8)]

    def sample(v):
        for _ in range(4):
            v = [sum(w * x for w, x in zip(row, v)).relu() for row in ws]
            scale = (sum(x * x for x in v) / 16 + 1e-5) ** -0.5
            v = [x * scale for x in v]
        return sum(v)

    def fn():
        return sum(sample(xs) for xs in batch)

    gc.collect()
    tracemalloc.start()
    try:
        out = fn()
        plain, _ = tracemalloc.get_traced_memory()
        before, _ = tracemalloc.get_traced_memory()
        recording = Recording(out, [])
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not recording.reason
    nodes = len(topological_order(out)) - 16 * 16 - 8 * 16  # the nodes fn made: parameters and inputs in neither
    assert nodes > 15000
    print(f"recorded {(after - before) / nodes:.0f} B/node, plain {plain / nodes:.0f} B/node")
    assert (after - before) / nodes < 2 * plain / nodes


def test_exact_false_reorders_sums_within_1e_12_relative():
    import random

    from autograd.ml.nn import MLP

    rng = random.Random(3)
    model = MLP(6, [12, 12, 1], activation="tanh", seed=4)
    batch = [[Value(rng.uniform(-1, 1)) for _ in range(6)] for _ in range(16)]
    targets = [rng.uniform(-1, 1) for _ in range(16)]

    def loss(rows):
        return sum_values([(model(row) - t) ** 2.0 for row, t in zip(rows, targets)])

    exact, loose = compile(loss), compile(loss, exact=False)
    params = model.parameters()
    for _ in range(6):
        for row in batch:
            for x in row:
                x.data = rng.uniform(-1, 1)
        want = exact(batch)
        want_grads = [p.grad for p in params]
        got = loose(batch)
        got_grads = [p.grad for p in params]
        plain = loss(batch)
        plain.backward()
        assert want == plain.data and want_grads == [p.grad for p in params]  # exact stays bit for bit
        assert abs(got - want) <= 1e-12 * abs(want)
        scale = max(abs(g) for g in want_grads)
        assert all(abs(a - b) <= 1e-12 * scale for a, b in zip(got_grads, want_grads))
    assert loose.stats["replays"] == 5
    rec = next(iter(loose.recordings.values()))
    assert not rec.reason and not rec.exact
    with pytest.raises(TypeError, match="exact must be True or False"):
        compile(loss, exact=1)


def test_indices_that_change_every_call_stop_the_recording_with_one_warning():
    from autograd.ml.replay.arguments import MAX_RECORDINGS

    table = [Value(0.5 + 0.01 * i) for i in range(100)]
    step = compile(lambda i, j: table[i % 100] * table[j] + table[i])  # i % 100: the value itself matters
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for call in range(3 * MAX_RECORDINGS + 5):
            i, j = call % 100, (call * 7 + 1) % 100
            assert step(i, j) == (table[i] * table[j] + table[i]).data
    assert [str(w.message).split(":")[1] for w in caught] == [
        " the integer arguments are recorded one value at a time", f" {MAX_RECORDINGS} recordings were dropped unused"]
    assert step.stats["recordings"] == 2 * MAX_RECORDINGS


def test_another_leaf_with_the_recorded_leaf_s_data_is_a_mismatch_not_a_constant():
    # the known gap: a leaf read from outside the arguments whose data equals the recorded one
    a, b = Value(2.0), Value(2.0)
    chosen = [a]
    step = compile(lambda: chosen[0] * chosen[0] + 1.0)
    assert step() == 5.0 and a.grad == 4.0
    chosen[0] = b  # another Value, same data: its gradient must not land on a
    a.grad = 0.0
    with pytest.raises(ReplayMismatch, match="another leaf"):
        step()
    # the checked call ran the plain engine first: b has its gradient, a was left alone
    assert b.grad == 4.0 and a.grad == 0.0


def test_a_fresh_constant_in_the_function_stays_a_constant_and_an_outside_one_must_be_the_same():
    x = Value(1.5)
    kept = Value(2.0)
    step = compile(lambda: x * Value(2.0) * kept)
    for call in range(20):
        x.data = 0.5 + call
        assert step() == (0.5 + call) * 4.0 and x.grad == 4.0 and kept.grad == 2.0 * x.data
    assert step.stats["replays"] == 19


# ------------------------------------------------------------------ integers replayed as gathers

_ROWS = [[Value(0.3 + 0.1 * i - 0.05 * j) for j in range(3)] for i in range(6)]
_HEADS = [[Value(0.2 * j - 0.1 * i) for j in range(3)] for i in range(6)]
_PARAMS = [p for row in _ROWS + _HEADS for p in row]


def _plain(fn, *args):
    for p in _PARAMS:
        p.grad = 0.0
    out = fn(*args)
    out.backward()
    return out.data, [p.grad for p in _PARAMS]


def _embed(doc):
    # rows picked by the tokens (a letter may repeat), a negative index too
    return sum_values([(sum_values([a * b for a, b in zip(_ROWS[t], _HEADS[0])]) + _ROWS[u][0]).tanh()
                       for t, u in zip(doc, doc[1:])])


def _language_model(doc):
    # each token's row, the next token's probability: probs[target] picks a Value computed here
    losses = []
    for t, target in zip(doc, doc[1:]):
        logits = [sum_values([a * b for a, b in zip(_ROWS[t], head)]) for head in _HEADS]
        exps = [z.exp() for z in logits]
        total = sum_values(exps)
        probs = [e / total for e in exps]
        losses.append(-probs[target].log())
    return sum_values(losses)


DOCS = [[0, 1, 1, 0], [2, 3, 4, 5], [5, 5, 5, 5], [1, 0, 3, 2], [-1, 2, -6, 0], [4, 4, 0, 1], [0, 1, 1, 0]]


def test_a_list_of_token_indices_is_one_recording_for_every_value_bit_for_bit():
    step = compile(_embed)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for doc in DOCS:
            for p in _PARAMS:
                p.grad = 0.0
            got = step(doc), [p.grad for p in _PARAMS]
            assert got == _plain(_embed, doc)
    assert step.stats == {"calls": 7, "replays": 6, "recordings": 1, "plain": 1}
    with pytest.raises(IndexError):  # out of the list's range: the plain engine's own error
        step([0, 1, 6, 0])


def test_an_integer_picking_a_computed_value_is_gathered_with_exact_false_and_recorded_per_value_if_exact():
    loose = compile(_language_model, exact=False)
    exact = compile(_language_model)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for doc in DOCS:
            want, want_grads = _plain(_language_model, doc)
            got = loose(doc)
            grads = [p.grad for p in _PARAMS]
            assert abs(got - want) <= 1e-12 * abs(want)
            assert all(abs(a - b) <= 1e-12 * max(map(abs, want_grads)) for a, b in zip(grads, want_grads))
            assert exact(doc) == want and [p.grad for p in _PARAMS] == want_grads
    assert loose.stats["recordings"] == 1 and loose.stats["replays"] == 6
    assert exact.stats["recordings"] == 6  # one per distinct document
    assert len(caught) == 1 and "exact=False" in str(caught[0].message)


def test_an_index_used_as_a_number_records_each_value():
    step = compile(lambda doc: sum_values([_ROWS[t][0] * float(t) for t in doc]))  # float(t): the value matters
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for doc in DOCS[:4]:
            assert step(doc) == sum_values([_ROWS[t][0] * float(t) for t in doc]).data
    assert "one value at a time" in str(caught[0].message) and step.stats["recordings"] == 4
