"""Problem sets for courses: the file format, a variant per student, answer keys with worked
solutions, grading with follow-through credit, reports and Gradescope export.

    from autograd.apps.course import load, variant, render, grade_class, read_answers
    pset = load("examples/problem-sets/worked-example.toml")
    print(render("key", pset, "s001", "markdown"))

See docs/problem-sets.md.
"""

from autograd.apps.course.format import ProblemSet, SetError, load, loads
from autograd.apps.course.grade import AnswersError, ClassGrades, grade_class, grade_student, parse_answers, read_answers
from autograd.apps.course.render import render
from autograd.apps.course.solve import solve, solve_set
from autograd.apps.course.variants import uniform, variant

__all__ = ["ProblemSet", "SetError", "load", "loads", "variant", "uniform", "solve", "solve_set", "render",
           "AnswersError", "ClassGrades", "grade_class", "grade_student", "read_answers", "parse_answers"]
