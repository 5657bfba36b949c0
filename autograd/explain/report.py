"""What `autograd grad` prints, built in one place: its text and its JSON come from one
`GradReport`, and the explorer's `POST /api/grad` answers with `grad_report`, the same JSON, so
the command's two outputs and the page can never drift apart.

A report reads gradients computed once (`Evaluation.gradients`) and a step record made from
them (`trace`); it never runs a backward pass of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from autograd.lang import Evaluation
from autograd.explain.tables import fmt
from autograd.explain.trace import Trace

__all__ = ["grad_report", "GradReport", "Addition"]


class Addition(Protocol):
    """What `--order 2` adds to the report, or what `--mode forward` prints instead of it
    (`autograd.higher.command_result` makes one)."""

    replaces: bool  # True: printed instead of the first-order report
    json: dict

    def text(self, digits: int = 6) -> str: ...


def grad_report(evaluation: Evaluation, record: Trace | None = None) -> dict:
    """``{"output", "value", "inputs", "values", "grads"}`` (and ``"trace"`` when a record is given).

    ``values`` and ``grads`` hold every input and every named quantity, in program order;
    ``grads[name]`` is ∂output/∂name, so ``grads[output]`` is 1 (read from the evaluation's
    one backward pass).
    """
    program = evaluation.program
    output = program.output
    values = {name: node.data for name, node in evaluation.values.items()}
    data = {"output": output, "value": values[output], "inputs": list(program.inputs),
            "values": values, "grads": evaluation.grads()}
    if record is not None:
        data["trace"] = record.to_dict()
    return data


@dataclass
class GradReport:
    """One `autograd grad` result: the evaluation, its step record (``--steps``) and what
    ``--order 2`` or ``--mode forward`` adds; printed as text or as JSON."""

    evaluation: Evaluation
    record: Trace | None = None
    addition: Addition | None = None

    def to_json(self) -> dict:
        if self.addition is not None and self.addition.replaces:
            return self.addition.json
        return {**grad_report(self.evaluation, self.record), **(self.addition.json if self.addition else {})}

    def text(self, digits: int = 6) -> str:
        """The value, ∂output/∂name for every other name, then the step tables and the addition."""
        if self.addition is not None and self.addition.replaces:
            return self.addition.text(digits)
        program = self.evaluation.program
        output = program.output
        values = {name: node.data for name, node in self.evaluation.values.items()}
        grads = self.evaluation.grads()
        width = max(len(name) for name in values)
        lines = [f"{output} = {fmt(values[output], digits)}", "", f"gradients of {output}:"]
        for name in values:
            if name != output:
                kind = "input" if name in program.inputs else "quantity"
                shown = fmt(grads[name], digits).rjust(digits + 7)
                lines.append(f"  ∂{output}/∂{name.ljust(width)} = {shown}   ({kind})")
        if self.record is not None:
            lines += ["", "forward pass:", _indent(self.record.forward_table(digits)), "",
                      "backward pass (in the order backward() runs):", _indent(self.record.backward_table(digits))]
        if self.addition is not None:
            lines += ["", self.addition.text(digits)]
        return "\n".join(lines)


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())
