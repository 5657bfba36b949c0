"""Adding an operation is one `register(Op(...))` call: a throwaway softsign, added and removed.

softsign(a) = a / (1 + |a|), with derivative 1 / (1 + |a|)**2: differentiable everywhere, but its
derivative has a kink at 0 (second derivative -2·sign(a)/(1 + |a|)**3 jumps from 2 to -2), so it
is differentiable and not twice differentiable, and the Hessian tests must leave it out.
"""

import importlib.util
from pathlib import Path

import pytest

from autograd import Value
from autograd.checking import numerical_grads
from autograd.core import ops
from autograd.core.graph import reverse_sweep, topological_order
from autograd.core.ops.check import latex_problems
from autograd.explain import trace
from autograd.lang import FUNCTIONS, ExprError, notation, parse

POINTS = [-2.5, -0.6, -1e-3, 1e-3, 0.4, 3.0]


def _softsign(a: float):
    d = 1.0 + abs(a)
    return a / d, (1 / d**2,)  # the steps of the formula below: 1 / (1 + abs(a))**2


def softsign_entry() -> ops.Op:
    return ops.Op(
        name="softsign", arity=1, forward=_softsign,
        formula="softsign(a)", derivatives=("1 / (1 + abs(a))**2",),
        symbol="ss", latex=r"\frac{{a}}{1 + \left|{a}\right|}", doc="a / (1 + |a|), a gentle tanh",
        differentiable=True, twice_differentiable=False,
    )


def snapshot() -> tuple:
    return (list(ops.OPS), dict(FUNCTIONS), hasattr(Value, "softsign"), ops.readme_block())


@pytest.fixture
def softsign():
    before = snapshot()
    op = ops.register(softsign_entry())  # the one call
    try:
        yield op
    finally:
        ops.unregister("softsign")
        assert snapshot() == before



def test_the_value_method_differentiates_right(softsign):
    for x in POINTS:
        a = Value(x)
        y = a.softsign()
        y.backward()
        assert y.data == x / (1 + abs(x)) and y.op == "softsign"
        assert a.grad == pytest.approx(numerical_grads(lambda t: t / (1 + abs(t)), [x], floats=True)[0], rel=1e-7)
    assert Value.softsign.__doc__.startswith("softsign(a): a / (1 + |a|)")


def test_the_program_language_calls_it(softsign):
    assert FUNCTIONS["softsign"] == 1
    evaluation = parse("f = softsign(x) * 2").evaluate({"x": 0.5})
    assert evaluation.root.data == 2 * (0.5 / 1.5)
    assert evaluation.grads()["x"] == pytest.approx(2 / 1.5**2)
    with pytest.raises(ExprError, match="softsign"):
        parse("f = softsign(x, x)")


def test_its_derivative_formula_evaluates_to_the_forward_number(softsign):
    for x in POINTS:
        derivative = parse(f"d = {softsign.derivatives[0]}").evaluate({"a": x}).root.data
        assert derivative == softsign.forward(x)[1][0]  # bit for bit
        root = parse("f = softsign(x)").evaluate({"x": x}).root
        (step,) = trace(root, reverse_sweep(topological_order(root))).backward
        (contribution,) = step.contributions
        value = parse(f"d = {contribution.local_expr}").evaluate({"x": x}).root.data
        assert value == contribution.local == derivative


def test_its_latex_and_the_readme_row(softsign):
    assert latex_problems(softsign) == []
    assert notation.latex(parse("f = softsign(x)").statements[-1].expression) == r"\frac{x}{1 + \left|x\right|}"
    row = "| `softsign(a)` | `1 / (1 + abs(a))**2` | once | a / (1 + |a|), a gentle tanh |".replace("|a|", r"\|a\|")
    assert row in ops.readme_block().splitlines()


def _fresh_hessian_tests():
    """tests/test_higher.py loaded again, so its op lists and strategies read today's table."""
    path = Path(__file__).with_name("test_higher.py")
    spec = importlib.util.spec_from_file_location("fresh_test_higher", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_hessian_tests_leave_it_out_and_still_pass(softsign):
    higher_tests = _fresh_hessian_tests()
    assert "softsign" not in higher_tests.UNARY and "tanh" in higher_tests.UNARY
    higher_tests.test_hessians_of_random_programs_match_central_differences()  # the property test
    # ... which would fail with it: across its kink the second derivative is ∓2, the differences' mean ~0
    with pytest.raises(AssertionError):
        higher_tests.assert_hessian_close(lambda v: v[0].softsign() * v[1], [3e-6, 1.0])
    higher_tests.assert_hessian_close(lambda v: v[0].softsign() * v[1], [0.5, 1.0])  # exact away from 0


def test_the_course_kink_scan_lets_it_through(softsign):
    from autograd.apps.course.variants import kinks

    assert kinks(parse("f = softsign(x)").evaluate({"x": 0.0})) == []
    assert kinks(parse("f = relu(x)").evaluate({"x": 0.0})) == ["relu(0.0)"]


def test_a_name_is_registered_once_and_a_refused_entry_leaves_nothing():
    before = snapshot()
    ops.register(softsign_entry())
    try:
        with pytest.raises(ValueError, match="already in the table"):
            ops.register(softsign_entry())
    finally:
        ops.unregister("softsign")
    clash = ops.Op(name="grad", arity=1, forward=_softsign, formula="grad(a)", derivatives=("0",), symbol="g",
                   latex="g({a})", doc="a name Value already uses", differentiable=True, twice_differentiable=True)
    with pytest.raises(ValueError, match="Value already has an attribute 'grad'"):
        ops.register(clash)
    assert snapshot() == before and isinstance(Value(1.0).grad, float)
    with pytest.raises(ExprError):
        parse("f = softsign(x)")
    with pytest.raises(KeyError, match="softsign"):
        ops.unregister("softsign")
