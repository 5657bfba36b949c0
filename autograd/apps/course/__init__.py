"""Problem sets for courses: the file format, a variant per student, answer keys with worked
solutions, grading with follow-through credit, reports, and Gradescope, PrairieLearn and Moodle.

    from autograd.apps.course import load, variant, render, grade_class, read_answers
    pset = load("examples/problem-sets/worked-example.toml")
    print(render("key", pset, "s001", "markdown"))

See docs/problem-sets.md. The modules, each one concept:

- reading a set: `format` (load, loads), `problems` (the dataclasses), `fields` (the checks),
  `keylines` (the line of a key, for errors);
- a student's numbers and answers: `variants`, `solve`;
- documents: `documents` (sheet and key as blocks), `mathtext` (their LaTeX), `page` (HTML),
  `render` (Markdown, and the one call);
- grading: `answers` (the CSV file), `grade`, `follow` (follow-through credit), `report`
  (the class's page), `gradescope`; `commands` runs `autograd sheet|key|grade|export`;
- other platforms: `exports` (PrairieLearn questions graded by our code, Moodle calculated
  questions).
"""

from autograd.apps.course.answers import AnswersError, parse_answers, read_answers
from autograd.apps.course.format import ProblemSet, SetError, load, loads
from autograd.apps.course.grade import ClassGrades, grade_class, grade_student
from autograd.apps.course.render import render
from autograd.apps.course.solve import solve, solve_set
from autograd.apps.course.variants import uniform, variant

__all__ = ["ProblemSet", "SetError", "load", "loads", "variant", "uniform", "solve", "solve_set", "render",
           "AnswersError", "ClassGrades", "grade_class", "grade_student", "read_answers", "parse_answers"]
