"""autograd.core.graph: the node's layout, the walks, the one reverse sweep (each option against
backward()) and the forward sweep (against reverse mode and central differences)."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd import Value, jvp, linear, sum_values
from autograd.core import ops, topological_order
from autograd.core.graph import Layout, forward_sweep, layout, reaching, reverse_sweep


def bits(x: float) -> str:
    """A float written so that two are equal only when they are the same bits (0.0 and -0.0 differ)."""
    return float(x).hex()


def backward_grads(root: Value) -> dict[Value, float]:
    order = topological_order(root)
    root.backward()
    return {node: node.grad for node in order}


def example() -> tuple[Value, Value, Value, Value]:
    """x and y used on several paths, a constant on each side, and a fused node."""
    x, y = Value(0.7, label="x"), Value(-1.3, label="y")
    a = x * y
    b = (a + 3).tanh() * x
    out = sum_values([b, 2 - a, y ** 2]) * a.exp()
    return x, y, a, out


# ------------------------------------------------------------------ layout


def _two_leaves():
    return Value(1.5, label="x"), Value(0.5, label="c")


@pytest.mark.parametrize("make, op, children, locals_, constant, reflected", [
    (lambda x, c: x + 3, "+", "x", (1.0,), 3.0, False),
    (lambda x, c: 3 - x, "-", "x", (-1.0,), 3.0, True),
    (lambda x, c: x * 4, "*", "x", (4.0,), 4.0, False),  # x * c keeps c once, as its local
    (lambda x, c: 4 * x, "*", "x", (4.0,), 4.0, False),
    (lambda x, c: 2 ** x, "**", "x", (2 ** 1.5 * math.log(2),), 2.0, True),
    (lambda x, c: x ** 2, "**", "x", (3.0,), 2.0, False),
    (lambda x, c: x * c, "*", "xc", (0.5, 1.5), None, False),
    (lambda x, c: x.tanh(), "tanh", "x", (1 - math.tanh(1.5) ** 2,), None, False),
    (lambda x, c: sum_values([x, c, x]), "sum", "xcx", (1.0, 1.0, 1.0), None, False),
    (lambda x, c: linear([x], [c], c), "linear", "xcc", (0.5, 1.5, 1.0), None, False),
    (lambda x, c: linear([x, c], [2.0, 3.0], x), "affine", "xcx", (2.0, 3.0, 1.0), None, False),
])
def test_layout_decodes_each_shape_and_the_value_properties_agree(make, op, children, locals_, constant, reflected):
    x, c = _two_leaves()
    node = make(x, c)
    names = {"x": x, "c": c}
    decoded = layout(node)
    assert decoded.op is ops.OPS[op]
    assert decoded.children == tuple(names[n] for n in children)
    assert decoded.locals == pytest.approx(locals_, rel=1e-15)
    assert decoded.constant == constant
    assert decoded.reflected is reflected
    # the Value's own properties read the same rules
    assert node.children == decoded.children
    assert node.local_grads == decoded.locals
    assert node.constant == decoded.constant
    assert node.reflected is decoded.reflected


def test_layout_arguments_place_each_child_in_the_formula():
    x, c = _two_leaves()
    assert [layout(x * c).argument(k) for k in range(2)] == [0, 1]
    assert layout(3 - x).argument(0) == 1  # the constant is argument 0
    assert layout(x - 3).argument(0) == 0
    affine = linear([x, c], [2.0, 3.0], x)  # w0, x0, w1, x1, b: the inputs are numbers
    assert [layout(affine).argument(k) for k in range(3)] == [0, 2, 4]
    fused = linear([x], [c], c)  # w0, x0, b
    assert [layout(fused).argument(k) for k in range(3)] == [0, 1, 2]


def test_a_leaf_decodes_to_nothing():
    x = Value(2.0, label="x")
    assert layout(x) == Layout(None, (), (), None, False)
    assert (x.children, x.local_grads, x.constant, x.reflected) == ((), (), None, False)


def test_relu_is_not_mistaken_for_a_reflected_name():
    node = Value(1.0).relu()
    assert node.op == "relu" and not node.reflected and not layout(node).reflected


# ------------------------------------------------------------------ reaching


def test_reaching_keeps_only_the_nodes_a_gradient_flows_through():
    x, y, z = Value(1.0), Value(2.0), Value(3.0)
    a = x * y
    b = z.exp()
    out = a + b
    reach = reaching(topological_order(out), [x])
    assert reach == {x, a, out}
    assert reaching(topological_order(out), [x, z]) == {x, z, a, b, out}


# ------------------------------------------------------------------ the reverse sweep, option by option


def test_reverse_sweep_equals_backward_bit_for_bit_and_leaves_grads_alone():
    x, y, a, out = example()
    order = topological_order(out)
    for node in order:
        node.grad = 123.0
    swept = reverse_sweep(order)
    assert all(node.grad == 123.0 for node in order)
    expected = backward_grads(out)
    assert {n: bits(g) for n, g in swept.items()} == {n: bits(g) for n, g in expected.items()}


def test_a_negative_zero_contribution_adds_up_as_in_backward():
    x, y = Value(1.0), Value(-0.0)
    out = x * y  # ∂out/∂x = -0.0; backward's 0.0 + -0.0 is 0.0
    assert bits(reverse_sweep(topological_order(out))[x]) == bits(backward_grads(out)[x]) == bits(0.0)


def test_seed_scales_every_gradient():
    x, y, a, out = example()
    expected = backward_grads(out)
    swept = reverse_sweep(topological_order(out), seed=2.0)  # exact: a power of two
    assert all(swept[n] == 2.0 * g for n, g in expected.items())


def test_wanted_restricts_the_sweep_and_keeps_the_numbers():
    x, y, a, out = example()
    order = topological_order(out)
    expected = backward_grads(out)
    wanted = reaching(order, [x])
    swept = reverse_sweep(order, wanted=wanted)
    assert bits(swept[x]) == bits(expected[x])
    assert y not in swept  # y reaches no wanted node's gradient
    assert set(swept) <= wanted


def test_local_override_changes_one_edge():
    x, y = Value(2.0), Value(5.0)
    p = x * y
    out = p + x
    order = topological_order(out)
    assert reverse_sweep(order, local=lambda node, k, d: d) == backward_grads(out)
    forgetful = reverse_sweep(order, local=lambda node, k, d: 0.0 if node is p and k == 0 else d)
    assert forgetful[x] == 1.0  # only the path through +
    assert forgetful[y] == 2.0


def test_replaced_gradient_is_passed_on_in_place_of_the_true_one():
    x, y = Value(0.5), Value(2.0)
    p = x * y
    out = p.tanh()
    grads = reverse_sweep(topological_order(out), replaced={p: 1.0})
    assert grads[p] == 1.0
    assert grads[x] == y.data and grads[y] == x.data


def test_overwrite_keeps_only_the_last_contribution():
    x = Value(3.0)
    a = x * 2
    out = a + a  # two edges to a
    assert reverse_sweep(topological_order(out))[a] == 2.0
    assert reverse_sweep(topological_order(out), overwrite=True)[a] == 1.0


def test_values_mode_builds_gradients_whose_numbers_are_backward_s():
    x, y, a, out = example()
    order = topological_order(out)
    expected = backward_grads(out)
    swept = reverse_sweep(order, values=True, local=lambda node, k, d: Value(d), add=sum_values)
    for node, g in expected.items():
        assert float(swept[node].data if isinstance(swept[node], Value) else swept[node]) == g
    # a and x receive several contributions: summed by one "sum" node each
    assert swept[x].op == "sum" and swept[a].op == "sum"
    without_add = reverse_sweep(order, values=True, local=lambda node, k, d: Value(d))
    assert without_add[x].op == "+" and without_add[x].data == expected[x]


def test_values_mode_adds_no_node_for_factors_of_one():
    x = Value(1.5)
    out = x + 2
    grads = reverse_sweep(topological_order(out), values=True, local=lambda node, k, d: d)
    assert grads[x] == 1.0 and type(grads[x]) is float


def test_an_overflowing_gradient_names_its_node():
    x = Value(1e200, label="x")
    out = x * 1e100  # finite, but ∂out/∂x · seed = 1e100 · 1e300 is not
    with pytest.raises(OverflowError, match="gradient of the leaf 'x'"):
        reverse_sweep(topological_order(out), seed=1e300)


# ------------------------------------------------------------------ the forward sweep


def test_forward_sweep_agrees_with_jvp_reverse_mode_and_central_differences():
    def f(x, y):
        return (x * y + 3).tanh() * x + sum_values([2 - x * y, y ** 2]) * (x * y).exp()

    point, direction = [0.7, -1.3], [0.25, -2.0]
    value, along = jvp(f, point, direction)
    xs = [Value(p) for p in point]
    out = f(*xs)
    dot = forward_sweep(topological_order(out), dict(zip(xs, direction)))
    assert dot[out] == along and out.data == value
    out.backward()
    assert dot[out] == pytest.approx(sum(x.grad * t for x, t in zip(xs, direction)), rel=1e-12)
    h = 1e-6
    ahead = f(*[Value(p + h * t) for p, t in zip(point, direction)]).data
    behind = f(*[Value(p - h * t) for p, t in zip(point, direction)]).data
    assert dot[out] == pytest.approx((ahead - behind) / (2 * h), rel=1e-6)


def test_forward_sweep_gives_unseeded_leaves_zero_and_names_an_overflow():
    x, y = Value(2.0), Value(3.0)
    out = x * y
    dot = forward_sweep(topological_order(out), {x: 1.0})
    assert dot[y] == 0.0 and dot[out] == 3.0
    big = Value(1e200, label="b")
    with pytest.raises(OverflowError, match="forward: the tangent of"):
        forward_sweep(topological_order(big * 1e100), {big: 1e300})


# ------------------------------------------------------------------ random graphs with shared subexpressions

STEPS = [
    lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a - b, lambda a, b: a * 0.5 + 1,
    lambda a, b: 2 - a, lambda a, b: a.tanh(), lambda a, b: sum_values([a, b, a]),
    lambda a, b: linear([a, b], [b, a], a), lambda a, b: linear([a], [1.5], b), lambda a, b: a * a,
    lambda a, b: (a * b).sigmoid(), lambda a, b: a.relu(),
]


def random_graph(xs: list[float], program: list[tuple[int, int, int]]) -> tuple[list[Value], Value]:
    """Every step reads earlier nodes (so nodes are shared); the output reads the last few."""
    leaves = [Value(x) for x in xs]
    pool = list(leaves)
    for step, i, j in program:
        pool.append(STEPS[step](pool[i % len(pool)], pool[j % len(pool)]))
    return leaves, sum_values(pool[-3:]) if len(pool) > 1 else pool[0] * 1.0


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(-2, 2), min_size=1, max_size=4),
    st.lists(st.tuples(st.integers(0, len(STEPS) - 1), st.integers(0, 99), st.integers(0, 99)),
             min_size=1, max_size=15),
)
def test_random_graphs_reverse_sweep_equals_backward(xs, program):
    try:
        leaves, out = random_graph(xs, program)
        expected = backward_grads(out)
    except (OverflowError, ValueError):
        assume(False)
    order = topological_order(out)
    swept = reverse_sweep(order)
    assert {n: bits(g) for n, g in swept.items()} == {n: bits(g) for n, g in expected.items() if n in swept}
    assert all(expected[n] == 0.0 for n in order if n not in swept)
    wanted = reaching(order, leaves)
    partial = reverse_sweep(order, wanted=wanted)
    assert all(bits(partial.get(x, 0.0)) == bits(expected.get(x, 0.0)) for x in leaves)
    as_values = reverse_sweep(order, values=True, local=lambda node, k, d: Value(d), add=sum_values)
    for node in order:
        g = as_values.get(node, 0.0)
        assert (g.data if isinstance(g, Value) else g) == expected[node]
    for node in order:  # the properties and the layout read each node the same way
        decoded = layout(node)
        assert (node.children, node.local_grads, node.constant, node.reflected) == (
            decoded.children, decoded.locals, decoded.constant, decoded.reflected)
