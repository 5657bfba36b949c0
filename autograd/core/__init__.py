"""The core: the table of operations, `Value` and its graph. Standard library only.

Everything above this layer imports from here (``from autograd.core import Value``), so the
modules inside may be rearranged without touching their users.
"""

from autograd.core import ops
from autograd.core.ops import OPS
from autograd.core.engine import Value, is_grad_enabled, linear, neuron_sum, no_grad, sum_values, topological_order

__all__ = ["ops", "OPS", "Value", "no_grad", "is_grad_enabled", "sum_values", "linear", "neuron_sum", "topological_order"]
