"""What the site's Web Worker runs in Pyodide: the explorer's own API, so every answer in the
browser is the one `autograd explore` (and `autograd grad --json`) gives.

The worker calls `start()` once and `answer(path, body)` per request; both return text, so no
Python object crosses into JavaScript. An answer is ``STATUS`` and a newline, then the JSON
written exactly as `autograd grad --json` prints it (``indent=2``).

Every route of the explorer's `Api` is answered here as `Api.handle` answers it (a route added
to the Api reaches the site with no change here), plus the site's own: the checker's full
report, and a problem set's sheet and self-check (`autograd.apps.site.sheets`, imported when
first asked, so that the explorer's page starts without the course kit).
"""

from __future__ import annotations

import json

from autograd.apps.explore.api import Api, ApiError, starting_point
from autograd.checking import check_claims
from autograd.explain import trace

__all__ = ["start", "answer"]

MAX_CLAIMS = 50


def full_check(payload: dict) -> dict:
    """The checker page's route: what `autograd check --json` prints (verdicts, true values,
    diagnoses, chains), where the explorer's own check says only right or wrong."""
    evaluation = _api._evaluate(payload)
    claims = payload.get("claims")
    if not isinstance(claims, list) or not all(isinstance(c, str) for c in claims) or not claims:
        raise ApiError("write a claim such as dL/dw1 = -0.0331 (one per line)")
    if len(claims) > MAX_CLAIMS:
        raise ApiError(f"at most {MAX_CLAIMS} claims at a time")
    record = trace(evaluation.root, evaluation.gradients, evaluation.constants, order=evaluation.order)
    return check_claims(evaluation, record, claims).to_json()


def _sheets(name: str):
    def route(payload: dict) -> dict:
        from autograd.apps.site import sheets

        return sheets.routes[name](payload)
    return route


_api = Api()
_api.routes.update({"/api/check/full": full_check, "/api/sheet": _sheets("/api/sheet"),
                    "/api/sheet/check": _sheets("/api/sheet/check")})


def start() -> str:
    """The page's opening program: the worked example, as the local explorer opens it."""
    program, at, parameters = starting_point(None, {})
    return json.dumps({"program": program, "at": at, "parameters": parameters})


def answer(path: str, body: str) -> str:
    """One API request, answered as the local server answers it (its status and its JSON)."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError) as error:
        status, data = 400, {"error": f"the request body is not JSON: {error}"}
    else:
        try:
            status, data = _api.handle(path, payload)
        except Exception as error:  # a bug, not bad input: say so, and keep answering
            status, data = 500, {"error": f"internal error: {type(error).__name__}: {error}"}
    try:
        text = json.dumps(data, indent=2, allow_nan=False)
    except ValueError:  # JSON has no inf or nan: never send what the page cannot parse
        status, text = 500, json.dumps({"error": "the answer holds a number that is not finite"})
    return f"{status}\n{text}"
