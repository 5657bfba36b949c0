"""The chain between the output and one quantity (`autograd.checking.chain`): its gradient under a
change to the one reverse sweep, its paths, and the lines that explain a wrong answer."""

from autograd.checking import Diagnoser
from autograd.checking.chain import Chain
from autograd.lang import parse


def test_a_wrong_claim_about_a_quantity_off_the_outputs_path_is_judged_not_a_traceback(run_cli, check_json):
    """`check "a = 2*x; f = y" --claim da=1` used to raise KeyError while diagnosing, and the
    chain said 'a is the output: df/da = 1'. df/da is 0: no path leads from f to a."""
    claims = check_json("a = 2*x; f = y", ["x=1", "y=1"], "da=1", "x'=2", "da=0", extra=("--lr", "0.1"))
    assert [(c["verdict"], c["true"], c["diagnoses"]) for c in claims] == [
        ("wrong", 0.0, []), ("wrong", 1.0, []), ("right", 0.0, [])]
    assert claims[0]["chain"] == ["f does not depend on a (no path leads from one to the other): df/da = 0"]
    assert claims[1]["chain"][0] == "f does not depend on x (no path leads from one to the other): df/dx = 0"
    code, out, err = run_cli("check", "a = 2*x; f = y", "--at", "x=1", "y=1", "--claim", "da=1")
    assert code == 1 and err == "" and "where the chain went wrong" not in out


def _chain(source: str, at: dict, target: str) -> Chain:
    evaluation = parse(source).evaluate(at)
    diagnoser = Diagnoser(evaluation.root, evaluation.constants, evaluation.order)
    return Chain(evaluation.root, evaluation.values[target], diagnoser.order, diagnoser.names, diagnoser.constants)


def test_a_chains_gradient_is_the_sweep_with_the_change_made():
    chain = _chain("f = x*x", {"x": 3.0}, "x")
    assert chain.gradient() == 6.0
    assert chain.gradient(overwrite=True) == 3.0  # only the last use counts
    [(node, k, child, d), _] = chain.edges
    assert chain.gradient({(node, k): 0.0}) == 3.0  # one use left out


def test_paths_are_counted_by_the_sweep_with_every_local_1():
    chain = _chain("a = x + x; b = a * a; f = b + a", {"x": 1.0}, "x")
    paths = chain.paths()
    assert len(paths) == 6 and sum(product for _, product in paths) == chain.gradient()
    off_the_path = _chain("a = 2*x; f = y", {"x": 1.0, "y": 1.0}, "a")
    assert off_the_path.order == [] and off_the_path.paths() is None and off_the_path.gradient() == 0.0


def test_a_number_literal_gets_no_chain_lines(run_cli, check_json):
    """A named number literal receives no backward steps, so its chain says no path leads to it
    and no 'where the chain went wrong' note is written (as before the graph module)."""
    [claim] = check_json("a = 2; f = a*x", ["x=3"], "da=5")
    assert claim["chain"] == ["f does not depend on a (no path leads from one to the other): df/da = 0"]
    code, out, _ = run_cli("check", "a = 2; f = a*x", "--at", "x=3", "--claim", "da=5")
    assert "where the chain went wrong" not in out


def test_overwriting_passes_nothing_from_a_zero_gradient_as_backward_does():
    """relu is off, so ∂f/∂h = 0 and the path f → h → … → x passes nothing on (backward() skips a
    gradient of exactly 0): overwriting keeps the other path's 1."""
    chain = _chain("h = relu(x - 5); f = y*h + x", {"x": 1.0, "y": 1.0}, "x")
    assert chain.gradient() == 1.0 and chain.gradient(overwrite=True) == 1.0


# ------------------------------------------------------------------ true lines (issue 19)

import re
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograd.checking.report import check_claims
from autograd.explain import trace


def _report(source: str, at: dict, *claims: str):
    evaluation = parse(source).evaluate(at)
    record = trace(evaluation.root, evaluation.gradients, evaluation.constants, order=evaluation.order)
    return evaluation, check_claims(evaluation, record, list(claims))


def test_a_repeated_variable_gets_one_line_per_use_and_their_sum(run_cli):
    """`check "y = x*x; z = y*y" --at x=3 --claim dz/dx=54` printed ∂z/∂x = ∂z/∂y · ∂y/∂x = 18 · 3
    = 54: ∂y/∂x is 6 (3 is one factor's), and the student's wrong 54 was written as ∂z/∂x."""
    code, out, _ = run_cli("check", "y = x*x; z = y*y", "--at", "x=3", "--claim", "dz/dx=54")
    assert code == 1
    assert "∂z/∂x₍₁₎ = ∂z/∂y · ∂y/∂x₍₁₎ = 18 · 3 = 54   (x₍₁₎: the first factor of y)" in out
    assert "∂z/∂x₍₂₎ = ∂z/∂y · ∂y/∂x₍₂₎ = 18 · 3 = 54   (x₍₂₎: the second factor of y)" in out
    assert "∂z/∂x = 54 + 54 = 108   (the sum over the 2 uses of x)" in out
    assert "∂z/∂y = 9 + 9 = 18" in out
    assert not re.search(r"∂z/∂x = [^\n]*= 54\b", out)  # 54 is never said to be ∂z/∂x
    # the missed paths read differently: through the first or the second factor of y
    assert "z → y₍₁₎ → x₍₁₎ (product 27); z → y₍₁₎ → x₍₂₎ (product 27)" in out
    assert "where the chain went wrong" not in out  # one claim: its verdict says it all
    code, out, _ = run_cli("check", "f = x*x", "--at", "x=3", "--claim", "dx=5")
    assert "∂f/∂x = x = 3" not in out and "∂f/∂x₍₁₎ = x = 3" in out and "∂f/∂x = 3 + 3 = 6" in out


def test_where_the_chain_went_wrong_only_when_it_adds_something():
    chain = "z = w1*x; h = sigmoid(z); yhat = w2*h; L = 0.5*(y - yhat)**2"
    at = {"x": 2, "w1": 0.5, "w2": 0.3, "y": 0.5}
    _, alone = _report(chain, at, "dw1=-0.0652")
    assert alone.notes == []
    _, right_above = _report(chain, at, "dh=-0.0842", "dw1=-0.0652")
    assert right_above.notes == ["where the chain went wrong: dL/dh is right but dL/dw1 is wrong, so the mistake "
                                 "is in the steps between them"]
    _, wrong_chain = _report(chain, at, "dh=-0.1000", "dw1=-0.0652")
    assert len(wrong_chain.notes) == 1 and "dL/dh is the first wrong gradient" in wrong_chain.notes[0]
    assert "dw1" in wrong_chain.notes[0]
    _, all_right = _report(chain, at, "dh=-0.0842", "dw1=-0.03311")
    assert all_right.notes == []


def test_intermediates_are_named_as_written_or_introduced():
    """`p = exp(cat)/(exp(cat) + exp(car) + exp(frog))`: the chain said ∂L/∂t8 and p = t1 / t8
    with no t8 anywhere; now each id is introduced once ('where t8 = …')."""
    evaluation, report = _report("p = exp(cat)/(exp(cat) + exp(car) + exp(frog)); L = -log(p)",
                                 {"cat": 1, "car": 2, "frog": 0.5}, "dL/dcat=0.5", "dL/dcar=0.1")
    names = set(evaluation.values)
    for chain in report.chains:
        where = [line for line in chain if line.startswith("where ")]
        assert len(where) == 1
        defined = set(re.findall(r"(\w+) = ", where[0]))
        used = {t for line in chain for t in re.findall(r"[A-Za-z_]\w*", line)}
        generated = {t for t in used if re.fullmatch(r"t\d+", t)}
        assert generated and generated <= defined and not (defined & names)
        assert "t8 = t2 + exp(car) + exp(frog)" in where[0]


def test_generated_ids_never_mix_with_a_program_name():
    """An input called t1 sat beside generated ids t1_1 and t2."""
    evaluation = parse("y = t1*2 + (t1*t1)*(t1*t1)").evaluate({"t1": 1.5})
    ids = set(_chain("y = t1*2 + (t1*t1)*(t1*t1)", {"t1": 1.5}, "t1").names.ids.values())
    generated = ids - set(evaluation.values)
    assert generated and not any(re.fullmatch(r"t\d+(_\d+)?", name) for name in generated)


def _half_unit(shown: str) -> Decimal:
    return Decimal(1).scaleb(Decimal(shown).as_tuple().exponent) / 2


NUMBER = r"-?\d+(?:\.\d+)?(?:e[+-]\d+)?"
PRODUCT = re.compile(rf"= ({NUMBER}) · \(?({NUMBER})\)? = ({NUMBER})(?:\s|$)")
SUM = re.compile(rf"^∂(\w+)/∂(\S+) = ({NUMBER}(?: [+-] {NUMBER})+) = ({NUMBER})   \(the sum over")
TOTAL = re.compile(rf"^∂(\w+)/∂([A-Za-z_]\w*) = .* = ({NUMBER})(?:\s|$)")


def assert_lines_hold(lines: list[str], grads: dict[str, float]) -> None:
    """Every printed product and sum gives its printed result at that result's precision, and
    every line about a whole quantity the program names ends at its true gradient."""
    for line in lines:
        for a, b, c in PRODUCT.findall(line):
            assert abs(Decimal(a) * Decimal(b) - Decimal(c)) <= _half_unit(c) * Decimal("1.000001"), line
        found = SUM.match(line)
        if found:
            terms = found.group(3).replace(" - ", " + -").split(" + ")
            total = sum(Decimal(t) for t in terms)
            assert abs(total - Decimal(found.group(4))) <= _half_unit(found.group(4)) * Decimal("1.000001"), line
        whole = TOTAL.match(line)
        if whole and whole.group(2) in grads and "₍" not in line.split("=")[0]:
            truth = Decimal(grads[whole.group(2)])
            assert abs(truth - Decimal(whole.group(3))) <= _half_unit(whole.group(3)) * Decimal("1.000001"), line


@st.composite
def repeated_programs(draw) -> str:
    """Statements over x and y that use earlier names more than once (x*x, a*x - a, b*b + a)."""
    names, statements = ["x", "y"], []
    for i in range(draw(st.integers(1, 4))):
        pick = st.sampled_from(names)
        a, b, c = draw(pick), draw(pick), draw(pick)
        shape = draw(st.sampled_from(["{a}*{a}", "{a}*{b} + {a}", "{a}*{b} - {b}*{c}", "tanh({a})*{a}",
                                      "sigmoid({a}*{b})*{a} + 0.5*{c}", "({a} + {b})*({a} - {c})"]))
        statements.append(f"q{i} = {shape.format(a=a, b=b, c=c)}")
        names.append(f"q{i}")
    return "; ".join(statements)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(repeated_programs(), st.floats(-2, 2).map(lambda v: round(v, 2)), st.floats(-2, 2).map(lambda v: round(v, 2)))
def test_every_printed_product_sum_and_equation_holds(source, x, y):
    program = parse(source)
    at = {name: value for name, value in {"x": x, "y": y}.items() if name in program.inputs}
    evaluation = program.evaluate(at)
    grads = evaluation.grads()
    claims = [f"d{name}={grads[name] + 1.5:.6g}" for name in evaluation.values if name != evaluation.output]
    record = trace(evaluation.root, evaluation.gradients, evaluation.constants, order=evaluation.order)
    report = check_claims(evaluation, record, claims)
    for chain in report.chains:
        assert_lines_hold(chain, grads)
    assert_lines_hold(record.chain_lines(), grads)
    assert_lines_hold(record.chain_lines(digits=6), grads)
    for name, node in evaluation.values.items():  # two different paths never read alike
        if node is evaluation.root:
            continue
        chain = Chain(evaluation.root, node, evaluation.order, Diagnoser(evaluation.root, evaluation.constants,
                                                                         evaluation.order).names,
                      set(evaluation.constants))
        paths = chain.paths()
        if paths:
            texts = [chain.path_text(path) for path, _ in paths]
            assert len(texts) == len(set(texts)), texts


def test_a_diagnosis_introduces_the_ids_it_names(check_json):
    [claim] = check_json("p = exp(cat)/(exp(cat) + exp(car) + exp(frog)); L = -log(p)",
                         ["cat=1", "car=2", "frog=0.5"], "dL/dcat=-1.000")
    [missed] = [d["text"] for d in claim["diagnoses"] if d["code"] == "missed-path"]
    assert "L → p → t8 → t2 → cat₍₁₎ (product 0.2312)" in missed
    assert "(where t8 = t2 + exp(car) + exp(frog), t2 = exp(cat))" in missed


def test_with_too_many_paths_each_left_out_use_reads_differently():
    from autograd.checking.diagnosis import gradient_variants

    chain = _chain("a = x*x; b = a*a; c = b*b; f = c*c", {"x": 1.1}, "x")
    assert chain.paths() is None  # 16 paths: one use at a time
    texts = [what for code, what, _ in gradient_variants(chain) if code == "missed-path"]
    assert len(texts) == 8 and len(set(texts)) == 8
    assert "leave out the path through a → x₍₁₎ (x is used 2 times)" in texts
