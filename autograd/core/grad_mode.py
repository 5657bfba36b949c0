"""Recording on and off: `no_grad()` and `is_grad_enabled()`.

Inside a ``with no_grad():`` block operations record no graph: their results are leaves with no
children (parameter updates, evaluation). The switch holds per thread and per asyncio task.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["no_grad", "is_grad_enabled"]

# Whether operations record a graph, per thread and per asyncio task. Reading a ContextVar on
# every operation would slow every operation down, so a global count of open `no_grad()` blocks
# (in any thread) is checked first: while it is 0, nobody has switched recording off. The engine
# reads both in its node maker (`value._node`); nothing else should.
recording: ContextVar[bool] = ContextVar("autograd_recording", default=True)
open_blocks = 0
_count_lock = threading.Lock()


@contextmanager
def no_grad() -> Iterator[None]:
    """Record no graph inside the block: results are leaves with no children.

    Use it for parameter updates and evaluation, where no gradient is wanted::

        with no_grad():
            prediction = model(x)

    It holds for the current thread (and asyncio task) only.
    """
    global open_blocks
    token = recording.set(False)
    with _count_lock:
        open_blocks += 1
    try:
        yield
    finally:
        with _count_lock:
            open_blocks -= 1
        recording.reset(token)


def is_grad_enabled() -> bool:
    """True unless inside a `no_grad()` block (of this thread)."""
    return open_blocks == 0 or recording.get()
