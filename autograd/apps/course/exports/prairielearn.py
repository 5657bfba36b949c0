"""``autograd export SET --to prairielearn DIR``: a problem set as PrairieLearn questions.

DIR is a PrairieLearn course folder (created when missing). The export writes

- ``questions/SET/PROBLEM/`` for each problem: ``info.json`` (the fields PrairieLearn documents
  for a question, `INFO_FIELDS`; its ``uuid`` is derived from the set and the problem, so
  exporting again keeps PrairieLearn's record of the question), ``question.html`` (the statement,
  its ``{{name}}`` placeholders as ``{{params.name}}``, and a ``pl-number-input`` per question)
  and ``server.py`` (``generate`` and ``grade``, which call `runtime`);
- ``serverFilesCourse/autograd/``: the grading code, copied from this package (the modules
  listed in `VENDORED`, standard library only; the course packages' ``__init__`` files become
  stubs, so nothing beyond grading is imported);
- ``serverFilesCourse/autograd_sets/SET.toml``: the set itself, read by ``server.py``.

Everything is written at once through `autograd.util.files.write_tree`: a new course folder
appears complete or not at all.
"""

from __future__ import annotations

import html
import json
import re
import uuid
from pathlib import Path

from autograd.apps.course.problems import PLACEHOLDER, Problem, ProblemSet

__all__ = ["INFO_FIELDS", "VENDORED", "export_files", "info_json", "question_html", "server_py", "vendored_files",
           "validate_info", "set_name"]

# The question info.json fields PrairieLearn documents that we write, with their types.
INFO_FIELDS = {"uuid": str, "title": str, "topic": str, "tags": list, "type": str, "singleVariant": bool,
               "gradingMethod": str, "partialCredit": bool}
REQUIRED_INFO = ("uuid", "title", "topic", "type")
TOPIC = "Backpropagation"
_NAMESPACE = uuid.UUID("6f1a5e0c-3b7d-4c2e-9a58-0d4b1e7c2f90")  # ours: every question uuid is derived from it

# The grading code a question needs: whole folders (layers below the course kit), single modules.
VENDORED_FOLDERS = ("util", "core", "lang", "explain", "checking")
VENDORED = ("__init__.py", "higher.py", "apps/__init__.py", "apps/course/answers.py", "apps/course/fields.py",
            "apps/course/follow.py", "apps/course/format.py", "apps/course/grade.py", "apps/course/keylines.py",
            "apps/course/problems.py", "apps/course/solve.py", "apps/course/variants.py",
            "apps/course/exports/__init__.py", "apps/course/exports/runtime.py")
STUBS = {"apps/course/__init__.py": '"""The course kit\'s grading, vendored by `autograd export` (the full kit: '
                                    'pip install the package)."""\n'}


def set_name(path: str | Path) -> str:
    """The set's folder name under questions/: its file name, as letters, digits, - and _."""
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(path).stem).strip("-")
    return name or "problem-set"


def info_json(problem_set: ProblemSet, problem: Problem, name: str) -> dict:
    """A question's info.json: a stable uuid, its title, topic and tags."""
    return {"uuid": str(uuid.uuid5(_NAMESPACE, f"{name}\0{problem_set.seed}\0{problem.id}")),
            "title": f"{problem_set.title}: {problem.title or problem.id}",
            "topic": TOPIC, "tags": ["autograd", name], "type": "v3",
            "singleVariant": not any(rule.random for rule in problem.inputs),
            "gradingMethod": "Internal", "partialCredit": True}


def validate_info(info: dict) -> list[str]:
    """What is wrong with an info.json against the fields PrairieLearn documents ([] when fine)."""
    problems = [f"missing field {key!r}" for key in REQUIRED_INFO if key not in info]
    for key, value in info.items():
        if key not in INFO_FIELDS:
            problems.append(f"unknown field {key!r}")
        elif not isinstance(value, INFO_FIELDS[key]):
            problems.append(f"{key} has the wrong type ({type(value).__name__})")
    if isinstance(info.get("uuid"), str):
        try:
            uuid.UUID(info["uuid"])
        except ValueError:
            problems.append(f"uuid {info['uuid']!r} is not a UUID")
    if info.get("type") != "v3":
        problems.append("type must be 'v3' (a question with server.py)")
    if not all(isinstance(tag, str) for tag in info.get("tags", [])):
        problems.append("tags must be strings")
    return problems


def _template_text(text: str) -> str:
    """Set text as question.html text: escaped, its placeholders PrairieLearn's, no other {{."""
    marked = PLACEHOLDER.sub(lambda m: f"\0{m.group(1)}\0", text)
    escaped = html.escape(marked).replace("{{", "&#123;&#123;").replace("}}", "&#125;&#125;")
    return re.sub(r"\0([A-Za-z_][A-Za-z_0-9]*)\0", r"{{params.\1}}", escaped)


def question_html(problem: Problem) -> str:
    """The statement in a question panel, then one pl-number-input per question."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", problem.statement.strip()) if p.strip()]
    lines = ["<pl-question-panel>"] + [f"  <p>{_template_text(p)}</p>" for p in paragraphs] + ["</pl-question-panel>"]
    for q in problem.questions:
        asked = q.text or {"value": f"the value of {q.of}", "gradient": f"∂{problem.program.output}/∂{q.of}",
                           "update": f"{q.of} after one gradient-descent step"}[q.ask]
        lines += [f"<p>{_template_text(asked)} ({q.points:g} point{'s' * (q.points != 1)}; "
                  f"{html.escape(q.tolerance.describe())})</p>",
                  f'<pl-number-input answers-name="{html.escape(q.id, quote=True)}" label="{html.escape(q.id, quote=True)} ="'
                  f' weight="{q.points:g}" allow-blank="true" show-help-text="false"></pl-number-input>']
    return "\n".join(lines) + "\n"


def server_py(name: str, problem: Problem) -> str:
    """The question's server.py: find the vendored package and the set, then call `runtime`."""
    return f'''"""PrairieLearn question {problem.id!r} of the problem set {name!r}, written by `autograd export`.

generate draws the variant's numbers from PrairieLearn's variant seed through autograd's variant
function; grade applies autograd's precision rule, diagnoses wrong answers and gives
follow-through credit. The code is in serverFilesCourse/autograd (copied there by the export).
"""

import os
import sys

SET = {name + ".toml"!r}
PROBLEM = {problem.id!r}


def _course(data):
    base = (data.get("options") or {{}}).get("server_files_course_path")
    if not base:  # questions/SET/PROBLEM/server.py: the course folder is three levels up
        here = os.path.dirname(os.path.abspath(__file__))
        base = os.path.normpath(os.path.join(here, "..", "..", "..", "serverFilesCourse"))
    if base not in sys.path:
        sys.path.insert(0, base)
    from autograd.apps.course.exports import runtime

    with open(os.path.join(base, "autograd_sets", SET), encoding="utf-8") as f:
        return runtime, f.read()


def generate(data):
    runtime, text = _course(data)
    runtime.generate(data, text, PROBLEM)


def grade(data):
    runtime, text = _course(data)
    runtime.grade(data, text, PROBLEM)
'''


def vendored_files() -> list[tuple[str, bytes | str]]:
    """The grading code, as (path under serverFilesCourse, contents)."""
    package = Path(__file__).resolve().parents[3]  # the autograd folder
    files: list[tuple[str, bytes | str]] = []
    for folder in VENDORED_FOLDERS:
        for path in sorted((package / folder).rglob("*.py")):
            files.append((f"autograd/{path.relative_to(package).as_posix()}", path.read_bytes()))
    files += [(f"autograd/{rel}", (package / rel).read_bytes()) for rel in VENDORED]
    files += [(f"autograd/{rel}", text) for rel, text in STUBS.items()]
    return files


def export_files(problem_set: ProblemSet, set_text: str, name: str) -> list[tuple[str, bytes | str]]:
    """Every file of the export, as (path under the course folder, contents)."""
    files: list[tuple[str, bytes | str]] = []
    for problem in problem_set.problems:
        folder = f"questions/{name}/{problem.id}"
        files += [(f"{folder}/info.json", json.dumps(info_json(problem_set, problem, name), indent=2) + "\n"),
                  (f"{folder}/question.html", question_html(problem)),
                  (f"{folder}/server.py", server_py(name, problem))]
    files.append((f"serverFilesCourse/autograd_sets/{name}.toml", set_text))
    files += [(f"serverFilesCourse/{path}", data) for path, data in vendored_files()]
    return files
