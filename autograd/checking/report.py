"""The `check` command's answer: each claim judged, wrong gradients diagnosed and explained,
as text lines or as the JSON `check --json` prints; and its --help text.

Per command: one backward pass (the caller's `Evaluation.gradients`), one topological order
(`Evaluation.order`, shared by the step record, the diagnoses and the explanations).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from autograd.core import topological_order
from autograd.explain import Trace, fmt
from autograd.explain.tables import shown_update
from autograd.checking.chain import names_reaching, path_to, where_it_went_wrong
from autograd.checking.claims import Claim, Verdict, float_noise, judge, parse_claim, second_derivatives
from autograd.checking.diagnosis import Diagnoser

if TYPE_CHECKING:
    from autograd.lang import Evaluation

__all__ = ["CHECK_HELP", "MAX_CLAIMS", "Report", "check_claims"]

# per command: every wrong claim is diagnosed and explained in full, so thousands of them on a
# long program would take minutes and gigabytes; a homework has far fewer
MAX_CLAIMS = 100

CHECK_HELP = """\
Check homework answers. Each --claim is NAME=NUMBER about the program's output OUT:
  NAME=...                         the value of a quantity
  dOUT/dNAME=... (∂OUT/∂NAME, dNAME, NAME.grad)   the gradient of OUT with respect to NAME
  NAME'=... or NAME_new=...        an input after one gradient-descent step, w - η·dOUT/dw (needs --lr)
  d2OUT/dX2=..., d2OUT/dXdY=...    a second derivative with respect to inputs X, Y (∂²OUT/∂X∂Y too)
A number may be a decimal, an integer or a fraction (1/4, -3/8); '−' reads as '-'.

The precision rule: a decimal is judged at the precision it is written with, at any magnitude
(-0.0331 means ±0.00005, 3.5e-5 means ±5e-7, 1e-14 means ±5e-15); an integer or a fraction is
exact. Float rounding is allowed for relative to the true value (1e-12·|true|), never more than
the written precision; a claim of the wrong sign is wrong unless the true value is float noise
of 0. --rtol R judges every claim within R·|claim| instead. With --sig N, a claim that agrees
but has fewer than N significant digits is 'imprecise' (too imprecise to judge); a claim that
disagrees at its own precision is wrong whatever its digits.

A wrong gradient or update gets its chain-rule steps and a diagnosis for each classic mistake
that gives the claimed answer (at its precision): missed-path, overwrote, sign, dropped-local,
activation-at-input, activation-as-derivative, dropped-constant, quotient-rule, update-sign,
update-lr. A wrong value gets the forward steps that compute it and the slips in them:
dropped-constant, sign, missed-term, activation-left-out. A right or imprecise claim is never
diagnosed.
--json prints {"claims": [{claim, quantity, kind, claimed, verdict, tolerance, significant_digits,
true, diagnoses: [{code, text}], chain: [lines]}], right, wrong, imprecise, notes, exit_status};
--hide leaves out true values, diagnoses and steps.
Exit status: 0 all right; 1 some wrong or imprecise; 2 bad input (nan, inf, a number beyond a
float, an unknown quantity).

examples:
  autograd check "z = w1*x; h = sigmoid(z); yhat = w2*h; L = 0.5*(y - yhat)**2" \\
      --at x=2 w1=0.5 w2=0.3 y=0.5 --claim L=0.0405 dL/dw2=-0.1473 dw1=-0.0652
  autograd check "f = log(x)/x" --at x=2 --claim df/dx=1/4
  autograd check "f = x**2 * y" --at x=3 y=2 --claim ∂f/∂x=12 y.grad=9 --sig 2 --json
  autograd check "L = (w*x - 1)**2" --at w=0.5 x=2 --lr 0.1 --claim "w'=0.5"
"""


@dataclass
class Report:
    """The verdicts on a set of claims, as text lines or as the JSON `check --json` prints."""

    output: str
    verdicts: list[Verdict]
    chains: list[list[str]]  # per claim, the chain-rule lines to its quantity ([] for a value)
    notes: list[str]  # where the chain went wrong
    hide: bool = False
    sig: int | None = None

    @property
    def exit_status(self) -> int:
        """0 when every claim is right; 1 when one is wrong or imprecise (not yet right)."""
        return 0 if all(v.right for v in self.verdicts) else 1

    def to_json(self) -> dict:
        claims = []
        for verdict, chain in zip(self.verdicts, self.chains):
            claim = verdict.claim
            item = {"claim": claim.text, "quantity": claim.quantity(self.output), "kind": claim.kind,
                    "claimed": claim.claimed, "verdict": verdict.verdict, "tolerance": claim.tolerance,
                    "significant_digits": claim.significant}
            if not self.hide:
                item["true"] = verdict.true_value
            item["diagnoses"] = [] if self.hide else [{"code": d.code, "text": d.text} for d in verdict.diagnoses]
            item["chain"] = [] if self.hide else chain
            claims.append(item)
        counts = {name: sum(v.verdict == name for v in self.verdicts) for name in ("right", "wrong", "imprecise")}
        return {"output": self.output, "claims": claims, **counts,
                "notes": [] if self.hide else self.notes, "exit_status": self.exit_status}

    def lines(self) -> list[str]:
        lines = []
        for verdict, chain in zip(self.verdicts, self.chains):
            lines += self._claim_lines(verdict, chain)
        counts = [f"{sum(v.right for v in self.verdicts)} of {len(self.verdicts)} right"]
        imprecise = sum(v.verdict == "imprecise" for v in self.verdicts)
        if imprecise:
            counts.append(f"{imprecise} too imprecise to judge (fewer than {self.sig} significant digits)")
        lines += ["", "; ".join(counts)]
        if not self.hide:
            lines += self.notes
        return lines

    def _claim_lines(self, verdict: Verdict, chain: list[str]) -> list[str]:
        claim = verdict.claim
        head = f"{verdict.verdict}: {claim.quantity(self.output)} = {claim.number}"
        if self.hide:
            return [head]
        true = fmt(verdict.true_value, 10)
        precision = "exact" if claim.tolerance == 0 else f"±{claim.tolerance:.3g}"
        if verdict.verdict == "right":
            return [f"{head}   (true value {true}; judged {precision})"]
        if verdict.verdict == "imprecise":
            digits = claim.significant
            return [f"{head}   agrees with the true value {true} to its {digits} significant "
                    f"digit{'s' * (digits != 1)}; give at least {self.sig}"]
        lines = [f"{head}   true value {true} (off by {verdict.difference:+.3g}; judged {precision})"]
        for d in verdict.diagnoses:
            lines.append(f"  [{d.code}] {d.text}")
        if chain:
            lines.append("  the forward steps to it:" if claim.kind == "value" else "  the chain rule to it:")
            lines += ["    " + line for line in chain]
        return lines




def check_claims(evaluation: Evaluation, record: Trace, texts: Sequence[str], rtol: float | None = None,
                 sig: int | None = None, lr: float | None = None, hide: bool = False) -> Report:
    """Parse, judge and (unless ``hide``) diagnose each claim about an evaluated program
    (``record`` is its step record over ``evaluation.order``). ValueError for a claim that
    cannot be read."""
    if len(texts) > MAX_CLAIMS:
        raise ValueError(f"--claim gives {len(texts):,} claims, at most {MAX_CLAIMS} at a time")
    values = {name: node.data for name, node in evaluation.values.items()}
    output = evaluation.output
    claims = [parse_claim(text, output, values, rtol, lr, evaluation.program.inputs) for text in texts]
    grads = {**evaluation.grads(), **second_derivatives(evaluation, claims)}
    noises = [_noise(evaluation, claim) for claim in claims]
    verdicts = [judge(claim, values, grads, sig, noise) for claim, noise in zip(claims, noises)]
    reaches: dict[str, set[str]] = {}  # per quantity, the names on its paths from the output
    for claim in claims:
        if claim.kind in ("gradient", "update") and claim.target not in reaches:
            reaches[claim.target] = names_reaching(record, evaluation.order, evaluation.values[claim.target],
                                                   claim.target)
    diagnoser = None
    chains = []
    for verdict, noise in zip(verdicts, noises):
        claim = verdict.claim
        if verdict.verdict == "wrong" and not hide and claim.kind in ("gradient", "update", "value"):
            diagnoser = diagnoser or Diagnoser(evaluation.root, evaluation.constants, evaluation.order)
            verdict.diagnoses = diagnoser.diagnose(claim, evaluation.values[claim.target], verdict.true_value, noise)
        if verdict.verdict == "wrong" and claim.kind == "value":
            chains.append(_forward_lines(record, evaluation, claim.target))
        else:
            chains.append(_chain_lines(record, claim, values, grads, reaches))
    gradients = [v for v in verdicts if v.claim.gradient]
    notes = where_it_went_wrong(record, [v.claim.target for v in gradients if v.right],
                                [v.claim.target for v in gradients if v.verdict == "wrong"], reaches)
    return Report(output, verdicts, chains, notes, hide, sig)


def _noise(evaluation: Evaluation, claim: Claim) -> float:
    """The float noise of the claim's truth (`claims.float_noise`): for a gradient, from the
    contributions its sum added up (∂node/∂child · ∂OUT/∂node over the quantity's uses)."""
    if claim.kind == "second":
        return 0.0
    node = evaluation.values[claim.target]
    parts = []
    if claim.kind != "value":
        gradients = evaluation.gradients
        parts = [d * gradients.get(parent, 0.0) for parent in evaluation.order
                 for child, d in zip(parent.children, parent.local_grads) if child is node]
    return float_noise(claim, node, parts)


def _forward_lines(record: Trace, evaluation: Evaluation, target: str) -> list[str]:
    """The forward steps that compute a quantity (a wrong value claim's explanation): each
    computed node it depends on, as ``name = formula = value``, in the order they are computed."""
    needed = set(topological_order(evaluation.values[target]))
    return [" = ".join(dict.fromkeys((step.name, step.formula))) + f" = {fmt(step.value, 6)}"
            for step in record.forward if step.kind == "computed" and evaluation.order[step.index] in needed]


def _chain_lines(record: Trace, claim: Claim, values: dict, grads: dict, reaches: dict[str, set[str]]) -> list[str]:
    """The chain-rule lines to the claim's quantity, and for an update the step itself."""
    if claim.kind in ("value", "second"):
        return []
    lines = path_to(record, claim.target, reaches[claim.target])
    if claim.kind == "update":
        w, g, lr = values[claim.target], grads[claim.target], claim.lr
        sw, slr, sg, result = shown_update(w, g, lr, w - lr * g)
        lines.append(f"{claim.target}' = {claim.target} - η·∂{record.output}/∂{claim.target} = "
                     f"{sw} - {slr}·({sg}) = {result}")
    return lines
