"""The engine: every operation's value and derivative, errors, backward semantics, no_grad."""

import math
import sys
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd import Value, linear, no_grad, sum_values
from autograd.core import ops, topological_order
from autograd.checking import gradcheck

POINTS = [-3.7, -1.3, -0.4, 0.25, 0.9, 2.2, 4.1]
POSITIVE = [0.05, 0.3, 1.0, 2.7, 9.5]


def _value_and_grad(f, *xs):
    inputs = [Value(x) for x in xs]
    out = f(*inputs)
    out.backward()
    return out.data, [v.grad for v in inputs]


# ---------------------------------------------------------------- values and derivatives

UNARY = {
    "neg": (lambda a: -a, lambda x: -x, lambda x: -1.0, POINTS),
    "exp": (lambda a: a.exp(), math.exp, math.exp, POINTS),
    "log": (lambda a: a.log(), math.log, lambda x: 1 / x, POSITIVE),
    "sqrt": (lambda a: a.sqrt(), math.sqrt, lambda x: 0.5 / math.sqrt(x), POSITIVE),
    "tanh": (lambda a: a.tanh(), math.tanh, lambda x: 1 - math.tanh(x) ** 2, POINTS),
    "sigmoid": (
        lambda a: a.sigmoid(),
        lambda x: 1 / (1 + math.exp(-x)),
        lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2,
        POINTS,
    ),
    "relu": (lambda a: a.relu(), lambda x: max(0.0, x), lambda x: float(x > 0), POINTS),
    "abs": (lambda a: abs(a), abs, lambda x: math.copysign(1.0, x), POINTS),
    "sin": (lambda a: a.sin(), math.sin, math.cos, POINTS),
    "cos": (lambda a: a.cos(), math.cos, lambda x: -math.sin(x), POINTS),
    "square": (lambda a: a**2, lambda x: x * x, lambda x: 2 * x, POINTS),
    "cube": (lambda a: a**3, lambda x: x**3, lambda x: 3 * x * x, POINTS),
    "inverse": (lambda a: a**-1, lambda x: 1 / x, lambda x: -1 / x**2, POINTS),
    "power 1.5": (lambda a: a**1.5, lambda x: x**1.5, lambda x: 1.5 * x**0.5, POSITIVE),
    "rpow": (lambda a: 2.0**a, lambda x: 2.0**x, lambda x: 2.0**x * math.log(2), POINTS),
    "rsub": (lambda a: 5 - a, lambda x: 5 - x, lambda x: -1.0, POINTS),
    "rdiv": (lambda a: 3 / a, lambda x: 3 / x, lambda x: -3 / x**2, POINTS),
    "div const": (lambda a: a / 4, lambda x: x / 4, lambda x: 0.25, POINTS),
    "radd": (lambda a: 1.5 + a, lambda x: 1.5 + x, lambda x: 1.0, POINTS),
    "rmul": (lambda a: -2 * a, lambda x: -2 * x, lambda x: -2.0, POINTS),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_value_derivative_and_finite_differences(name):
    f, value, derivative, points = UNARY[name]
    for x in points:
        out, (grad,) = _value_and_grad(f, x)
        assert out == pytest.approx(value(x), rel=1e-14, abs=1e-300)
        assert grad == pytest.approx(derivative(x), rel=1e-12, abs=1e-300)
        gradcheck(f, [x])


BINARY = {
    "+": (lambda a, b: a + b, lambda x, y: (1.0, 1.0)),
    "-": (lambda a, b: a - b, lambda x, y: (1.0, -1.0)),
    "*": (lambda a, b: a * b, lambda x, y: (y, x)),
    "/": (lambda a, b: a / b, lambda x, y: (1 / y, -x / y**2)),
    "max": (lambda a, b: a.maximum(b), lambda x, y: (float(x >= y), float(x < y))),
    "min": (lambda a, b: a.minimum(b), lambda x, y: (float(x <= y), float(x > y))),
}


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_operations_on_two_values(name):
    f, derivatives = BINARY[name]
    for x in POINTS:
        for y in POINTS[::2]:
            _, grads = _value_and_grad(f, x, y)
            assert grads == pytest.approx(derivatives(x, y), rel=1e-12)
            if x != y:  # a tie in max/min is a kink: pinned by its own test below
                gradcheck(f, [x, y])


def test_value_exponent_gets_its_gradient():
    for a in POSITIVE:
        for b in POINTS:
            out, (ga, gb) = _value_and_grad(lambda x, y: x**y, a, b)
            assert out == pytest.approx(a**b)
            assert ga == pytest.approx(b * a ** (b - 1))
            assert gb == pytest.approx(a**b * math.log(a))
            gradcheck(lambda x, y: x**y, [a, b])


def test_numbers_on_either_side_are_constants():
    x = Value(3.0)
    for out, expected in [(x + 2, 5), (2 + x, 5), (x - 2, 1), (2 - x, -1), (x * 2, 6),
                          (2 * x, 6), (x / 2, 1.5), (6 / x, 2), (x**2, 9), (2**x, 8)]:
        assert out.data == expected
        assert len(out.children) == 1 and out.children[0] is x


def test_numpy_and_bool_and_fraction_operands():
    x = Value(np.float32(1.5))
    assert type(x.data) is float and x.data == 1.5
    assert (x * np.int64(2)).data == 3.0
    assert Value(True).data == 1.0
    assert (x + Fraction(1, 2)).data == 2.0


# ---------------------------------------------------------------- conventions at kinks

def test_relu_derivative_at_zero_is_zero():
    _, (g,) = _value_and_grad(lambda a: a.relu(), 0.0)
    assert g == 0.0


def test_abs_derivative_at_zero_is_zero():
    _, (g,) = _value_and_grad(abs, 0.0)
    assert g == 0.0


def test_max_and_min_tie_sends_gradient_to_first_argument():
    _, grads = _value_and_grad(lambda a, b: a.maximum(b), 1.0, 1.0)
    assert grads == [1.0, 0.0]
    _, grads = _value_and_grad(lambda a, b: a.minimum(b), 1.0, 1.0)
    assert grads == [1.0, 0.0]
    _, (g,) = _value_and_grad(lambda a: a.maximum(a), 2.0)
    assert g == 1.0
    x = Value(2.0)
    m = x.maximum(5)
    m.backward()
    assert (m.data, x.grad) == (5.0, 0.0)


@pytest.mark.parametrize("x", [1e6, -1e6, 800.0, -800.0, 1e308, -1e308])
def test_sigmoid_and_tanh_never_overflow(x):
    s = Value(x).sigmoid()
    t = Value(x).tanh()
    assert s.data == (1.0 if x > 0 else 0.0)
    assert t.data == math.copysign(1.0, x)
    s.backward()
    t.backward()
    assert s.children[0].grad == 0.0 and t.children[0].grad == 0.0


# ---------------------------------------------------------------- errors

@pytest.mark.parametrize(
    "make, error, words",
    [
        (lambda: Value(-1.0).log(), ValueError, "log of -1.0"),
        (lambda: Value(0.0).log(), ValueError, "log of 0.0"),
        (lambda: Value(-4.0).sqrt(), ValueError, "sqrt of -4.0"),
        (lambda: Value(0.0).sqrt(), ZeroDivisionError, "sqrt of 0.0"),
        (lambda: Value(1.0) / Value(0.0), ZeroDivisionError, "division by zero"),
        (lambda: Value(1.0) / 0, ZeroDivisionError, "division by zero"),
        (lambda: 1 / Value(0.0), ZeroDivisionError, "division by zero"),
        (lambda: Value(0.0) ** -1, ZeroDivisionError, "0 to the negative power"),
        (lambda: Value(-8.0) ** 0.5, ValueError, "negative base -8.0"),
        (lambda: Value(-2.0) ** Value(2.0), ValueError, "negative base"),
        (lambda: (-2.0) ** Value(2.0), ValueError, "negative base"),
        (lambda: Value(1000.0).exp(), OverflowError, "exp of 1000.0"),
        (lambda: Value(1e200) * Value(1e200), OverflowError, "*"),
        (lambda: Value(1e308) + 1e308, OverflowError, "+"),
        (lambda: Value(10.0) ** 400, OverflowError, "**"),
        (lambda: Value(1e-300) / 1e-300 / 1e-300 / 1e-300, OverflowError, "/"),
        (lambda: Value(1.0) + float("nan"), ValueError, "nan"),
        (lambda: Value(1.0) * float("inf"), ValueError, "inf"),
    ],
)
def test_undefined_operations_raise_clear_errors(make, error, words):
    with pytest.raises(error) as info:
        make()
    assert words in str(info.value)


def test_sqrt_of_zero_is_fine_without_gradients():
    with no_grad():
        assert Value(0.0).sqrt().data == 0.0


@pytest.mark.parametrize("bad", ["2", 1 + 2j, None, [1.0], {}, object()])
def test_value_rejects_non_real_data_naming_the_type(bad):
    with pytest.raises(TypeError) as info:
        Value(bad)
    assert type(bad).__name__ in str(info.value)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_value_rejects_nan_and_infinity(bad):
    with pytest.raises(ValueError, match="not a finite number"):
        Value(bad)


def test_operations_with_non_numbers_raise_type_error():
    with pytest.raises(TypeError, match=r"\+"):
        Value(1.0) + "a"
    with pytest.raises(TypeError, match=r"\*"):
        Value(2.0) * None
    with pytest.raises(TypeError, match="max"):
        Value(1.0).maximum("a")
    with pytest.raises(TypeError, match="compare"):
        Value(1.0) < "a"  # noqa: B015 (the comparison itself must raise)


# ---------------------------------------------------------------- comparisons and identity

def test_comparisons_use_data_but_equality_is_identity():
    a, b = Value(1.0), Value(1.0)
    assert a < 2 and a <= b and b >= a and not a > b and 3 > a
    assert a != b and a == a
    assert len({a, b}) == 2
    assert float(Value(2.5)) == 2.5


# ---------------------------------------------------------------- backward semantics

def test_backward_twice_gives_the_same_gradients():
    x = Value(3.0)
    y = x * x + x
    y.backward()
    first = x.grad
    y.backward()
    assert first == x.grad == 7.0


def test_accumulate_adds_gradients_across_graphs():
    w = Value(2.0)
    for x in [1.0, 2.0, 3.0]:
        (w * x).backward(accumulate=True)
    assert w.grad == 6.0
    (w * 10).backward()  # the default starts afresh
    assert w.grad == 10.0


def test_accumulate_twice_on_one_graph_adds_exactly_twice():
    w = Value(2.0)
    y = (w * w).tanh() * 3
    y.backward()
    once = w.grad
    y.backward(accumulate=True)
    assert w.grad == pytest.approx(2 * once, rel=1e-15)


def test_shared_subexpression_diamond():
    a, b = Value(2.0), Value(-3.0)
    x = a + b
    y = x * a  # a feeds y directly and through x
    y.backward()
    assert a.grad == x.data + a.data  # ∂y/∂a = x + a
    assert b.grad == a.data


def test_same_node_used_twice_by_one_operation():
    x = Value(3.0)
    y = x * x
    y.backward()
    assert x.grad == 6.0


def test_no_grad_records_nothing_and_restores():
    x = Value(2.0)
    with no_grad():
        y = x * 3 + 1
    assert y.data == 7.0 and y.children == () and y.is_leaf
    z = x * 3
    assert z.children == (x,)
    with pytest.raises(RuntimeError):
        with no_grad():
            raise RuntimeError("boom")
    assert (x * 2).children == (x,)


def test_a_chain_far_deeper_than_the_recursion_limit_runs_backward():
    """200,000 operations in a row, a graph 200,000 deep: 20 times the largest recursion limit
    allowed here and 200 times Python's default of 1000. The topological order and the sweep are
    loops, so no limit is reached (a recursive walk fails at the limit; the benchmarks time chains
    of up to 1e6 operations)."""
    assert sys.getrecursionlimit() <= 10_000
    x = Value(1.0)
    y = x
    for _ in range(100_000):  # a product and a sum each
        y = y * 1.000001 + 0.0
    y.backward()
    assert y.data == pytest.approx(1.000001**100_000, rel=1e-9)
    assert x.grad == pytest.approx(1.000001**100_000, rel=1e-9)


def test_topological_order_puts_children_first():
    a = Value(1.0)
    b = a * 2
    c = a + b
    order = topological_order(c)
    assert order.index(a) < order.index(b) < order.index(c)
    assert len(order) == 3


# ---------------------------------------------------------------- fused operations

@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=30))
def test_sum_values_matches_binary_chain_to_the_bit(xs):
    vs = [Value(x) for x in xs]
    fused = sum_values(vs)
    chain = vs[0]
    for v in vs[1:]:
        chain = chain + v
    assert fused.data == chain.data
    fused.backward()
    fused_grads = [v.grad for v in vs]
    chain.backward()
    assert fused_grads == [v.grad for v in vs]


@given(
    st.lists(st.tuples(st.floats(-100, 100), st.floats(-100, 100)), min_size=1, max_size=20),
    st.floats(-100, 100),
    st.booleans(),
)
def test_linear_matches_binary_chain_to_the_bit(pairs, bias, inputs_are_values):
    ws = [Value(w) for w, _ in pairs]
    xs = [Value(x) if inputs_are_values else x for _, x in pairs]
    b = Value(bias)
    fused = linear(ws, xs, b) * 1.5
    chain = ws[0] * xs[0]
    for w, x in zip(ws[1:], xs[1:]):
        chain = chain + w * x
    chain = (chain + b) * 1.5
    assert fused.data == chain.data
    leaves = ws + [b] + ([x for x in xs] if inputs_are_values else [])
    fused.backward()
    fused_grads = [v.grad for v in leaves]
    chain.backward()
    assert fused_grads == [v.grad for v in leaves]


def test_fused_errors():
    with pytest.raises(ValueError, match="2 weights but 1 inputs"):
        linear([Value(1.0), Value(2.0)], [1.0])
    with pytest.raises(ValueError, match="at least one"):
        sum_values([])
    with pytest.raises(TypeError, match="sum"):
        sum_values([Value(1.0), "x"])


# ---------------------------------------------------------------- random graphs

SAFE_UNARY = [
    lambda a: -a,
    lambda a: a.tanh(),
    lambda a: a.sigmoid(),
    lambda a: a.sin(),
    lambda a: a.cos(),
    lambda a: a.tanh().exp(),
    lambda a: (a * a + 1).log(),
    lambda a: (a * a + 0.5).sqrt(),
    lambda a: a**2,
    lambda a: 1 / (a * a + 1),
    lambda a: 2 - a,
]
SAFE_BINARY = [
    lambda a, b: a + b,
    lambda a, b: a - b,
    lambda a, b: a * b,
    lambda a, b: a / (b * b + 1),
    lambda a, b: (a * a + 1) ** b.tanh(),
    lambda a, b: sum_values([a, b, a]),
    lambda a, b: linear([a, b], [b, 0.5], a),
]
KINKED = [  # not smooth at a point: kept away from it
    (lambda a, b: a.relu(), lambda a, b: abs(a)),
    (lambda a, b: abs(a), lambda a, b: abs(a)),
    (lambda a, b: a.maximum(b), lambda a, b: abs(a - b)),
    (lambda a, b: a.minimum(b), lambda a, b: abs(a - b)),
]

instruction = st.one_of(
    st.tuples(st.just("unary"), st.integers(0, len(SAFE_UNARY) - 1), st.integers(0, 99)),
    st.tuples(st.just("binary"), st.integers(0, len(SAFE_BINARY) - 1), st.integers(0, 99),
              st.integers(0, 99)),
    st.tuples(st.just("kinked"), st.integers(0, len(KINKED) - 1), st.integers(0, 99),
              st.integers(0, 99)),
)


def build(program, inputs, margins):
    """Run a random program; every instruction reads earlier nodes, so nodes get shared."""
    pool = list(inputs)
    for ins in program:
        kind, op = ins[0], ins[1]
        a = pool[ins[2] % len(pool)]
        if kind == "unary":
            pool.append(SAFE_UNARY[op](a))
        else:
            b = pool[ins[3] % len(pool)]
            if kind == "binary":
                pool.append(SAFE_BINARY[op](a, b))
            else:
                f, margin = KINKED[op]
                margins.append(margin(a.data, b.data))
                pool.append(f(a, b))
    # the output reads every node, so no instruction is dead code
    return sum_values(pool) if len(pool) > 1 else pool[0] * 1.0


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.floats(-2, 2), min_size=1, max_size=4),
    st.lists(instruction, min_size=1, max_size=12),
)
def test_random_graphs_with_shared_subexpressions_match_finite_differences(xs, program):
    margins: list[float] = []
    try:
        with no_grad():
            out = build(program, [Value(x) for x in xs], margins)
    except (OverflowError, ZeroDivisionError, ValueError):
        assume(False)
    assume(abs(out.data) < 1e6)
    assume(all(m > 1e-3 for m in margins))
    gradcheck(lambda *vs: build(program, vs, []), xs, rtol=1e-4, atol=1e-5)


@given(st.lists(st.tuples(st.floats(-100, 100), st.floats(-100, 100)), min_size=1, max_size=20), st.booleans())
def test_linear_without_a_bias_is_one_node_with_the_chain_s_numbers(pairs, inputs_are_values):
    ws = [Value(w) for w, _ in pairs]
    xs = [Value(x) if inputs_are_values else x for _, x in pairs]
    fused = linear(ws, xs)
    assert fused.op == ("linear" if inputs_are_values else "affine")
    chain = ws[0] * xs[0]
    for w, x in zip(ws[1:], xs[1:]):
        chain = chain + w * x
    assert fused.data == chain.data  # == : the sign of an exactly zero total may differ
    leaves = ws + (xs if inputs_are_values else [])
    fused.backward()
    fused_grads = [v.grad for v in leaves]
    chain.backward()
    assert fused_grads == [v.grad for v in leaves]


def test_data_is_a_plain_attribute_and_set_data_checks_it():
    x = Value(2.0, label="x")
    x.data = 3.0
    assert (x * 2.0).data == 6.0
    with pytest.raises(ValueError, match="setting the data of 'x'.*not a finite number"):
        x.set_data(math.inf)
    with pytest.raises(TypeError, match="expected a real number"):
        x.set_data("3")
    x.data = math.inf  # unchecked here: refused by the first operation that uses it
    for use in (lambda: x + Value(1.0), lambda: x * 0.0, lambda: x / 2.0, lambda: x - 1.5, lambda: 1.5 - x,
                lambda: x ** 2.0, lambda: -x, lambda: x.relu(), lambda: x.exp(), lambda: x / Value(3.0)):
        with pytest.raises(ValueError, match="not a finite number"):
            use()


def test_written_out_operations_give_the_table_s_numbers():
    for a in (0.3, 2.5, 7.0, 1e-3):
        for c in (-0.5, 2.0, 3.0, 1e-3, -7.25):
            x = Value(a)
            for out, op, operands in ((x / c, "/", (a, c)), (x ** c, "**", (a, c)), (x - c, "-", (a, c)),
                                      (c - x, "-", (c, a)), (x / Value(c), "/", (a, c))):
                value, locals_ = ops.OPS[op].forward(*operands)
                assert out.data == value
                assert out.local_grads[0] == (locals_[1] if out.reflected else locals_[0])
                if len(out.children) == 2:
                    assert out.local_grads == locals_


def test_backward_inside_no_grad_is_an_error():
    x = Value(2.0)
    y = x * x
    y.backward()
    with no_grad():
        with pytest.raises(RuntimeError, match="backward.*inside no_grad"):
            y.backward()
    assert x.grad == 4.0


@pytest.mark.parametrize("big", [10**400, -(10**400), 10**5000], ids=["1e400", "-1e400", "1e5000"])
def test_an_integer_beyond_a_float_names_value(big):
    with pytest.raises(ValueError, match="^Value: an integer of .* digits is beyond a float's range"):
        Value(big)
    with pytest.raises(ValueError, match=r"^\+: an integer"):
        Value(1.0) + big


def test_every_written_out_operation_makes_a_leaf_inside_no_grad():
    a, b = Value(2.0), Value(0.5)
    with no_grad():
        results = [a + b, a * b, a - b, 1.5 - a, a / b, a / 4.0, a ** 3.0, -a, a + 1, 0 + a, 2.0 * a,
                   a.relu(), b.exp(), a ** b, sum_values([a, b, a])]
    assert all(r.is_leaf and r.op == "" and r.label == "" and r.edges == () for r in results)
    assert [r.data for r in results] == [2.5, 1.0, 1.5, -0.5, 4.0, 0.5, 8.0, -2.0, 3.0, 2.0, 4.0,
                                         2.0, math.exp(0.5), 2.0 ** 0.5, 4.5]


def test_fused_nodes_name_a_non_finite_operand():
    ws, xs = [Value(1.0), Value(2.0)], [Value(3.0), Value(4.0)]
    xs[1].data = math.nan
    with pytest.raises(ValueError, match="linear: an operand is nan"):
        linear(ws, xs, Value(0.5))
    with pytest.raises(ValueError, match="sum: an operand is nan"):
        sum_values(xs)
    with pytest.raises(OverflowError, match="overflows"):
        sum_values([Value(1e308), Value(1e308)])


def test_edges_read_back_as_the_operation_stored_them():
    # a node keeps up to two children in its own slots and more as a tuple: `edges` is the same
    # tuple whichever way, and so are the properties read from it
    from autograd.core.value import _node

    x, y = Value(2.0), Value(0.5)
    cases = [
        (x * y, "*", (x, 0.5, y, 2.0)), (x + 3, "+", (x, 1.0, 3.0)), (3 - x, "r-", (x, -1.0, 3.0)),
        (x * 3, "*", (x, 3.0)), (x.exp(), "exp", (x, math.exp(2.0))), (-x, "neg", (x, -1.0)),
        (x ** 2.0, "**", (x, 4.0, 2.0)), (sum_values([x, y, x]), "sum", (x, 1.0, y, 1.0, x, 1.0)),
        (linear([x, y], [y, x]), "linear", None), (linear([x, y], [y, x], x), "linear", None),
    ]
    for node, op, edges in cases:
        assert node.op == op
        if edges is not None:
            assert node.edges == edges
        rebuilt = _node(node.data, node.op, node.edges)
        assert rebuilt.edges == node.edges and rebuilt.op == node.op and rebuilt.children == node.children
        node.label = "n"
        assert (node.op, node.label, node.edges) == (op, "n", rebuilt.edges)
    no_bias, with_bias = cases[-2][0], cases[-1][0]
    assert len(no_bias.children) == len(with_bias.children) == 5  # w0, x0, w1, x1, b: one node each
    assert no_bias.children[-1].is_leaf and no_bias.children[-1].data == 0.0
    assert Value(1.0, label="leaf").edges == () and _node(1.0, "", ()).is_leaf


def test_topological_order_is_the_recursive_depth_first_order():
    # the order fixes the order in which gradients are added, so it must not change
    import random

    def recursive(root):
        order, seen = [], set()

        def visit(node):
            if node not in seen:
                seen.add(node)
                for child in node.children:
                    visit(child)
                order.append(node)

        visit(root)
        return order

    rng = random.Random(4)
    for _ in range(30):
        nodes = [Value(rng.uniform(-1, 1)) for _ in range(4)]
        for _ in range(40):
            a, b, c = (rng.choice(nodes) for _ in range(3))
            nodes.append(rng.choice([a * b, a + b, a - 2.0, a.relu(), sum_values([a, b, c]), linear([a, b], [c, a])]))
        root = sum_values(nodes[-6:])
        assert topological_order(root) == recursive(root)


def test_memory_per_operation_does_not_grow():
    # one object per node (no tuple beside it): a chain of binary operations with a constant
    import gc
    import tracemalloc

    gc.collect()
    tracemalloc.start()
    try:
        v = x = Value(0.5)
        for _ in range(5000):
            v = v * 1.0000001 + 0.5
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert held / 10_000 <= 120, f"{held / 10_000:.0f} bytes per operation"
    v.backward()
    assert x.grad == pytest.approx(1.0000001 ** 5000)
