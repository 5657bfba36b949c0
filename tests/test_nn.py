"""Networks, losses, optimisers and training; micrograd's moons demo reproduced."""

import json
import math
import random

import numpy as np
import pytest

from autograd import Value
from autograd import losses
from autograd.cli import main
from autograd.data import batches, moons, train_test_split
from autograd.nn import MLP, Layer, Neuron
from autograd.optim import SGD, Adam, linear_decay, step_decay


def micrograd_demo(steps=100, seed=1337):
    """micrograd's demo, written as its README writes it; returns the losses and its initial weights."""
    from micrograd.engine import Value as MV
    from micrograd.nn import MLP as MMLP

    random.seed(seed)
    X, y = moons(100, noise=0.1, seed=seed)
    y = y * 2 - 1
    model = MMLP(2, [16, 16, 1])
    initial = [p.data for p in model.parameters()]
    history = []
    for k in range(steps):
        inputs = [list(map(MV, row)) for row in X.tolist()]
        scores = list(map(model, inputs))
        data_loss = sum((1 + -yi * si).relu() for yi, si in zip(y.tolist(), scores)) * (1.0 / len(scores))
        total = data_loss + 1e-4 * sum(p * p for p in model.parameters())
        model.zero_grad()
        total.backward()
        for p in model.parameters():
            p.data -= (1.0 - 0.9 * k / 100) * p.grad
        history.append(total.data)
    acc = np.mean([(yi > 0) == (model(list(map(MV, row))).data > 0) for yi, row in zip(y, X.tolist())])
    return X, y, initial, history, acc


def test_moons_demo_matches_micrograd_and_reaches_100_percent():
    X, y, initial, expected, _ = micrograd_demo()
    model = MLP(2, [16, 16, 1])
    for p, w in zip(model.parameters(), initial):
        p.data = w
    params = model.parameters()
    opt = SGD(params, lr=linear_decay(1.0, 100, 0.1))
    rows = X.tolist()
    got = []
    for _ in range(100):
        scores = [model(r) for r in rows]
        total = losses.hinge(scores, y.tolist()) + 1e-4 * losses.l2_penalty(params)
        total.backward()
        opt.step()
        got.append(total.data)
    assert got == pytest.approx(expected, abs=1e-9)
    predictions = [model(r).data > 0 for r in rows]
    assert np.mean([(yi > 0) == p for yi, p in zip(y, predictions)]) == 1.0


def test_mlp_contract():
    model = MLP(3, [4, 4, 1], seed=0)
    assert isinstance(model([1.0, 2.0, 3.0]), Value)
    assert isinstance(MLP(3, [4, 2])([1.0, 2.0, 3.0]), list)
    assert len(model.parameters()) == (3 + 1) * 4 + (4 + 1) * 4 + (4 + 1)
    names = [n for n, _ in model.named_parameters()]
    assert names[:5] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.w.2",
                         "layers.0.neurons.0.b", "layers.0.neurons.1.w.0"]
    assert isinstance(Layer(2, 1)([1.0, 2.0]), list)
    assert isinstance(MLP(2, [1, 1])([1.0, 2.0]), Value)  # a hidden layer of width 1
    assert [p.data for p in MLP(2, [3, 1], seed=5).parameters()] == [p.data for p in MLP(2, [3, 1], seed=5).parameters()]


@pytest.mark.parametrize("init", ["uniform", "xavier", "he"])
def test_initialisations_have_their_scale(init):
    neuron_weights = [w.data for n in Layer(200, 200, init=init, seed=1).neurons for w in n.w]
    std = float(np.std(neuron_weights))
    expected = {"uniform": 1 / math.sqrt(3), "xavier": math.sqrt(6 / 400) / math.sqrt(3), "he": math.sqrt(2 / 200)}
    assert std == pytest.approx(expected[init], rel=0.05)


def test_bad_model_arguments():
    with pytest.raises(ValueError, match="activation"):
        Neuron(2, activation="softplus")
    with pytest.raises(ValueError, match="init"):
        MLP(2, [2], init="zeros")
    with pytest.raises(ValueError, match="expected 2 inputs"):
        Neuron(2)([1.0])


def test_losses_against_hand_computed_values():
    p = [Value(0.8), Value(-0.3)]
    assert losses.mse(p, [1.0, 0.0]).data == pytest.approx(((0.8 - 1) ** 2 + 0.3**2) / 2)
    assert losses.half_squared_error(p, [1.0, 0.0]).data == pytest.approx((0.04 + 0.09) / 4)
    assert losses.hinge(p, [1.0, 1.0]).data == pytest.approx((0.2 + 1.3) / 2)
    z = Value(2.0)
    assert losses.bce_with_logits([z], [1.0]).data == pytest.approx(math.log(1 + math.exp(-2)))
    assert losses.bce_with_logits([Value(800.0)], [0.0]).data == pytest.approx(800.0)  # no overflow
    row = [Value(1.0), Value(2.0), Value(3.0)]
    ce = losses.softmax_cross_entropy([row], [0])
    assert ce.data == pytest.approx(-math.log(math.exp(1) / (math.exp(1) + math.exp(2) + math.exp(3))))
    ce.backward()
    soft = [math.exp(k) / sum(math.exp(j) for j in (1, 2, 3)) for k in (1, 2, 3)]
    assert [v.grad for v in row] == pytest.approx([soft[0] - 1, soft[1], soft[2]])
    big = [Value(1000.0), Value(0.0)]
    assert losses.softmax_cross_entropy([big], [1]).data == pytest.approx(1000.0)
    assert losses.l1_penalty([Value(-2.0), Value(3.0)]).data == 5.0
    assert losses.l2_penalty([Value(-2.0), Value(3.0)]).data == 13.0


def test_sgd_momentum_weight_decay_and_adam_steps():
    p = Value(1.0)
    opt = SGD([p], lr=0.1, momentum=0.9, weight_decay=0.01)
    p.grad = 2.0
    opt.step()  # v = 2.01; p = 1 - 0.201
    assert p.data == pytest.approx(0.799)
    p.grad = 2.0
    opt.step()  # v = 0.9·2.01 + 2 + 0.00799
    assert p.data == pytest.approx(0.799 - 0.1 * (0.9 * 2.01 + 2.0 + 0.01 * 0.799))
    q = Value(1.0)
    adam = Adam([q], lr=0.1)
    q.grad = 0.5
    adam.step()  # first step moves by lr·sign(g)
    assert q.data == pytest.approx(0.9, abs=1e-6)
    assert step_decay(1.0, 10, 0.5)(25) == 0.25
    assert linear_decay(1.0, 100, 0.1)(50) == pytest.approx(0.55)


def test_save_load_round_trip_and_corrupt_files(tmp_path):
    model = MLP(2, [3, 1], seed=0)
    path = tmp_path / "m.json"
    model.save(path)
    other = MLP(2, [3, 1], seed=1)
    other.load(path)
    assert other.state_dict() == model.state_dict()
    before = other.state_dict()
    for content in ["{not json", json.dumps({"format": "other"}), json.dumps({"format": "autograd-model",
                    "architecture": MLP(2, [4, 1]).architecture(), "parameters": {}})]:
        path.write_text(content)
        with pytest.raises(ValueError):
            other.load(path)
        assert other.state_dict() == before
    state = model.state_dict()
    state["layers.0.neurons.0.w.0"] = "x"
    with pytest.raises(ValueError, match="not a finite number"):
        other.load_state_dict(state)
    del state["layers.0.neurons.0.w.0"]
    with pytest.raises(ValueError, match="missing"):
        other.load_state_dict(state)
    assert other.state_dict() == before
    assert not list(tmp_path.glob(".*tmp"))


def test_batches_and_split():
    X, y = moons(40)
    Xtr, Xte, ytr, yte = train_test_split(X, y, 0.25, seed=1)
    assert (len(Xtr), len(Xte)) == (30, 10)
    assert [len(b) for b in batches(10, 3)] == [3, 3, 3, 1]
    assert [len(b) for b in batches(10, None)] == [10]
    assert sorted(np.concatenate(list(batches(10, 1, np.random.default_rng(0))))) == list(range(10))


def test_train_command_json(capsys):
    assert main(["train", "moons", "--json", "--epochs", "60"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["train_accuracy"] >= 0.95 and len(data["loss_history"]) == 60 and data["seconds"] > 0


def test_train_digits_reaches_95_percent_held_out(capsys):
    pytest.importorskip("sklearn", reason="the digits dataset comes with scikit-learn (the dev extra has it)")
    assert main(["train", "digits", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["test_accuracy"] >= 0.95


def test_train_bad_input(capsys):
    assert main(["train", "nosuch"]) == 2
    assert main(["train", "moons", "--hidden", "a,b"]) == 2
    assert main(["train", "blobs", "--loss", "hinge"]) == 2
    err = capsys.readouterr().err
    assert err.count("error: ") == 3


def test_digits_without_scikit_learn_is_a_clear_error(monkeypatch, capsys):
    import sys
    monkeypatch.setitem(sys.modules, "sklearn", None)  # makes `import sklearn...` fail
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    assert main(["train", "digits"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "scikit-learn" in err and err.count("\n") == 1
