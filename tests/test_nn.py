"""Networks, losses, optimisers and training; micrograd's moons demo reproduced."""

import gc
import json
import math
import os
import random
import re
import stat
import time

import numpy as np
import pytest

from autograd import Value
from autograd.ml import losses
from autograd.apps.cli import main
from autograd.ml.data import batches, moons, train_test_split
from autograd.ml.nn import MLP, Layer, Neuron
from autograd.ml.optim import SGD, Adam, linear_decay, step_decay


def micrograd_demo(steps=3, seed=1337):
    """micrograd's demo, written as its README writes it; returns the losses and its initial weights.

    A few steps only: micrograd takes about 0.15 s per step with the collector off (the whole 100-step comparison
    lives in benchmarks/run.py); a few steps already compare every weight's update."""
    from micrograd.engine import Value as MV
    from micrograd.nn import MLP as MMLP

    random.seed(seed)
    X, y = moons(100, noise=0.1, seed=seed)
    y = y * 2 - 1
    model = MMLP(2, [16, 16, 1])
    initial = [p.data for p in model.parameters()]
    history = []
    gc.disable()  # micrograd's closures make every graph a cycle: the collector's rescans cost 5x
    try:
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
    finally:
        gc.enable()
    return X, y, initial, history, [p.data for p in model.parameters()]


def moons_steps(model, X, y, steps):
    """The same demo on this engine: hinge loss + 1e-4·L2, SGD with micrograd's learning-rate decay."""
    params = model.parameters()
    opt = SGD(params, lr=linear_decay(1.0, 100, 0.1))
    rows, labels = X.tolist(), y.tolist()
    history = []
    for _ in range(steps):
        total = losses.hinge([model(r) for r in rows], labels) + 1e-4 * losses.l2_penalty(params)
        total.backward()
        opt.step()
        history.append(total.data)
    return history


def test_moons_demo_matches_micrograd_step_for_step():
    X, y, initial, expected, final = micrograd_demo(steps=3)
    model = MLP(2, [16, 16, 1])
    for p, w in zip(model.parameters(), initial):
        p.data = w
    assert moons_steps(model, X, y, 3) == pytest.approx(expected, abs=1e-9)
    assert [p.data for p in model.parameters()] == pytest.approx(final, abs=1e-9)


def test_moons_demo_reaches_100_percent_in_100_steps():
    """micrograd's demo run whole on this engine alone (micrograd's own run: benchmarks/run.py)."""
    X, y = moons(100, noise=0.1, seed=1337)
    y = y * 2 - 1
    model = MLP(2, [16, 16, 1], seed=1337)
    history = moons_steps(model, X, y, 100)
    assert history[-1] < 0.05 < history[0]
    predictions = [model(r).data > 0 for r in X.tolist()]
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


@pytest.mark.parametrize("make, error, message", [
    (lambda: Neuron(True), TypeError, "Neuron: nin must be a whole number, got True"),
    (lambda: Neuron(0), ValueError, "Neuron: nin = 0 must be at least 1"),
    (lambda: Layer(2, 2.0), TypeError, "Layer: nout must be a whole number, got 2.0"),
    (lambda: MLP(2, [4, False]), TypeError, "MLP: nouts[1] must be a whole number, got False"),
    (lambda: MLP(2, [4, 0]), ValueError, "MLP: nouts[1] = 0 must be at least 1"),
    (lambda: MLP("2", [1]), TypeError, "MLP: nin must be a whole number, got '2'"),
    (lambda: MLP(2, 3), TypeError, "MLP: nouts must be a list of layer sizes such as [16, 1], got 3"),
    (lambda: MLP(2, []), ValueError, "MLP: nouts needs at least one layer size"),
])
def test_layer_sizes_are_whole_numbers_and_a_bool_is_not_one(make, error, message):
    with pytest.raises(error) as caught:
        make()
    assert str(caught.value) == message


def test_layer_sizes_may_be_numpy_integers():
    model = MLP(np.int64(2), [np.int64(3), 1], seed=0)
    assert model.architecture()["nouts"] == [3, 1] and type(model.nin) is int
    json.dumps(model.architecture())  # saved as plain numbers


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
    with pytest.raises(ValueError, match=r"^load_state_dict: layers\.0\.neurons\.0\.w\.0 must be a finite number, got 'x'$"):
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


def test_train_digits_reaches_90_percent_held_out_in_two_epochs(capsys):
    # The default 10 epochs reach 0.95 in about 12 s: benchmarks/run.py times the digits.
    pytest.importorskip("sklearn", reason="the digits dataset comes with scikit-learn (the dev extra has it)")
    assert main(["train", "digits", "--json", "--epochs", "2"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["test_accuracy"] >= 0.9


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


# ---------------------------------------------------------------- save and load, hardened


def test_save_goes_through_the_one_writer(tmp_path, monkeypatch):
    model = MLP(2, [3, 1], seed=0)
    target = tmp_path / "m.json"
    target.write_text("old")
    target.chmod(0o640)
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd))[1])
    model.save(target)
    assert synced, "the file is fsynced before the rename"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # was 0600 (mkstemp's) before
    link = tmp_path / "link.json"
    link.symlink_to(target)
    MLP(2, [3, 1], seed=1).save(link)
    assert link.is_symlink() and json.loads(target.read_text())["parameters"] == MLP(2, [3, 1], seed=1).state_dict()


def test_save_refuses_a_device_a_folder_and_an_empty_path(tmp_path):
    model = MLP(2, [3, 1], seed=0)
    for bad, reason in [("/dev/null", "not a regular file"), (tmp_path, "is a folder"), ("", "empty"),
                        (tmp_path / "nodir" / "m.json", "does not exist")]:
        with pytest.raises(OSError, match=reason):
            model.save(bad)
    assert os.path.exists("/dev/null") and stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert not [p for p in tmp_path.iterdir()]


def test_save_interrupted_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "m.json"
    MLP(2, [3, 1], seed=0).save(target)
    before = target.read_text()

    def interrupted(fd, data):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        MLP(2, [3, 1], seed=1).save(target)
    monkeypatch.undo()
    assert target.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]


def saved(tmp_path, **changes):
    model = MLP(2, [3, 1], seed=0)
    path = tmp_path / "m.json"
    model.save(path)
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))
    return model, path


def test_load_raises_only_value_error_naming_the_file(tmp_path):
    model, path = saved(tmp_path)
    before = model.state_dict()
    name = next(iter(before))
    cases = {
        "deep nesting": "[" * 100_000 + "]" * 100_000,
        "400-digit weight": path.read_text().replace(repr(before[name]), "9" * 400, 1),
        "5000-digit weight": path.read_text().replace(repr(before[name]), "9" * 5000, 1),
        "1e999 weight": path.read_text().replace(repr(before[name]), "1e999", 1),
        "NaN weight": path.read_text().replace(repr(before[name]), "NaN", 1),
        "not UTF-8": b"\xff\xfe{",
        "a list": "[1, 2]",
        "nested parameters": json.dumps({"format": "autograd-model", "version": 1,
                                         "architecture": model.architecture(), "parameters": [[[1]]]}),
    }
    for what, content in cases.items():
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        with pytest.raises(ValueError) as caught:
            model.load(path)
        assert str(path) in str(caught.value), what
        assert model.state_dict() == before, what


def test_load_checks_the_version(tmp_path):
    model, path = saved(tmp_path, version=3)
    with pytest.raises(ValueError, match=r"format version 3; this autograd reads versions 1 and 2"):
        model.load(path)
    model, path = saved(tmp_path, version=None)
    with pytest.raises(ValueError, match="version"):
        model.load(path)


def test_load_has_a_size_limit(tmp_path, monkeypatch):
    from autograd.ml import nn

    model, path = saved(tmp_path)
    assert nn.MAX_MODEL_BYTES == 64 * 2**20
    monkeypatch.setattr(nn, "MAX_MODEL_BYTES", 100)
    with pytest.raises(ValueError, match=f"^load: {re.escape(str(path))}: larger than 100 bytes, the most a saved model may be$"):
        model.load(path)


def test_load_reads_through_the_one_bounded_reader(tmp_path, monkeypatch):
    """A file that cannot be read is a ValueError naming it too, as every other bad model file."""
    from autograd.util import reading

    model, path = saved(tmp_path)
    calls = []
    reader = reading.read_text
    monkeypatch.setattr(reading, "read_text", lambda *args, **kwargs: calls.append(args) or reader(*args, **kwargs))
    model.load(path)
    assert calls == [(path, 64 * 2**20, "saved model")]
    missing = tmp_path / "missing.json"
    with pytest.raises(ValueError, match=f"^load: {re.escape(str(missing))}: cannot read the saved model: No such file"):
        model.load(missing)


# ---------------------------------------------------------------- optimisers never write nan or inf


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1, momentum=0.9), lambda ps: Adam(ps, lr=0.1)])
@pytest.mark.parametrize("grad", [math.nan, math.inf])
def test_an_optimiser_refuses_a_non_finite_weight_naming_it_and_the_step(make, grad):
    model = MLP(2, [2, 1], seed=0)
    opt = make(model.named_parameters())
    for p in model.parameters():
        p.grad = 0.5
    opt.step()
    before = model.state_dict()
    model.parameters()[3].grad = grad
    with pytest.raises(OverflowError, match=r"step 2: the update would set layers\.0\.neurons\.1\.w\.0 to"):
        opt.step()
    assert model.state_dict() == before  # nothing written, not even the finite updates
    assert opt.steps == 1


def test_a_huge_learning_rate_is_refused_at_the_step_that_overflows():
    p = Value(1.0, label="w")
    opt = SGD([p], lr=1e300)
    p.grad = 1e300
    with pytest.raises(OverflowError, match="SGD step 1: the update would set w to -inf"):
        opt.step()
    assert p.data == 1.0
    for bad in (math.nan, math.inf, -1.0):
        with pytest.raises(ValueError, match="learning rate"):
            SGD([p], lr=bad)


@pytest.mark.parametrize("make, error, message", [
    (lambda ps: SGD(ps, lr="0.1"), TypeError, "SGD: the learning rate must be a real number, got '0.1'"),
    (lambda ps: SGD(ps, lr=True), TypeError, "SGD: the learning rate must be a real number, got True"),
    (lambda ps: Adam(ps, lr=-0.5), ValueError, "Adam: the learning rate lr=-0.5 must be at least 0"),
    (lambda ps: SGD(ps, momentum=math.nan), ValueError, "SGD: momentum must be a finite number, got nan"),
    (lambda ps: SGD(ps, momentum=1.0), ValueError, "SGD: momentum=1 must be at least 0 and less than 1"),
    (lambda ps: SGD(ps, momentum=None), TypeError, "SGD: momentum must be a real number, got None"),
    (lambda ps: SGD(ps, weight_decay=-1e-4), ValueError, "SGD: weight_decay=-0.0001 must be at least 0"),
    (lambda ps: Adam(ps, betas=(0.9, 1.0)), ValueError, "Adam: betas[1]=1 must be at least 0 and less than 1"),
    (lambda ps: Adam(ps, betas=(-0.1, 0.999)), ValueError, "Adam: betas[0]=-0.1 must be at least 0 and less than 1"),
    (lambda ps: Adam(ps, betas=0.9), TypeError, "Adam: betas must be a pair of numbers (β1, β2), got 0.9"),
    (lambda ps: Adam(ps, betas=(0.9,)), ValueError, "Adam: betas must be a pair of numbers (β1, β2), got 1 numbers"),
    (lambda ps: Adam(ps, eps=0.0), ValueError, "Adam: eps=0 must be more than 0"),
    (lambda ps: Adam(ps, eps=math.inf), ValueError, "Adam: eps must be a finite number, got inf"),
    (lambda ps: Adam(ps, weight_decay=-1), ValueError, "Adam: weight_decay=-1 must be at least 0"),
])
def test_optimiser_settings_are_checked_naming_the_optimiser_and_the_setting(make, error, message):
    """Every setting is checked when the optimiser is made (before, a momentum of nan or an eps
    of 0 gave nan weights, or a ZeroDivisionError, at some later step)."""
    with pytest.raises(error) as caught:
        make([Value(1.0)])
    assert str(caught.value) == message


def test_optimiser_settings_take_any_real_number():
    p = Value(1.0)
    opt = Adam([p], lr=np.float32(0.5), betas=np.array([0.5, 0.75]), eps=1, weight_decay=0)
    assert (opt.lr, opt.beta1, opt.beta2, opt.eps) == (0.5, 0.5, 0.75, 1.0)
    assert SGD([p], lr=0, momentum=np.float64(0.9)).momentum == 0.9
    assert SGD([p], lr=lambda step: 0.1).lr == 0.1  # a schedule is called, not checked


# ---------------------------------------------------------------- train: flags checked before any work


@pytest.mark.parametrize("args, words", [
    (["--hidden", "20000,20000"], "--hidden has a layer of 20,000"),
    (["--hidden", ",,,"], "--hidden: ',,,' is not layer sizes"),
    (["--hidden", ""], "--hidden: '' is not layer sizes"),
    (["--hidden", "0"], "not layer sizes"),
    (["--hidden", "8,8,8,8,8,8,8"], "7 layers, at most 6"),
    (["--lr", "nan"], "--lr: 'nan' is not a finite number"),
    (["--lr", "0"], "--lr: '0' must be more than 0"),
    (["--lr", "inf"], "not a finite number"),
    (["--l2", "-5"], "--l2: '-5' must be at least 0"),
    (["--epochs", "0"], "--epochs: '0' must be at least 1"),
    (["--epochs", "1e3"], "--epochs: '1e3' is not a whole number"),
    (["--epochs", "100000"], "--epochs 100,000 is more than 5,000"),
    (["--batch-size", "-1"], "--batch-size: '-1' must be at least 0"),
    (["--seed", "-1"], "--seed"),
    (["--hidden", "64,64", "--epochs", "1000"], "steps of work"),
    (["--hidden", "100,100", "--epochs", "1"], "compiled graph of about 551 MB, at most 350 MB, or --no-compile"),
    (["--hidden", "256,256", "--epochs", "1", "--no-compile"], "needs a graph of about 251 MB, at most 250 MB"),
    (["--save", ""], "cannot write '': the path is empty (--save)"),
    (["--save", "nodir/m.json"], "cannot write nodir/m.json: the folder"),
])
def test_train_flags_are_checked_before_any_work(args, words, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    started = time.perf_counter()
    assert main(["train", "moons", *args]) == 2
    assert time.perf_counter() - started < 2  # refused before training
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("error: ") and err.count("\n") == 1
    assert words in err
    assert list(tmp_path.iterdir()) == []


def test_train_allow_large_lifts_the_work_limit_only_on_purpose(capsys):
    assert main(["train", "xor", "--hidden", "4", "--epochs", "6000", "--json"]) == 2
    assert "--allow-large" in capsys.readouterr().err


def test_train_save_writes_a_loadable_model(tmp_path, capsys):
    path = tmp_path / "m.json"
    assert main(["train", "xor", "--hidden", "4", "--epochs", "3", "--json", "--save", str(path)]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["dataset"] == "xor"
    assert captured.err.strip() == f"wrote {path}"
    MLP(2, [4, 1], activation="relu").load(path)


def test_train_is_listed_and_an_internal_error_is_a_traceback(monkeypatch, capsys):
    from autograd.apps import cli

    assert "train" in cli.build_parser().format_help()
    monkeypatch.setattr("autograd.ml.train.fit", lambda *a, **k: {}["a bug"])
    with pytest.raises(KeyError):
        main(["train", "xor", "--epochs", "1"])


def test_no_compile_passes_compile_false_to_fit(monkeypatch, capsys):
    from autograd.ml import train

    seen = {}
    real_fit = train.fit

    def recording_fit(*args, **kwargs):
        seen.update(kwargs)
        return real_fit(*args, **kwargs)

    monkeypatch.setattr(train, "fit", recording_fit)
    assert main(["train", "xor", "--hidden", "4", "--epochs", "2", "--json", "--no-compile"]) == 0
    assert seen["compile"] is False
    seen.clear()
    assert main(["train", "xor", "--hidden", "4", "--epochs", "2", "--json"]) == 0
    assert seen.get("compile", True) is True  # fit's default: the compiled replay


def test_networks_losses_and_optimisers_import_no_numpy():
    # numpy comes in with data, training and the compiled replay; a network and its optimiser
    # are plain Python on Value (they run wherever the core runs)
    import subprocess
    import sys

    code = ("import sys, autograd.nn, autograd.ml.nn, autograd.ml.losses, autograd.ml.optim; "
            "print(sorted(m for m in ('numpy', 'tqdm', 'graphviz') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


# ---------------------------------------------------------------- a model from its file alone


def test_load_builds_the_model_the_file_describes(tmp_path):
    from autograd.nn import load

    model = MLP(3, [4, 2], activation="tanh", seed=5).describe(inputs=["a", "b", "c"], loss="softmax",
                                                                training={"dataset": "blobs"})
    path = tmp_path / "m.json"
    model.save(path)
    data = json.loads(path.read_text())
    assert data["version"] == 2 and data["inputs"] == ["a", "b", "c"] and data["loss"] == "softmax"
    again = load(path)
    assert again.architecture() == model.architecture() and again.state_dict() == model.state_dict()
    assert (again.inputs, again.loss, again.training) == (["a", "b", "c"], "softmax", {"dataset": "blobs"})
    assert [o.data for o in again([0.1, -0.2, 0.3])] == [o.data for o in model([0.1, -0.2, 0.3])]


def test_load_reads_version_1_files(tmp_path):
    from autograd.nn import load

    model, path = saved(tmp_path, version=1)
    data = json.loads(path.read_text())
    assert set(data) == {"format", "version", "architecture", "inputs", "parameters"}
    del data["inputs"]
    path.write_text(json.dumps(data))
    again = load(path)
    assert again.state_dict() == model.state_dict() and again.inputs == ["x0", "x1"] and again.loss is None
    other = MLP(2, [3, 1], seed=9)
    other.load(path)
    assert other.state_dict() == model.state_dict()


def test_load_refuses_a_bad_description_naming_the_file(tmp_path):
    from autograd.nn import load

    for change, message in [({"inputs": ["x0", "x0"]}, "inputs must be 2 different names"),
                            ({"inputs": ["x0", "1x"]}, "inputs must be 2 different names"),
                            ({"loss": "cubic"}, "unknown loss 'cubic'"),
                            ({"architecture": {"class": "MLP", "nin": 2, "nouts": [3, 1], "activation": "gelu"}},
                             "unknown activation 'gelu'"),
                            ({"architecture": {"class": "MLP", "nin": 0, "nouts": [1]}}, "nin"),
                            ({"architecture": {"class": "Layer"}}, "does not describe an MLP")]:
        _, path = saved(tmp_path, **change)
        with pytest.raises(ValueError, match=re.escape(str(path))) as caught:
            load(path)
        assert message in str(caught.value)
