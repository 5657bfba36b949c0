"""The `check` command's report (`autograd.checking.report`): the JSON contract, --hide, the text
report, the help's examples, the bound on claims; and the examples the other checking tests share."""

import json

import pytest

CHAIN = "z = w1*x; h = sigmoid(z); yhat = w2*h; L = 0.5*(y - yhat)**2"
CHAIN_AT = ["x=2", "w1=0.5", "w2=0.3", "y=0.5"]


# ---------------------------------------------------------------- the JSON contract and the text


def test_check_json_contract(run_cli):
    code, out, _ = run_cli("check", CHAIN, "--at", *CHAIN_AT, "--claim", "L=0.0394", "dL/dw2=0.2052",
                           "--json")
    data = json.loads(out)
    assert code == 1 and (data["right"], data["wrong"], data["imprecise"]) == (1, 1, 0)
    value, grad = data["claims"]
    assert value == {"claim": "L=0.0394", "quantity": "L", "kind": "value", "claimed": 0.0394, "verdict": "right",
                     "tolerance": pytest.approx(5e-5), "significant_digits": 3,
                     "true": pytest.approx(0.0393913, rel=1e-5), "diagnoses": [], "chain": []}
    assert grad["verdict"] == "wrong" and grad["true"] == pytest.approx(-0.2051953, rel=1e-6)
    assert [d["code"] for d in grad["diagnoses"]] == ["sign"]
    assert grad["diagnoses"][0]["text"].startswith("your answer is what you get if you drop the minus sign")
    assert grad["chain"][-1] == "∂L/∂w2 = ∂L/∂yhat · ∂yhat/∂w2 = -0.2807 · 0.7311 = -0.2052"


def test_hide_leaves_out_true_values_diagnoses_and_steps(run_cli):
    code, out, _ = run_cli("check", CHAIN, "--at", *CHAIN_AT, "--claim", "dw2=0.2052", "--hide", "--json")
    [claim] = json.loads(out)["claims"]
    assert "true" not in claim and claim["diagnoses"] == [] and claim["chain"] == []
    code, out, _ = run_cli("check", CHAIN, "--at", *CHAIN_AT, "--claim", "dw2=0.2052", "--hide")
    assert out.splitlines()[0] == "wrong: dL/dw2 = 0.2052" and "0.205195" not in out and "sign" not in out


def test_text_report_shows_the_diagnosis_then_the_chain(run_cli):
    code, out, _ = run_cli("check", "f = log(x)/x", "--at", "x=2", "--claim", "df/dx=0.25")
    lines = out.splitlines()
    assert code == 1 and lines[0].startswith("wrong: df/dx = 0.25   true value 0.07671320486")
    assert lines[1].startswith("  [missed-path] your answer is what you get if you leave out the path f → x")
    assert lines[2].startswith("  [overwrote] ") and lines[3] == "  the chain rule to it:"


def test_the_help_examples_run(run_cli):
    import shlex

    from autograd.checking import CHECK_HELP

    examples = CHECK_HELP.split("examples:\n")[1].replace("\\\n", " ").strip().splitlines()
    assert len(examples) == 4
    for line in examples:
        args = shlex.split(line)[1:]
        code, out, err = run_cli(*args)
        assert code in (0, 1) and out and not err, line


def test_the_number_of_claims_is_bounded(run_cli):
    """5,000 claims on a long program took 90 s and 5 GB; past MAX_CLAIMS it is one error line."""
    from autograd.checking import MAX_CLAIMS

    claims = [f"dx=1.{i}" for i in range(MAX_CLAIMS + 1)]
    code, out, err = run_cli("check", "f = x*x", "--at", "x=1", "--claim", *claims)
    assert (code, out) == (2, "") and err == f"error: --claim gives {MAX_CLAIMS + 1} claims, at most {MAX_CLAIMS} at a time\n"
    code, out, err = run_cli("check", "f = x*x", "--at", "x=1", "--claim", *claims[:MAX_CLAIMS])
    assert code == 1 and sum(line.startswith("wrong: df/dx") for line in out.splitlines()) == MAX_CLAIMS


# ---------------------------------------------------------------- published figures

# Matt Mazur's "A step by step backpropagation example": two inputs, two sigmoid hidden units sharing
# the bias b1, two sigmoid outputs sharing b2, squared error; his figures are right to the digits he printed.
MAZUR = """net_h1 = w1*i1 + w2*i2 + b1; out_h1 = sigmoid(net_h1)
net_h2 = w3*i1 + w4*i2 + b1; out_h2 = sigmoid(net_h2)
net_o1 = w5*out_h1 + w6*out_h2 + b2; out_o1 = sigmoid(net_o1)
net_o2 = w7*out_h1 + w8*out_h2 + b2; out_o2 = sigmoid(net_o2)
E = 0.5*(t1 - out_o1)**2 + 0.5*(t2 - out_o2)**2"""
MAZUR_AT = ["i1=.05", "i2=.10", "w1=.15", "w2=.20", "w3=.25", "w4=.30", "b1=.35", "w5=.40", "w6=.45", "w7=.50",
            "w8=.55", "b2=.60", "t1=0.01", "t2=0.99"]


def test_mazurs_published_figures_are_right(check_json):
    results = check_json(MAZUR, MAZUR_AT, "E=0.298371109", "dE/dw5=0.082167041", "w5'=0.35891648",
                         "dE/dw1=0.000438568", "w1_new=0.149780716", "dout_h1=0.036350306", extra=["--lr", "0.5"])
    assert [r["verdict"] for r in results] == ["right"] * 6
