"""The explorer's JSON API: every computation the page shows is done here, by the engine.

Each route takes a JSON object and returns ``(status, object)``. Bad input of any kind is
``400 {"error": MESSAGE}`` (with ``column`` and ``suggestion`` when the program is at fault);
nothing a request sends can raise out of `Api.handle`.

    POST /api/grad         {"program", "at"}             → exactly what `autograd grad --json` prints
    POST /api/graph        {"program", "at", "parameters"} → {"report", "model"} for the page's graph
    POST /api/step         ... + {"lr"}                   → one gradient-descent step on the parameters
    POST /api/check        ... + {"claims": TEXT}         → right/wrong per claim, never the true value
    POST /api/train/new    {"dataset", "hidden", "lr", "seed"} → a small MLP and its data
    POST /api/train/step   {"session", "steps"}           → trained further: loss, accuracy, boundary
"""

from __future__ import annotations

import contextlib
import math
import re
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from autograd.checking import check_claims
from autograd.util import validate
from autograd.lang import Evaluation, ExprError, Program, is_name, parse
from autograd.explain import Trace, fmt, grad_report, trace

__all__ = ["Api", "ApiError", "TRAIN_DATASETS", "starting_point", "program_error"]

TRAIN_DATASETS = ("moons", "circles", "xor", "spirals")
MAX_INPUTS = 200  # more than any program of MAX_PROGRAM_LENGTH characters can use
MAX_TRAIN_STEPS = 100  # per request: a request answers within seconds
MAX_SESSIONS = 8  # training sessions kept; the oldest is dropped
MAX_HIDDEN = 32
GRID = 36  # the decision boundary is sampled on GRID × GRID points
# Heavy requests (training, and programs longer than HEAVY_PROGRAM characters) compute one at a
# time, in their own lane: under the GIL, CPU-bound threads running at once finish no sooner
# together than one after another, but each one more makes every light request's turns rarer.
HEAVY_ROUTES = frozenset({"/api/train/new", "/api/train/step"})
HEAVY_PROGRAM = 1_000
HEAVY_AT_ONCE = 1
HEAVY_WAITING = 6  # heavy requests waiting for the lane; more are answered 503, so that waiting
#                    ones never take most of the server's threads (autograd.apps.explore.server.THREADS)


class ApiError(ValueError):
    """A bad request: answered with status 400 and this message."""

    def __init__(self, text: str, **details) -> None:
        super().__init__(text)
        self.details = details


class Busy(Exception):
    """Too many heavy requests waiting: answered with status 503 and this message."""


def _number(value, what: str) -> float:
    try:
        return validate.finite(value, what)
    except validate.InvalidValue as error:
        raise ApiError(str(error)) from None


def _text(payload: dict, key: str) -> str:
    value = payload.get(key)
    if not isinstance(value, str):
        raise ApiError(f"'{key}' must be a string of text, got {type(value).__name__}")
    return value


def _at(payload: dict) -> dict[str, float]:
    at = payload.get("at", {})
    if not isinstance(at, dict) or len(at) > MAX_INPUTS:
        raise ApiError(f"'at' must be an object of at most {MAX_INPUTS} NAME: NUMBER pairs")
    for name in at:
        if not is_name(name):
            raise ApiError(f"'at': {name[:40]!r} is not a name")
    return {name: _number(value, f"the value of '{name}'") for name, value in at.items()}


def program_error(error: ExprError, source: str) -> ApiError:
    """The parser's message as the CLI prints it (first line), and its parts for the page:
    ``message``, ``suggestion``, ``line`` and ``column`` (1-based, within the line) and
    ``position`` (0-based offset into the program), when the error has a place."""
    details: dict = {"message": getattr(error, "message", None) or str(error).split("\n")[0]}
    if getattr(error, "suggestion", None):
        details["suggestion"] = error.suggestion
    position = getattr(error, "position", None)
    if position is None:  # an ExprError without fields: the column is in its message
        found = re.search(r"column (\d+)", str(error))
        position = int(found.group(1)) - 1 if found else None
    if position is not None:
        position = min(position, len(source))
        start = source.rfind("\n", 0, position) + 1
        details.update(position=position, line=source.count("\n", 0, start) + 1, column=position - start + 1)
    return ApiError(str(error).split("\n")[0], **details)


def _run(program: Program, at: dict[str, float]) -> Evaluation:
    """The program evaluated at ``at``; its errors (unknown names, domain errors) as `ApiError`."""
    try:
        return program.evaluate(at)
    except ExprError as error:
        raise program_error(error, program.source) from None


def _trace(evaluation: Evaluation) -> Trace:
    """The step records, read from the evaluation's one backward pass and its one sort."""
    return trace(evaluation.root, evaluation.gradients, evaluation.constants, order=evaluation.order)


def _graph(evaluation: Evaluation, parameters: list[str]) -> dict:
    """``{"report", "model"}``: what `autograd grad --json` prints, and the graph the page draws
    (its steps are the step records, so the report carries no second copy of them)."""
    from autograd.viz import page_model

    model = page_model(evaluation.root, constants=evaluation.constants,
                       parameters=[evaluation.values[n] for n in parameters], order=evaluation.order,
                       grads=evaluation.gradients)
    return {"report": grad_report(evaluation), "model": model}


def starting_point(source: str | None, at: dict[str, float]) -> tuple[str, dict[str, float], list[str]]:
    """What the page opens with: the program (the worked example when none is given), a value
    for every input (1 for those not given) and the inputs to learn (named w…/b…, else all).
    Raises `ExprError` as `autograd grad` would, so a bad start never reaches the browser."""
    if source is None:
        from autograd.apps.worked import PROGRAM, Example

        example = Example()
        source, at = PROGRAM, {**example.inputs(example.w1, example.w2), **at}
    program = parse(source)
    at = {**{name: 1.0 for name in program.inputs}, **at}
    program.evaluate(at)  # the CLI's checks: unknown names, domain errors
    parameters = [n for n in program.inputs if re.fullmatch(r"[wb]\d*|w_?\w*|b_?\d+", n)] or list(program.inputs)
    return source, at, parameters


@dataclass
class Session:
    """A network in training: its data, its optimiser, its history."""

    model: object
    optimizer: object
    X: list
    y: list
    loss: str
    l2: float
    steps: int = 0
    losses: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)


class Api:
    """The routes. The program routes compute from the request alone (each builds its own graph;
    `no_grad` holds per thread), so they take no lock: a heavy request never makes a light one
    wait for it. Heavy requests wait for one another in their own lane (``heavy``). A training
    session is changed in place, under its own lock; the table of sessions under a short one
    (``lock``), never held while computing."""

    def __init__(self, program: str = "", at: dict[str, float] | None = None, parameters=()) -> None:
        self.start = {"program": program, "at": dict(at or {}), "parameters": list(parameters)}
        self.lock = threading.Lock()
        self.heavy = threading.Semaphore(HEAVY_AT_ONCE)
        self.heavy_waiting = 0  # under ``lock``
        self.sessions: OrderedDict[str, Session] = OrderedDict()
        self.routes = {
            "/api/grad": self.grad, "/api/graph": self.graph, "/api/step": self.step,
            "/api/check": self.check, "/api/train/new": self.train_new, "/api/train/step": self.train_step,
        }

    def handle(self, path: str, payload) -> tuple[int, dict]:
        route = self.routes.get(path)
        if route is None:
            return 404, {"error": f"no such API route: {path[:80]}"}
        if not isinstance(payload, dict):
            return 400, {"error": "the request body must be a JSON object"}
        program = payload.get("program")
        heavy = path in HEAVY_ROUTES or (isinstance(program, str) and len(program) > HEAVY_PROGRAM)
        try:
            with self._heavy_lane() if heavy else contextlib.nullcontext():
                return 200, route(payload)
        except Busy as error:
            return 503, {"error": str(error)}
        except ApiError as error:
            return 400, {"error": str(error), **error.details}
        except (ValueError, ArithmeticError) as error:
            # the engine's messages name the value and the operation (e.g. log of a negative number);
            # anything else (KeyError, TypeError, ...) is a bug: the server answers 500 and says so
            return 400, {"error": str(error)}

    @contextlib.contextmanager
    def _heavy_lane(self):
        """Wait for the heavy lane, unless HEAVY_WAITING requests already do (`Busy`)."""
        with self.lock:
            if self.heavy_waiting >= HEAVY_WAITING:
                raise Busy(f"{HEAVY_WAITING} heavy requests (training, long programs) are waiting: "
                           "try again in a moment")
            self.heavy_waiting += 1
        try:
            self.heavy.acquire()
        finally:
            with self.lock:
                self.heavy_waiting -= 1
        try:
            yield
        finally:
            self.heavy.release()

    # ------------------------------------------------------------------ programs

    def _evaluate(self, payload: dict, lenient: bool = False) -> Evaluation:
        """Parse and evaluate; ``lenient`` (the page, while typing): values for names the program
        does not read are dropped and inputs without a value start at 1. Nothing is
        differentiated yet: `Evaluation.gradients` runs the one backward pass when first read."""
        source = _text(payload, "program")
        at = _at(payload)
        try:
            program = parse(source)
        except ExprError as error:
            raise program_error(error, source) from None
        if lenient:
            at = {name: at.get(name, 1.0) for name in program.inputs}
        return _run(program, at)

    def grad(self, payload: dict) -> dict:
        """What `autograd grad --json` prints (with ``"steps": true``, what ``--steps --json`` prints)."""
        evaluation = self._evaluate(payload)
        return grad_report(evaluation, _trace(evaluation) if payload.get("steps") is True else None)

    def _parameters(self, payload: dict, evaluation: Evaluation) -> list[str]:
        names = payload.get("parameters", [])
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ApiError("'parameters' must be a list of input names")
        return [n for n in names if n in evaluation.program.inputs]

    def graph(self, payload: dict) -> dict:
        evaluation = self._evaluate(payload, lenient=True)
        return _graph(evaluation, self._parameters(payload, evaluation))

    def step(self, payload: dict) -> dict:
        """w ← w − η·∂out/∂w for every parameter (every input when none is marked); the answer
        is `graph`'s at the new point, plus the point and the output before the step."""
        lr = _number(payload.get("lr", 0.1), "the learning rate")
        if not 0 < lr <= 1e6:
            raise ApiError(f"the learning rate must be above 0 (and at most 1e6), got {lr!r}")
        evaluation = self._evaluate(payload, lenient=True)
        parameters = self._parameters(payload, evaluation)
        names = parameters or list(evaluation.program.inputs)
        grads = evaluation.grads()
        at = {name: node.data for name, node in evaluation.values.items() if name in evaluation.program.inputs}
        for name in names:
            at[name] = at[name] - lr * grads[name]
            if not math.isfinite(at[name]):
                raise ApiError(f"the step overflows {name} (learning rate {fmt(lr)} too large?)")
        answer = _graph(_run(evaluation.program, at), parameters)
        return {"at": at, "before": evaluation.root.data, "stepped": names, **answer}

    def check(self, payload: dict) -> dict:
        """Each claim judged as `autograd check --hide --json` judges it: right, wrong or
        imprecise, never the true value, the diagnoses or the chain (they would give it away).
        With ``lr`` (the page's learning rate), claims like ``w1' = 0.5003`` (after one step) too."""
        evaluation = self._evaluate(payload, lenient=True)
        claims = [c.strip() for c in re.split(r"[\n;]", _text(payload, "claims")) if c.strip()]
        if not claims:
            raise ApiError("write a claim such as dL/dw1 = -0.0331 (one per line)")
        if len(claims) > 50:
            raise ApiError("at most 50 claims at a time")
        lr = _number(payload["lr"], "the learning rate") if payload.get("lr") is not None else None
        report = check_claims(evaluation, _trace(evaluation), claims, lr=lr, hide=True).to_json()
        keep = ("claim", "quantity", "verdict")
        return {"claims": [{key: item[key] for key in keep} for item in report["claims"]],
                **{key: report[key] for key in ("right", "wrong", "imprecise")}}

    # ------------------------------------------------------------------ training a small network

    def train_new(self, payload: dict) -> dict:
        from autograd.ml.settings import DEFAULTS, build, load_data, settings_for

        name = payload.get("dataset", "moons")
        if name not in TRAIN_DATASETS:
            raise ApiError(f"dataset must be one of {', '.join(TRAIN_DATASETS)}, got {str(name)[:40]!r}")
        hidden = _hidden(payload.get("hidden", "8,8"))
        seed = validate.in_range(validate.whole(payload.get("seed", 1), "seed"), "seed", 0, 2**32 - 1)
        lr = validate.finite(payload.get("lr", DEFAULTS[name]["lr"]), "the learning rate")
        validate.in_range(lr, "the learning rate", 0, 10, low_open=True)
        # the page's network: 100 points, one hinge score, the dataset's optimiser at a constant rate
        settings = settings_for(name, hidden=hidden, seed=seed, lr=lr, n=100, loss="hinge", schedule="constant")
        X, y = load_data(settings)
        model, optimizer = build(settings, inputs=2, classes=2)
        session = Session(model, optimizer, X.tolist(), [int(v) for v in y], settings["loss"], settings["l2"])
        session.accuracy.append(_accuracy(session))
        key = secrets.token_hex(8)
        with self.lock:
            self.sessions[key] = session
            while len(self.sessions) > MAX_SESSIONS:
                self.sessions.popitem(last=False)
        return {"session": key, "points": [[*row, label] for row, label in zip(session.X, session.y)],
                **_progress(session, [])}

    def train_step(self, payload: dict) -> dict:
        from autograd.ml.train import fit

        key = payload.get("session")
        with self.lock:
            session = self.sessions.get(key) if isinstance(key, str) else None
        if session is None:
            raise ApiError("no such training session (the server keeps the newest few): start a new network")
        steps = payload.get("steps", 1)
        validate.in_range(validate.whole(steps, "steps"), "steps", 1, MAX_TRAIN_STEPS)
        with session.lock:  # one request at a time trains a given network
            history = fit(session.model, session.X, session.y, loss=session.loss, optimizer=session.optimizer,
                          epochs=steps, l2=session.l2, progress=False)  # full batch: one epoch is one step
            session.steps += steps
            session.losses += history.loss
            session.accuracy += history.accuracy
            return _progress(session, history.loss)


def _hidden(text) -> list[int]:
    if not isinstance(text, str) or not re.fullmatch(r"\s*\d+\s*(,\s*\d+\s*){0,2}", text):
        raise ApiError(f"hidden layers are up to three sizes like 8,8, got {str(text)[:40]!r}")
    sizes = [int(s) for s in text.split(",")]
    if not all(1 <= s <= MAX_HIDDEN for s in sizes):
        raise ApiError(f"each hidden layer has 1 to {MAX_HIDDEN} neurons, got {text!r}")
    return sizes


def _accuracy(session: Session) -> float:
    from autograd.ml.train import accuracy

    return accuracy(session.model, session.X, session.y)


def _progress(session: Session, new_losses: list[float]) -> dict:
    return {"step": session.steps, "losses": new_losses, "loss": session.losses[-1] if session.losses else None,
            "accuracy": session.accuracy[-1], "boundary": _boundary(session)}


def _boundary(session: Session) -> dict:
    """The network's score on a GRID × GRID lattice over the data (with a margin): > 0 is class 1."""
    from autograd.core import no_grad

    xs, ys = [p[0] for p in session.X], [p[1] for p in session.X]
    margin_x, margin_y = 0.15 * (max(xs) - min(xs)), 0.15 * (max(ys) - min(ys))
    box = [min(xs) - margin_x, max(xs) + margin_x, min(ys) - margin_y, max(ys) + margin_y]
    scores = []
    with no_grad():
        for j in range(GRID):
            y = box[3] - (box[3] - box[2]) * (j + 0.5) / GRID
            for i in range(GRID):
                x = box[0] + (box[1] - box[0]) * (i + 0.5) / GRID
                scores.append(round(session.model([x, y]).data, 4))
    return {"box": box, "size": GRID, "scores": scores}
