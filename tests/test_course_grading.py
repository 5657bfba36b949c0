"""Grading (`autograd.apps.course.grade`, `follow`): feedback that never contradicts itself,
follow-through at the precision the student carried, the sets' own rules, and a grading time
no student's answers control (issues 19 and 25)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from autograd.apps.course import grade_student, load, loads
from autograd.apps.course.grade import grade_class, parse_answers
from autograd.apps.course.solve import solve_set

SETS = Path(__file__).parent.parent / "examples" / "problem-sets"


def _row(pset, student: str, changes: dict[str, str]) -> dict[str, str]:
    _, solutions = solve_set(pset, student)
    return {**{q: f"{v:.8g}" for s in solutions for q, v in s.answers.items()}, **changes}


def test_the_worked_example_grades_at_4_significant_figures_as_it_says():
    """Its instructions ask for 4 significant figures: h = 0.7 is too imprecise for any point."""
    worked = load(SETS / "worked-example.toml")
    grade = grade_student(worked, "s1", _row(worked, "s1", {"textbook.h": "0.7", "textbook.yhat": "0.2193"}))
    h, yhat = grade.questions["textbook.h"], grade.questions["textbook.yhat"]
    assert (h.verdict, h.points) == ("imprecise", 0.0)
    assert (yhat.verdict, yhat.points) == ("right", 1.0)
    assert grade.score == worked.max_score - 1


def test_follow_through_and_a_contradicting_diagnosis_are_never_both_given():
    """An update computed right from the student's own wrong gradient: follow-through, not
    update-sign (which says the step itself was taken the wrong way); the report counts one."""
    worked = load(SETS / "worked-example.toml")
    v = solve_set(worked, "s1")[1][0]
    g = v.grads["w2"]
    wrong_g = -g  # a sign slip in the gradient; the step then done right from it
    changes = {"textbook.dw2": f"{wrong_g:.6g}", "textbook.w2new": f"{0.3 - 0.01 * float(f'{wrong_g:.6g}'):.8g}"}
    grade = grade_student(worked, "s1", _row(worked, "s1", changes))
    step = grade.questions["textbook.w2new"]
    assert step.follow_through is not None and step.follow_through.sources == ["textbook.dw2"]
    assert step.diagnoses == [] and step.points == 0.5
    assert "Follow-through" in step.feedback() and "update-sign" not in step.feedback().lower()
    assert [d.code for d in grade.questions["textbook.dw2"].diagnoses] == ["sign"]
    csv = "id," + ",".join(worked.question_ids) + "\n"
    csv += "s1," + ",".join(_row(worked, "s1", changes)[q] for q in worked.question_ids) + "\n"
    stats = grade_class(worked, parse_answers(csv, worked)).question_stats()["textbook.w2new"]
    assert stats["follow_through"] == 1 and stats["mistakes"] == []


def test_follow_through_accepts_the_precision_the_student_carried():
    """network-2-2-2: ∂E/∂h1 with one path left out, written to 4 figures (-0.01952); ∂E/∂w1
    computed from the unrounded number (-0.0007517) differs at 4 figures from the one computed
    from the rounded number, and both get the credit; a number off by more does not."""
    network = load(SETS / "network-2-2-2.toml")
    checked = 0
    for student in [f"s{i}" for i in range(40)]:
        v = solve_set(network, student)[1][0]
        V, G = v.values, v.grads
        half = G["net_o1"] * V["w5"]  # only the path through o1
        local = V["h1"] * (1 - V["h1"]) * V["i1"]
        written = f"{half:#.4g}"
        carried, rounded = f"{half * local:#.4g}", f"{float(written) * local:#.4g}"
        if carried == rounded:
            continue  # the rounding does not show at 4 figures for this student
        checked += 1
        for dw1 in (carried, rounded):
            grade = grade_student(network, student, {"step.dh1": written, "step.dw1": dw1})
            q = grade.questions
            assert q["step.dh1"].verdict == "wrong" and q["step.dw1"].verdict == "wrong"
            assert q["step.dw1"].follow_through is not None, (student, written, dw1)
            assert q["step.dw1"].follow_through.sources == ["step.dh1"] and q["step.dw1"].diagnoses == []
        off = f"{half * local * 1.01:#.4g}"  # 1% off: more than any rounding of dh1 explains
        grade = grade_student(network, student, {"step.dh1": written, "step.dw1": off})
        assert grade.questions["step.dw1"].follow_through is None
    assert checked >= 3


def _long_set(n_questions: int = 100) -> str:
    """A problem with a ~3,800-character program and n questions (values and gradients)."""
    lines = ["q0 = w0*x + b"]
    for i in range(1, 78):
        lines.append(f"q{i} = tanh(q{i - 1})*w{i % 7} + sigmoid(q{max(0, i - 2)})*x - 0.25*q{i - 1}*b")
    program = "\n".join(lines)
    inputs = "\n".join(f"w{i} = {0.1 * (i + 1):.1f}" for i in range(7)) + "\nx = 0.5\nb = 0.2"
    questions = []
    names = [f"q{i}" for i in range(78)]
    for k in range(n_questions):
        ask = "value" if k < 50 else "gradient"  # each quantity asked once
        of = names[k] if ask == "value" else ([f"w{i}" for i in range(7)] + names[::-1])[k - 50]
        questions.append(f'[[problems.questions]]\nid = "a{k}"\nask = "{ask}"\nof = "{of}"\n')
    return (f'title = "long"\nseed = "long"\nfollow_through = 0.5\n\n[[problems]]\nid = "p"\ntitle = "p"\n'
            f"statement = 'A long program.'\n"
            f"program = '''\n{program}\n'''\n\n[problems.inputs]\n{inputs}\n\n" + "\n".join(questions))


def test_one_students_answers_do_not_control_grading_time(tmp_path):
    """`autograd grade` on a 100-question set with a ~3,800-character program, timed as a user
    runs it: a student with every answer wrong takes at most 3× as long as one with every answer
    right. (It took 90×: follow-through re-parsed and re-ran the program for every earlier wrong
    answer; now the built graph is swept again per new wrong answer, and a problem's diagnoses
    have a budget per student.)"""
    text = _long_set().replace("x = 0.5", "x = { uniform = [0.4, 0.6], decimals = 2 }")
    pset = loads(text)
    assert len(pset.problems[0].program.source) > 3_700 and len(pset.question_ids) == 100
    (tmp_path / "long.toml").write_text(text)
    _, [solution] = solve_set(pset, "s1")
    header = "id," + ",".join(pset.question_ids) + "\n"
    for name, change in (("right", lambda v: v), ("wrong", lambda v: v * 1.37 + 0.11)):
        cells = ",".join(f"{change(solution.answers[q]):.12g}" for q in pset.question_ids)
        (tmp_path / f"{name}.csv").write_text(header + f"s1,{cells}\n")

    def seconds(name: str) -> tuple[float, dict]:
        best = float("inf")
        for _ in range(2):
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "autograd", "grade", str(tmp_path / "long.toml"),
                                   str(tmp_path / f"{name}.csv"), "--json"], capture_output=True, text=True)
            best = min(best, time.perf_counter() - start)
        assert done.stderr == "", done.stderr
        return best, json.loads(done.stdout)["students"][0]

    right_time, right = seconds("right")
    wrong_time, wrong = seconds("wrong")
    assert right["score"] == right["max_score"] == 100
    assert all(q["verdict"] == "wrong" for q in wrong["questions"].values())
    print(f"grading time: all wrong {wrong_time:.2f} s, all right {right_time:.2f} s")
    assert wrong_time <= 3 * right_time, (wrong_time, right_time)


def test_the_issues_figures_get_follow_through():
    """Issue 19's case, network-2-2-2.toml for student alice: ∂E/∂h1 with a path left out,
    -0.019521840…, written -0.01952; ∂E/∂w1 from the unrounded number, -0.0007517 (from the
    rounded one it would be -0.0007516). Both get the follow-through credit."""
    network = load(SETS / "network-2-2-2.toml")
    for dw1 in ("-0.0007517", "-0.0007516"):
        grade = grade_student(network, "alice", {"step.dh1": "-0.01952", "step.dw1": dw1})
        q = grade.questions
        assert [d.code for d in q["step.dh1"].diagnoses] == ["missed-path", "overwrote"]
        assert q["step.dw1"].verdict == "wrong" and q["step.dw1"].follow_through.sources == ["step.dh1"]
        assert q["step.dw1"].points == 1.0 and q["step.dw1"].diagnoses == []
    grade = grade_student(network, "alice", {"step.dh1": "-0.01952", "step.dw1": "-0.0007530"})
    assert grade.questions["step.dw1"].follow_through is None
