"""`autograd check --json` on 45 claims built from published exercises: right answers (the
published figures, at the precision they were published with), classic mistakes (each planted
by hand from the exercise, named by its diagnosis) and slips (a digit wrong: wrong, and no
classic mistake is invented for them).

Sources and their published figures:

- CS231n, "Backpropagation, Intuitions" (https://cs231n.github.io/optimization-2/):
  f(x, y, z) = (x + y)·z at x = -2, y = 5, z = -4: q = 3, f = -12, ∂f/∂z = 3, ∂f/∂x = ∂f/∂y = -4;
  the 2-D sigmoid neuron w = [2, -3, -3], x = [-1, -2]: f = 0.73, gradients w0 -0.20, x0 0.39,
  w1 -0.39, x1 -0.59, w2 0.20 (the circuit diagram's two decimals).
- Matt Mazur, "A Step by Step Backpropagation Example" (2015,
  https://mattmazur.com/2015/03/17/a-step-by-step-backpropagation-example/): net_h1 = 0.3775,
  out_h1 = 0.593269992, out_o1 = 0.75136507, E_total = 0.298371109, ∂E/∂w5 = 0.082167041,
  w5⁺ = 0.35891648 (η = 0.5), ∂E/∂out_h1 = 0.036350306, ∂E/∂w1 = 0.000438568, w1⁺ = 0.149780716.
- Andrej Karpathy, micrograd ("The spelled-out intro to neural networks and backpropagation"):
  x1 = 2, x2 = 0, w1 = -3, w2 = 1, b = 6.8813735870195432: n = 0.8814, o = 0.7071, ∂o/∂n = 0.5,
  ∂o/∂x1 = -1.5, ∂o/∂w1 = 1.0, ∂o/∂x2 = 0.5, ∂o/∂w2 = 0.
- The project's worked example (/work/shared/worked-example.md, from seeds/003): x = 2, w1 = 0.5,
  w2 = 0.3, y = 0.5; the article's h ≈ 0.731 and ŷ ≈ 0.2193 are right, its L ≈ 0.0405,
  ∂L/∂w2 ≈ −0.1473 and ∂L/∂w1 ≈ −0.0652 are not (true 0.03939, −0.2052, −0.03311).
- Issue 19's own commands (σ(z) for σ′(z), tanh(2) for tanh′(2); answers at 1e-14 and 4e-18).
"""

import pytest

from test_checking_report import CHAIN, CHAIN_AT, MAZUR, MAZUR_AT

CS231N_XYZ = ("q = x + y; f = q * z", ("x=-2", "y=5", "z=-4"), ())
CS231N_NEURON = ("dot = w0*x0 + w1*x1 + w2; f = sigmoid(dot)",
                 ("w0=2", "x0=-1", "w1=-3", "x1=-2", "w2=-3"), ())
MAZUR_NET = (MAZUR, tuple(MAZUR_AT), ("--lr", "0.5"))
MICROGRAD = ("x1w1 = x1*w1; x2w2 = x2*w2; n = x1w1 + x2w2 + b; o = tanh(n)",
             ("x1=2", "x2=0", "w1=-3", "w2=1", "b=6.8813735870195432"), ())
WORKED = (CHAIN, tuple(CHAIN_AT), ("--lr", "0.01"))
ISSUE_SIGMOID = ("a = sigmoid(w*x + b); C = 0.5*(y - a)**2", ("w=0.6", "b=0.9", "x=1", "y=0"), ())
ISSUE_TANH = ("f = tanh(x)", ("x=2",), ())
TINY = ("f = 1e-14*x", ("x=1",), ())
TINIER = ("f = exp(-40)*x", ("x=1",), ())

RIGHT, WRONG = "right", "wrong"
SLIP = None  # a wrong answer that no classic mistake explains

# (exercise, claim, verdict, the planted mistake's code: None for a right answer or a slip)
CLAIMS = [
    # CS231n (x + y)·z: the published figures, then a sign, a dropped local derivative, a slip
    (CS231N_XYZ, "q=3", RIGHT, None),
    (CS231N_XYZ, "f=-12", RIGHT, None),
    (CS231N_XYZ, "df/dz=3", RIGHT, None),
    (CS231N_XYZ, "df/dx=-4", RIGHT, None),
    (CS231N_XYZ, "df/dx=4", WRONG, "sign"),
    (CS231N_XYZ, "df/dx=1", WRONG, "dropped-local"),  # ∂q/∂x without ∂f/∂q = z
    (CS231N_XYZ, "f=12", WRONG, "sign"),
    (CS231N_XYZ, "df/dz=5", WRONG, SLIP),
    # CS231n's sigmoid neuron, at the diagram's two decimals
    (CS231N_NEURON, "f=0.73", RIGHT, None),
    (CS231N_NEURON, "dw0=-0.20", RIGHT, None),
    (CS231N_NEURON, "dx0=0.39", RIGHT, None),
    (CS231N_NEURON, "dw2=0.20", RIGHT, None),
    (CS231N_NEURON, "dw0=-0.7311", WRONG, "activation-as-derivative"),  # σ(1)·x0 for σ′(1)·x0
    (CS231N_NEURON, "dw0=0", WRONG, "activation-at-input"),  # z(1 − z) at z = 1
    (CS231N_NEURON, "f=1", WRONG, "activation-left-out"),  # the dot product itself
    # Mazur's 2-2-2 network
    (MAZUR_NET, "net_h1=0.3775", RIGHT, None),
    (MAZUR_NET, "E=0.298371109", RIGHT, None),
    (MAZUR_NET, "dE/dw5=0.082167041", RIGHT, None),
    (MAZUR_NET, "w5'=0.35891648", RIGHT, None),
    (MAZUR_NET, "dout_h1=0.036350306", RIGHT, None),
    (MAZUR_NET, "w1_new=0.149780716", RIGHT, None),
    (MAZUR_NET, "dout_h1=0.055399425", WRONG, "missed-path"),  # out_o1's error only
    (MAZUR_NET, "dw5=0.1643", WRONG, "dropped-constant"),  # the ½ dropped
    (MAZUR_NET, "dw5=0.3305", WRONG, "activation-as-derivative"),  # out_o1 for out_o1(1 − out_o1)
    (MAZUR_NET, "E=0.5732", WRONG, "dropped-constant"),  # the ½ of E_o1 = 0.274811083 dropped
    (MAZUR_NET, "net_h1=0.0275", WRONG, "missed-term"),  # the bias b1 left out
    (MAZUR_NET, "w5'=0.44108352", WRONG, "update-sign"),  # w5 + η·g
    (MAZUR_NET, "dE/dw5=0.082167014", WRONG, SLIP),  # two digits swapped
    # micrograd's tanh neuron
    (MICROGRAD, "o=0.7071", RIGHT, None),
    (MICROGRAD, "do/dn=0.5", RIGHT, None),
    (MICROGRAD, "dx1=-1.5", RIGHT, None),
    (MICROGRAD, "dw1=1.0", RIGHT, None),
    (MICROGRAD, "do/dn=0.7071", WRONG, "activation-as-derivative"),  # tanh(n) for 1 − tanh(n)²
    (MICROGRAD, "o=0.8814", WRONG, "activation-left-out"),
    # the worked example: the article's right figures, its three wrong ones, and classic mistakes
    (WORKED, "h=0.731", RIGHT, None),
    (WORKED, "yhat=0.2193", RIGHT, None),
    (WORKED, "L=0.0405", WRONG, SLIP),
    (WORKED, "dL/dw2=-0.1473", WRONG, SLIP),
    (WORKED, "L=0.07878", WRONG, "dropped-constant"),  # the loss without its ½ (issue 19, why 7)
    (WORKED, "dL/dw1=-0.1231", WRONG, "activation-as-derivative"),
    # the issue's commands
    (ISSUE_SIGMOID, "dC/dw=0.6684", WRONG, "activation-as-derivative"),
    (ISSUE_TANH, "df/dx=0.964", WRONG, "activation-as-derivative"),
    (TINY, "dx=1e-14", RIGHT, None),
    (TINY, "dx=2e-14", WRONG, SLIP),
    (TINIER, "dx=4.3e-18", WRONG, SLIP),
]


def test_the_set_has_45_claims_of_every_sort():
    assert len(CLAIMS) == 45
    verdicts = [verdict for _, _, verdict, _ in CLAIMS]
    assert verdicts.count(RIGHT) >= 15 and verdicts.count(WRONG) >= 15
    assert sum(code is not None for *_, code in CLAIMS) >= 15  # classic mistakes
    assert sum(v == WRONG and code is None for _, _, v, code in CLAIMS) >= 5  # slips


@pytest.mark.parametrize("exercise", list(dict.fromkeys(e for e, *_ in CLAIMS)), ids=lambda e: e[0][:24])
def test_every_verdict_is_right_and_every_planted_mistake_named(exercise, check_json):
    program, at, extra = exercise
    rows = [(claim, verdict, code) for e, claim, verdict, code in CLAIMS if e == exercise]
    results = check_json(program, at, *[claim for claim, _, _ in rows], extra=extra)
    for (claim, verdict, code), result in zip(rows, results):
        assert result["claim"] == claim
        assert result["verdict"] == verdict, (claim, result["true"])
        codes = [d["code"] for d in result["diagnoses"]]
        if verdict == RIGHT:
            assert codes == [], claim  # a right answer is never diagnosed
        elif code is not None:
            assert code in codes, (claim, result["diagnoses"])
        else:
            assert codes == [], (claim, result["diagnoses"])  # a slip: nothing invented
        assert "tolerance" in result and "true" in result
