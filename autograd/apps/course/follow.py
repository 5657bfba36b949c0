"""Follow-through credit: is a wrong answer what the student's own earlier wrong answers give?

A wrong answer that agrees (by the same precision rule) with what the student's earlier wrong
answers give when the rest is done right gets the fraction of its points the set configures
(``follow_through``). "What they give" is computed on the problem's graph:

- each earlier wrong *value* takes the place of the true one: the graph the program built is
  run forward again by the table's rules (never re-parsed, no new nodes) as if the statement
  read ``q = (expr) + δ``, δ moving q to the student's number, so later values use their q and
  the chain rule still runs through q with every local derivative right;
- then the chain rule runs backward (`autograd.core.graph.reverse_sweep`) with each earlier
  wrong *gradient* replacing ∂OUT/∂quantity once all its uses are summed.

So an output from their hidden value, a gradient from their upstream gradient times the right
local derivative, and an update w − η·g from their g all follow. "Earlier" means before it in
the problem's list of questions; right answers never count as a source, so credit is given
only when an earlier answer is wrong and this one is consistent with it. The sources named are
those without which the answer would not agree.

**Carried precision.** A student may carry forward the number they wrote (-0.01952) or the
unrounded number behind it (-0.0195231…): any source value within the written precision of
what they wrote. An answer is consistent when it agrees with the recomputation to its own
precision widened by how far those roundings move it: Σᵢ |A(sᵢ + tolᵢ) − A(s)| over the sources
sᵢ (to first order, the reach of every carried precision at once).

**Cost.** One student's answers must not control grading time: a `Tracker` keeps, per student
and problem, the graph with every earlier wrong answer put in (evaluated once per new wrong
answer, reused by every later question) and each source's effect at its written precision
(one evaluation per source); naming the sources tries at most a few subsets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from autograd.checking import Claim, judge, true_value
from autograd.core import Value, ops
from autograd.core.graph import Layout, layout, reverse_sweep
from autograd.core.reals import apply_rule
from autograd.lang import Evaluation
from autograd.explain import fmt
from autograd.apps.course.problems import Question
from autograd.apps.course.solve import Solution

__all__ = ["FollowThrough", "Tracker", "follow_through", "consistent", "with_answers"]

Source = tuple[Question, Claim]  # an earlier wrong answer: its question and the student's claim
Computed = tuple[dict, dict]  # every value and every gradient, by name

# naming the sources: the latest this many are tried one by one, and the sources are tried
# one left out at a time only up to this many (beyond, all of them are named: still true)
MAX_ALONE, MAX_NEEDED = 4, 6
# an answer further than this (relative) from what the earlier answers give is not a rounding of them
NEAR = 0.01


@dataclass
class FollowThrough:
    """Credit for an answer that follows from the student's own earlier wrong answers."""

    sources: list[str]  # the earlier questions' ids
    expected: float  # what those answers give
    points: float
    text: str

    def to_json(self) -> dict:
        return {"from": self.sources, "expected": self.expected, "points": self.points, "text": self.text}


class Tracker:
    """The earlier wrong answers of one student on one problem, and what they give (see the
    module docstring): `add` each wrong answer in question order, ask `credit` before adding."""

    def __init__(self, solution: Solution) -> None:
        self.solution = solution
        self.sources: list[Source] = []
        # by the sources put in (their claims' ids), and by those with the i-th moved by its precision
        self._computed: dict[tuple, Computed | None] = {}
        self._layouts: list[tuple[Value, Layout]] | None = None  # the graph decoded once
        self._forwards: dict[tuple, tuple[dict, dict]] = {}  # forward sweeps, by the values put in

    def add(self, question: Question, claim: Claim) -> None:
        if question.ask in ("value", "gradient"):
            self.sources.append((question, claim))

    def credit(self, question: Question, claim: Claim) -> FollowThrough | None:
        """The credit a wrong ``claim`` gets from the earlier wrong answers, or None."""
        sources = list(self.sources)
        if not sources:
            return None
        expected = self.consistent(question, claim, sources)
        if expected is None:
            return None
        recent = sources[::-1][:MAX_ALONE]
        alone = next((s for s in recent if self.consistent(question, claim, [s]) is not None), None)
        if alone is not None:  # the latest earlier answer that explains it by itself
            used = [alone]
        elif len(sources) <= MAX_NEEDED:  # those without which it would not agree
            needed = [s for s in sources
                      if self.consistent(question, claim, [o for o in sources if o is not s]) is None]
            used = needed or sources
        else:
            used = sources
        solution = self.solution
        points = round(question.points * question.follow_through, 9)
        names = ", ".join(f"{c.quantity(solution.output)} = {c.number}" for _, c in used)
        text = (f"Follow-through: {fmt(expected, 6)} is what your earlier answer{'s' * (len(used) > 1)} "
                f"{names} give{'s' * (len(used) == 1)} when the rest is done right, so this answer gets "
                f"{points:g} of {question.points:g} point{'s' * (question.points != 1)}.")
        return FollowThrough([q.qid for q, _ in used], expected, points, text)

    def consistent(self, question: Question, claim: Claim, sources: list[Source]) -> float | None:
        """What ``sources`` give for ``question`` when the claim agrees with it (its precision
        widened by the sources' own, see the module docstring); else None."""
        computed = self._with(sources)
        if computed is None or question.of not in computed[0]:
            return None
        values, grads = computed
        sig = question.tolerance.sig if question.tolerance.rule == "sig" else None
        try:
            expected = true_value(claim, values, grads)
            if judge(claim, values, grads, sig).verdict == "right":
                return expected
            widened = replace(claim, tolerance=claim.tolerance + self._reach(claim, sources, expected))
            return expected if judge(widened, values, grads, sig).verdict == "right" else None
        except OverflowError:  # the earlier answers make this step overflow: nothing to follow through
            return None

    def _with(self, sources: list[Source]) -> Computed | None:
        key = tuple(id(c) for _, c in sources)
        if key not in self._computed:
            self._computed[key] = self._sweep(sources)
        return self._computed[key]

    def _sweep(self, sources: list[Source]) -> Computed | None:
        if self._layouts is None:
            self._layouts = [(node, layout(node)) for node in self.solution.evaluation.order]
        return with_answers(self.solution, sources, self._layouts, self._forwards)

    def _reach(self, claim: Claim, sources: list[Source], expected: float) -> float:
        """How far the answer moves when each of the latest `MAX_ALONE` sources moves by its
        written precision, summed; 0 for an answer nowhere near (beyond `NEAR` relative), which
        no rounding of an earlier answer explains, so a wrong answer costs no extra sweep."""
        if abs(claim.claimed - expected) > claim.tolerance + NEAR * abs(expected):
            return 0.0
        total = 0.0
        start = max(0, len(sources) - MAX_ALONE)
        for i in range(start, len(sources)):
            question, source = sources[i]
            if not source.tolerance:
                continue
            moved = replace(source, claimed=source.claimed + source.tolerance)
            key = (*(id(c) for _, c in sources), i)  # the same sources, the i-th moved
            if key not in self._computed:
                self._computed[key] = self._sweep([*sources[:i], (question, moved), *sources[i + 1:]])
            effect = self._computed[key]
            if effect is not None:
                try:
                    total += abs(true_value(claim, *effect) - expected)
                except OverflowError:
                    continue
        return total


def follow_through(solution: Solution, question: Question, claim: Claim, earlier: list[Source]) -> FollowThrough | None:
    """The credit a wrong ``claim`` gets from the ``earlier`` wrong answers, or None (one
    question on its own; grading a student uses one `Tracker` per problem)."""
    tracker = Tracker(solution)
    for q, c in earlier:
        tracker.add(q, c)
    return tracker.credit(question, claim)


def consistent(solution: Solution, question: Question, claim: Claim, sources: list[Source]) -> float | None:
    """What the earlier answers ``sources`` give for ``question``, when the claim agrees with
    it by the question's rule; else None."""
    if not sources:
        return None
    return Tracker(solution).consistent(question, claim, sources)


def with_answers(solution: Solution, sources: list[Source], layouts: list[tuple[Value, Layout]] | None = None,
                 forwards: dict[tuple, tuple[dict, dict]] | None = None) -> Computed | None:
    """Every value and gradient of the problem, by name, with the student's answers in
    ``sources`` put in place of the true ones (see the module docstring); None when the program
    cannot be run there or a gradient overflows. ``layouts``: the graph's nodes decoded
    (`autograd.core.graph.layout`), and ``forwards`` the forward sweeps already made, by the
    values put in, when the caller keeps them (gradients put in change only the backward sweep)."""
    evaluation = solution.evaluation
    output = evaluation.program.output
    nodes = evaluation.values
    replaced_values = {q.of: c.claimed for q, c in sources if q.ask == "value" and q.of != output}
    replaced_grads = {nodes[q.of]: c.claimed for q, c in sources
                      if q.ask == "gradient" and q.of != output and q.of in nodes}
    try:
        data, local = None, None
        if replaced_values:
            key = tuple(sorted(replaced_values.items()))
            found = None if forwards is None else forwards.get(key)
            data, local = found or _forward_again(evaluation, replaced_values, layouts)
            if forwards is not None:
                forwards[key] = (data, local)
    except (ArithmeticError, ValueError, ops.InfiniteSlope):
        return None

    def sweep() -> dict[Value, float]:  # run only when a gradient is asked for
        if local is not None:
            return reverse_sweep(evaluation.order, replaced=replaced_grads, local=lambda node, k, _d: local[node][k])
        return reverse_sweep(evaluation.order, replaced=replaced_grads) if replaced_grads else evaluation.gradients

    values = {name: node.data if data is None else data.get(node, node.data) for name, node in nodes.items()}
    return values, _Gradients(nodes, sweep)


class _Gradients(dict):
    """∂OUT/∂name by name, swept on first use (a value question needs no backward sweep); a
    sweep that overflows raises OverflowError there, which `Tracker.consistent` reads as
    nothing to follow through."""

    def __init__(self, nodes: dict[str, Value], sweep) -> None:
        super().__init__()
        self._nodes, self._sweep, self._filled = nodes, sweep, False

    def fill(self) -> None:
        if not self._filled:
            grads = self._sweep()
            self.update({name: grads.get(node, 0.0) for name, node in self._nodes.items()})
            self._filled = True

    def __missing__(self, name: str) -> float:
        self.fill()
        return dict.__getitem__(self, name)


def _forward_again(evaluation: Evaluation, replaced: dict[str, float],
                   layouts: list[tuple[Value, Layout]] | None) -> tuple[dict, dict]:
    """Every node's value and local derivatives again, by the table's forward rules on the
    graph the program built (never re-parsed, no new nodes), with each quantity named in
    ``replaced`` set to the student's number once its own local derivatives are found: as if
    the statement read ``q = (expr) + δ``, the chain rule running through q unchanged."""
    pinned = {evaluation.values[name]: value for name, value in replaced.items() if name in evaluation.values}
    data: dict[Value, float] = {}
    local: dict[Value, tuple] = {}
    for node, lay in layouts if layouts is not None else ((n, layout(n)) for n in evaluation.order):
        if lay.op is None:
            data[node] = pinned.get(node, node.data)
            continue
        if lay.op.forward is None:  # a fused node (sum, linear): its edges are its rule
            args = [data[child] for child in lay.children]
            value = node.data if not lay.children else _fused_value(node, lay, args)
            local[node] = lay.locals
        else:
            args = tuple(data[child] for child in lay.children)
            if lay.constant is not None:
                args = (lay.constant, *args) if lay.reflected else (*args, lay.constant)
            value, rule = apply_rule(lay.op, args)
            local[node] = tuple(rule[lay.argument(k)] if rule else 0.0 for k in range(len(lay.children)))
        data[node] = pinned.get(node, value)
    return data, local


def _fused_value(node: Value, lay: Layout, args: list[float]) -> float:
    """A sum node's value from its children (the program language builds no other fused node)."""
    if lay.op.name == "sum":
        return math.fsum(args)
    raise ValueError(f"cannot re-run a {lay.op.name} node")
