"""What `autograd grad --json` prints, built in one place: the command and the explorer's
`POST /api/grad` both answer with `grad_report`, so the two can never drift apart.
"""

from __future__ import annotations

from autograd.lang import Evaluation
from autograd.explain.trace import Trace

__all__ = ["grad_report"]


def grad_report(evaluation: Evaluation, record: Trace | None = None) -> dict:
    """``{"output", "value", "inputs", "values", "grads"}`` (and ``"trace"`` when a record is given).

    ``values`` and ``grads`` hold every input and every named quantity, in program order;
    ``grads[name]`` is ∂output/∂name, so ``grads[output]`` is 1. The evaluation must already
    have run ``backward()`` (tracing it does).
    """
    program = evaluation.program
    output = program.output
    values = {name: node.data for name, node in evaluation.values.items()}
    data = {"output": output, "value": values[output], "inputs": list(program.inputs),
            "values": values, "grads": evaluation.grads()}
    if record is not None:
        data["trace"] = record.to_dict()
    return data
