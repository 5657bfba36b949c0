"""`autograd export`: PrairieLearn questions graded by our vendored code in a clean Python, Moodle
calculated questions whose every dataset item's answer is our key; output folders created whole."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograd.apps.course import load, solve_set
from autograd.apps.course.exports.prairielearn import validate_info
from autograd.apps.course.variants import evaluated_variant
from autograd.apps.course.solve import Solution
from autograd.util import files

from autograd.util.files import OutputError, write_tree

ROOT = Path(__file__).resolve().parents[1]
SETS = sorted((ROOT / "examples" / "problem-sets").glob("*.toml"))
SEED = 4242  # PrairieLearn's variant seed in these tests: the student is "pl-4242"

# Runs in `python -I -S` with only the exported course's serverFilesCourse reachable: each problem's
# server.py generates the variant and grades each case; prints what PrairieLearn would store.
RUNNER = r"""
import importlib.util, json, sys
course, cases = sys.argv[1], json.loads(sys.stdin.read())
out = {}
for problem, answers_by_case in cases.items():
    path = f"{course}/questions/{problem}/server.py"
    spec = importlib.util.spec_from_file_location("server_" + problem.replace("/", "_"), path)
    server = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(server)
    for case, answers in answers_by_case.items():
        data = {"variant_seed": %d, "params": {}, "correct_answers": {}, "submitted_answers": {},
                "raw_submitted_answers": answers, "partial_scores": {}, "feedback": {}, "format_errors": {},
                "options": {}}
        server.generate(data)
        server.grade(data)
        out[problem + "|" + case] = {k: data[k] for k in ("params", "correct_answers", "partial_scores", "score",
                                                            "feedback")}
mods = sorted(m for m in sys.modules if m.split(".")[0] in ("autograd", "numpy", "graphviz"))
import autograd
print(json.dumps({"results": out, "modules": mods, "package": autograd.__file__}))
""" % SEED


def _cases(problem_set, student: str) -> dict[str, dict[str, str]]:
    """Per case, question id → the text typed: right, wrong, diagnosed (gradients' sign), blank,
    and follow-through (the first value wrong, every later answer what that wrong value gives)."""
    _, solutions = solve_set(problem_set, student)
    truth = {q: t for s in solutions for q, t in s.answers.items()}
    cases = {"right": {q: f"{t:.6g}" for q, t in truth.items()},
             "wrong": {q: f"{t * 1.5 + 0.25:.4g}" for q, t in truth.items()},
             "diagnosed": {q.qid: f"{-truth[q.qid]:.6g}" if q.ask == "gradient" else f"{truth[q.qid]:.6g}"
                           for q in problem_set.questions},
             "blank": {q: "" for q in truth}}
    follow = dict(cases["right"])
    for solution in solutions:
        values = [q for q in solution.problem.questions if q.ask == "value" and q.of != solution.output]
        if values:
            follow.update(_followed(solution, values[0]))
    cases["follow"] = follow
    return cases


def _followed(solution: Solution, question) -> dict[str, str]:
    """The first value off by 0.1, and each later question's answer recomputed from that value."""
    program = solution.problem.program
    shifted = "\n".join(f"{s.name} = ({_text(s)}) + 0.1" if s.name == question.of else f"{s.name} = {_text(s)}"
                        for s in program.statements)
    from autograd.lang import parse

    evaluation = parse(shifted).evaluate(solution.at)
    wrong = Solution(solution.problem, solution.at, evaluation)
    return {q.qid: f"{wrong.answer(q):.6g}" for q in solution.problem.questions}


def _text(statement) -> str:
    from autograd.lang.syntax import unparse

    return unparse(statement.expression)


def _pl_names(problem_set, answers: dict[str, str]) -> dict[str, dict[str, str]]:
    by_problem: dict[str, dict[str, str]] = {}
    for qid, text in answers.items():
        problem, question = qid.split(".", 1)
        by_problem.setdefault(problem, {})[question] = text
    return by_problem


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Every example set exported into one new course folder, then graded in a clean Python."""
    from autograd.apps.cli import main

    course = tmp_path_factory.mktemp("pl") / "course"
    for path in SETS:
        assert main(["export", str(path), "--to", "prairielearn", str(course)]) == 0
    cases, expected = {}, {}
    for path in SETS:
        problem_set = load(path)
        for case, answers in _cases(problem_set, f"pl-{SEED}").items():
            for problem, named in _pl_names(problem_set, answers).items():
                cases.setdefault(f"{path.stem}/{problem}", {})[case] = named
            expected[(path, case)] = answers
    done = subprocess.run([sys.executable, "-I", "-S", "-c", RUNNER, str(course)], input=json.dumps(cases),
                          capture_output=True, text=True, timeout=600, cwd=course / "serverFilesCourse")
    assert done.returncode == 0, done.stderr
    return course, json.loads(done.stdout), expected


def test_the_vendored_grading_needs_only_the_standard_library(exported):
    course, ran, _ = exported
    assert ran["package"].startswith(str(course / "serverFilesCourse" / "autograd"))
    assert not [m for m in ran["modules"] if not m.startswith("autograd")]
    assert "autograd.apps.course.grade" in ran["modules"] and "autograd.viz" not in ran["modules"]


def test_info_json_has_the_documented_fields_and_a_stable_uuid(exported, tmp_path):
    from autograd.apps.cli import main

    course, _, _ = exported
    infos = {p: json.loads(p.read_text()) for p in (course / "questions").rglob("info.json")}
    assert len(infos) == sum(len(load(s).problems) for s in SETS)
    for info in infos.values():
        assert validate_info(info) == [] and info["type"] == "v3"
    assert len({i["uuid"] for i in infos.values()}) == len(infos)
    again = tmp_path / "again"
    assert main(["export", str(SETS[0]), "--to", "prairielearn", str(again)]) == 0
    for path in (again / "questions").rglob("info.json"):
        assert json.loads(path.read_text())["uuid"] == infos[course / path.relative_to(again)]["uuid"]
    problems = validate_info({"uuid": "x", "title": 3, "type": "v2", "colour": 1})
    assert problems == ["missing field 'topic'", "title has the wrong type (int)", "unknown field 'colour'",
                        "uuid 'x' is not a UUID", "type must be 'v3' (a question with server.py)"]


def test_question_html_asks_every_question_with_a_number_input(exported):
    course, _, _ = exported
    for path in SETS:
        for problem in load(path).problems:
            page = (course / "questions" / path.stem / problem.id / "question.html").read_text()
            names = re.findall(r'<pl-number-input answers-name="([^"]+)"', page)
            assert names == [q.id for q in problem.questions]
            assert "<script" not in page and "{{params." in page


@pytest.mark.parametrize("case", ["right", "wrong", "diagnosed", "follow", "blank"])
def test_prairielearn_grade_gives_the_points_autograd_grade_gives(exported, run_cli, tmp_path, case):
    _, ran, expected = exported
    for path in SETS:
        problem_set = load(path)
        answers = expected[(path, case)]
        table = io.StringIO()
        writer = csv.writer(table)
        writer.writerow(["id", *problem_set.question_ids])
        writer.writerow([f"pl-{SEED}", *(answers[q] for q in problem_set.question_ids)])
        (tmp_path / "a.csv").write_text(table.getvalue())
        code, out, err = run_cli("grade", str(path), str(tmp_path / "a.csv"), "--json")
        assert code == 0, err
        graded = json.loads(out)["students"][0]["questions"]
        for problem in problem_set.problems:
            result = ran["results"][f"{path.stem}/{problem.id}|{case}"]
            total = sum(q.points for q in problem.questions)
            points = 0.0
            for q in problem.questions:
                partial = result["partial_scores"][q.id]
                assert partial["score"] * partial["weight"] == pytest.approx(graded[q.qid]["points"]), (path, q.qid)
                assert result["correct_answers"][q.id] == pytest.approx(graded[q.qid]["true"], rel=1e-12)
                assert result["feedback"][q.id] == partial["feedback"]
                points += graded[q.qid]["points"]
            assert result["score"] * total == pytest.approx(points)
            if case == "right":
                assert result["score"] == 1.0
            if case == "blank":
                assert result["score"] == 0.0


def test_prairielearn_feedback_carries_the_diagnosis_and_the_follow_through(exported):
    _, ran, _ = exported
    diagnosed = ran["results"]["worked-example/yours|diagnosed"]["feedback"]["dw2"]
    assert "wrong" in diagnosed and "what you get if you" in diagnosed
    followed = ran["results"]["worked-example/yours|follow"]
    assert followed["partial_scores"]["h"]["score"] == 0.0
    assert followed["partial_scores"]["L"]["score"] == 0.5  # the set's follow_through fraction
    assert "follow" in followed["feedback"]["L"].lower()


# ------------------------------------------------------------------ Moodle


def _evaluate(formula: str, values: dict[str, float]) -> float:
    """A Moodle formula of our export, evaluated with the dataset item's values."""
    text = re.sub(r"\{([A-Za-z][A-Za-z0-9_]*)\}", lambda m: repr(values[m.group(1)]), formula)
    assert re.fullmatch(r"[0-9a-z.+\-*/(), e]+", text), text
    names = {name: getattr(math, name) for name in ("exp", "log", "sin", "cos", "tan", "tanh", "sinh", "cosh",
                                                    "sqrt", "atan", "asin", "acos")}
    return eval(text, {"__builtins__": {}}, {**names, "pow": pow, "abs": abs})  # our own formula text


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.stem)
def test_moodle_xml_dataset_answers_equal_our_key(path, run_cli, tmp_path):
    n = 6
    code, _, err = run_cli("export", str(path), "--to", "moodle", str(tmp_path / "q.xml"), "--variants", str(n))
    assert code == 0, err
    quiz = ET.parse(tmp_path / "q.xml").getroot()
    problem_set = load(path)
    questions = quiz.findall("question")
    assert [q.get("type") for q in questions] == ["calculated"] * len(problem_set.questions)
    keys = {}
    for problem in problem_set.problems:
        for k in range(1, n + 1):
            at, _, evaluation = evaluated_variant(problem, problem_set.seed, f"moodle-{k}")
            keys[(problem.id, k)] = (at, Solution(problem, at, evaluation).answers)
    formulas = 0
    for element, question in zip(questions, problem_set.questions):
        assert element.find("name/text").text.endswith(question.qid)
        items = {d.find("name/text").text: {int(i.find("number").text): float(i.find("value").text)
                                            for i in d.iter("dataset_item")}
                 for d in element.iter("dataset_definition")}
        answers = element.findall("answer")
        assert answers[0].get("fraction") == "100"
        formulas += "{answer_" not in answers[0].find("text").text
        for k in range(1, n + 1):
            at, truth = keys[(question.problem, k)]
            values = {name: column[k] for name, column in items.items()}
            assert all(values[name] == at[name] for name in at)
            assert _evaluate(answers[0].find("text").text, values) == pytest.approx(truth[question.qid], rel=1e-9)
            for wrong in answers[1:]:
                assert wrong.get("fraction") == "0"
                assert _evaluate(wrong.find("text").text, values) != pytest.approx(truth[question.qid], rel=1e-6)
                assert "This is the answer you get by" in wrong.find("feedback/text").text
    assert formulas == len(questions)  # every answer of the example sets is a formula over the wildcards


def test_moodle_question_text_uses_the_math_delimiters_moodle_reads(run_cli, tmp_path):
    """Moodle's MathJax filter typesets \\( \\) and $$ $$, not a single $: none may remain."""
    cs231n = SETS[[p.stem for p in SETS].index("cs231n")]
    code, _, err = run_cli("export", str(cs231n), "--to", "moodle", str(tmp_path / "q.xml"), "--variants", "2")
    assert code == 0, err
    texts = [q.find("questiontext/text").text for q in ET.parse(tmp_path / "q.xml").getroot().findall("question")]
    assert texts and all(re.search(r"\\\(.+?\\\)", t) for t in texts)
    assert not any(re.search(r"(?<![$\\])\$(?!\$)", t) for t in texts), texts[0]
    assert any("\\(q = x + y\\)" in t for t in texts), texts[0]


def test_moodle_gives_our_diagnosis_for_classic_mistakes(run_cli, tmp_path):
    worked = SETS[[p.stem for p in SETS].index("worked-example")]
    assert run_cli("export", str(worked), "--to", "moodle", str(tmp_path / "q.xml"), "--variants", "3")[0] == 0
    quiz = ET.parse(tmp_path / "q.xml").getroot()
    dw1 = next(q for q in quiz.findall("question") if q.find("name/text").text.endswith("yours.dw1"))
    feedback = [a.find("feedback/text").text for a in dw1.findall("answer")[1:]]
    assert any("sign" in f for f in feedback) and len(feedback) >= 2
    text = dw1.find("questiontext/text").text
    assert "{x}" in text and "{w1}" in text and "<script" not in text


def test_bad_export_arguments_write_nothing(run_cli, tmp_path):
    code, _, err = run_cli("export", str(SETS[0]), "--to", "moodle", str(tmp_path / "q.xml"), "--variants", "0")
    assert (code, err) == (2, "error: --variants must be at least 1 and at most 1000\n")
    code, _, err = run_cli("export", str(SETS[0]), "--to", "prairielearn", str(tmp_path / "no" / "course"))
    assert code == 2 and err.startswith("error: cannot write") and "does not exist" in err
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ folders made whole


def test_write_tree_creates_a_missing_folder_with_its_contents(tmp_path):
    written = write_tree(tmp_path / "new", [("a.txt", "A"), ("sub/b.txt", b"B")])
    assert (tmp_path / "new" / "a.txt").read_text() == "A" and (tmp_path / "new" / "sub" / "b.txt").read_bytes() == b"B"
    assert written == [tmp_path / "new" / "a.txt", tmp_path / "new" / "sub" / "b.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["new"]


def test_write_tree_refuses_paths_that_leave_the_folder(tmp_path):
    for bad in ("../x", "/etc/x", "a//b", ""):
        with pytest.raises(OutputError):
            write_tree(tmp_path / "t", [(bad, "x")])
    assert list(tmp_path.iterdir()) == []


def _failing_after(monkeypatch, count: int):
    real = files._tree_file
    calls = []

    def write(path, data, shown):
        calls.append(path)
        if len(calls) > count:
            raise OSError(28, "No space left on device")
        real(path, data, shown)

    monkeypatch.setattr(files, "_tree_file", write)


def test_a_failed_write_leaves_no_folder_and_no_temporary(tmp_path, monkeypatch):
    _failing_after(monkeypatch, 2)
    with pytest.raises(OutputError, match="No space left"):
        write_tree(tmp_path / "new", [(f"s{i}/results.json", "{}") for i in range(5)])
    assert list(tmp_path.iterdir()) == []


def test_gradescope_creates_its_folder_and_leaves_no_student_folder_when_a_write_fails(run_cli, tmp_path,
                                                                                       monkeypatch):
    worked = SETS[[p.stem for p in SETS].index("worked-example")]
    (tmp_path / "a.csv").write_text("id,textbook.h\ns1,0.7311\ns2,0.5\ns3,\n")
    code, _, err = run_cli("grade", str(worked), str(tmp_path / "a.csv"), "--gradescope", str(tmp_path / "gs"))
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "gs").iterdir()) == ["s1", "s2", "s3"]
    # into an existing folder: a failure on the third student leaves none of the new students' folders
    (tmp_path / "b.csv").write_text("id,textbook.h\nt1,0.7311\nt2,0.5\nt3,\n")
    _failing_after(monkeypatch, 2)
    code, _, err = run_cli("grade", str(worked), str(tmp_path / "b.csv"), "--gradescope", str(tmp_path / "gs"))
    assert code == 2 and "No space left" in err
    assert sorted(p.name for p in (tmp_path / "gs").iterdir()) == ["s1", "s2", "s3"]


def test_moodle_gives_numbers_where_no_formula_can_be_written():
    from autograd.apps.course import loads
    from autograd.apps.course.exports.moodle import moodle_xml

    text = '''title = "relu"
seed = "r"
[[problems]]
id = "p"
statement = "With $w = {{w}}$ and $x = {{x}}$."
program = "f = relu(w*x) + w"
[problems.inputs]
w = { uniform = [0.5, 2], decimals = 1 }
x = { uniform = [-2, 2], decimals = 1 }
[[problems.questions]]
id = "dw"
ask = "gradient"
of = "w"
'''
    problem_set = loads(text)
    question = ET.fromstring(moodle_xml(problem_set, 5)).find("question")
    assert question.find("answer/text").text == "{answer_dw}"
    items = {d.find("name/text").text: [float(i.find("value").text) for i in d.iter("dataset_item")]
             for d in question.iter("dataset_definition")}
    for k, got in enumerate(items["answer_dw"], 1):
        at, _, evaluation = evaluated_variant(problem_set.problems[0], "r", f"moodle-{k}")
        assert at == {"w": items["w"][k - 1], "x": items["x"][k - 1]}
        assert got == Solution(problem_set.problems[0], at, evaluation).answers["p.dw"]
