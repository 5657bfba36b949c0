"""The explorer's JSON API: every computation the page shows is done here, by the engine.

Each route takes a JSON object and returns ``(status, object)``. Bad input of any kind is
``400 {"error": MESSAGE}`` (with ``column`` and ``suggestion`` when the program is at fault);
nothing a request sends can raise out of `Api.handle`.

    POST /api/grad         {"program", "at"}             → exactly what `autograd grad --json` prints
    POST /api/graph        {"program", "at", "parameters"} → {"report", "model"} for the page's graph
    POST /api/step         ... + {"lr"}                   → one gradient-descent step on the parameters
    POST /api/check        ... + {"claims": TEXT}         → right/wrong per claim, never the true value
    POST /api/train/...                                   → the training tab (autograd.apps.explore.training)
"""

from __future__ import annotations

import contextlib
import math
import re
import threading

from autograd.apps.explore import training
from autograd.checking import check_claims
from autograd.util import validate
from autograd.lang import Evaluation, ExprError, Program, is_name, parse
from autograd.explain import Trace, fmt, grad_report, trace

__all__ = ["Api", "ApiError", "starting_point", "program_error"]

MAX_INPUTS = 200  # more than any program of MAX_PROGRAM_LENGTH characters can use
# Heavy requests (training, and programs longer than HEAVY_PROGRAM characters) compute one at a
# time, in their own lane: under the GIL, CPU-bound threads running at once finish no sooner
# together than one after another, but each one more makes every light request's turns rarer.
HEAVY_ROUTES = frozenset(training.ROUTES)
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


class Api:
    """The routes. The program routes compute from the request alone (each builds its own graph;
    `no_grad` holds per thread), so they take no lock: a heavy request never makes a light one
    wait for it. Heavy requests wait for one another in their own lane (``heavy``). The training
    routes are `autograd.apps.explore.training.Trainer`'s, registered here."""

    def __init__(self, program: str = "", at: dict[str, float] | None = None, parameters=()) -> None:
        self.start = {"program": program, "at": dict(at or {}), "parameters": list(parameters)}
        self.lock = threading.Lock()
        self.heavy = threading.Semaphore(HEAVY_AT_ONCE)
        self.heavy_waiting = 0  # under ``lock``
        self.trainer = training.Trainer()
        self.routes = {
            "/api/grad": self.grad, "/api/graph": self.graph, "/api/step": self.step,
            "/api/check": self.check, **self.trainer.routes(),
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
