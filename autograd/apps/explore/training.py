"""The training tab's API: a small network learning a toy dataset, in plain Python on `Value`
(no numpy, so the static site runs it in Pyodide as the local server does).

    POST /api/train/new     settings (+ "csv" or "points")  → a new session: data, network, pictures
    POST /api/train/step    {"session", "steps", lr, batch, reg, rate} → trained further
    POST /api/train/edit    {"session", "add": [x, y, label]} or {"remove": INDEX} → the data changed, the network kept
    POST /api/train/sample  {"session", "index"}           → one sample's loss graph (as the program tab draws it)
    POST /api/train/export  {"session"}                    → the model (the JSON `autograd.nn.load` reads) and the CSV

A step is one mini-batch of plain gradient descent, w ← w − η·∂(L_batch + λ·R)/∂w, where
L_batch is the batch's mean loss (binary cross-entropy on one logit for two classes, softmax
cross-entropy for 3–5, mean squared error for the 1-D regression) and R the penalty on the
weights (not the biases): R = Σ|w| (L1) or Σw² (L2). Plain SGD (no momentum, no Adam) so that
"how far this sample pushes w" is exactly −η·∂L_sample/∂w / batch size.

Every setting is checked by `autograd.util.validate`; a bad one is a ValueError naming it (the
API answers 400 with the message). Work per request is bounded: at most `MAX_STEPS` steps and
`MAX_WORK` (the answer says how many steps were done; the page asks again for the rest).
"""

from __future__ import annotations

import random
import re
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from autograd.core import no_grad
from autograd.ml import losses, toy_data
from autograd.ml.nn import MLP
from autograd.ml.optim import SGD
from autograd.util import validate

__all__ = ["Trainer", "Session", "ROUTES", "ACTIVATIONS", "REGULARISERS", "MAX_LAYERS", "MAX_NEURONS", "MAX_STEPS"]

ROUTES = ("/api/train/new", "/api/train/step", "/api/train/edit", "/api/train/sample", "/api/train/export")
ACTIVATIONS = ("tanh", "relu", "sigmoid")
REGULARISERS = ("none", "l1", "l2")
MAX_LAYERS = 6
MAX_NEURONS = 32  # per hidden layer
MAX_HIDDEN = 64  # hidden neurons in all: bounds the pictures each answer carries
MAX_STEPS = 500  # per request
# Work per request, counted as samples × parameters (one sample's forward and backward through
# every weight): a request does as many steps as fit, so an answer comes in about a second
# whatever the network and batch size, well within the server's deadline. Counted, not timed, so
# that the same requests give the same answers.
MAX_WORK = 400_000
# A step that takes a weight beyond this is undone and training stops: gradient descent is diverging.
# Below it no forward pass overflows (inputs are at most 1e3, at most 6 layers of 32).
MAX_WEIGHT = 1e6
MAX_SESSIONS = 8  # sessions kept; the oldest is dropped
MAX_HISTORY = 2000  # loss records kept per session (the oldest are thinned out)
DEFAULTS = dict(dataset="moons", classes=3, n=100, noise=0.1, test=0.3, seed=1, hidden=[8, 8],
                activation="tanh", lr=0.3, batch=10, reg="none", rate=0.001)


def _choice(payload: dict, key: str, choices) -> str:
    value = payload.get(key, DEFAULTS[key])
    if value not in choices:
        raise validate.InvalidValue(f"{key} must be one of {', '.join(choices)}, got {validate.shown(value)}")
    return value


def _whole(payload: dict, key: str, low: int, high: int) -> int:
    return validate.in_range(validate.whole(payload.get(key, DEFAULTS[key]), key), key, low, high)


def _real(payload: dict, key: str, low: float, high: float, low_open: bool = False) -> float:
    return validate.in_range(validate.finite(payload.get(key, DEFAULTS[key]), key), key, low, high, low_open=low_open)


def hidden_sizes(value) -> list[int]:
    """Hidden layer sizes from ``[8, 8]`` or ``"8,8"`` (``[]`` / ``""``: no hidden layer)."""
    if isinstance(value, str):
        if not re.fullmatch(r"\s*(\d{1,3}\s*(,\s*\d{1,3}\s*)*)?", value):
            raise validate.InvalidValue(f"hidden layers are sizes like 8,8, got {validate.shown(value)}")
        value = [int(s) for s in value.split(",") if s.strip()]
    if not isinstance(value, list) or len(value) > MAX_LAYERS:
        raise validate.InvalidValue(f"hidden must be a list of at most {MAX_LAYERS} layer sizes, got {validate.shown(value)}")
    sizes = [validate.in_range(validate.whole(s, "a hidden layer's size"), f"a hidden layer of {s} neurons", 1, MAX_NEURONS)
             for s in value]
    validate.at_most(sum(sizes), MAX_HIDDEN, "hidden", "neurons")
    return sizes


def run_settings(payload: dict, current: dict | None = None) -> dict:
    """The settings a step reads (learning rate, batch size, penalty and its rate): the
    payload's, else the session's ``current`` ones, else the defaults."""
    given = {**DEFAULTS, **(current or {}), **{k: v for k, v in payload.items() if v is not None}}
    return {"lr": _real(given, "lr", 0, 10, low_open=True), "batch": _whole(given, "batch", 1, toy_data.MAX_POINTS),
            "reg": _choice(given, "reg", REGULARISERS), "rate": _real(given, "rate", 0, 10)}


def settings_of(payload: dict) -> dict:
    """Every setting of a new session, checked (ValueError naming the bad one)."""
    return {"dataset": _choice(payload, "dataset", toy_data.DATASETS),
            "classes": _whole(payload, "classes", 2, toy_data.MAX_CLASSES),
            "n": _whole(payload, "n", 10, toy_data.MAX_POINTS), "noise": _real(payload, "noise", 0, 1),
            "test": _real(payload, "test", 0, 0.9), "seed": _whole(payload, "seed", 0, 2**32 - 1),
            "hidden": hidden_sizes(payload.get("hidden", DEFAULTS["hidden"])),
            "activation": _choice(payload, "activation", ACTIVATIONS), **run_settings(payload)}


def _points(value, regression: bool) -> list[tuple]:
    """Points sent by the page: ``[x, y, label]`` (or ``[x, t]``), each number checked."""
    if not isinstance(value, list) or not 2 <= len(value) <= toy_data.MAX_POINTS:
        raise validate.InvalidValue(f"points must be a list of 2 to {toy_data.MAX_POINTS} points")
    return [_point(p, regression) for p in value]


def _point(p, regression: bool) -> tuple:
    size = 2 if regression else 3
    if not isinstance(p, list) or len(p) != size:
        raise validate.InvalidValue(f"a point is {'[x, t]' if regression else '[x1, x2, label]'}, got {validate.shown(p)}")
    x, y = (validate.in_range(validate.finite(v, "a coordinate"), f"the coordinate {v}", -toy_data.COORDINATE,
                              toy_data.COORDINATE) for v in p[:2])
    if regression:
        return (x, y)
    label = validate.whole(p[2], "a point's label")
    return (x, y, validate.in_range(label, f"the label {label}", 0, toy_data.MAX_CLASSES - 1))


@dataclass
class Session:
    """A network in training: its settings, data, model and history."""

    settings: dict
    train: list
    test: list
    model: MLP
    rng: random.Random
    order: list = field(default_factory=list)  # the training points left in this epoch
    steps: int = 0
    history: list = field(default_factory=list)  # [step, train loss, test loss or None]
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def regression(self) -> bool:
        return self.settings["dataset"] in toy_data.REGRESS

    @property
    def classes(self) -> int:
        return 1 if self.regression else max(2, toy_data.classes_of(self.train + self.test))

    @property
    def loss_name(self) -> str:
        return "mse" if self.regression else "bce" if self.classes == 2 else "softmax"

    @property
    def points(self) -> list:
        return self.train + self.test


def inputs_of(session: Session, point) -> list:
    return [point[0]] if session.regression else [point[0], point[1]]


def target_of(session: Session, point):
    """What the loss compares the output with: t, the label as 0.0/1.0 (one logit), or the class."""
    return point[1] if session.regression else float(point[2]) if session.classes == 2 else point[2]


def data_loss(session: Session, outputs: list, points: list):
    """The mean loss of ``outputs`` (one per point) against the points' targets (a Value)."""
    targets = [target_of(session, p) for p in points]
    if session.loss_name == "mse":
        return losses.mse(outputs, targets)
    if session.loss_name == "bce":
        return losses.bce_with_logits(outputs, targets)
    return losses.softmax_cross_entropy(outputs, targets)


def weights_of(model: MLP) -> list:
    """Every weight (not the biases): what the L1/L2 penalty reads."""
    return [w for layer in model.layers for neuron in layer.neurons for w in neuron.w]


def predicted(session: Session, out) -> float | int:
    """The prediction an output means: the value (regression) or the class."""
    if session.regression:
        return out.data
    if session.classes == 2:
        return int(out.data > 0)
    scores = [o.data for o in out]
    return scores.index(max(scores))


def measure(session: Session) -> dict:
    """The mean loss (no penalty), accuracy and each point's prediction, on the training and test points."""
    found = {}
    with no_grad():
        for part, points in (("train", session.train), ("test", session.test)):
            if not points:
                found[part], found[f"{part}_predictions"] = {"loss": None, "accuracy": None}, []
                continue
            outputs = [session.model(inputs_of(session, p)) for p in points]
            guesses = [predicted(session, o) for o in outputs]
            right = None if session.regression else sum(g == p[2] for g, p in zip(guesses, points)) / len(points)
            found[part] = {"loss": data_loss(session, outputs, points).data, "accuracy": right}
            found[f"{part}_predictions"] = guesses
    return found


def step(session: Session, run: dict) -> None:
    """One mini-batch step of plain gradient descent (the next ``batch`` points of this epoch's shuffle);
    OverflowError, with every weight as it was, when the step fails or diverges."""
    if not session.order:
        session.order = list(range(len(session.train)))
        session.rng.shuffle(session.order)
    chosen, session.order = session.order[:run["batch"]], session.order[run["batch"]:]
    points = [session.train[i] for i in chosen]
    loss = data_loss(session, [session.model(inputs_of(session, p)) for p in points], points)
    if run["reg"] != "none" and run["rate"] > 0:
        penalty = losses.l1_penalty if run["reg"] == "l1" else losses.l2_penalty
        loss = loss + run["rate"] * penalty(weights_of(session.model))
    session.model.zero_grad()
    loss.backward()
    parameters = session.model.parameters()
    before = [p.data for p in parameters]
    SGD(session.model.named_parameters(), lr=run["lr"]).step()  # no state: a new rate takes effect at once
    largest = max(abs(p.data) for p in parameters)
    if largest > MAX_WEIGHT:
        for p, value in zip(parameters, before):
            p.data = value
        raise OverflowError(f"a weight would become {largest:.3g}: the steps grow without bound "
                            "(gradient descent diverges)")
    session.steps += 1


def record(session: Session) -> dict:
    found = measure(session)
    session.history.append([session.steps, found["train"]["loss"], found["test"]["loss"]])
    if len(session.history) > MAX_HISTORY:
        session.history = session.history[::2]
    return found


class Trainer:
    """The sessions, and the routes that make and train them. A session is changed under its
    own lock; the table of sessions under a short one, never held while computing."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sessions: OrderedDict[str, Session] = OrderedDict()

    def routes(self) -> dict:
        return dict(zip(ROUTES, (self.new, self.train, self.edit, self.sample, self.export)))

    def _session(self, payload: dict) -> Session:
        key = payload.get("session")
        with self.lock:
            session = self.sessions.get(key) if isinstance(key, str) else None
        if session is None:
            raise validate.InvalidValue("no such training session (the server keeps the newest few): "
                                        "start a new network")
        return session

    def new(self, payload: dict) -> dict:
        settings = settings_of(payload)
        regression = settings["dataset"] in toy_data.REGRESS
        if isinstance(payload.get("csv"), str):
            points = toy_data.read_csv(payload["csv"], regression)
        elif payload.get("points") is not None:
            points = _points(payload["points"], regression)
        else:
            points = toy_data.make(settings["dataset"], settings["n"], settings["noise"], settings["seed"],
                                   settings["classes"])
        train, test = toy_data.split(points, settings["test"], settings["seed"])
        if not train:
            raise validate.InvalidValue("no point is left for training: lower the test fraction")
        session = Session(settings, train, test, None, random.Random(settings["seed"]))
        outputs = 1 if regression or session.classes == 2 else session.classes
        session.model = MLP(1 if regression else 2, [*settings["hidden"], outputs],
                            activation=settings["activation"], seed=settings["seed"])
        session.model.describe(inputs=["x"] if regression else ["x1", "x2"], loss=session.loss_name,
                               training=settings)
        key = secrets.token_hex(8)
        with session.lock:
            answer = self._answer(session, record(session), points=True)
        with self.lock:
            self.sessions[key] = session
            while len(self.sessions) > MAX_SESSIONS:
                self.sessions.popitem(last=False)
        return {"session": key, **answer}

    def train(self, payload: dict) -> dict:
        session = self._session(payload)
        wanted = validate.in_range(validate.whole(payload.get("steps", 1), "steps"), "steps", 1, MAX_STEPS)
        with session.lock:  # one request at a time trains a given network
            run = run_settings(payload, session.settings)
            session.settings.update(run)
            per_epoch = -(-len(session.train) // run["batch"])
            per_step = min(run["batch"], len(session.train)) * len(session.model.parameters())
            wanted = max(1, min(wanted, MAX_WORK // per_step))
            done, stopped, recorded = 0, None, len(session.history)
            while done < wanted:
                try:
                    step(session, run)
                except (OverflowError, ValueError) as error:  # nothing was changed by the failed step
                    stopped = (f"training stopped at step {session.steps + 1}: {error}; "
                               "try a smaller learning rate")
                    break
                done += 1
                if session.steps % per_epoch == 0 and done < wanted:
                    record(session)
            answer = self._answer(session, record(session))
            # the training losses recorded by this request (once per epoch, and at its end)
            return {"done": done, "stopped": stopped, "losses": [h[1] for h in session.history[recorded:]], **answer}

    def edit(self, payload: dict) -> dict:
        """Add a training point, or remove a point (by its index in ``points``); the network is kept."""
        session = self._session(payload)
        with session.lock:
            if "add" in payload:
                validate.at_most(len(session.points) + 1, toy_data.MAX_POINTS, "the data", "points")
                point = _point(payload["add"], session.regression)
                if not session.regression and point[2] >= max(session.classes, 2):
                    raise validate.InvalidValue(f"the label {point[2]} is not a class of this network "
                                                f"(0 to {session.classes - 1})")
                session.train.append(point)
            else:
                index = validate.whole(payload.get("remove"), "remove")
                validate.in_range(index, f"point {index}", 0, len(session.points) - 1)
                if index < len(session.train):
                    if len(session.train) == 1:
                        raise validate.InvalidValue("the last training point cannot be removed")
                    del session.train[index]
                else:
                    del session.test[index - len(session.train)]
            session.order = []  # the indices of this epoch's shuffle changed
            return self._answer(session, record(session), points=True)

    def sample(self, payload: dict) -> dict:
        from autograd.apps.explore.training_view import sample_graph

        session = self._session(payload)
        index = validate.whole(payload.get("index"), "index")
        with session.lock:
            validate.in_range(index, f"point {index}", 0, len(session.points) - 1)
            return sample_graph(session, index)

    def export(self, payload: dict) -> dict:
        session = self._session(payload)
        with session.lock:
            return {"model": session.model.saved(), "csv": toy_data.write_csv(session.points, session.regression)}

    def _answer(self, session: Session, found: dict, points: bool = False) -> dict:
        """What the page shows: the step, the settings, the loss history, the losses and
        accuracies now, the pictures (output and every hidden neuron over the plane) and weights."""
        from autograd.apps.explore.training_view import picture, weights

        answer = {"step": session.steps, "kind": "regression" if session.regression else "classes",
                  "classes": session.classes, "settings": session.settings, "history": session.history,
                  "train": found["train"], "test": found["test"], "picture": picture(session),
                  "weights": weights(session.model), "ntrain": len(session.train),
                  "predictions": found["train_predictions"] + found["test_predictions"]}
        if points:
            answer["points"] = [list(p) for p in session.points]
        return answer
