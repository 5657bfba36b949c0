"""Checking answers. Standard library only. One concept per module, each using the ones above it:

- `gradcheck`: backward() against central differences (`numerical_grads`, the one numerical derivative);
- `precision`: THE precision rule (how a written number is read, and when it agrees with the truth);
- `claims`: the claim grammar, a claim's true value and its verdict;
- `chain`: the part of the graph between the output and a quantity, and the lines that explain it;
- `value_slips`: the slips in a forward pass, each one change to the real forward pass;
- `diagnosis`: the classic mistakes, each one change to the one reverse sweep (or, for a value,
  to the forward pass), and the `Diagnoser`;
- `report`: `check_claims`, the `Report` it prints, and the `check` command's help.
"""

from autograd.checking.gradcheck import GradcheckError, gradcheck, numerical_grads
from autograd.checking.precision import agrees, read_number, significant_digits, written_precision
from autograd.checking.claims import Claim, Verdict, judge, parse_claim, true_value
from autograd.checking.diagnosis import MISTAKES, Diagnoser, Diagnosis, gradient_variants
from autograd.checking.report import CHECK_HELP, MAX_CLAIMS, Report, check_claims

__all__ = [
    "CHECK_HELP", "MAX_CLAIMS", "MISTAKES", "Claim", "Diagnoser", "Diagnosis", "agrees", "check_claims",
    "gradcheck", "numerical_grads", "gradient_variants", "judge", "parse_claim", "read_number", "true_value",
    "written_precision", "GradcheckError", "Verdict", "Report", "significant_digits",
]
