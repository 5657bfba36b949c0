"""Compiled replay: record a graph once, then recompute it with numpy, bit for bit.

    step = autograd.compile(lambda: loss(model))
    for _ in range(100):
        value = step()          # = out = fn(); out.backward(); out.data, without building nodes
        optimizer.step()

**Recording.** The first call runs ``fn`` with the plain engine, calls ``backward()`` and walks
the graph once (`autograd.core.graph.topological_order`, each node read through `layout`).
Every node gets a number; per node the recording keeps its operation, the numbers of its
operands, its plain-number constants, and the local derivatives the engine computed. Leaves (nodes with no children) are the inputs: their
``data`` is read afresh on every call; plain numbers are constants, baked in.

**Tracing rule** (as in other frameworks' tracing compilers): ``fn`` must build the same graph
every time. Python branches on ``.data`` (``if x.data > 0``, a constant computed from a value
such as ``max(z.data for z in row)``) are not seen: the recording keeps what they chose on the
first call. So are Values created inside ``fn`` (``Value(x)`` there is read once, a constant).
Operations that decide by value (relu, max, abs, ...) are fine: they are replayed.
Every recording is checked against the plain engine on its first replay and after 4, 16, 64, …
replays (the plain engine's numbers are that call's), and a difference raises `ReplayMismatch`
(never a wrong number returned for long: see `step`); leaves are told apart by identity, not
data. ``compile(fn, check=N)`` adds a check every N calls, which catches a broken rule too.
A graph that changes in a way the arguments do not show (a model given a new layer) needs
``step.reset()``: the next call then records afresh.

**Inputs that change** (mini-batches) are leaves passed as arguments: ``step(xs, ys)`` calls
``fn(xs, ys)`` when it records, where the arguments are Values or (nested) lists of Values.
Their *positions* are recorded, so the next call may pass other Values in the same places. One
recording is kept per shape of the arguments (a short last batch gets its own); a new shape
runs the plain engine once and records. An argument may also be an integer index or a list of
them (a token, a label, a document): one recording serves every value, the integers replayed as
gathers (`indices` finds the list each one indexes, `gathers` makes the picked operands slots,
`gathered` replays them). When an integer picks a Value the function computed (``probs[target]``)
the plain engine's order of additions depends on the value, so only ``exact=False`` gathers it;
an integer used as a number (arithmetic, comparisons) is recorded per value (`arguments`).

**Replay.** Forward (`forward`): node groups level by level, one numpy operation per group where
the operation is plain IEEE arithmetic that numpy computes exactly as Python does (`rules`), the
table's own scalar rule element by element otherwise. Backward (`backward`): the plain loop's
additions in the plain loop's order, one ``np.bincount`` per level. Floating-point addition is not
associative; keeping the order is what makes the replay bit for bit.

**Falling back.** A graph the replay cannot express (an operation without a rule, an argument
that is not a leaf, an output that is a leaf), a value, derivative or gradient that is not
finite, an error raised by a forward rule: the call runs the plain engine instead, which computes
the same thing or raises its own clear error (a graph that cannot be replayed is reported once,
as a RuntimeWarning with the reason). A call inside `no_grad()` is an error: a step computes
gradients. ``compile(fn, exact=False)`` adds fused sums in numpy's order (`forward.reordered_group`). No Python
source is generated or run anywhere in this package.

**Why numpy, not generated code**: issue 14 measured a prototype of generated straight-line code
per sample at about the speed of this replay per step, and far slower to compile than this is to
record (benchmarks/RESULTS.md has the replay's own numbers). The numpy replay needs no source
text, no code cache, and one generic mechanism for any graph.

The modules, in the order data flows: `arguments` (what a call passes), `rules` (which operation
replays how), `recording` (a graph renumbered into arrays; `nodes` is its one contact with the
engine's node storage), `forward` and `backward` (one replay), `step` and `values` (the
compiled callables).
"""

from autograd.ml.replay.rules import OTHER_FACTOR, VECTOR_RULES, replay_rule
from autograd.ml.replay.step import CompiledStep, ReplayMismatch, compile
from autograd.ml.replay.values import CompiledValues, compile_values

__all__ = ["compile", "compile_values", "CompiledStep", "CompiledValues", "ReplayMismatch", "VECTOR_RULES",
           "OTHER_FACTOR", "replay_rule"]
