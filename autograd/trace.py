"""Step records of a graph: the forward pass in order, then every backward (chain-rule) step.

The records are read straight from the graph that `engine` built: each node's ``op``,
its children and its local derivatives ∂node/∂child. Nothing is recomputed here except the
products the backward pass forms, so what a learner reads is what the engine did.

A backward step for a node n with gradient ∂L/∂n passes, to each child c::

    ∂L/∂c += ∂L/∂n · ∂n/∂c

and when c feeds several nodes its running total is shown after each addition.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from autograd.engine import Value, topological_order

__all__ = [
    "ForwardStep", "Contribution", "BackwardStep", "Trace", "trace", "fmt", "local_formula", "table",
    "node_names", "display_names",
]


def fmt(x: float, digits: int = 6) -> str:
    """A number in significant digits: 3e-07 stays visible, 0.1 + 0.2 shows as 0.3."""
    if x == 0.0:
        return "0"
    return f"{x:.{digits}g}"


@dataclass
class ForwardStep:
    index: int  # the node's place in the topological order (stable for a given graph)
    name: str
    formula: str  # how it is computed from its children, e.g. "sigmoid(z)"; "" for a leaf
    value: float
    kind: str  # "input", "constant" or "computed"


@dataclass
class Contribution:
    child_index: int
    child: str
    local_formula: str  # ∂node/∂child as a formula in the children's names
    local: float  # its value
    product: float  # ∂L/∂node · ∂node/∂child
    total: float  # the child's gradient after this addition
    first: bool  # the child's first contribution (later ones add to a running total)


@dataclass
class BackwardStep:
    index: int
    node: str
    grad: float  # ∂L/∂node, complete when this step runs
    contributions: list[Contribution] = field(default_factory=list)


@dataclass
class Trace:
    """The forward and backward records of one graph, for printing or JSON."""

    output: str
    forward: list[ForwardStep]
    backward: list[BackwardStep]

    def to_dict(self) -> dict:
        return asdict(self)

    def chain_lines(self, digits: int = 4) -> list[str]:
        """One chain-rule line per contribution, in the order backward() adds them."""
        lines = []
        for step in self.backward:
            for c in step.contributions:
                lines.append(chain_line(self.output, step, c, digits))
        return lines

    def forward_table(self, digits: int = 6) -> str:
        rows = [("quantity", "computed as", "value")]
        for s in self.forward:
            how = s.formula if s.kind == "computed" else s.kind
            rows.append((s.name, how, fmt(s.value, digits)))
        return table(rows, numeric_columns={2})

    def backward_table(self, digits: int = 6) -> str:
        out = self.output
        rows = [("node", f"∂{out}/∂node", "child", "local ∂node/∂child", "local", "product", f"∂{out}/∂child so far")]
        for step in self.backward:
            for i, c in enumerate(step.contributions):
                rows.append((
                    step.node if i == 0 else "",
                    fmt(step.grad, digits) if i == 0 else "",
                    c.child,
                    c.local_formula,
                    fmt(c.local, digits),
                    fmt(c.product, digits),
                    fmt(c.total, digits) + ("" if c.first else " (sum)"),
                ))
        return table(rows, numeric_columns={1, 4, 5})


def chain_line(output: str, step: BackwardStep, c: Contribution, digits: int = 4) -> str:
    """``∂L/∂h = ∂L/∂ŷ · ∂ŷ/∂h = -0.2807 · 0.3 = -0.08420`` (``+=`` for a later contribution)."""
    node, child = _wrap(step.node), _wrap(c.child)
    sign = "=" if c.first else "+="
    line = (
        f"∂{output}/∂{child} {sign} ∂{output}/∂{node} · ∂{node}/∂{child} = "
        f"{fmt(step.grad, digits)} · {fmt(c.local, digits)} = {fmt(c.product, digits)}"
    )
    if not c.first:
        line += f"  (total {fmt(c.total, digits)})"
    return line


def trace(root: Value, constants: Iterable[Value] = (), inputs: Iterable[Value] = ()) -> Trace:
    """Run ``root.backward()`` and record every forward value and backward step.

    ``constants`` (number literals of a program) are shown in the forward pass but receive
    no gradient steps; ``inputs`` are leaves to call inputs (every other leaf is too).
    """
    constant_set = set(constants)
    order = topological_order(root)
    names = display_names(root, order)
    position = {node: i for i, node in enumerate(order)}
    forward = [
        ForwardStep(
            position[n],
            names[n],
            formula(n, names),
            n.data,
            "constant" if n in constant_set else ("input" if n.is_leaf else "computed"),
        )
        for n in order
    ]
    root.backward()
    totals: dict[Value, float] = {}
    backward = []
    for node in reversed(order):
        if node.is_leaf:
            continue
        step = BackwardStep(position[node], names[node], node.grad)
        for child, local in zip(node.children, node.local_grads):
            if child in constant_set:
                continue
            product = local * node.grad
            first = child not in totals
            totals[child] = totals.get(child, 0.0) + product
            step.contributions.append(
                Contribution(position[child], names[child], local_formula(node, child, names), local, product,
                             totals[child], first)
            )
        backward.append(step)
    return Trace(names[root], forward, backward)


def display_names(root: Value, order: list[Value]) -> dict[Value, str]:
    """`node_names`, with an unlabelled output called "out"."""
    names = node_names(order)
    if not root.label:
        names[root] = "out"
    return names


def node_names(order: list[Value]) -> dict[Value, str]:
    """A display name per node: its label, else the operation over its children's names,
    else (when that gets long) a numbered name v1, v2, ..."""
    names: dict[Value, str] = {}
    for i, node in enumerate(order):
        if node.label:
            names[node] = node.label
        elif node.is_leaf:
            names[node] = fmt(node.data)
        else:
            text = formula(node, names)
            names[node] = text if len(text) <= 30 else f"v{i}"
    return names


def formula(node: Value, names: dict[Value, str]) -> str:
    """How ``node`` is computed from its children, in their names ("" for a leaf)."""
    if node.is_leaf:
        return ""
    kids = [_wrap(names[c]) for c in node.children]
    locals_ = node.local_grads
    op = node.op
    if op in ("+", "-", "*", "/") and len(kids) == 2:
        return f"{kids[0]} {op} {kids[1]}"
    if len(kids) == 1 and op in _WITH_CONSTANT:
        return _WITH_CONSTANT[op](kids[0], node.data, node.children[0].data, locals_[0])
    if op == "**":
        return f"{kids[0]}**{kids[1]}"
    if op == "neg":
        return f"-{kids[0]}"
    if op == "sum":
        return " + ".join(kids)
    if op == "linear":
        return "w·x + b over " + ", ".join(kids)
    return f"{op}({', '.join(kids)})"


# A binary operation with a plain number keeps one child; the number is read back from
# the node's value or local derivative, for display only.
_WITH_CONSTANT = {
    "+": lambda a, out, x, local: f"{a} + {fmt(out - x)}",
    "-": lambda a, out, x, local: f"{a} - {fmt(x - out)}" if local > 0 else f"{fmt(out + x)} - {a}",
    "*": lambda a, out, x, local: f"{fmt(local)} · {a}",
    "/": lambda a, out, x, local: (
        f"{a} / {fmt(1 / local)}" if abs(local * x - out) <= 1e-12 * max(1.0, abs(out)) else f"{fmt(out * x)} / {a}"
    ),
    "**": lambda a, out, x, local: f"{a}**{fmt(local * x / out)}" if out != 0 and x != 0 else f"{a}**n",
    "max": lambda a, out, x, local: f"max({a}, {fmt(out)})" if local == 0 else f"max({a}, c)",
    "min": lambda a, out, x, local: f"min({a}, {fmt(out)})" if local == 0 else f"min({a}, c)",
}


def local_formula(node: Value, child: Value, names: dict[Value, str]) -> str:
    """∂node/∂child as a formula in the names of node's children."""
    kids = node.children
    a = _wrap(names[kids[0]])
    position = kids.index(child)
    op = node.op
    if op in ("+", "sum"):
        return "1"
    if op == "-":
        return "1" if node.local_grads[position] > 0 else "-1"
    if op == "neg":
        return "-1"
    if op == "*":
        return _wrap(names[kids[1 - position]]) if len(kids) == 2 else fmt(node.local_grads[0])
    if op == "/":
        if len(kids) == 1:
            return fmt(node.local_grads[0])
        b = _wrap(names[kids[1]])
        return f"1/{b}" if position == 0 else f"-{a}/{b}²"
    if op == "**":
        if len(kids) == 2:
            b = _wrap(names[kids[1]])
            return f"{b}·{a}**({b} - 1)" if position == 0 else f"{a}**{b}·ln({a})"
        base, out = kids[0].data, node.data
        if base != 0.0 and out != 0.0:
            n = node.local_grads[0] * base / out
            return f"{fmt(n)}·{a}**{fmt(n - 1)}"
        return f"n·{a}**(n - 1)"
    simple = {
        "exp": f"exp({a})",
        "log": f"1/{a}",
        "sqrt": f"1/(2·sqrt({a}))",
        "tanh": f"1 - tanh({a})²",
        "sigmoid": f"sigmoid({a})·(1 - sigmoid({a}))",
        "relu": f"1 if {a} > 0 else 0",
        "abs": f"sign({a})",
        "sin": f"cos({a})",
        "cos": f"-sin({a})",
        "max": "1 if it is the larger, else 0",
        "min": "1 if it is the smaller, else 0",
    }
    if op in simple:
        return simple[op]
    if op == "linear":
        return "its factor in w·x (1 for b)"
    return f"∂{_wrap(names[node])}/∂{_wrap(names[child])}"


def _wrap(name: str) -> str:
    """Parenthesise a compound name so that it reads as one quantity inside a formula."""
    if name.startswith("(") and name.endswith(")"):
        return name
    if any(ch in name for ch in " +-*/·") and not _is_number(name):
        return f"({name})"
    return name


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def table(rows: list[tuple], numeric_columns: set[int] = frozenset()) -> str:
    """Plain-text columns that line up; numeric columns right-aligned."""
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for r, row in enumerate(rows):
        cells = []
        for i, cell in enumerate(row):
            cell = str(cell)
            right = i in numeric_columns and r > 0
            cells.append(cell.rjust(widths[i]) if right else cell.ljust(widths[i]))
        lines.append("  ".join(cells).rstrip())
        if r == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
