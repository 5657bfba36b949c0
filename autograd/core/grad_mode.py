"""Recording on and off: `no_grad()`, `is_grad_enabled()`, and the node maker that obeys them
(with `edges_of`, which reads back what it stores).

Inside a ``with no_grad():`` block operations record no graph: their results are leaves with no
children (parameter updates, evaluation). The switch holds per thread and per asyncio task.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["no_grad", "is_grad_enabled", "node_maker", "edges_of", "open_blocks", "recording"]

# Whether operations record a graph, per thread and per asyncio task. Reading a ContextVar on
# every operation would slow every operation down, so a global count of open `no_grad()` blocks
# (in any thread) is checked first: while it is 0, nobody has switched recording off. Both are
# read by `is_grad_enabled`, by the node maker below and by the two operations `Value` writes out
# in full (+ and * of two Values: ``if open_blocks[0] and not recording()`` there is this rule).
# The count is a one-item list so that value.py reads it as fast as its own global.
_recording: ContextVar[bool] = ContextVar("autograd_recording", default=True)
recording = _recording.get
open_blocks = [0]
_count_lock = threading.Lock()


@contextmanager
def no_grad() -> Iterator[None]:
    """Record no graph inside the block: results are leaves with no children.

    Use it for parameter updates and evaluation, where no gradient is wanted::

        with no_grad():
            prediction = model(x)

    It holds for the current thread (and asyncio task) only.
    """
    token = _recording.set(False)
    with _count_lock:
        open_blocks[0] += 1
    try:
        yield
    finally:
        with _count_lock:
            open_blocks[0] -= 1
        _recording.reset(token)


def is_grad_enabled() -> bool:
    """True unless inside a `no_grad()` block (of this thread)."""
    return open_blocks[0] == 0 or _recording.get()


def node_maker(cls: type) -> tuple[Callable[..., object], Callable[..., object]]:
    """The two functions every operation calls to make its result, a new ``cls`` (`Value`): with
    its op and edges while recording, a leaf with no edges (and an empty label) inside `no_grad`.

    ``node(data, op, edges)`` takes the edges ``(child₀, ∂₀, child₁, ∂₁, …[, constant])`` and
    stores them the way `autograd.core.value` lays them out: up to two children (and a constant)
    in the node's own slots, more as the tuple itself. ``slots(data, op, a, da, b=None, db=None)``
    takes them laid out already (one child: ``b`` None and ``db`` the constant, or None), which
    spares the operations with one or two children a tuple.

    It is built here, around the class, because it reads the switch on every operation: as a
    global of this module that read is as cheap as it can be (through an attribute of the module,
    from elsewhere, it would slow every operation down). The class and ``object.__new__`` are
    bound as defaults for the same reason (a local is read faster than a closure's cell).
    """

    def node(data: float, op: str, edges: tuple, new: Callable = object.__new__, cls: type = cls) -> object:
        out = new(cls)
        out.data = data
        out.grad = 0.0
        n = len(edges)
        if not n or open_blocks[0] and not _recording.get():
            out._tag = ""  # a leaf: the slot holds its (empty) label
            out._a = out._da = out._b = out._db = None
            return out
        out._tag = op
        if n == 4:
            out._a, out._da, out._b, out._db = edges
        elif n == 2:
            out._a, out._da = edges
            out._b = out._db = None
        elif n == 3:
            out._a, out._da, out._db = edges  # the constant in the second child's derivative's place
            out._b = None
        else:
            out._a = edges
            out._da = out._b = out._db = None
        return out

    def slots(data: float, op: str, a: object, da: float, b: object = None, db: float | None = None,
              new: Callable = object.__new__, cls: type = cls) -> object:
        out = new(cls)
        out.data = data
        out.grad = 0.0
        if open_blocks[0] and not _recording.get():
            out._tag = ""
            out._a = out._da = out._b = out._db = None
        else:
            out._tag, out._a, out._da = op, a, da
            out._b, out._db = b, db
        return out

    return node, slots


def edges_of(node: object) -> tuple:
    """``node.edges``: the tuple ``(child₀, ∂₀, child₁, ∂₁, …[, constant])`` the node maker was
    given (an equal one), read back from the node's slots; () for a leaf."""
    a = node._a
    if a is None:
        return ()
    if node._b is not None:
        return (a, node._da, node._b, node._db)
    if type(a) is tuple:
        return a
    return (a, node._da) if node._db is None else (a, node._da, node._db)
