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
