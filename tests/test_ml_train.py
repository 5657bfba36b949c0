"""autograd.ml.train: validation per epoch, keeping the best epoch, and stopping on divergence."""

import math

import numpy as np
import pytest

from autograd.ml import train
from autograd.ml.data import moons, train_test_split
from autograd.ml.nn import MLP
from autograd.ml.optim import SGD


def _data():
    X, y = moons(n=80, seed=3)
    return train_test_split(X, y, 0.25, seed=3)


def test_validation_loss_and_accuracy_are_recorded_per_epoch():
    Xtr, Xva, ytr, yva = _data()
    model = MLP(2, [8, 1], seed=2)
    history = train.fit(model, Xtr, ytr, optimizer=SGD(model.parameters(), lr=0.1), epochs=6, progress=False,
                        validation=(Xva, yva))
    assert len(history.val_loss) == len(history.val_accuracy) == 6
    final = train.evaluate(model, Xva, yva, "hinge")
    assert history.val_loss[-1] == final["loss"] and history.val_accuracy[-1] == final["accuracy"]
    assert history.val_accuracy[-1] == train.accuracy(model, Xva, yva)
    assert history.best_epoch is None


def test_keep_best_ends_with_the_epoch_of_least_validation_loss():
    Xtr, Xva, ytr, yva = _data()
    model = MLP(2, [8, 1], seed=2)
    history = train.fit(model, Xtr, ytr, optimizer=SGD(model.parameters(), lr=2.0), epochs=25, progress=False,
                        validation=(Xva, yva), keep_best=True)
    best = int(np.argmin(history.val_loss))
    assert history.best_epoch == best
    assert train.evaluate(model, Xva, yva, "hinge")["loss"] == history.val_loss[best]


def test_a_diverging_loss_stops_with_the_step_and_keeps_the_last_good_parameters():
    Xtr, _, ytr, _ = _data()
    model = MLP(2, [16, 16, 1], seed=1)
    seen = []
    original = train._Guard.check

    def check(self, loss, epoch):
        seen.append([p.data for p in model.parameters()])
        return original(self, loss, epoch)

    train._Guard.check = check
    try:
        with pytest.raises(train.Diverged) as caught:
            train.fit(model, Xtr, ytr, optimizer=SGD(model.parameters(), lr=1000.0), epochs=20, progress=False)
    finally:
        train._Guard.check = original
    error = caught.value
    assert isinstance(error, ValueError) and error.step == len(seen) >= 2
    assert str(error).startswith(f"training diverged at step {error.step} (epoch {error.epoch}): the loss is ")
    assert "smaller learning rate" in str(error)
    assert [p.data for p in model.parameters()] == seen[-2]  # the parameters of the last good loss
    assert all(math.isfinite(p.data) for p in model.parameters())


def test_a_nan_loss_is_divergence_too():
    model = MLP(1, [1], seed=0)
    model.parameters()[0].data = 1e300
    with pytest.raises(train.Diverged, match=r"step 1 \(epoch 1\): the loss is not a finite number"):
        train.fit(model, [[1e300], [-1e300]], [0, 1], loss="mse", epochs=1, progress=False)


@pytest.mark.parametrize("loss, text", [(0.5, "0.5000"), (0.0, "0.0000"), (12345.678, "12345.6780"),
                                        (6.3e55, "6.3000e+55"), (2.5e-6, "2.5000e-06"), (math.inf, "inf")])
def test_losses_are_printed_in_scientific_notation_when_large_or_tiny(loss, text):
    assert train.loss_text(loss) == text


def test_the_progress_bar_shows_the_validation_loss(capsys):
    Xtr, Xva, ytr, yva = _data()
    model = MLP(2, [4, 1], seed=2)
    history = train.fit(model, Xtr, ytr, epochs=2, progress=True, validation=(Xva, yva))
    err = capsys.readouterr().err
    assert f"val_loss={train.loss_text(history.val_loss[-1])}" in err and f"val_acc={history.val_accuracy[-1]:.3f}" in err


def test_train_json_reports_the_validation_history_and_the_kept_epoch(run_cli):
    import json

    code, out, err = run_cli("train", "moons", "--epochs", "8", "--validation", "0.2", "--keep-best", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert len(result["val_loss_history"]) == len(result["val_accuracy_history"]) == 8
    assert result["best_epoch"] == 1 + int(np.argmin(result["val_loss_history"]))
    code, out, err = run_cli("train", "moons", "--validation", "1")
    assert code == 2 and "--validation" in err
