"""autograd.ml.settings: one place that turns training settings into a model and its optimiser."""

import pytest

from autograd.ml import settings as ms
from autograd.ml import train
from autograd.ml.data import DATASETS, train_test_split
from autograd.ml.nn import MLP
from autograd.ml.optim import SGD, Adam, constant, linear_decay
from autograd.ml.settings import DEFAULTS, build, fit_options, layer_sizes, load_data, settings_for


def _weights(model) -> list[float]:
    return [p.data for p in model.parameters()]


def test_settings_are_the_dataset_defaults_then_the_overrides():
    s = settings_for("moons")
    assert s == {"dataset": "moons", **DEFAULTS["moons"], "activation": "relu", "init": "uniform", "seed": 1337,
                 "schedule": "linear_decay", "exact": True}
    s = settings_for("moons", lr=0.5, hidden=(4, 3), epochs=None, optimizer="adam", seed=7)
    assert (s["lr"], s["hidden"], s["epochs"], s["optimizer"], s["seed"]) == (0.5, [4, 3], 100, "adam", 7)
    assert s["schedule"] == "constant"  # Adam's default, decided after the overrides
    assert settings_for("xor", optimizer="sgd")["schedule"] == "linear_decay"
    assert settings_for("xor", schedule="linear_decay")["schedule"] == "linear_decay"


def test_settings_do_not_share_state_with_the_defaults():
    s = settings_for("moons")
    s["hidden"].append(99)
    assert DEFAULTS["moons"]["hidden"] == [16, 16] and settings_for("moons")["hidden"] == [16, 16]


@pytest.mark.parametrize("overrides, error, words", [
    ({"loss": "cross"}, ValueError, "unknown loss 'cross': choose one of hinge, bce, softmax, mse"),
    ({"optimizer": "rmsprop"}, ValueError, "unknown optimizer 'rmsprop'"),
    ({"schedule": "cosine"}, ValueError, "unknown schedule 'cosine'"),
    ({"activation": "gelu"}, ValueError, "unknown activation 'gelu'"),
    ({"init": "zeros"}, ValueError, "unknown init 'zeros'"),
    ({"hidden": "16,16"}, ValueError, "hidden must be a list of layer sizes"),
    ({"hidden": [16, 0]}, ValueError, "hidden must be a list of layer sizes"),
    ({"hidden": [True]}, ValueError, "hidden must be a list of layer sizes"),
    ({"learning_rate": 0.1}, TypeError, "no setting 'learning_rate'"),
])
def test_bad_settings_are_refused_naming_them(overrides, error, words):
    with pytest.raises(error, match=words):
        settings_for("moons", **overrides)


def test_an_unknown_dataset_names_the_choices():
    with pytest.raises(ValueError, match="unknown dataset 'moon': choose one of moons, circles"):
        settings_for("moon")


def test_layer_sizes_follow_the_loss():
    assert layer_sizes(settings_for("moons"), 2, 2) == [2, 16, 16, 1]
    assert layer_sizes(settings_for("blobs"), 2, 3) == [2, 16, 3]
    assert layer_sizes(settings_for("moons", loss="softmax"), 2, 2) == [2, 16, 16, 2]
    with pytest.raises(ValueError, match="blobs has 3 classes: the hinge loss scores two, use the softmax loss"):
        layer_sizes(settings_for("blobs", loss="hinge"), 2, 3)


def test_the_command_lines_model_and_optimiser():
    """What `autograd train` built by hand before: the same weights, the same schedule."""
    s = settings_for("moons", batch_size=16, activation="tanh", init="xavier", seed=3)
    model, optimizer = build(s, inputs=2, classes=2, samples=75)
    reference = MLP(2, [16, 16, 1], activation="tanh", init="xavier", seed=3)
    decay = linear_decay(1.0, 100 * 5, 0.1)  # 75 samples in batches of 16: 5 steps an epoch
    assert _weights(model) == _weights(reference) and isinstance(optimizer, SGD)
    assert [name for name, _ in reference.named_parameters()] == optimizer.names
    assert all(p is q for p, q in zip(optimizer.parameters, model.parameters()))
    for step in (0, 1, 250, 499, 500, 800):
        optimizer.steps = step
        assert optimizer.lr == decay(step)


def test_the_explorers_model_and_optimiser():
    """What the explorer's training tab built by hand: MLP(2, [*hidden, 1], seed) and the
    dataset's optimiser at a constant rate."""
    s = settings_for("circles", hidden=[8, 8], seed=1, lr=0.2, n=100, loss="hinge", schedule="constant")
    model, optimizer = build(s, inputs=2, classes=2)
    assert _weights(model) == _weights(MLP(2, [8, 8, 1], seed=1))
    assert isinstance(optimizer, Adam) and optimizer.lr == 0.2
    optimizer.steps = 1000
    assert optimizer.lr == 0.2
    X, y = load_data(s)
    assert X.tolist() == DATASETS["circles"](n=100, seed=1)[0].tolist()


def test_a_decaying_rate_needs_the_number_of_samples():
    with pytest.raises(ValueError, match="linear_decay schedule needs the number of training samples"):
        build(settings_for("moons"), inputs=2, classes=2)


def test_a_bad_learning_rate_is_the_optimisers_error():
    with pytest.raises(ValueError, match="learning rate must be a finite number"):
        build(settings_for("xor", lr=float("nan")), inputs=2, classes=2)


def test_training_from_settings_is_the_hand_built_run():
    """build + fit_options train exactly as `run_train`'s hand-written code trained."""
    s = settings_for("xor", hidden=[4], epochs=3, batch_size=32, seed=5)
    X, y = load_data(s)
    Xtr, _, ytr, _ = train_test_split(X, y, 0.25, seed=5)
    model, optimizer = build(s, inputs=X.shape[1], classes=int(y.max()) + 1, samples=len(Xtr))
    history = train.fit(model, Xtr, ytr, optimizer=optimizer, progress=False, **fit_options(s))

    X2, y2 = DATASETS["xor"](n=200, seed=5)
    Xtr2, _, ytr2, _ = train_test_split(X2, y2, 0.25, seed=5)
    reference = MLP(2, [4, 1], activation="relu", init="uniform", seed=5)
    adam = Adam(reference.named_parameters(), lr=constant(0.05))
    expected = train.fit(reference, Xtr2, ytr2, loss="hinge", optimizer=adam, epochs=3, batch_size=32, l2=0.0,
                         seed=5, progress=False)
    assert history.loss == expected.loss and _weights(model) == _weights(reference)


def test_held_out_is_the_seeded_fraction_unless_the_dataset_fixes_its_own():
    s = settings_for("xor", seed=5)
    X, y = load_data(s)
    parts = ms.held_out(s, X, y)
    assert all(a.tolist() == b.tolist() for a, b in zip(parts, train_test_split(X, y, ms.TEST_FRACTION, seed=5)))
    assert len(ms.held_out(s, X, y, 0.5)[1]) == 100
    assert ms.HELD_OUT == {"mnist": 1000}


def test_a_dataset_may_set_its_own_init_schedule_and_exactness():
    s = settings_for("mnist")
    assert (s["init"], s["schedule"], s["exact"]) == ("he", "linear_decay", False)
    s = settings_for("mnist", schedule="constant", exact=True, init="xavier")
    assert (s["init"], s["schedule"], s["exact"]) == ("xavier", "constant", True)
    with pytest.raises(ValueError, match="exact must be True or False, got 'no'"):
        settings_for("moons", exact="no")


def test_digits_has_its_own_size():
    pytest.importorskip("sklearn")
    X, y = load_data(settings_for("digits"))
    assert X.shape == (1797, 64)
