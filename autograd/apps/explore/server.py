"""The explorer's web server: the standard library's `HTTPServer` with a bounded pool of
threads, on 127.0.0.1 only.

Why no framework: the app is five JSON routes and three static files; `http.server` does
that with no dependency, and the safety checks below are a few lines each.

Safe by default:
- it binds 127.0.0.1 (never all interfaces) on a free port unless told which;
- a request whose ``Host`` is not the address it serves, or whose ``Origin`` (when sent) is
  not that address, is refused with 403: a web page elsewhere cannot reach it, even through
  DNS rebinding (a foreign name that resolves to 127.0.0.1 still carries its own Host);
- POST bodies must be JSON (``Content-Type: application/json``, which no plain HTML form can
  send) with a Content-Length of plain digits (400 otherwise) of at most `MAX_BODY` bytes (413
  above it);
- a request must arrive whole within `REQUEST_DEADLINE` seconds of its connection being taken
  up, however its bytes trickle in (408, and the connection is closed); at most `THREADS`
  requests are served at once and `WAITING` more wait for a thread, beyond that a connection is
  answered 503 at once: slow clients cannot take every thread, nor make threads without end;
- HEAD is answered as GET is, without the body;
- programs go through the same parser and limits as the command line;
- every error is a JSON answer; a bad request never stops the server; Ctrl-C stops it cleanly.
"""

from __future__ import annotations

import errno
import io
import json
import queue
import re
import socket
import sys
import threading
import time
import webbrowser
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from importlib import resources

from autograd.apps.explore.api import Api, starting_point

__all__ = ["ExplorerServer", "serve", "MAX_BODY", "HOST", "REQUEST_DEADLINE", "THREADS", "WAITING"]

HOST = "127.0.0.1"
MAX_BODY = 64 * 1024  # bytes: a program is at most 10,000 characters
REQUEST_DEADLINE = 10.0  # seconds for a whole request (line, headers, body) to arrive
THREADS = 16  # requests served at once
WAITING = 64  # connections taken and waiting for a thread; more are answered 503
STATIC = {  # the only files served: name → (the package whose static/ folder holds it, content type)
    "index.html": ("autograd.apps.explore", "text/html; charset=utf-8"),
    "explore.js": ("autograd.apps.explore", "text/javascript; charset=utf-8"),
    "explore.css": ("autograd.apps.explore", "text/css; charset=utf-8"),
    "train.js": ("autograd.apps.explore", "text/javascript; charset=utf-8"),
    "train.css": ("autograd.apps.explore", "text/css; charset=utf-8"),
    # the graph's drawing script and style belong to autograd.viz, which the step-through page uses too
    "graph.js": ("autograd.viz", "text/javascript; charset=utf-8"),
    "graph.css": ("autograd.viz", "text/css; charset=utf-8"),
}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                               "frame-ancestors 'none'; form-action 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class Handler(BaseHTTPRequestHandler):
    server: ExplorerServer
    server_version = "autograd-explore"
    sys_version = ""
    protocol_version = "HTTP/1.0"  # one request per connection: nothing lingers
    timeout = 10  # seconds a client may take to take in an answer

    def setup(self) -> None:
        """Read the request through a reader that keeps its overall deadline."""
        super().setup()
        deadline = time.monotonic() + self.server.deadline
        self.rfile = io.BufferedReader(_DeadlineReader(self.connection, deadline, self.timeout))

    def handle(self) -> None:
        try:
            super().handle()
        except RequestTooSlow:
            self.close_connection = True
            _answer_raw(self.connection, 408, f"the request did not arrive within {self.server.deadline:g} seconds")

    # ------------------------------------------------------------------ routes

    def do_HEAD(self) -> None:  # noqa: N802: what GET answers, without the body (see _send)
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if not self._allowed():
            return
        path = self.path.split("?", 1)[0]
        if path == "/api/start":
            self._json(200, self.server.api.start)
            return
        name = "index.html" if path == "/" else path.removeprefix("/static/")
        if name not in STATIC or (path != "/" and not path.startswith("/static/")):
            self._json(404, {"error": f"not found: {path[:80]}"})
            return
        package, content_type = STATIC[name]
        body = resources.files(package).joinpath("static", name).read_bytes()
        self._send(200, body, content_type)

    def do_POST(self) -> None:  # noqa: N802
        if not self._allowed():
            return
        content_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            self._json(415, {"error": "the request body must be JSON (Content-Type: application/json)"})
            return
        length = self.headers.get("Content-Length")
        if length is None:
            self._json(411, {"error": "a request body needs a Content-Length"})
            return
        if not re.fullmatch(r"[0-9]{1,12}", length.strip()):  # not str.isdigit(), which takes '²'
            self._json(400, {"error": f"the Content-Length {length[:20]!r} is not a number of bytes"})
            return
        length = length.strip()
        if int(length) > MAX_BODY:
            self._json(413, {"error": f"the request body is larger than {MAX_BODY:,} bytes"})
            return
        raw = self.rfile.read(int(length))
        try:
            payload = json.loads(raw.decode("utf-8"))
        except (ValueError, RecursionError) as error:  # bad UTF-8, bad JSON, a 5,000-digit integer, deep nesting
            self._json(400, {"error": f"the request body is not JSON: {error}"})
            return
        try:
            status, answer = self.server.api.handle(self.path, payload)
        except Exception as error:  # a bug, not bad input: say so, and keep serving
            print(f"autograd explore: internal error on {self.path[:80]}: {error!r}", file=sys.stderr)
            status, answer = 500, {"error": f"internal error: {type(error).__name__}: {error}"}
        self._json(status, answer)

    # ------------------------------------------------------------------ checks and answers

    def _allowed(self) -> bool:
        """Refuse (403) a Host or Origin other than the address served."""
        hosts = self.server.hosts
        host = self.headers.get("Host", "")
        origin = self.headers.get("Origin")
        if host not in hosts:
            self._json(403, {"error": f"refused: the Host {host[:80]!r} is not this explorer's address"})
            return False
        if origin is not None and origin not in {f"http://{h}" for h in hosts}:
            self._json(403, {"error": f"refused: a request from {origin[:80]!r}, not from this explorer's page"})
            return False
        return True

    def _json(self, status: int, data: dict) -> None:
        try:
            body = json.dumps(data, allow_nan=False)
        except ValueError:  # JSON has no inf or nan: never send what a browser cannot parse
            status, body = 500, json.dumps({"error": "the answer holds a number that is not finite"})
        self._send(status, body.encode(), "application/json")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own errors (a malformed request line, an unknown method) as JSON too."""
        self.close_connection = True
        try:
            text = message or HTTPStatus(code).phrase
        except ValueError:
            text = "error"
        body = json.dumps({"error": text}).encode()
        self.send_response(code, message)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if getattr(self, "command", None) != "HEAD" and code >= 200 and code not in (204, 304):
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        if self.server.verbose:
            super().log_message(format, *args)


class RequestTooSlow(Exception):
    """The request did not arrive whole within the server's deadline."""


class _DeadlineReader(io.RawIOBase):
    """The connection's bytes, each read given only the time left until ``deadline``: a client
    sending a byte every few seconds is cut off there, not at each byte's own timeout."""

    def __init__(self, connection: socket.socket, deadline: float, write_timeout: float) -> None:
        self.connection, self.deadline, self.write_timeout = connection, deadline, write_timeout

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise RequestTooSlow
        self.connection.settimeout(left)
        try:
            return self.connection.recv_into(buffer)
        except TimeoutError:
            raise RequestTooSlow from None
        finally:
            self.connection.settimeout(self.write_timeout)  # the answer's own time, not what is left


def _answer_raw(connection: socket.socket, status: int, text: str) -> None:
    """A JSON error written straight to the socket: no request was parsed (too slow, or no thread)."""
    body = json.dumps({"error": text}).encode()
    head = (f"HTTP/1.0 {status} {HTTPStatus(status).phrase}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    try:
        connection.settimeout(1.0)
        connection.sendall(head + body)
    except OSError:
        pass


class ExplorerServer(HTTPServer):
    """The explorer on 127.0.0.1:``port`` (0 picks a free port); ``.url`` is its address.

    ``threads`` workers serve the requests; ``waiting`` more connections wait for one, beyond
    that a connection is answered 503. ``deadline``: seconds a request may take to arrive.
    """

    request_queue_size = 64

    def __init__(self, api: Api | None = None, port: int = 0, verbose: bool = False, *,
                 threads: int = THREADS, waiting: int = WAITING, deadline: float = REQUEST_DEADLINE) -> None:
        super().__init__((HOST, port), Handler)
        self.api = api or Api()
        self.verbose = verbose
        self.deadline = deadline
        port = self.server_address[1]
        self.hosts = {f"{HOST}:{port}", f"localhost:{port}"}
        self.requests: queue.Queue = queue.Queue(maxsize=waiting)
        self.workers = [threading.Thread(target=self._work, name=f"autograd-explore-{i}", daemon=True)
                        for i in range(threads)]  # daemons: Ctrl-C never waits for a slow client
        for worker in self.workers:
            worker.start()

    def process_request(self, request, client_address) -> None:
        """Hand the connection to a worker; when all are busy and the queue is full, 503 at once."""
        try:
            self.requests.put_nowait((request, client_address))
        except queue.Full:
            _answer_raw(request, 503, "the explorer is busy: try again in a moment")
            self.shutdown_request(request)

    def _work(self) -> None:
        while True:
            item = self.requests.get()
            if item is None:
                return
            request, client_address = item
            try:
                self.finish_request(request, client_address)
            except Exception:
                self.handle_error(request, client_address)
            finally:
                self.shutdown_request(request)

    def server_close(self) -> None:
        super().server_close()
        for _ in getattr(self, "workers", ()):  # none when the port could not be bound
            try:
                self.requests.put_nowait(None)
            except queue.Full:
                break

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/"

    def handle_error(self, request, client_address) -> None:
        """A broken connection or an unexpected error in one request: log it, keep serving."""
        if self.verbose:
            super().handle_error(request, client_address)

    def start_background(self) -> threading.Thread:
        """Serve from a daemon thread (tests, notebooks); stop with ``.shutdown()``."""
        thread = threading.Thread(target=self.serve_forever, name="autograd-explore", daemon=True)
        thread.start()
        return thread


def serve(program: str | None = None, at: dict[str, float] | None = None, port: int = 0,
          open_browser: bool = True, out=None) -> int:
    """Serve until Ctrl-C: print the URL, open the browser unless told not to.

    The program is checked first (`ExprError` as `autograd grad` raises it), then the port is
    bound (`OSError` when it is taken); the page opens with the program and its inputs.
    """
    out = out or sys.stdout
    api = Api(*starting_point(program, dict(at or {})))
    try:
        server = ExplorerServer(api, port)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise ValueError(f"port {port} on {HOST} is taken: choose another --port, or leave it out "
                             "for a free one") from None
        raise
    print(f"autograd explore: serving on {server.url}  (Ctrl-C stops it)", file=out, flush=True)
    if open_browser:
        threading.Thread(target=webbrowser.open, args=(server.url,), daemon=True).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nautograd explore: stopped", file=out, flush=True)
    finally:
        server.server_close()
    return 0
