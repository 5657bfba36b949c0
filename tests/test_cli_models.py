"""A saved model's life on the command line: train → evaluate → predict, divergence, and the way
out to PyTorch and ONNX (and back in from PyTorch), each equal to ours to 1e-12 in float64."""

import json
import math
import sys

import numpy as np
import pytest

from autograd.ml.nn import MLP, load

import onnx  # noqa: E402
import onnxruntime  # noqa: E402
import torch  # noqa: E402,F811

from autograd.ml.export import onnx as to_onnx  # noqa: E402
from autograd.ml.export import torch as to_torch  # noqa: E402


def ours(model, X):
    out = []
    for row in X.tolist():
        y = model(row)
        out.append([y.data] if not isinstance(y, list) else [v.data for v in y])
    return np.array(out)


@pytest.fixture(scope="module")
def inputs():
    return np.random.default_rng(7).normal(scale=2.0, size=(1000, 3))


MODELS = [("relu", [5, 4, 1]), ("tanh", [6, 3]), ("sigmoid", [4, 4, 2]), ("linear", [3, 1])]


def _model(activation, nouts):
    return MLP(3, nouts, activation=activation, seed=11).describe(inputs=["a", "b", "c"], loss="softmax"
                                                                  if nouts[-1] > 1 else "hinge")


# ---------------------------------------------------------------- train, evaluate, predict


def test_train_evaluate_predict_round_trip(run_cli, tmp_path):
    path = tmp_path / "moons.json"
    code, out, err = run_cli("train", "moons", "--epochs", "40", "--save", str(path), "--json")
    assert code == 0, err
    trained = json.loads(out)
    code, out, err = run_cli("evaluate", str(path), "moons", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["split"] == "test" and report["samples"] == 25 and report["classes"] == [0, 1]
    assert report["accuracy"] == trained["test_accuracy"]
    assert sum(map(sum, report["confusion"])) == 25
    assert sum(report["confusion"][i][i] for i in range(2)) == round(25 * report["accuracy"])
    code, out, _ = run_cli("evaluate", str(path), "moons", "--split", "all")
    assert code == 0 and out.startswith("moons (all, 100 samples): loss ") and "confusion matrix" in out

    model = load(path)
    code, out, err = run_cli("predict", str(path), "--at", "x0=0.5", "x1=-0.25", "--json")
    assert code == 0, err
    (prediction,) = json.loads(out)["predictions"]
    assert prediction["outputs"] == [model([0.5, -0.25]).data]
    assert prediction["class"] == int(model([0.5, -0.25]).data > 0)
    table = tmp_path / "points.csv"
    table.write_text("x1,x0\n-0.25,0.5\n1,2\n")
    code, out, err = run_cli("predict", str(path), "--input", str(table), "--json")
    assert code == 0, err
    rows = json.loads(out)["predictions"]
    assert rows[0] == prediction and rows[1]["outputs"] == [model([2.0, 1.0]).data]


def test_evaluate_a_labelled_csv_and_a_softmax_model(run_cli, tmp_path):
    path = tmp_path / "blobs.json"
    assert run_cli("train", "blobs", "--epochs", "5", "--save", str(path), "--json")[0] == 0
    labelled = tmp_path / "l.csv"
    labelled.write_text("2,0,0\n-1,1.7,1\n-1,-1.7,2\n")
    code, out, err = run_cli("evaluate", str(path), str(labelled), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["loss_name"] == "softmax" and report["classes"] == [0, 1, 2] and report["samples"] == 3
    model = load(path)
    predicted = [max(range(3), key=lambda k: model(row)[k].data) for row in ([2, 0], [-1, 1.7], [-1, -1.7])]
    expected = [[sum(1 for t, p in zip(range(3), predicted) if (t, p) == (i, j)) for j in range(3)] for i in range(3)]
    assert report["confusion"] == expected and report["accuracy"] == sum(t == p for t, p in enumerate(predicted)) / 3


@pytest.mark.parametrize("args, message", [
    (["predict", "MISSING", "--at", "x0=1", "x1=2"], "No such file"),
    (["predict", "MODEL", "--at", "x0=1"], "missing x1"),
    (["predict", "MODEL", "--at", "x0=1", "x1=2", "z=3"], "the model's inputs are x0, x1"),
    (["predict", "MODEL", "--input", "BADCOLUMNS"], "the model reads x0, x1"),
    (["predict", "MODEL", "--input", "BADNUMBER"], "line 2, x1: 'nan' is not a finite number"),
    (["predict", "MODEL"], "one of the arguments --input --at is required"),
    (["evaluate", "MODEL", "nope"], "neither a dataset"),
    (["evaluate", "MODEL", "blobs", "--split", "test"], "the model does not record training on blobs"),
    (["evaluate", "MODEL", "blobs", "--split", "all"], "the dataset 3 classes"),
    (["evaluate", "MODEL", "BADCOLUMNS"], "the model reads x0, x1 (and label)"),
])
def test_bad_input_is_one_error_line(run_cli, tmp_path, args, message):
    model = tmp_path / "m.json"
    MLP(2, [3, 1], seed=0).describe(loss="hinge").save(model)
    (tmp_path / "cols.csv").write_text("x0,y\n1,2\n")
    (tmp_path / "num.csv").write_text("x0,x1\n1,nan\n")
    names = {"MODEL": str(model), "MISSING": str(tmp_path / "none.json"), "BADCOLUMNS": str(tmp_path / "cols.csv"),
             "BADNUMBER": str(tmp_path / "num.csv")}
    code, out, err = run_cli(*[names.get(a, a) for a in args])
    assert code == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1 and message in err, err


# ---------------------------------------------------------------- divergence and the help


def test_a_diverging_run_stops_with_one_error_line_and_keeps_the_last_good_model(run_cli, tmp_path):
    path = tmp_path / "m.json"
    code, out, err = run_cli("train", "moons", "--lr", "1000", "--epochs", "5", "--save", str(path))
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert lines[-1].startswith("error: training diverged at step ") and "smaller learning rate" in lines[-1]
    assert len([line for line in lines if line.startswith("error:")]) == 1
    assert all(math.isfinite(p.data) and abs(p.data) < 1e6 for p in load(path).parameters())


def test_train_help_lists_each_datasets_defaults(run_cli):
    from autograd.ml.settings import DEFAULTS

    code, out, _ = run_cli("train", "--help")
    assert code == 0
    for name, values in DEFAULTS.items():
        line = next(line for line in out.splitlines() if line.strip().startswith(name + " "))
        assert f"--lr {values['lr']}" in line and f"--epochs {values['epochs']}" in line
        assert f"--hidden {','.join(map(str, values['hidden']))}" in line and f"--loss {values['loss']}" in line
    assert "--keep-best" in out and "--validation" in out


@pytest.mark.parametrize("command", ["evaluate", "predict", "export-model", "import-model"])
def test_every_new_command_has_help_with_examples(run_cli, command):
    code, out, _ = run_cli(command, "--help")
    assert code == 0 and "examples:" in out and f"autograd {command} " in out


# ---------------------------------------------------------------- PyTorch and ONNX


@pytest.mark.parametrize("activation, nouts", MODELS)
def test_export_to_torch_computes_our_outputs(run_cli, tmp_path, inputs, activation, nouts):
    model = _model(activation, nouts)
    model.save(tmp_path / "m.json")
    expected = ours(model, inputs)
    assert run_cli("export-model", str(tmp_path / "m.json"), "--to", "torch", str(tmp_path / "m.pt"))[0] == 0
    assert run_cli("export-model", str(tmp_path / "m.json"), "--to", "torch", str(tmp_path / "m.py"))[0] == 0
    net = to_torch.sequential(model)
    net.load_state_dict(torch.load(tmp_path / "m.pt", weights_only=True))
    with torch.no_grad():
        got = net(torch.tensor(inputs, dtype=torch.float64)).numpy()
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    scope: dict = {}
    exec(compile((tmp_path / "m.py").read_text(), "m.py", "exec"), scope)  # the file we just wrote
    with torch.no_grad():
        got = scope["model"](torch.tensor(inputs, dtype=torch.float64)).numpy()
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    assert len((tmp_path / "m.py").read_text().splitlines()) < 40 + sum(nouts)


@pytest.mark.parametrize("activation, nouts", MODELS)
def test_export_to_onnx_computes_our_outputs_in_onnxruntime(run_cli, tmp_path, inputs, activation, nouts):
    model = _model(activation, nouts)
    model.save(tmp_path / "m.json")
    code, _, err = run_cli("export-model", str(tmp_path / "m.json"), "--to", "onnx", str(tmp_path / "m.onnx"))
    assert code == 0, err
    proto = onnx.load(tmp_path / "m.onnx")
    onnx.checker.check_model(proto, full_check=True)
    assert [(o.domain, o.version) for o in proto.opset_import] == [("", to_onnx.OPSET)]
    session = onnxruntime.InferenceSession(str(tmp_path / "m.onnx"), providers=["CPUExecutionProvider"])
    (got,) = session.run(None, {"input": inputs})
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, ours(model, inputs), rtol=0, atol=1e-12)


def test_import_a_whole_module_and_a_state_dict(run_cli, tmp_path, inputs):
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 7), torch.nn.Tanh(), torch.nn.Linear(7, 5), torch.nn.Tanh(),
                              torch.nn.Linear(5, 2)).double()
    with torch.no_grad():
        expected = net(torch.tensor(inputs)).numpy()
    torch.save(net, tmp_path / "whole.pt")
    torch.save(net.state_dict(), tmp_path / "state.pt")
    code, _, err = run_cli("import-model", str(tmp_path / "whole.pt"), str(tmp_path / "a.json"), "--loss", "softmax")
    assert code == 0, err
    code, _, err = run_cli("import-model", str(tmp_path / "state.pt"), str(tmp_path / "b.json"), "--activation", "tanh")
    assert code == 0, err
    a, b = load(tmp_path / "a.json"), load(tmp_path / "b.json")
    assert a.architecture() == {"class": "MLP", "nin": 3, "nouts": [7, 5, 2], "activation": "tanh"}
    assert a.state_dict() == b.state_dict() and a.loss == "softmax"
    np.testing.assert_allclose(ours(a, inputs), expected, rtol=0, atol=1e-12)


def test_export_then_import_gives_back_the_same_weights(run_cli, tmp_path):
    model = _model("relu", [5, 4, 1])
    model.save(tmp_path / "m.json")
    run_cli("export-model", str(tmp_path / "m.json"), "--to", "torch", str(tmp_path / "m.pt"))
    assert run_cli("import-model", str(tmp_path / "m.pt"), str(tmp_path / "n.json"), "--activation", "relu")[0] == 0
    assert load(tmp_path / "n.json").state_dict() == model.state_dict()


class NotALayer:  # pickled into a file that import-model must refuse without unpickling it
    ran = False

    def __reduce__(self):
        return (NotALayer._run, ())

    @staticmethod
    def _run():
        NotALayer.ran = True
        return "ran"


@pytest.mark.parametrize("make, message", [
    (lambda p: torch.save({"w": NotALayer()}, p), "which autograd does not unpickle"),
    (lambda p: torch.save(torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.GELU()), p), "GELU"),
    (lambda p: torch.save(torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU()), p), "none after the last"),
    (lambda p: torch.save(torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1))
                          .state_dict(), p), "give --activation"),
    (lambda p: torch.save({"layer.weight": torch.zeros(2, 2)}, p), "'layer.weight'"),
    (lambda p: p.write_text("{}"), "not a file written by torch.save"),
    (lambda p: torch.save({"0.weight": torch.zeros(2, 2, 2)}, p), "the weight must be a matrix"),
    (lambda p: torch.save({"0.weight": torch.zeros(3, 2), "1.weight": torch.zeros(1, 4)}, p),
     "Linear layer 1 reads 4 inputs, layer 0 gives 3"),
    (lambda p: torch.save({"0.weight": torch.full((1, 2), float("nan"))}, p), "finite"),
])
def test_import_refuses_what_it_cannot_read_safely(run_cli, tmp_path, make, message):
    make(tmp_path / "x.pt")
    code, out, err = run_cli("import-model", str(tmp_path / "x.pt"), str(tmp_path / "x.json"))
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1 and message in err, err
    assert not (tmp_path / "x.json").exists() and not NotALayer.ran


@pytest.mark.parametrize("target, file, extra", [("torch", "m.pt", "torch"), ("onnx", "m.onnx", "onnx")])
def test_a_missing_extra_is_named(run_cli, tmp_path, monkeypatch, target, file, extra):
    MLP(2, [1], seed=0).save(tmp_path / "m.json")
    monkeypatch.setitem(sys.modules, extra, None)  # import fails as when it is not installed
    code, out, err = run_cli("export-model", str(tmp_path / "m.json"), "--to", target, str(tmp_path / file))
    assert code == 2 and f"pip install 'scalar-autograd[{extra}]'" in err and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json"]


def test_the_torch_script_is_written_without_torch(run_cli, tmp_path, monkeypatch):
    """It is text: PyTorch is needed to run it, not to write it."""
    MLP(2, [1], seed=0).save(tmp_path / "m.json")
    monkeypatch.setitem(sys.modules, "torch", None)
    assert run_cli("export-model", str(tmp_path / "m.json"), "--to", "torch", str(tmp_path / "m.py"))[0] == 0
    assert "nn.Linear(2, 1)" in (tmp_path / "m.py").read_text()


@pytest.mark.parametrize("args, message", [
    (["--to", "onnx", "m.pt"], "--to onnx writes FILE.onnx"),
    (["--to", "torch", "m.onnx"], "--to torch writes FILE.py or FILE.pt"),
    (["--to", "keras", "m.h5"], "choose torch or onnx"),
    (["--to", "onnx", "m.json"], "--to onnx writes FILE.onnx"),
])
def test_export_bad_input_writes_nothing(run_cli, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    MLP(2, [1], seed=0).save("m.json")
    code, out, err = run_cli("export-model", "m.json", *args)
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1 and message in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json"]


def test_export_refuses_to_overwrite_its_input(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    MLP(2, [1], seed=0).save("m.onnx")
    before = (tmp_path / "m.onnx").read_text()
    code, out, err = run_cli("export-model", "m.onnx", "--to", "onnx", "m.onnx")
    assert code == 2 and "it is the model this command reads" in err and err.count("\n") == 1, err
    assert (tmp_path / "m.onnx").read_text() == before


def test_the_readme_round_trip_prints_what_the_readme_shows(run_cli, tmp_path, monkeypatch):
    """Each `$ autograd ...` of the README's round trip, run here, prints the lines shown under it
    (the training time aside); the onnxruntime line prints our prediction."""
    import re
    import subprocess
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("**A trained model's life", 1)[1].split("```", 2)[1]
    monkeypatch.chdir(tmp_path)
    steps = re.split(r"^\$ ", block.strip(), flags=re.M)[1:]
    for step in steps:
        command, *shown = step.splitlines()
        command = command.split("  #")[0].split()
        if command[0] == "python":  # the two-line python -c: run it as a script
            script = "\n".join([step.split("'", 2)[1]])
            done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, done.stderr
            assert done.stdout.splitlines() == shown[-1:], done.stdout
            continue
        code, out, err = run_cli(*command[1:])
        assert code == 0, err
        lines = [re.sub(r"in [\d.]+ s$", "in T s", line) for line in out.splitlines()]
        assert lines == [re.sub(r"in [\d.]+ s$", "in T s", line) for line in shown], out
