"""The worked example: through the Python API, the walkthrough module and the command line."""

import json
import math

import pytest

from autograd import Value
from autograd.apps.cli import main
from autograd.apps.worked import Example, compare_published, run

X, W1, W2, Y, LR = 2.0, 0.5, 0.3, 0.5, 0.01


def hand_derived():
    """The chain rule written out by hand, independent of the engine."""
    h = 1.0 / (1.0 + math.exp(-W1 * X))
    y_hat = W2 * h
    loss = 0.5 * (Y - y_hat) ** 2
    dl_dyhat = y_hat - Y
    dl_dw2 = dl_dyhat * h
    dl_dw1 = dl_dyhat * W2 * h * (1.0 - h) * X
    return h, y_hat, loss, dl_dw1, dl_dw2


def test_worked_example_through_the_python_api():
    _, _, loss, dl_dw1, dl_dw2 = hand_derived()
    x, w1, w2 = Value(X, label="x"), Value(W1, label="w1"), Value(W2, label="w2")
    h = (w1 * x).sigmoid()
    y_hat = w2 * h
    L = 0.5 * (Y - y_hat) ** 2
    L.backward()
    assert L.data == pytest.approx(loss, abs=1e-12)
    assert w1.grad == pytest.approx(dl_dw1, abs=1e-12)
    assert w2.grad == pytest.approx(dl_dw2, abs=1e-12)
    # the published figures are not these
    assert abs(L.data - 0.0405) > 1e-3
    assert abs(w2.grad - -0.1473) > 0.05 and abs(w1.grad - -0.0652) > 0.03


def test_walkthrough_numbers_match_the_hand_derived_formula():
    h, y_hat, loss, dl_dw1, dl_dw2 = hand_derived()
    (step,) = run(Example())
    assert step.values["h"] == pytest.approx(h, abs=1e-15)
    assert step.values["yhat"] == pytest.approx(y_hat, abs=1e-15)
    assert step.loss == pytest.approx(loss, abs=1e-15)
    assert step.grads["w1"] == pytest.approx(dl_dw1, abs=1e-15)
    assert step.grads["w2"] == pytest.approx(dl_dw2, abs=1e-15)
    assert step.updated["w1"] == pytest.approx(W1 - LR * dl_dw1, abs=1e-15)
    assert step.updated["w2"] == pytest.approx(W2 - LR * dl_dw2, abs=1e-15)


def test_published_figures_verdicts():
    verdicts = {c.published.quantity: c.right for c in compare_published(run()[0])}
    assert verdicts == {
        "h": True, "yhat": True, "L": False, "dL/dw2": False, "dL/dw1": False,
        "w2 updated": False, "w1 updated": False,
    }


def test_several_steps_lower_the_loss():
    steps = run(Example(lr=0.5), steps=20)
    losses = [s.loss for s in steps]
    assert all(b < a for a, b in zip(losses, losses[1:]))
    assert steps[1].evaluation.values["w1"].data == steps[0].updated["w1"]


def test_walkthrough_text_says_which_figures_are_wrong(capsys):
    assert main(["walkthrough"]) == 0
    out = capsys.readouterr().out
    assert "0.0393913" in out and "-0.205195" in out and "-0.0331113" in out
    assert "WRONG" in out and "0.0405" in out
    assert "∂L/∂h = ∂L/∂yhat · ∂yhat/∂h = -0.2806824 · 0.3 = -0.0842047" in out  # the shown factors give the product


def test_walkthrough_json(capsys):
    assert main(["walkthrough", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    _, _, loss, dl_dw1, dl_dw2 = hand_derived()
    assert data["loss"] == pytest.approx(loss, abs=1e-15)
    assert data["grads"]["w1"] == pytest.approx(dl_dw1, abs=1e-15)
    assert data["grads"]["w2"] == pytest.approx(dl_dw2, abs=1e-15)
    assert data["updated"]["w1"] == pytest.approx(W1 - LR * dl_dw1, abs=1e-15)
    assert data["updated"]["w2"] == pytest.approx(W2 - LR * dl_dw2, abs=1e-15)
    assert [p["right"] for p in data["published"]] == [True, True, False, False, False, False, False]


def test_walkthrough_with_other_inputs_and_steps(capsys):
    assert main(["walkthrough", "--x", "1", "--w1", "-0.2", "--target", "1", "--lr", "0.1",
                 "--steps", "3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["steps"]) == 3 and "published" not in data
    h = 1 / (1 + math.exp(0.2))
    assert data["values"]["h"] == pytest.approx(h)
    assert data["grads"]["w2"] == pytest.approx((0.3 * h - 1) * h)


@pytest.mark.parametrize("args", [["walkthrough", "--lr", "abc"], ["walkthrough", "--steps", "0"],
                                  ["walkthrough", "--x", "inf"], ["walkthrough", "--bogus"]])
def test_walkthrough_bad_options(args, capsys):
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: ") and captured.err.count("\n") == 1
