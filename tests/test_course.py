"""Problem sets: the file format, variants, keys against finite differences, grading with
diagnoses and follow-through, the CSV contract, Gradescope output and the commands."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from hypothesis import assume, given, settings, strategies as st

from autograd.apps.cli import main
from autograd.apps.course import (AnswersError, SetError, grade_student, load, loads, parse_answers, render,
                             solve_set, uniform, variant)
from autograd.apps.course.format import InputRule, key_lines
from autograd.apps.course.gradescope import RESULT_FIELDS, TEST_FIELDS, validate
from autograd.apps.course.grade import grade_class
from autograd.apps.course.report import bins
from autograd.apps.course.variants import draw, kinks
from autograd.lang import parse
from chromium_browser import launch  # tests/chromium_browser.py: Debian's chromium, as test_viz launches it

SETS = Path(__file__).parent.parent / "examples" / "problem-sets"
EXAMPLES = sorted(SETS.glob("*.toml"))
WORKED = SETS / "worked-example.toml"
NETWORK = SETS / "network-2-2-2.toml"


@pytest.fixture(scope="module")
def worked():
    return load(WORKED)


@pytest.fixture(scope="module")
def network():
    return load(NETWORK)


# ------------------------------------------------------------------ variants


def test_uniform_numbers_are_pinned():
    """The derivation of docs/problem-sets.md, pinned: any change to it changes every variant."""
    assert uniform("seed", "alice", "p", "x", 0) == 0.7764121180723921
    assert uniform("seed", "alice", "p", "x", 1) == 0.7306870591740803
    assert uniform("seed", " alice ", "p", "x", 0) == uniform("seed", "alice", "p", "x", 0)
    assert uniform("seed", "Jos\u0065\u0301", "p", "x") == uniform("seed", "Jos\u00e9", "p", "x")


def test_the_same_seed_and_id_give_the_same_variant():
    pset = load(SETS / "micrograd.toml")
    assert variant(pset, "s001").inputs == {"neuron": {"x1": 1.6, "w1": 0.6, "x2": 0.6, "w2": -0.9, "b": -0.34}}
    assert variant(load(SETS / "micrograd.toml"), "s001") == variant(pset, "s001")
    assert solve_set(pset, "s001")[0] == variant(pset, "s001")  # keys and grades use the same numbers
    assert variant(pset, "s001") != variant(pset, "s002")
    other_seed = loads((SETS / "micrograd.toml").read_text().replace('"micrograd-neuron"', '"another"'))
    assert variant(other_seed, "s001") != variant(pset, "s001")


@pytest.mark.parametrize("name", ["micrograd.toml", "network-2-2-2.toml"])
def test_a_thousand_ids_give_distinct_variants(name):
    pset = load(SETS / name)
    keys = {variant(pset, f"student-{n}").key() for n in range(1000)}
    assert len(keys) == 1000


def test_fixed_inputs_are_the_same_for_everyone(worked):
    assert {variant(worked, s).inputs["textbook"]["w1"] for s in ("a", "b", "c")} == {0.5}


def test_drawn_numbers_have_the_decimals_asked_for():
    pset = load(SETS / "cs231n.toml")
    for n in range(50):
        numbers = variant(pset, str(n)).inputs
        assert all(v == int(v) and -9 <= v <= 9 for v in numbers["xyz"].values())
        assert all(round(v, 1) == v and -3 <= v <= 3 for v in numbers["neuron"].values())


KINKY = """
title = "kinks"
seed = 7
[[problems]]
id = "p"
statement = "."
program = "a = relu(x); b = max(y, z); c = log(w); f = a + b + c + abs(x - y)"
inputs = { x = { uniform = [-1, 1], decimals = 0 }, y = { choose = [1, 2] }, z = { choose = [1, 2] }, w = { uniform = [-1, 1], decimals = 1 } }
[[problems.questions]]
id = "dx"
ask = "gradient"
of = "x"
"""


def test_random_inputs_avoid_kinks_and_undefined_points():
    pset = loads(KINKY)
    attempts = 0
    for n in range(200):
        numbers = variant(pset, f"k{n}")
        at = numbers.inputs["p"]
        attempts += numbers.attempts["p"]
        assert at["x"] != 0 and at["y"] != at["z"] and at["w"] > 0 and at["x"] != at["y"]
    assert attempts > 100  # most first draws hit a kink or log(<= 0): they were drawn again
    evaluation = parse("f = relu(x) + max(x, y)").evaluate({"x": 0.0, "y": 1e-9})
    assert kinks(evaluation) == ["relu(0.0)", "max(0.0, 1e-09)"]


def test_a_set_with_no_smooth_point_is_an_error():
    text = KINKY.replace('x = { uniform = [-1, 1], decimals = 0 }', "x = 0")
    with pytest.raises(SetError, match="no numbers found where the program can be evaluated"):
        variant(loads(text, "k.toml"), "s")


# ------------------------------------------------------------------ keys


def _numerical(program, at: dict, name: str, h: float = 1e-6) -> float:
    """∂output/∂name by central differences; a computed quantity is made an input first."""
    statements = [s for s in program.statements if s.name != name]
    if name not in program.inputs:
        value = program.evaluate(at).values[name].data
        program = parse("\n".join(f"{s.name} = {s.text}" for s in statements))
        at = {**at, name: value}
        at = {k: v for k, v in at.items() if k in program.inputs}
    step = h * max(1.0, abs(at[name]))
    up = program.evaluate({**at, name: at[name] + step}).root.data
    down = program.evaluate({**at, name: at[name] - step}).root.data
    return (up - down) / (2 * step)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_key_agrees_with_finite_differences(path):
    pset = load(path)
    for student in ("s001", "s002", "s003"):
        key = json.loads(render("key", pset, student, "json"))
        assert key["student"] == student
        _, solutions = solve_set(pset, student)
        for solution in solutions:
            program, at = solution.problem.program, solution.at
            for q in solution.problem.questions:
                answer = key["answers"][q.qid]
                if q.ask == "value":
                    expected = program.evaluate(at).values[q.of].data
                elif q.ask == "gradient":
                    expected = _numerical(program, at, q.of)
                else:
                    expected = at[q.of] - q.lr * _numerical(program, at, q.of)
                assert math.isclose(answer, expected, rel_tol=1e-6, abs_tol=1e-9), (student, q.qid)


def test_the_worked_example_key_has_the_true_figures(worked):
    answers = json.loads(render("key", worked, "anyone", "json"))["answers"]
    assert round(answers["textbook.h"], 4) == 0.7311
    assert round(answers["textbook.L"], 4) == 0.0394
    assert round(answers["textbook.dw2"], 4) == -0.2052
    assert round(answers["textbook.dw1"], 4) == -0.0331
    assert round(answers["textbook.w2new"], 6) == 0.302052
    assert round(answers["textbook.w1new"], 6) == 0.500331


MAZUR = (NETWORK.read_text()
         .split("[problems.inputs]")[0]
         + """[problems.inputs]
i1 = 0.05
i2 = 0.10
w1 = 0.15
w2 = 0.20
w3 = 0.25
w4 = 0.30
b1 = 0.35
w5 = 0.40
w6 = 0.45
w7 = 0.50
w8 = 0.55
b2 = 0.60
t1 = 0.01
t2 = 0.99
""" + "[[problems.questions]]" + NETWORK.read_text().split("[[problems.questions]]", 1)[1])


def test_the_network_set_reproduces_the_published_step_by_step_example():
    """The widely read 2-2-2 example: E = 0.298371109, w5 → 0.35891648, w1 → 0.149780716."""
    answers = json.loads(render("key", loads(MAZUR), "x", "json"))["answers"]
    assert round(answers["step.E"], 9) == 0.298371109
    assert round(answers["step.w5new"], 8) == 0.35891648
    assert round(answers["step.w1new"], 9) == 0.149780716


def test_key_markdown_has_the_worked_solution(worked):
    text = render("key", worked, "s001", "markdown")
    assert "| $h$ | $\\sigma(z) = \\sigma(1)$ | $0.731059$ |" in text
    assert ("\\frac{\\partial L}{\\partial h} = \\frac{\\partial L}{\\partial \\hat{y}} \\cdot "
            "\\frac{\\partial \\hat{y}}{\\partial h} = -0.2806824 \\cdot w_{2} = -0.2806824 \\cdot 0.3 = -0.0842047") in text
    assert "w_{1} - \\eta \\cdot \\frac{\\partial L}{\\partial w_{1}} = 0.5 - 0.01 \\cdot \\left(-0.0331113\\right) = 0.500331" in text


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_key_html_is_offline_mathml(path):
    page = render("key", load(path), "s001", "html")
    assert page.count("<math") > 20 and "<script" not in page
    assert not re.search(r"https?:", page.replace('xmlns="http://www.w3.org/1998/Math/MathML"', ""))
    # the package's one page skeleton, whose policy forbids every request and every script
    assert "default-src 'none'" in page and "script-src 'none'" in page
    assert "<code>\\" not in page  # every formula converted (none left as LaTeX source)


def test_sheet_has_the_students_numbers_and_no_answers(worked):
    sheet = render("sheet", worked, "s001", "markdown")
    numbers = variant(worked, "s001").inputs["yours"]
    assert f"$x = {numbers['x']:.1f}$" in sheet and f"$w_{{1}} = {numbers['w1']:.2f}$" in sheet
    assert "{{" not in sheet and "0.731059" not in sheet
    assert "id,textbook.h,textbook.yhat,textbook.L" in sheet
    data = json.loads(render("sheet", worked, "s001", "json"))
    assert data["problems"][1]["inputs"] == numbers


# ------------------------------------------------------------------ the file format


def _error(text: str) -> SetError:
    with pytest.raises(SetError) as caught:
        loads(text, "hw.toml")
    return caught.value


GOOD = (SETS / "cs231n.toml").read_text()


def test_a_syntax_error_names_the_file_and_line():
    error = _error(GOOD.replace('id = "dz"', 'id = "dz'))
    assert str(error).startswith("hw.toml, line ") and "not valid TOML" in str(error)
    assert error.line == GOOD.splitlines().index('id = "dz"') + 1


@pytest.mark.parametrize("old, new, field, message, line", [
    ('of = "dot"', 'of = "dott"', "problems[2].questions[2].of", "no quantity 'dott' in the program (did you mean 'dot'?)",
     'of = "dott"'),
    ('ask = "gradient"\nof = "z"', 'ask = "gradiant"\nof = "z"', "problems[1].questions[4].ask", "must be one of",
     'ask = "gradiant"'),
    ('x0 = { uniform = [-2, 2], decimals = 1 }', 'x0 = { uniform = [2, -2], decimals = 1 }', "problems[2].inputs.x0.uniform",
     "LOW must be less than HIGH", "x0 = "),
    ('tolerance = { sig = 3 }', 'tolerance = { sig = 30 }', "problems[2].tolerance.sig",
     "sig = 30 must be at least 1 and at most 17", "tolerance = "),
    ('x = { uniform = [-9, 9], decimals = 0 }', 'xx = { uniform = [-9, 9], decimals = 0 }', "problems[1].inputs.xx",
     "the program has no input 'xx'", "xx = "),
    ('$x = {{x}}$', '$x = {{xx}}$', "problems[1].statement", "unknown placeholder {{xx}}", "statement = "),
    ('id = "f"\nask = "value"\nof = "f"', 'id = "f"\nask = "update"\nof = "f"', "problems[1].questions[2].of",
     "only an input is updated", 'of = "f"'),
    ('seed = "cs231n-backprop"', 'seed = "cs231n-backprop"\nfollow_thru = 1', "follow_thru",
     "did you mean 'follow_through'?", "follow_thru = 1"),
])
def test_schema_errors_name_line_and_field(old, new, field, message, line):
    text = GOOD.replace(old, new, 1)
    error = _error(text)
    assert error.field == field and message in str(error), str(error)
    assert text.splitlines()[error.line - 1].startswith(line), (error.line, str(error))


@pytest.mark.parametrize("old, new, field, message", [
    ("follow_through = 0.5", "follow_through = 2", "follow_through",
     "follow_through = 2 must be at least 0 and at most 1"),
    ("follow_through = 0.5", "follow_through = true", "follow_through",
     "follow_through must be a finite number, got True"),
    ("follow_through = 0.5", "follow_through = nan", "follow_through", "follow_through must be a finite number, got nan"),
    ("x = { uniform = [-9, 9], decimals = 0 }", "x = { uniform = [-9, inf], decimals = 0 }",
     "problems[1].inputs.x.uniform[2]", "uniform[2] must be a finite number, got inf"),
    ("x = { uniform = [-9, 9], decimals = 0 }", "x = { uniform = [-9, 9], decimals = true }",
     "problems[1].inputs.x.decimals", "decimals must be a whole number, got True"),
    ("x = { uniform = [-9, 9], decimals = 0 }", "x = { uniform = [-9, 9], decimals = 11 }",
     "problems[1].inputs.x.decimals", "decimals = 11 must be at least 0 and at most 10"),
    ("x = { uniform = [-9, 9], decimals = 0 }", 'x = { choose = [1, "2"] }',
     "problems[1].inputs.x.choose[2]", "choose[2] must be a finite number, got '2'"),
    ("tolerance = { sig = 3 }", "tolerance = { sig = 3.0 }", "problems[2].tolerance.sig",
     "sig must be a whole number, got 3.0"),
    ("tolerance = { sig = 3 }", "tolerance = { rtol = 0.5, atol = -1 }", "problems[2].tolerance.atol",
     "atol = -1 must be at least 0"),
])
def test_numbers_in_a_set_are_checked_in_the_shared_wording(old, new, field, message):
    """The reader's numbers go through autograd.util.validate: a bool is not a number, nan and
    inf are refused, and a range is worded as everywhere else; the field names the place."""
    assert old in GOOD
    error = _error(GOOD.replace(old, new, 1))
    assert (error.field, error.message) == (field, message), str(error)


def test_a_program_error_points_into_the_program():
    text = GOOD.replace("dot = w0*x0 + w1*x1 + w2", "dot = w0*x0 + w1*x1 +* w2")
    error = _error(text)
    assert error.field == "problems[2].program" and "\n" not in str(error)
    assert str(error).startswith("hw.toml, line ") and "the program: expected a number, a name or '(', found '*' at column 22 of the program's line 1" in str(error)
    assert "+* w2" in text.splitlines()[error.line - 1]


def test_an_update_needs_a_learning_rate():
    text = GOOD.replace('id = "dw2"\nask = "gradient"\nof = "w2"', 'id = "w2new"\nask = "update"\nof = "w2"')
    assert "needs the learning rate" in str(_error(text))


def test_key_lines_follow_arrays_of_tables():
    lines = key_lines(GOOD)
    assert GOOD.splitlines()[lines[("problems", 1, "questions", 2, "of")] - 1] == 'of = "w0"'


# ------------------------------------------------------------------ grading


def _row(pset, student: str, changes: dict[str, str]) -> dict[str, str]:
    _, solutions = solve_set(pset, student)
    answers = {q: f"{v:.6g}" for s in solutions for q, v in s.answers.items()}
    return {**answers, **changes}


def _planned_class(worked):
    """Simulated students of the worked example: their answers and the planned outcome,
    as {question: (verdict, points, diagnosis codes, follow-through sources)} for the
    textbook problem's answers that are not right."""
    v = solve_set(worked, "any")[1][0]
    V, G, lr = v.values, v.grads, 0.01
    dropped = (V["yhat"] - V["y"]) * V["w2"] * V["x"]  # sigmoid' left out of dL/dw1
    at_input = dropped * V["z"] * (1 - V["z"])  # z(1 - z) for σ(z)(1 - σ(z))
    h, yhat = 0.65, 0.3 * 0.65
    return [
        ("right", {}, {}),
        ("dropped-local", {"textbook.dw1": f"{dropped:.6g}", "textbook.w1new": f"{0.5 - lr * dropped:.8g}"},
         {"textbook.dw1": ("wrong", 0, ["dropped-local"], None),
          "textbook.w1new": ("wrong", 0.5, [], ["textbook.dw1"])}),
        ("activation-at-input", {"textbook.dw1": f"{at_input:.6g}"},
         {"textbook.dw1": ("wrong", 0, ["activation-at-input"], None)}),
        ("dropped-constant", {"textbook.dw2": f"{2 * G['w2']:.6g}"},
         {"textbook.dw2": ("wrong", 0, ["dropped-constant"], None)}),
        ("sign", {"textbook.dw2": f"{-G['w2']:.6g}"}, {"textbook.dw2": ("wrong", 0, ["sign"], None)}),
        ("update-sign", {"textbook.w2new": f"{0.3 + lr * G['w2']:.8g}"},
         {"textbook.w2new": ("wrong", 0, ["update-sign"], None)}),
        ("update-lr", {"textbook.w2new": f"{0.3 - G['w2']:.6g}"}, {"textbook.w2new": ("wrong", 0, ["update-lr"], None)}),
        ("hidden-value", {"textbook.h": "0.6500", "textbook.yhat": f"{yhat:.4f}", "textbook.L": f"{0.5 * (0.5 - yhat) ** 2:.6g}",
                          "textbook.dw2": f"{(yhat - 0.5) * h:.6g}"},
         {"textbook.h": ("wrong", 0, [], None), "textbook.yhat": ("wrong", 0.5, [], ["textbook.h"]),
          "textbook.L": ("wrong", 0.5, [], ["textbook.yhat"]), "textbook.dw2": ("wrong", 1, [], ["textbook.h"])}),
        ("inconsistent", {"textbook.h": "0.6500", "textbook.yhat": "0.2500"},
         {"textbook.h": ("wrong", 0, [], None), "textbook.yhat": ("wrong", 0, [], None)}),
        ("published", {"textbook.L": "0.0405", "textbook.dw2": "-0.1473", "textbook.dw1": "-0.0652",
                       "textbook.w2new": "0.301473", "textbook.w1new": "0.500652"},
         {"textbook.L": ("wrong", 0, [], None), "textbook.dw2": ("wrong", 0, [], None),
          "textbook.dw1": ("wrong", 0, [], None), "textbook.w2new": ("wrong", 0.5, [], ["textbook.dw2"]),
          "textbook.w1new": ("wrong", 0.5, [], ["textbook.dw1"])}),
        ("blank", {"textbook.h": "", "textbook.L": "about 0.04", "textbook.dw1": "nan"},
         {"textbook.h": ("no answer", 0, [], None), "textbook.L": ("no answer", 0, [], None),
          "textbook.dw1": ("no answer", 0, [], None)}),
        ("imprecise", {"textbook.h": "0.7", "textbook.dw2": "-0.21"},
         {"textbook.h": ("imprecise", 0, [], None), "textbook.dw2": ("imprecise", 0, [], None)}),
    ]


def test_a_simulated_class_gets_exactly_the_planned_marks(worked):
    plan = _planned_class(worked)
    full = worked.max_score
    for name, changes, outcome in plan:
        grade = grade_student(worked, name, _row(worked, name, changes))
        for qid, g in grade.questions.items():
            expected = outcome.get(qid, ("right", g.question.points, [], None))
            got = (g.verdict, g.points, [d.code for d in g.diagnoses],
                   g.follow_through.sources if g.follow_through else None)
            assert got == expected, (name, qid, g.feedback())
        lost = sum(g.question.points - g.points for g in grade.questions.values())
        assert grade.score == full - lost
    assert grade_student(worked, "right", _row(worked, "right", {})).score == full


def test_follow_through_needs_an_earlier_wrong_answer(worked):
    v = solve_set(worked, "any")[1][0]
    g = v.grads["w1"]
    # the gradient is right (to its precision) and the update wrong: no credit from a right answer
    right_then_off = grade_student(worked, "a", _row(worked, "a", {"textbook.dw1": f"{g:.2g}",
                                                                    "textbook.w1new": f"{0.5 - 0.01 * -0.033:.8g}"}))
    assert right_then_off.questions["textbook.dw1"].verdict in ("right", "imprecise")  # not wrong
    assert right_then_off.questions["textbook.w1new"].follow_through is None
    # the update comes before the gradient in no set: a later wrong gradient gives no credit to an update
    # that is consistent with the truth (it is simply right)
    wrong_then_true = grade_student(worked, "b", _row(worked, "b", {"textbook.dw1": "-0.0652"}))
    assert wrong_then_true.questions["textbook.w1new"].verdict == "right"
    # wrong, and not what the wrong gradient gives: no credit
    wrong_and_other = grade_student(worked, "c", _row(worked, "c", {"textbook.dw1": "-0.0652",
                                                                    "textbook.w1new": "0.500700"}))
    assert wrong_and_other.questions["textbook.w1new"].follow_through is None
    assert wrong_and_other.questions["textbook.w1new"].points == 0


def test_follow_through_from_an_upstream_gradient(network):
    """∂E/∂h1 missing one of its two paths; ∂E/∂w1 from it times the right local derivatives."""
    v = solve_set(network, "n1")[1][0]
    V, G = v.values, v.grads
    half = float(f'{G["net_o1"] * V["w5"]:.6g}')  # only the path through o1, as the student wrote it
    dw1 = half * V["h1"] * (1 - V["h1"]) * V["i1"]  # computed from what they wrote
    grade = grade_student(network, "n1", _row(network, "n1", {"step.dh1": f"{half:.6g}", "step.dw1": f"{dw1:.6g}",
                                                               "step.w1new": f"{V['w1'] - 0.5 * dw1:.8g}"}))
    q = grade.questions
    assert [d.code for d in q["step.dh1"].diagnoses] == ["missed-path", "overwrote"]
    assert q["step.dw1"].follow_through.sources == ["step.dh1"] and q["step.dw1"].points == 1
    assert q["step.w1new"].follow_through.sources == ["step.dw1"] and q["step.w1new"].points == 0.5
    assert "Follow-through" in q["step.dw1"].feedback() and "dE/dh1 = 0.0171501" in q["step.dw1"].feedback()


def test_significant_figures_and_relative_tolerances():
    pset = load(SETS / "cs231n.toml")
    f = solve_set(pset, "t")[1][1].answers["neuron.f"]
    grade = grade_student(pset, "t", {"neuron.f": f"{f:.2g}"})
    assert grade.questions["neuron.f"].verdict == "imprecise" and grade.questions["neuron.f"].points == 0
    micro = load(SETS / "micrograd.toml")
    o = solve_set(micro, "t")[1][0].answers["neuron.o"]
    grades = [grade_student(micro, "t", {"neuron.o": str(o * factor)}).questions["neuron.o"].verdict
              for factor in (1.0009, 1.003)]
    assert grades == ["right", "wrong"]


# ------------------------------------------------------------------ the answers file


def test_answers_csv_contract(worked):
    text = "\ufeffid,textbook.h,yours.L\n s1 ,0.7311,,,\n\ns2,abc,1/2\n"
    answers = parse_answers(text, worked)
    assert list(answers.rows) == ["s1", "s2"] and answers.rows["s1"]["textbook.h"] == "0.7311"
    assert "textbook.yhat" in answers.missing
    grades = grade_class(worked, answers)
    assert grades.notes and "no column for" in grades.notes[0]


def test_semicolons_and_decimal_commas_from_a_spreadsheet(worked):
    answers = parse_answers("id;textbook.h;textbook.L\ns1;0,7311;-1,5e-2\ns2;1,2,3;\n", worked)
    assert answers.rows["s1"] == {"textbook.h": "0.7311", "textbook.L": "-1.5e-2"}
    assert answers.rows["s2"]["textbook.h"] == "1,2,3"  # not a number: no answer
    tabs = parse_answers("id\ttextbook.h\ns1\t0.7311\n", worked)
    assert tabs.rows["s1"] == {"textbook.h": "0.7311"}


@pytest.mark.parametrize("text, message", [
    ("student,textbook.h\ns1,1\n", "no 'id' column"),
    ("id,textbook.h\ns1,1\ns1,2\n", "line 3: the id 's1' is also on line 2 (duplicate ids)"),
    ("id,textbook.hh,textbook.L\ns1,1,2\n", "unknown question column 'textbook.hh' (did you mean 'textbook.h'?)"),
    ("id,textbook.h,textbook.h\ns1,1,2\n", "appears twice"),
    ("id,textbook.h\n,1\n", "the id is empty"),
    ("id,textbook.h\ns1,1,2\n", "3 cells but the first row names 2"),
    ("", "the file is empty"),
])
def test_malformed_answers_are_one_clear_error(worked, text, message):
    with pytest.raises(AnswersError, match=re.escape(message)):
        parse_answers(text, worked, "answers.csv")


# ------------------------------------------------------------------ outputs and commands


def _class_csv(pset, students: dict[str, dict[str, str]]) -> str:
    qids = pset.question_ids
    lines = ["id," + ",".join(qids)]
    lines += [f"{s}," + ",".join(row.get(q, "") for q in qids) for s, row in students.items()]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def class_files(tmp_path_factory, worked):
    folder = tmp_path_factory.mktemp("class")
    plan = _planned_class(worked)
    csv_text = _class_csv(worked, {name: _row(worked, name, changes) for name, changes, _ in plan})
    (folder / "answers.csv").write_text(csv_text)
    return folder


def test_grade_json_contract(class_files, capsys):
    assert main(["grade", str(WORKED), str(class_files / "answers.csv"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    student = data["students"][1]
    assert student["id"] == "dropped-local" and student["score"] == 13.5 and student["max_score"] == 16
    q = student["questions"]["textbook.w1new"]
    assert {"points", "verdict", "diagnoses", "follow_through"} <= set(q)
    assert q["follow_through"]["from"] == ["textbook.dw1"] and q["diagnoses"] == []
    assert data["questions"]["textbook.dw1"]["mistakes"][0]["code"] in ("dropped-local", "activation-at-input")


def test_key_json_contract(capsys):
    assert main(["key", str(WORKED), "--student", "s9", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["student"] == "s9" and set(data["answers"]) == set(load(WORKED).question_ids)
    assert all(isinstance(v, float) for v in data["answers"].values())


def test_gradescope_results_validate(class_files, worked, tmp_path):
    out = tmp_path / "gs"
    out.mkdir()
    assert main(["grade", str(WORKED), str(class_files / "answers.csv"), "--gradescope", str(out),
                 "--report", str(tmp_path / "r.html"), "--csv", str(tmp_path / "marks.csv")]) == 0
    folders = sorted(p.name for p in out.iterdir())
    assert len(folders) == len(_planned_class(worked)) and "dropped-local" in folders
    data = json.loads((out / "dropped-local" / "results.json").read_text())
    assert validate(data) == [] and set(data) <= set(RESULT_FIELDS)
    assert all(set(t) <= set(TEST_FIELDS) for t in data["tests"])
    assert data["score"] == 13.5 and len(data["tests"]) == len(worked.question_ids)
    test = next(t for t in data["tests"] if t["name"].startswith("textbook.w1new"))
    assert test["score"] == 0.5 and test["max_score"] == 1 and "Follow-through" in test["output"]
    assert validate({"score": 1, "tests": [{"name": "x", "status": "ok", "points": 1}]}) == [
        "tests[0]: unknown field 'points'", "tests[0]: status 'ok'"]
    report = (tmp_path / "r.html").read_text()
    assert "<svg" in report and "dropped-local" in report and "<script" not in report
    assert (tmp_path / "marks.csv").read_text().splitlines()[0].startswith("id,score,max_score,textbook.h")


def test_one_submission_writes_results_json_where_gradescope_reads_it(worked, tmp_path):
    answers = tmp_path / "answers.csv"
    answers.write_text(_class_csv(worked, {"s1": _row(worked, "s1", {})}))
    assert main(["grade", str(WORKED), str(answers), "--gradescope", str(tmp_path)]) == 0
    data = json.loads((tmp_path / "results.json").read_text())
    assert data["score"] == worked.max_score and validate(data) == []


@pytest.mark.parametrize("csv_text", ["name,textbook.h\ns1,1\n", "id,textbook.h\ns1,1\ns1,1\n", "id,nope\ns1,1\n"])
def test_a_malformed_csv_writes_nothing(tmp_path, capsys, csv_text):
    answers = tmp_path / "answers.csv"
    answers.write_text(csv_text)
    status = main(["grade", str(WORKED), str(answers), "--report", str(tmp_path / "r.html"),
                   "--gradescope", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 2 and err.startswith("error: ") and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.csv"]


def test_a_bad_set_is_one_error_line(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text(GOOD.replace('of = "w0"', 'of = "w9"'))
    assert main(["sheet", str(bad), "--student", "x"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {bad}, line ") and "field problems[2].questions[3].of" in err


def test_sheet_and_key_write_to_a_file(tmp_path, capsys):
    out = tmp_path / "key.html"
    assert main(["key", str(WORKED), "--student", "s1", "--format", "html", "--out", str(out)]) == 0
    assert out.read_text().startswith("<!DOCTYPE html>")
    assert main(["sheet", str(WORKED), "--student", "s1", "--out", str(tmp_path / "missing" / "x.md")]) == 2


def test_histogram_bins():
    assert [n for _, _, n in bins([0, 1, 5, 9.9, 10], 10, 5)] == [2, 0, 1, 0, 2]
    assert [n for _, _, n in bins([], 0)] == [0]


def _run_autograder_script() -> str:
    docs = (Path(__file__).parent.parent / "docs" / "problem-sets.md").read_text()
    block = docs.split("<!-- run_autograder start -->")[1].split("<!-- run_autograder end -->")[0]
    return block.split("```bash\n")[1].split("```")[0]


@pytest.mark.parametrize("upload, score", [("good", 16.0), ("bad", 0), (None, 0)])
def test_the_documented_run_autograder_works(tmp_path, worked, upload, score):
    import os
    import shutil
    import subprocess
    import sys

    script = tmp_path / "run_autograder"
    script.write_text(_run_autograder_script())
    (tmp_path / "source").mkdir()
    (tmp_path / "submission").mkdir()
    shutil.copy(WORKED, tmp_path / "source" / "set.toml")
    if upload == "good":
        (tmp_path / "submission" / "answers.csv").write_text(_class_csv(worked, {"s1": _row(worked, "s1", {})}))
    elif upload == "bad":
        (tmp_path / "submission" / "answers.csv").write_text("name,textbook.h\ns1,1\n")
    bin_folder = str(Path(sys.executable).parent)  # the venv's autograd and python3
    env = {**os.environ, "AUTOGRADER_ROOT": str(tmp_path), "PATH": bin_folder + os.pathsep + os.environ["PATH"]}
    subprocess.run(["bash", str(script)], env=env, check=True, timeout=60)
    data = json.loads((tmp_path / "results" / "results.json").read_text())
    assert data["score"] == score and validate(data) == []
    if upload == "bad":
        assert "no 'id' column" in data["output"]


def test_missing_files_and_an_empty_id_are_one_error_line(tmp_path, capsys):
    assert main(["key", str(tmp_path / "nope.toml"), "--student", "s1"]) == 2
    assert main(["grade", str(WORKED), str(tmp_path / "nope.csv")]) == 2
    assert main(["sheet", str(WORKED), "--student", " "]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [f"error: {tmp_path / 'nope.toml'}: cannot read the problem set: No such file or directory",
                   f"error: {tmp_path / 'nope.csv'}: cannot read the answers file: No such file or directory",
                   "error: --student: the id is empty"]


# ------------------------------------------------------------------ in headless chromium


def test_sheet_key_and_report_render_in_chromium(tmp_path, class_files):
    """Under the page's Content-Security-Policy: MathML is laid out natively (a fraction is
    taller than a letter), the style sheet applies, nothing is fetched, the policy blocks
    nothing the page needs, and the report's histogram has a bar per point."""
    sheet, key, report = tmp_path / "sheet.html", tmp_path / "key.html", tmp_path / "report.html"
    assert main(["sheet", str(NETWORK), "--student", "s1", "--format", "html", "--out", str(sheet)]) == 0
    assert main(["key", str(WORKED), "--student", "s1", "--format", "html", "--out", str(key)]) == 0
    assert main(["grade", str(WORKED), str(class_files / "answers.csv"), "--report", str(report)]) == 0
    for browser in launch():
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        requests, console = [], []
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: console.append(m.text))
        page.goto(sheet.as_uri())
        assert page.locator("math").count() > 5 and page.locator("math mi").first.bounding_box()["height"] > 5
        assert page.eval_on_selector("body", "b => getComputedStyle(b).maxWidth") == "960px"  # 60rem
        page.goto(key.as_uri())
        fraction = page.locator("ul.steps mfrac").first.bounding_box()
        letter = page.locator("td mi").first.bounding_box()
        assert fraction["height"] > 1.6 * letter["height"] > 10
        assert page.eval_on_selector("th", "th => getComputedStyle(th).backgroundColor") == "rgb(244, 244, 244)"
        page.goto(report.as_uri())
        assert page.locator("svg rect").count() == 16  # 16 points: a bar per point
        assert page.locator("svg").bounding_box()["width"] > 400
        assert page.eval_on_selector("td.wrong", "td => getComputedStyle(td).color") == "rgb(180, 35, 24)"
        assert all(url.startswith("file://") for url in requests)
        assert not [text for text in console if "Content Security Policy" in text]


def test_errors_in_inline_tables_name_their_own_line():
    text = """title = "t"
seed = 1
[[problems]]
id = "p"
statement = '''
x = {{x}} # not a comment, and 'quotes' and "more"
'''
program = "f = x * x"
inputs = { x = { uniform = [-1, 1], decimals = 1 } }
questions = [
  { id = "v", ask = "value", of = "f" },
  { id = "d", ask = "gradient", of = "xx" },
]
"""
    error = _error(text)
    assert (error.line, error.field) == (12, "problems[1].questions[2].of")
    error = _error(text.replace("decimals = 1 }", "decimals = 11 }"))
    assert (error.line, error.field) == (9, "problems[1].inputs.x.decimals")


# ------------------------------------------------------------------ properties

@settings(max_examples=200, deadline=None)
@given(seed=st.text(max_size=20), student=st.text(max_size=20), low=st.integers(-1000, 1000),
       width=st.integers(1, 1000), decimals=st.integers(0, 4))
def test_drawn_numbers_are_on_the_grid_and_stable(seed, student, low, width, decimals):
    rule = InputRule("x", "uniform", low=low / 10, high=(low + width) / 10, decimals=decimals)
    assume(rule.count() >= 1)  # the file format refuses a range with no number on its grid
    u = uniform(seed, student, "p", "x")
    value = draw(rule, u)
    assert u == uniform(seed, student, "p", "x") and 0 <= u < 1
    assert rule.low <= value <= rule.high and round(value, decimals) == value


@settings(max_examples=60, deadline=None)
@given(g=st.floats(-1, 1).map(lambda x: round(x, 4)), consistent=st.booleans(), slip=st.floats(0.001, 0.1))
def test_follow_through_exactly_when_earlier_wrong_and_later_consistent(worked, g, consistent, slip):
    truth = solve_set(worked, "p")[1][0].grads["w1"]
    update = 0.5 - 0.01 * g + (0 if consistent else slip)
    grade = grade_student(worked, "p", {"textbook.dw1": f"{g:.4f}", "textbook.w1new": f"{update:.8f}"})
    gradient, step = grade.questions["textbook.dw1"], grade.questions["textbook.w1new"]
    earlier_wrong = gradient.verdict == "wrong"
    later_wrong = step.verdict == "wrong"
    assert (step.follow_through is not None) == (earlier_wrong and later_wrong and consistent)
    assert earlier_wrong == (abs(g - truth) > 0.00005 + 1e-12)


def test_any_corrupted_set_is_one_error_line_with_a_line_number():
    """Random characters changed in the example sets: never a traceback, always one line with a line."""
    import random

    texts = [path.read_text() for path in EXAMPLES]
    rng = random.Random(11)
    errors = 0
    for _ in range(400):
        chars = list(rng.choice(texts))
        for _ in range(rng.randint(1, 3)):
            chars[rng.randrange(len(chars))] = rng.choice("{}[]\"',=#\n ab1")
        try:
            loads("".join(chars), "hw.toml")
        except SetError as error:
            errors += 1
            assert "\n" not in str(error) and error.line is not None, str(error)
    assert errors > 300


# ------------------------------------------------------------------ hostile input files


@pytest.mark.parametrize("nested", ["x = " + "[" * 5000 + "]" * 5000, "x = " + "{a = " * 3000 + "1" + "}" * 3000])
def test_deeply_nested_toml_is_one_error_line(tmp_path, capsys, nested):
    """tomllib recurses on nesting: a RecursionError must not escape as a traceback."""
    bad = tmp_path / "deep.toml"
    bad.write_text('title = "t"\nseed = "s"\n' + nested + "\n")
    assert main(["key", str(bad), "--student", "s1"]) == 2
    err = capsys.readouterr().err
    assert err == f"error: {bad}: not valid TOML: arrays or inline tables nested too deeply\n"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero, an endless file")
def test_an_endless_input_file_is_refused_without_reading_it_whole(tmp_path, capsys, monkeypatch):
    """`key /dev/zero` and `grade SET /dev/zero` used to read until memory ran out."""
    import autograd.apps.course.answers as answers_module

    monkeypatch.setattr(answers_module, "MAX_ANSWERS_BYTES", 2**20)  # the real limit is 64 MiB
    assert main(["key", "/dev/zero", "--student", "s1"]) == 2
    assert main(["grade", str(WORKED), "/dev/zero", "--csv", str(tmp_path / "out.csv")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == ["error: /dev/zero: larger than 16 MiB, the most a problem set may be",
                   "error: /dev/zero: larger than 1 MiB, the most an answers file may be"]
    assert list(tmp_path.iterdir()) == []


def test_an_output_over_an_input_file_is_refused_and_the_input_kept(tmp_path, capsys):
    """`grade SET A.csv --csv A.csv` and `key SET --out SET` used to overwrite the file they read."""
    import shutil

    problem_set = tmp_path / "set.toml"
    shutil.copy(WORKED, problem_set)
    answers = tmp_path / "answers.csv"
    answers.write_text("id,textbook.h\ns1,0.731\n")
    before = problem_set.read_bytes()
    assert main(["grade", str(problem_set), str(answers), "--csv", str(answers)]) == 2
    assert main(["grade", str(problem_set), str(answers), "--report", str(problem_set)]) == 2
    assert main(["key", str(problem_set), "--student", "s1", "--out", str(problem_set)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [f"error: cannot write {answers}: it is the answers file this command reads (--csv)",
                   f"error: cannot write {problem_set}: it is the problem set this command reads (--report)",
                   f"error: cannot write {problem_set}: it is the problem set this command reads (--out)"]
    assert problem_set.read_bytes() == before and answers.read_text() == "id,textbook.h\ns1,0.731\n"


def test_an_empty_gradescope_folder_is_refused_not_taken_as_here(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "answers.csv").write_text("id,textbook.h\ns1,0.731\n")
    assert main(["grade", str(WORKED), "answers.csv", "--gradescope", ""]) == 2
    assert capsys.readouterr().err == "error: cannot write '': the path is empty (--gradescope)\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.csv"]


def test_latex_in_a_statement_can_never_put_html_in_a_page():
    from autograd.apps.course.render import mathml

    for payload in (r"\text{<img src=x onerror=alert(1)>}", r"\text{<script>alert(1)</script>}", r"\text{<b>x</b>}"):
        shown = mathml(payload)
        assert "<img" not in shown and "<script" not in shown and "<b>" not in shown
        assert shown.startswith("<code>")
    assert mathml(r"\frac{1}{x}").startswith("<math")


def test_a_range_with_more_grid_points_than_a_float_can_count_still_draws(tmp_path, capsys):
    """uniform = [-1e308, 1e308] with 0 decimals used to fail with 'int too large to convert to
    float' (no file, line or field): now every draw is a whole number in the range."""
    problem_set = tmp_path / "huge.toml"
    problem_set.write_text('title = "t"\nseed = "s"\n[[problems]]\nid = "p"\nstatement = "{{x}}"\n'
                           'program = "f = x"\n[problems.inputs]\nx = { uniform = [-1e308, 1e308], decimals = 0 }\n'
                           '[[problems.questions]]\nid = "q"\nask = "value"\nof = "f"\n')
    values = []
    for student in ("s1", "s2", "s3"):
        assert main(["key", str(problem_set), "--student", student, "--format", "json"]) == 0
        values.append(json.loads(capsys.readouterr().out)["answers"]["p.q"])
    assert all(abs(v) <= 1e308 and v == int(v) for v in values) and len(set(values)) == 3


def test_no_follow_through_from_earlier_answers_that_overflow(tmp_path, capsys):
    """An earlier answer of 5.8e299 made the recomputed answer infinite, every answer 'agreed'
    with it, and grade --json printed Infinity (not JSON) with follow-through credit."""
    answers = tmp_path / "answers.csv"
    answers.write_text("id,step.h1,step.dnet_o1,step.dw5,step.w5new\ns2,5.8e299,1e154,0.2500000,0.5000000\n")
    assert main(["grade", str(NETWORK), str(answers), "--json"]) == 0

    def not_json(constant):
        raise AssertionError(f"{constant} is not JSON")

    data = json.loads(capsys.readouterr().out, parse_constant=not_json)
    questions = data["students"][0]["questions"]
    for qid in ("step.dw5", "step.w5new"):
        assert questions[qid]["verdict"] == "wrong" and questions[qid]["follow_through"] is None


def test_grade_csv_never_writes_a_spreadsheet_formula():
    from autograd.apps.course.grade import _cell

    assert _cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert _cell("@SUM(A1)") == "'@SUM(A1)" and _cell("-1") == "'-1" and _cell("s1") == "s1"


def test_statement_markdown_is_commonmark_with_math_and_no_raw_html():
    from autograd.apps.course.page import inline_html, markdown_html

    page = markdown_html("# Setup\n\nLet $w_1 * x_2$ be **bold**, `$x$` code and \\$5 a price.\n\n"
                         "$$\nL = a\n- b\n$$\n\n- one $y$\n- two\n\n<script>alert(1)</script>\n\n"
                         "![a picture](http://example.com/a.png) [a link](javascript:alert(1))")
    assert page.startswith("<h4>Setup</h4>")  # below the page's own h1-h3
    assert "<msub><mi>w</mi><mn>1</mn></msub><mo>*</mo>" in page  # * and _ inside math are LaTeX
    assert "<strong>bold</strong>" in page and "<code>$x$</code>" in page and " $5 a price" in page
    assert page.count("<li>") == 2 and 'display="block"' in page  # the "- b" line is LaTeX, not a list item
    assert "<script" not in page and "&lt;script&gt;" in page
    assert "<img" not in page and 'href="javascript' not in page
    assert inline_html("$$\\frac{1}{2}$$ and <b>").endswith(" and &lt;b&gt;")
    assert inline_html("costs $5 only") == "costs $5 only"  # one dollar sign is not math


def test_key_lines_follow_inline_arrays_of_tables():
    text = ('title = "t"\nseed = "s"\n[[problems]]\nid = "p"\nquestions = [\n'
            '  { id = "a", ask = "value", of = "x" },\n  { id = "b", ask = "valeu", of = "x" },\n]\n'
            'inputs = { x = { uniform = [1, 2] }, "y" = 3 }\n')
    lines = key_lines(text)
    assert lines[("problems", 0, "questions", 1, "ask")] == 7
    assert lines[("problems", 0, "inputs", "x", "uniform")] == 9 and lines[("problems", 0, "inputs", "y")] == 9
    assert lines[("problems", 0, "questions")] == 5
