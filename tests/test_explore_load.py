"""The explorer under load, on loopback: heavy legal requests do not hold light ones up, a slow
client is cut off at the request deadline, and the threads are bounded whatever the clients do."""

import http.client
import json
import select
import socket
import threading
import time

import pytest

from autograd.apps.explore.api import Api
from autograd.apps.explore.server import ExplorerServer

PROGRAM = {"program": "q = x + y; f = q * z", "at": {"x": -2.0, "y": 5.0, "z": -4.0}}


@pytest.fixture
def serving():
    """A server started with the given settings, shut down after the test."""
    started = []

    def start(**settings):
        server = ExplorerServer(Api(), **settings)
        server.start_background()
        started.append(server)
        return server

    yield start
    for server in started:
        server.shutdown()
        server.server_close()


def post(server, path, body, timeout=60):
    port = server.server_address[1]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    connection.request("POST", path, json.dumps(body).encode(),
                       {"Content-Type": "application/json", "Host": f"127.0.0.1:{port}"})
    response = connection.getresponse()
    answer = json.loads(response.read())
    connection.close()
    return response.status, answer


def test_good_requests_stay_fast_while_five_heavy_ones_run(serving):
    """One API lock made every request wait behind the heavy ones (p50 5.7 s with 45 clients);
    now light requests take no lock, and each network trains under its own."""
    server = serving()
    expected = post(server, "/api/grad", PROGRAM)[1]
    sessions = [post(server, "/api/train/new", {"dataset": "moons", "hidden": "24,24", "seed": 3,
                                                     "batch": 100})[1]["session"]
                for _ in range(5)]
    heavy_answers, latencies = [], []

    def heavy(session):
        heavy_answers.append(post(server, "/api/train/step", {"session": session, "steps": 10}, timeout=300))

    def good(until):
        while time.perf_counter() < until:
            started = time.perf_counter()
            status, answer = post(server, "/api/grad", PROGRAM)
            latencies.append(time.perf_counter() - started)
            assert status == 200 and answer == expected  # the same answer as alone

    heavies = [threading.Thread(target=heavy, args=(s,)) for s in sessions]
    for thread in heavies:
        thread.start()
    time.sleep(0.3)  # the heavy requests are being computed
    until = time.perf_counter() + 3.0
    goods = [threading.Thread(target=good, args=(until,)) for _ in range(8)]
    for thread in goods:
        thread.start()
    for thread in goods:
        thread.join(timeout=60)
    still_heavy = sum(thread.is_alive() for thread in heavies)
    for thread in heavies:
        thread.join(timeout=300)
    latencies.sort()
    p99 = latencies[int(0.99 * (len(latencies) - 1))]
    assert len(latencies) >= 50 and p99 < 1.0, (len(latencies), p99, latencies[-5:])
    assert still_heavy >= 1, "the heavy requests ended before the light ones were measured"
    assert [status for status, _ in heavy_answers] == [200] * 5
    losses = {json.dumps(answer["losses"]) for _, answer in heavy_answers}
    assert len(losses) == 1  # five networks from one seed, trained at once: one history


def slow_client(server, first: bytes, then: bytes, every: float, limit: float):
    """Send ``first``, then a byte of ``then`` every ``every`` seconds until the server answers or
    closes; returns (seconds until then, what it sent back)."""
    port = server.server_address[1]
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=limit) as raw:
        raw.sendall(first.replace(b"HOST", f"127.0.0.1:{port}".encode()))
        for byte in then:
            try:
                raw.sendall(bytes([byte]))
            except OSError:
                break
            time.sleep(every)
            if time.perf_counter() - started > limit:
                break
        raw.settimeout(max(0.1, limit - (time.perf_counter() - started)))
        received = b""
        try:
            while chunk := raw.recv(4096):
                received += chunk
        except OSError:
            pass
    return time.perf_counter() - started, received


@pytest.mark.parametrize("first, then", [
    (b"P", b"OST /api/grad HTTP/1.0\r\n" * 20),  # the request line, a byte at a time
    (b"POST /api/grad HTTP/1.0\r\nHost: x\r\n", b"X-Slow: " + b"a" * 200),  # the headers
    (b"POST /api/grad HTTP/1.0\r\nHost: HOST\r\nContent-Type: application/json\r\nContent-Length: 300\r\n\r\n",
     b"{" + b" " * 299),  # the body
])
def test_a_slow_client_is_cut_off_at_the_deadline(serving, first, then):
    """A byte every 0.2 s used to hold a thread for ever (each byte renewed the timeout)."""
    server = serving(deadline=1.0)
    seconds, answer = slow_client(server, first, then, every=0.2, limit=10)
    assert 0.9 < seconds < 3.0, seconds
    assert answer.startswith(b"HTTP/1.0 408 ") and b"did not arrive within 1 seconds" in answer
    assert post(server, "/api/grad", PROGRAM)[0] == 200


def test_threads_are_bounded_and_the_overflow_is_answered_at_once(serving):
    """595 threads for 595 idle connections: now a fixed pool, a bounded queue, and 503 beyond."""
    server = serving(threads=4, waiting=4, deadline=5.0)
    before = threading.active_count()
    port = server.server_address[1]
    idle = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(40)]
    try:
        time.sleep(0.5)
        assert threading.active_count() == before  # no thread per connection
        answered, until = {}, time.monotonic() + 1.5
        while time.monotonic() < until:  # at most 4 being served and 4 waiting: the others turned away
            ready, _, _ = select.select([raw for raw in idle if raw not in answered], [], [], 0.1)
            for raw in ready:
                answered[raw] = raw.recv(4096)
        assert len(answered) >= 32 and all(a.startswith(b"HTTP/1.0 503 ") for a in answered.values())
    finally:
        for raw in idle:
            raw.close()
    started = time.perf_counter()
    while (status := status_of(server, "/api/grad", PROGRAM)) == 503 and time.perf_counter() - started < 2.0:
        time.sleep(0.05)  # the pool takes up the closed connections, each ends at once
    assert status == 200  # the idle ones gone, the pool serves again, long before their deadline


def status_of(server, path, body) -> int:
    """The status of a POST; 503 also when the server turned it away while it was still being sent
    (its 503 and close then reach the client as a broken pipe or a reset, not as an answer)."""
    try:
        return post(server, path, body)[0]
    except (BrokenPipeError, ConnectionResetError):
        return 503


def test_heavy_requests_wait_in_their_own_lane_and_only_so_many(monkeypatch):
    """Heavy requests wait for one another, not light ones for them; past HEAVY_WAITING waiting
    ones a heavy request is answered 503 at once, so that they never hold every thread."""
    from autograd.apps.explore import api as api_module

    api = Api()
    long_program = {"program": "f = " + " + ".join(["x"] * 600), "at": {"x": 1.0}}
    assert len(long_program["program"]) > api_module.HEAVY_PROGRAM
    api.heavy.acquire()  # a heavy request is computing
    answers = []
    waiting = [threading.Thread(target=lambda: answers.append(api.handle("/api/grad", long_program)))
               for _ in range(api_module.HEAVY_WAITING)]
    for thread in waiting:
        thread.start()
    deadline = time.monotonic() + 10
    while api.heavy_waiting < api_module.HEAVY_WAITING and time.monotonic() < deadline:
        time.sleep(0.01)
    status, answer = api.handle("/api/train/step", {"session": "none", "steps": 1})
    assert status == 503 and "heavy requests" in answer["error"]
    assert api.handle("/api/grad", PROGRAM)[0] == 200  # a light one goes by
    assert answers == []
    api.heavy.release()
    for thread in waiting:
        thread.join(timeout=30)
    assert [status for status, _ in answers] == [200] * api_module.HEAVY_WAITING
    assert answers[0][1]["value"] == 600.0 and api.heavy_waiting == 0
