"""The core: the table of operations, `Value` and its graph. Standard library only.

- `ops`: the table of operations (each one's value, local derivatives, formula);
- `reals`: numbers in and out of the engine, read as finite floats and checked;
- `grad_mode`: recording on and off (`no_grad`, `is_grad_enabled`);
- `graph`: the walks (topological order, the nodes that reach a target), the node's layout
  decoded in one place, the one reverse sweep and the forward sweep;
- `value`: `Value`, its arithmetic (the hot operations by hand) and `backward()`;
- `table_methods`: the rest of its arithmetic and its named functions, from the table;
- `fused`: n-ary nodes, a sum (`sum_values`) and a neuron's w·x + b (`linear`, `neuron_sum`).

Everything above this layer imports from here (``from autograd.core import Value``), so the
modules inside may be rearranged without touching their users.
"""

from autograd.core import ops
from autograd.core.ops import OPS
from autograd.core.grad_mode import is_grad_enabled, no_grad
from autograd.core.graph import topological_order
from autograd.core.value import Value
from autograd.core.fused import linear, neuron_sum, sum_values

__all__ = ["ops", "OPS", "Value", "no_grad", "is_grad_enabled", "sum_values", "linear", "neuron_sum", "topological_order"]
