"""Checking answers: the precision rule, claims, diagnoses of classic mistakes, gradcheck.
Standard library only."""

from autograd.checking.check import (
    CHECK_HELP, MAX_CLAIMS, MISTAKES, Claim, Diagnoser, Diagnosis, agrees, check_claims, gradcheck, numerical_grads,
    gradient_variants, judge, parse_claim, read_number, true_value, written_precision,
)

__all__ = [
    "CHECK_HELP", "MAX_CLAIMS", "MISTAKES", "Claim", "Diagnoser", "Diagnosis", "agrees", "check_claims",
    "gradcheck", "numerical_grads", "gradient_variants", "judge", "parse_claim", "read_number", "true_value", "written_precision",
]
