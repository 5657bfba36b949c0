"""Problem sets for courses: the file format, a variant per student, answer keys with worked
solutions, grading with follow-through credit, reports and Gradescope export.

    from autograd.course import load, variant, render, grade_class, read_answers
    pset = load("examples/problem-sets/worked-example.toml")
    print(render("key", pset, "s001", "markdown"))

See docs/problem-sets.md.
"""

from autograd.course.format import ProblemSet, SetError, load, loads
from autograd.course.grade import AnswersError, ClassGrades, grade_class, grade_student, parse_answers, read_answers
from autograd.course.render import render
from autograd.course.solve import solve, solve_set
from autograd.course.variants import uniform, variant

__all__ = ["ProblemSet", "SetError", "load", "loads", "variant", "uniform", "solve", "solve_set", "render",
           "AnswersError", "ClassGrades", "grade_class", "grade_student", "read_answers", "parse_answers"]
