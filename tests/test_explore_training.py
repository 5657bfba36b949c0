"""The training tab's API (autograd.apps.explore.training) and its data (autograd.ml.toy_data):
plain Python, checked settings, bounded work, and numbers that agree with the engine's own."""

import json
import math
import subprocess
import sys

import pytest

import autograd
from autograd import Value
from autograd.apps.explore import training
from autograd.apps.explore.api import Api
from autograd.ml import losses, toy_data
from autograd.nn import load
from autograd.util.validate import InvalidValue


@pytest.fixture
def api():
    return Api()


def new(api, **settings):
    status, answer = api.handle("/api/train/new", settings)
    assert status == 200, answer
    return answer


def train(api, session, steps, **run):
    """``steps`` steps, asking again while the server stops a request at its work limit."""
    done = 0
    while done < steps:
        status, answer = api.handle("/api/train/step", {"session": session, "steps": steps - done, **run})
        assert status == 200 and answer["done"] >= 1 and not answer["stopped"], answer
        done += answer["done"]
    return answer


def test_the_training_modules_never_import_numpy():
    code = ("import sys; import autograd.apps.explore.training, autograd.apps.explore.training_view, "
            "autograd.apps.explore.api, autograd.ml.toy_data, autograd.ml\n"
            "from autograd.apps.explore.api import Api\n"
            "api = Api(); s = api.handle('/api/train/new', {'dataset': 'blobs'})[1]['session']\n"
            "assert api.handle('/api/train/step', {'session': s, 'steps': 2})[0] == 200\n"
            "assert api.handle('/api/train/sample', {'session': s, 'index': 0})[0] == 200\n"
            "print('numpy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize("name", toy_data.DATASETS)
def test_each_dataset_is_made_from_its_seed_alone(name):
    points = toy_data.make(name, 60, 0.1, seed=7, classes=4)
    assert points == toy_data.make(name, 60, 0.1, seed=7, classes=4) != toy_data.make(name, 60, 0.1, seed=8, classes=4)
    assert len(points) == 60 and all(math.isfinite(v) for p in points for v in p[:2])
    if name == "regression":
        assert all(len(p) == 2 and -2 <= p[0] <= 2 for p in points)
    else:
        wanted = {0, 1, 2, 3} if name == "blobs" else {0, 1}
        assert {p[2] for p in points} == wanted


def test_moons_without_noise_lie_on_their_half_circles():
    for x, y, label in toy_data.make("moons", 40, 0.0):
        centre = (0.0, 0.0) if label == 0 else (1.0, 0.5)
        assert math.hypot(x - centre[0], y - centre[1]) == pytest.approx(1.0)


def test_split_holds_out_the_test_share():
    points = toy_data.make("circles", 100, 0.1)
    train_part, test_part = toy_data.split(points, 0.3, seed=2)
    assert (len(train_part), len(test_part)) == (70, 30)
    assert sorted(train_part + test_part) == sorted(points)
    with pytest.raises(InvalidValue, match="test fraction"):
        toy_data.split(points, 0.95)


def test_csv_round_trips_and_bad_lines_are_named():
    points = toy_data.make("blobs", 30, 0.2, classes=5)
    assert toy_data.read_csv(toy_data.write_csv(points, False), False) == points
    curve = toy_data.make("regression", 20, 0.1)
    assert toy_data.read_csv(toy_data.write_csv(curve, True), True) == curve
    for text, message in [("x1,x2,label\n1,2,0\n3,x,1\n", "CSV line 3: 'x' is not a number"),
                          ("1,2,0\n3,4\n", "CSV line 2 has 2 values"),
                          ("1,2,0\n3,4,7\n", "CSV line 2: the label 7 must be at least 0 and at most 4"),
                          ("1,2,0\n3,4,1.5\n", "not a whole number"),
                          ("1,2,0\n", "at least 2 lines"),
                          ("1,2,0\n1e999,2,1\n", "not a finite number"),
                          ("1,2,0\n" * 20_000, "at most 40,000")]:
        with pytest.raises(InvalidValue, match=message):
            toy_data.read_csv(text, False)


@pytest.mark.parametrize("settings, message", [
    ({"dataset": "iris"}, "dataset must be one of"),
    ({"hidden": "8,40"}, "a hidden layer of 40 neurons must be at least 1 and at most 32"),
    ({"hidden": [1] * 7}, "at most 6 layer sizes"),
    ({"hidden": [32, 32, 32]}, "hidden gives 96 neurons, at most 64"),
    ({"activation": "gelu"}, "activation must be one of tanh, relu, sigmoid"),
    ({"lr": 0}, "lr must be more than 0"),
    ({"lr": "fast"}, "lr must be a finite number, got 'fast'"),
    ({"batch": 0}, "batch must be at least 1"),
    ({"reg": "l3"}, "reg must be one of none, l1, l2"),
    ({"classes": 6}, "classes must be at least 2 and at most 5"),
    ({"noise": 2}, "noise must be at least 0 and at most 1"),
    ({"test": 1}, "test must be at least 0 and at most 0.9"),
    ({"points": [[0, 0, 0], [1, 1, 9]]}, "the label 9 must be"),
    ({"csv": "1,2,0\nnan,1,1\n"}, "CSV line 2"),
])
def test_a_bad_setting_is_a_400_naming_it(api, settings, message):
    status, answer = api.handle("/api/train/new", settings)
    assert status == 400 and message in answer["error"], answer


def test_the_network_has_one_output_per_class_and_one_for_two_classes_or_regression(api):
    for settings, shape in [({"dataset": "blobs", "classes": 4, "hidden": [5, 3]}, (2, [5, 3, 4])),
                            ({"dataset": "moons", "hidden": "6"}, (2, [6, 1])),
                            ({"dataset": "regression", "hidden": []}, (1, [1]))]:
        answer = new(api, **settings)
        model = api.trainer.sessions[answer["session"]].model
        assert (model.nin, model.nouts) == shape
        assert [len(layer) for layer in answer["weights"]] == shape[1]
        assert [len(layer) for layer in answer["picture"]["neurons"]] == shape[1][:-1]


def test_the_picture_holds_probabilities_and_every_neurons_map(api):
    answer = new(api, dataset="blobs", classes=3, hidden=[4, 2])
    picture = answer["picture"]
    assert len(picture["output"]) == picture["size"] ** 2
    assert all(len(p) == 3 and sum(p) == pytest.approx(1, abs=1e-3) for p in picture["output"])
    assert all(len(values) == picture["neuron_size"] ** 2 for layer in picture["neurons"] for values in layer)
    assert all(-1 <= v <= 1 for layer in picture["neurons"] for values in layer for v in values)  # tanh


def test_three_blobs_and_the_regression_train_to_a_low_loss(api):
    blobs = new(api, dataset="blobs", classes=3)
    first = blobs["train"]["loss"]
    answer = train(api, blobs["session"], 50)
    assert answer["step"] == 50 and answer["train"]["loss"] < 0.05 < first and answer["test"]["accuracy"] == 1.0
    curve = new(api, dataset="regression", lr=0.05)
    first = curve["train"]["loss"]
    answer = train(api, curve["session"], 100)
    assert answer["train"]["loss"] < 0.1 < first and answer["test"]["loss"] < 0.1
    assert [h[0] for h in answer["history"]] == sorted(h[0] for h in answer["history"])  # one record per epoch


def test_work_per_request_is_bounded_and_the_rest_is_asked_for_again(api, monkeypatch):
    monkeypatch.setattr(training, "MAX_WORK", 100_000)
    session = new(api, hidden=[16, 16], batch=600)["session"]
    status, answer = api.handle("/api/train/step", {"session": session, "steps": 500})
    per_step = 70 * 337  # the training points × the parameters
    assert status == 200 and answer["done"] == training.MAX_WORK // per_step == answer["step"]


def test_a_diverging_rate_stops_with_a_message_and_finite_weights(api):
    session = new(api, dataset="regression", lr=10)["session"]
    status, answer = api.handle("/api/train/step", {"session": session, "steps": 200})
    assert status == 200 and "try a smaller learning rate" in answer["stopped"] and answer["done"] < 200
    assert all(abs(w) <= training.MAX_WEIGHT for layer in answer["weights"] for nd in layer for w in nd["w"] + [nd["b"]])


def test_the_l2_penalty_adds_two_rate_w_to_each_weights_gradient(api):
    plain = new(api, hidden=[3], batch=70)["session"]
    decayed = new(api, hidden=[3], batch=70)["session"]
    before = api.trainer.sessions[plain].model.state_dict()
    train(api, plain, 1, lr=0.5)
    train(api, decayed, 1, lr=0.5, reg="l2", rate=0.1)
    a, b = (api.trainer.sessions[s].model.state_dict() for s in (plain, decayed))
    for name, w in before.items():
        shift = 0.0 if name.endswith(".b") else -0.5 * 2 * 0.1 * w
        assert b[name] - a[name] == pytest.approx(shift, abs=1e-12)


def test_points_are_added_and_removed_and_the_network_kept(api):
    answer = new(api, n=20, test=0.5)
    session = answer["session"]
    weights = answer["weights"]
    status, added = api.handle("/api/train/edit", {"session": session, "add": [0.25, -0.5, 1]})
    assert status == 200 and added["ntrain"] == 11 and [0.25, -0.5, 1] in added["points"]
    assert added["weights"] == weights and added["step"] == 0
    status, removed = api.handle("/api/train/edit", {"session": session, "remove": 19})  # a test point
    assert status == 200 and len(removed["points"]) == 20 and removed["ntrain"] == 11
    for body, message in [({"add": [0, 0, 2]}, "not a class of this network"), ({"remove": 99}, "point 99"),
                          ({"add": [0, "a", 1]}, "finite number"), ({"remove": True}, "whole number")]:
        status, answer = api.handle("/api/train/edit", {"session": session, **body})
        assert status == 400 and message in answer["error"]


def test_one_samples_graph_has_the_gradients_autograd_grad_gives(api, tmp_path):
    answer = new(api, dataset="blobs", classes=3, hidden=[3])
    session = answer["session"]
    train(api, session, 5)
    sample = api.handle("/api/train/sample", {"session": session, "index": 4})[1]
    exported = api.handle("/api/train/export", {"session": session})[1]
    (tmp_path / "model.json").write_text(json.dumps(exported["model"]))
    model = load(tmp_path / "model.json")
    x1, x2, label = sample["point"]
    loss = losses.softmax_cross_entropy([model([Value(x1), Value(x2)])], [label])
    names, params = zip(*model.named_parameters())
    expected = dict(zip(names, (g.data for g in autograd.grad(loss, list(params)))))
    assert sample["loss"] == pytest.approx(loss.data, rel=1e-12)
    assert {p["path"]: p["grad"] for p in sample["pushes"]} == pytest.approx(expected, rel=1e-12)
    for push in sample["pushes"]:
        assert push["push"] == pytest.approx(-0.3 * push["grad"] / 10)
    nodes = {nd["name"]: nd for nd in sample["model"]["nodes"]}
    assert nodes["L"]["kind"] == "output" and nodes["L1_n1_w1"]["kind"] == "parameter"
    assert float(nodes["L1_n1_w1"]["grad"]) == pytest.approx(expected["layers.0.neurons.0.w.0"], rel=1e-5)


def test_export_gives_the_model_load_reads_and_the_data_as_csv(api, tmp_path):
    answer = new(api, dataset="xor", hidden=[4, 2], seed=5)
    train(api, answer["session"], 20)
    exported = api.handle("/api/train/export", {"session": answer["session"]})[1]
    (tmp_path / "m.json").write_text(json.dumps(exported["model"]))
    model = load(tmp_path / "m.json")
    session = api.trainer.sessions[answer["session"]]
    assert model.state_dict() == session.model.state_dict() and model.inputs == ["x1", "x2"] and model.loss == "bce"
    assert toy_data.read_csv(exported["csv"], False) == session.points


def test_an_unknown_session_is_bad_input(api):
    for route in training.ROUTES[1:]:
        status, answer = api.handle(route, {"session": "nope", "index": 0, "remove": 0})
        assert status == 400 and "session" in answer["error"]
