"""The worked example: one input, a sigmoid hidden unit, a linear output unit, no biases.

    z = w1 · x        h = σ(z)        ŷ = w2 · h        e = y − ŷ        L = ½ e²
    w ← w − η · ∂L/∂w

By the chain rule, with ∂L/∂ŷ = ŷ − y:

    ∂L/∂w2 = (ŷ − y) · h
    ∂L/∂w1 = (ŷ − y) · w2 · h(1 − h) · x

A widely read article works this example with x = 2, w1 = 0.5, w2 = 0.3, y = 0.5, η = 0.01
and publishes a loss and gradients that do not follow from those inputs. The walkthrough
computes every step with the engine and compares the published figures with the true ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from autograd.checking import agrees, written_precision
from autograd.lang import Evaluation, parse
from autograd.explain import Trace, fmt, table, trace
from autograd.explain.tables import shown_factors, shown_numbers, shown_update

__all__ = ["Example", "Step", "Published", "PROGRAM", "PUBLISHED", "run", "compare_published", "published_verdict"]

PROGRAM = "z = w1 * x\nh = sigmoid(z)\nyhat = w2 * h\ne = y - yhat\nL = 0.5 * e**2"
PARAMETERS = ("w1", "w2")


@dataclass(frozen=True)
class Example:
    """The numbers of the example; the defaults are the article's."""

    x: float = 2.0
    w1: float = 0.5
    w2: float = 0.3
    y: float = 0.5
    lr: float = 0.01

    def inputs(self, w1: float, w2: float) -> dict[str, float]:
        return {"x": self.x, "w1": w1, "w2": w2, "y": self.y}


@dataclass
class Step:
    """One gradient-descent step: the graph evaluated, its backward trace, the update."""

    number: int
    evaluation: Evaluation
    trace: Trace | None  # the step records, kept for the first step only
    values: dict[str, float]
    grads: dict[str, float]
    updated: dict[str, float]

    @property
    def loss(self) -> float:
        return self.values["L"]


@dataclass(frozen=True)
class Published:
    """A figure the article printed, as it printed it."""

    quantity: str  # "L", "dL/dw2", "w2 updated", ...
    text: str
    note: str = ""

    @property
    def value(self) -> float:
        return float(self.text)


PUBLISHED = (
    Published("h", "0.731"),
    Published("yhat", "0.2193"),
    Published("L", "0.0405"),
    Published("dL/dw2", "-0.1473"),
    Published("dL/dw1", "-0.0652"),
    Published("w2 updated", "0.301473", "0.3 - 0.01 · (-0.1473): right arithmetic on a wrong gradient"),
    Published("w1 updated", "0.500652", "0.5 - 0.01 · (-0.0652): right arithmetic on a wrong gradient"),
)


def run(example: Example = Example(), steps: int = 1) -> list[Step]:
    """Forward, backward and update, ``steps`` times from the example's weights."""
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    program = parse(PROGRAM)
    weights = {"w1": example.w1, "w2": example.w2}
    results = []
    for number in range(1, steps + 1):
        evaluation = program.evaluate(example.inputs(**weights))
        if number == 1:  # only the first step is shown in full; later ones need only the gradients
            record = trace(evaluation.root, evaluation.gradients, evaluation.constants,
                           parameters=[evaluation.values[w] for w in PARAMETERS], order=evaluation.order)
        else:
            record = None
        values = {name: node.data for name, node in evaluation.values.items()}
        grads = evaluation.grads()
        updated = {w: weights[w] - example.lr * grads[w] for w in PARAMETERS}
        results.append(Step(number, evaluation, record, values, grads, updated))
        weights = updated
    return results


@dataclass
class Comparison:
    published: Published
    true_value: float
    right: bool = field(default=False)

    @property
    def difference(self) -> float:
        return self.published.value - self.true_value


def true_figure(step: Step, quantity: str) -> float:
    if quantity.startswith("dL/d"):
        return step.grads[quantity[4:]]
    if quantity.endswith(" updated"):
        return step.updated[quantity.split()[0]]
    return step.values[quantity]


def compare_published(step: Step) -> list[Comparison]:
    """Each published figure against the true one, right when it agrees to the precision printed."""
    comparisons = []
    for figure in PUBLISHED:
        truth = true_figure(step, figure.quantity)
        right = agrees(figure.value, written_precision(figure.text), truth)  # check's precision rule
        comparisons.append(Comparison(figure, truth, right))
    return comparisons


def published_verdict(step: Step) -> str:
    """"5 of 7 are wrong": the one sentence the walkthrough, its page and its --help say."""
    comparisons = compare_published(step)
    wrong = sum(not c.right for c in comparisons)
    return f"{wrong} of {len(comparisons)} {'is' if wrong == 1 else 'are'} wrong"


# ------------------------------------------------------------------ the printed walkthrough


def report(example: Example, results: list[Step], digits: int = 6) -> str:
    """The whole walkthrough as plain text: forward, loss, backward, update, published figures."""
    first = results[0]
    v, g = first.values, first.grads
    lines = [
        "The worked example: one input, a sigmoid hidden unit, a linear output, no biases",
        "",
        f"  x = {fmt(example.x)}   w1 = {fmt(example.w1)}   w2 = {fmt(example.w2)}   "
        f"target y = {fmt(example.y)}   learning rate η = {fmt(example.lr)}",
        "",
        "1. Forward pass",
        "",
        *forward_lines(example, v, digits),
        "",
        "3. Backward pass: the chain rule, one step at a time (the order backward() runs)",
        "",
    ]
    lines += ["  " + line for line in first.trace.chain_lines(digits)]
    lines += [
        "",
        "  The same steps as a table (local = ∂node/∂child, product = ∂L/∂node · local):",
        "",
    ]
    lines += ["  " + line for line in first.trace.backward_table(digits).splitlines()]
    lines += [
        "",
        "  In closed form, with ∂L/∂yhat = yhat - y:",
        *closed_form_lines(example, v, g, digits),
        "",
        "4. Gradient-descent update: w ← w - η · ∂L/∂w",
        "",
    ]
    lines += ["  " + line for line in update_lines(example, first, digits)]
    if len(results) > 1:
        lines += ["", f"  Further steps ({len(results)} in all):", ""]
        rows = [("step", "loss before", "∂L/∂w1", "∂L/∂w2", "w1 after", "w2 after")]
        for s in results:
            rows.append((str(s.number), fmt(s.loss, digits), fmt(s.grads["w1"], digits),
                         fmt(s.grads["w2"], digits), fmt(s.updated["w1"], 9), fmt(s.updated["w2"], 9)))
        lines += ["  " + line for line in table(rows).splitlines()]
    lines += ["", *published_section(example, first, digits)]
    return "\n".join(lines)


def _times(factors: list[float], result: float, digits: int, bases: list[int]) -> str:
    """``0.3 · 0.731059 = 0.219318`` by the one rule for printed arithmetic (`shown_numbers`)."""
    shown, product = shown_factors(factors, result, digits, bases)
    return " · ".join([shown[0]] + [f"({s})" if s.startswith("-") else s for s in shown[1:]]) + f" = {product}"


def forward_lines(example: Example, v: dict[str, float], digits: int = 6) -> list[str]:
    """The forward pass and the loss, each line's numbers checkable by hand (`shown_numbers`)."""
    (z,), h = shown_numbers([-v["z"]], lambda n: 1 / (1 + n[0].exp()), v["h"], digits)
    (y, yhat), e = shown_numbers([example.y, v["yhat"]], lambda n: n[0] - n[1], v["e"], digits, [6, digits])
    (shown_e,), loss = shown_numbers([v["e"]], lambda n: n[0] * n[0] / 2, v["L"], digits)
    return [
        f"  z    = w1 · x          = {_times([example.w1, example.x], v['z'], digits, [6, 6])}",
        f"  h    = sigmoid(z)      = 1 / (1 + exp({z})) = {h}",
        f"  yhat = w2 · h          = {_times([example.w2, v['h']], v['yhat'], digits, [6, digits])}",
        "",
        "2. Loss",
        "",
        f"  e = y - yhat           = {y} - {_paren(yhat)} = {e}",
        f"  L = ½ e²               = ½ · {_paren(shown_e)}² = {loss}",
    ]


def _paren(shown: str) -> str:
    return f"({shown})" if shown.startswith("-") else shown


def closed_form_lines(example: Example, v: dict[str, float], g: dict[str, float], digits: int = 6) -> list[str]:
    """∂L/∂w2 and ∂L/∂w1 in closed form, with numbers whose product is the gradient shown."""
    slope, h = v["yhat"] - example.y, v["h"]
    return [
        f"    ∂L/∂w2 = (yhat - y) · h = {_times([slope, h], g['w2'], digits, [digits, digits])}",
        f"    ∂L/∂w1 = (yhat - y) · w2 · h(1 - h) · x = "
        f"{_times([slope, example.w2, h * (1 - h), example.x], g['w1'], digits, [digits, 6, digits, 6])}",
    ]


def update_lines(example: Example, step: Step, digits: int = 6) -> list[str]:
    """``w2 = 0.3 - 0.01 · (-0.0550576) = 0.300550576``: each weight's step, checkable by hand."""
    lines = []
    for w in PARAMETERS:
        old, grad = step.evaluation.values[w].data, step.grads[w]
        sw, slr, sg, new = shown_update(old, grad, example.lr, step.updated[w], digits=9, weight_digits=digits,
                                        grad_digits=digits)
        lines.append(f"{w} = {sw} - {slr} · ({sg}) = {new}")
    return lines


def published_section(example: Example, step: Step, digits: int = 6) -> list[str]:
    if example != Example():
        return [
            "5. The article's published figures",
            "",
            "  (Not compared: they belong to x = 2, w1 = 0.5, w2 = 0.3, y = 0.5, η = 0.01, "
            "and these inputs differ.)",
        ]
    comparisons = compare_published(step)
    rows = [("quantity", "published", "correct", "difference", "verdict")]
    for c in comparisons:
        verdict = "right" if c.right else "WRONG"
        rows.append((c.published.quantity, c.published.text, fmt(c.true_value, digits),
                     f"{c.difference:+.2g}", verdict))
    wrong = [c for c in comparisons if not c.right]
    lines = [
        "5. The article's published figures, checked",
        "",
        *("  " + line for line in table(rows).splitlines()),
        "",
    ]
    if wrong:
        names = ", ".join(c.published.quantity for c in wrong)
        lines.append(f"  {published_verdict(step)}: {names}. Each is off by more than the precision it was "
                     "printed with.")
        for c in wrong:
            relative = abs(c.difference / c.true_value) * 100
            extra = f"; {c.published.note}" if c.published.note else ""
            lines.append(
                f"  - {c.published.quantity}: published {c.published.text}, correct "
                f"{fmt(c.true_value, digits)} (off by {relative:.2g}%{extra})"
            )
        lines.append(
            "  The forward values h and yhat are right; the loss and both gradients do not follow"
            " from them, and the updated weights inherit the wrong gradients."
        )
    else:
        lines.append("  Every published figure agrees with the correct value.")
    return lines


def page_steps(example: Example, step: Step, digits: int = 6) -> list[dict]:
    """The step-through page's last two steps (for `viz.stepper_html`'s ``extra_steps``):
    the gradient-descent update, then the published figures checked, as the terminal shows them."""
    lines = ["w ← w - η · ∂L/∂w", *update_lines(example, step, digits)]
    sets = [[w, "next", fmt(step.updated[w], 9)] for w in PARAMETERS]
    update = {"phase": "update", "text": "\n".join(lines), "focus": list(PARAMETERS), "set": sets}
    if example != Example():
        return [update, {"phase": "check", "text": published_section(example, step, digits)[-1].strip()}]
    comparisons = compare_published(step)
    wrong = [c.published.quantity for c in comparisons if not c.right]
    rows = [[c.published.quantity, c.published.text, fmt(c.true_value, digits), f"{c.difference:+.2g}",
             "right" if c.right else "wrong"] for c in comparisons]
    text = (f"The article's published figures, checked: {published_verdict(step)} "
            f"({', '.join(wrong) or 'none'}); each is right only when it agrees to the precision printed.")
    return [update, {"phase": "check", "text": text,
                     "table": {"head": ["quantity", "published", "correct", "difference", "verdict"], "rows": rows}}]


def to_json(example: Example, results: list[Step]) -> dict:
    """Everything the walkthrough shows, as one JSON-ready object."""
    first = results[0]
    data = {
        "example": example.__dict__,
        "program": PROGRAM,
        "values": first.values,
        "loss": first.loss,
        "grads": first.grads,
        "updated": first.updated,
        "trace": first.trace.to_dict(),
        "steps": [
            {"step": s.number, "loss": s.loss, "grads": {w: s.grads[w] for w in PARAMETERS},
             "updated": s.updated}
            for s in results
        ],
    }
    if example == Example():
        data["published"] = [
            {"quantity": c.published.quantity, "published": c.published.value,
             "correct": c.true_value, "difference": c.difference, "right": c.right}
            for c in compare_published(first)
        ]
    return data
