"""Grading a class: each answer judged, diagnosed, and given follow-through credit.

Verdicts, tolerances and diagnoses all come from `autograd.checking.check` (`parse_claim`, `judge`,
`Diagnoser`); this module adds what a course needs on top:

- ``no answer``: a blank cell, or one that is not a number (0 points, never an error);
- points: full for a right answer, 0 for a wrong or imprecise one;
- **follow-through**: a wrong answer that agrees (by the same precision rule) with what the
  student's own earlier wrong answers give when the rest is done right gets the fraction of
  its points the set configures (``follow_through``). "What they give" is computed on the
  problem's graph: each earlier wrong *value* takes the place of the true one (the program
  is run again with ``q = (expr) + δ``, δ moving q to the student's number), then the chain
  rule runs backward with each earlier wrong *gradient* replacing ∂OUT/∂quantity once all its
  uses are summed, and every local derivative right (at the values so computed). So an output from their hidden value, a gradient from their upstream
  gradient times the right local derivative, and an update w − η·g from their g all follow.
  "Earlier" means before it in the problem's list of questions; right answers never count
  as a source, so credit is given only when an earlier answer is wrong and this one is
  consistent with it. The sources named are those without which the answer would not agree.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from autograd.checking import MISTAKES, Claim, Diagnosis, Diagnoser, judge, true_value
from autograd.core import Value, topological_order
from autograd.lang import ExprError, nearest, parse
from autograd.explain import fmt
from autograd.apps.course.format import ProblemSet, Question, read_bounded
from autograd.apps.course.solve import Solution, parsed_claim, solve_set

__all__ = ["AnswersError", "Answers", "read_answers", "parse_answers", "QuestionGrade", "FollowThrough",
           "StudentGrade", "ClassGrades", "grade_student", "grade_class", "judged", "NO_ANSWER",
           "MAX_STUDENTS"]

NO_ANSWER = "no answer"
MAX_STUDENTS = 100_000
MAX_CELL = 200  # characters: longer cells are not numbers anyone typed
MAX_ANSWERS_BYTES = 64 * 2**20  # MAX_STUDENTS rows of 60 answers of 10 characters fit


class AnswersError(ValueError):
    """A malformed answers file: ``FILE, line N: what is wrong``."""


# ------------------------------------------------------------------ the answers file


@dataclass
class Answers:
    """The rows of an answers file: per student id, per question id, the text typed."""

    source: str
    columns: list[str]  # question ids, in the file's order
    rows: dict[str, dict[str, str]]
    lines: dict[str, int]  # each student's line in the file
    missing: list[str] = field(default_factory=list)  # question ids with no column


def read_answers(path: str | Path, problem_set: ProblemSet) -> Answers:
    """Read ANSWERS.csv (UTF-8, an optional byte-order mark): an ``id`` column and one column
    per question id PROBLEM.QUESTION. `AnswersError` for a malformed file."""
    path = Path(path)
    try:
        raw = read_bounded(path, MAX_ANSWERS_BYTES)
        if len(raw) > MAX_ANSWERS_BYTES:
            raise AnswersError(f"{path}: larger than {MAX_ANSWERS_BYTES // 2**20} MiB, the most an answers file may be")
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise AnswersError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    except OSError as error:
        raise AnswersError(f"{path}: cannot read the answers: {error.strerror or error}") from None
    return parse_answers(text, problem_set, str(path))


def parse_answers(text: str, problem_set: ProblemSet, source: str = "<answers>") -> Answers:
    """The answers in CSV text; see `read_answers`."""
    text = text.lstrip("\ufeff")
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    numbered = []  # (the line a row starts on, its cells); a quoted cell may hold a new line
    read = 0  # lines read before this row
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                numbered.append((read + 1, row))
            read = reader.line_num
    except csv.Error as error:
        raise AnswersError(f"{source}, line {reader.line_num}: not a CSV file ({error})") from None
    if delimiter == ";":  # a spreadsheet that writes decimal commas: 0,7311 is 0.7311 there
        numbered = [(n, [_DECIMAL_COMMA.sub(r"\1.\2", cell) for cell in row]) for n, row in numbered]
    if not numbered:
        raise AnswersError(f"{source}: the file is empty; its first row names the columns: "
                           f"id,{','.join(problem_set.question_ids[:3])},…")
    header_line, header = numbered[0]
    header = [cell.strip() for cell in header]
    lowered = [cell.lower() for cell in header]
    if "id" not in lowered:
        raise AnswersError(f"{source}, line {header_line}: no 'id' column (the first row names the columns: "
                           f"id,{','.join(problem_set.question_ids[:3])},…; it has {_listed(header)})")
    id_column = lowered.index("id")
    known = problem_set.question_ids
    columns = [c for i, c in enumerate(header) if i != id_column]
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        raise AnswersError(f"{source}, line {header_line}: the column{'s' * (len(repeated) > 1)} "
                           f"{_listed(repeated)} appear{'s' * (len(repeated) == 1)} twice")
    unknown = [c for c in columns if c not in known]
    if unknown:
        meant = nearest(unknown[0], known)
        hint = f"did you mean '{meant}'?" if meant else f"the questions are {_listed(known)}"
        raise AnswersError(f"{source}, line {header_line}: unknown question column"
                           f"{'s' * (len(unknown) > 1)} {_listed(unknown)} ({hint})")
    rows: dict[str, dict[str, str]] = {}
    lines: dict[str, int] = {}
    for line, row in numbered[1:]:
        if len(row) > len(header) and not any(cell.strip() for cell in row[len(header):]):
            row = row[:len(header)]  # empty cells a spreadsheet leaves at the end of a row
        if len(row) > len(header):
            raise AnswersError(f"{source}, line {line}: {len(row)} cells but the first row names {len(header)} columns")
        row = row + [""] * (len(header) - len(row))
        student = row[id_column].strip()
        if not student:
            raise AnswersError(f"{source}, line {line}: the id is empty")
        if student in rows:
            raise AnswersError(f"{source}, line {line}: the id {_quoted(student)} is also on line {lines[student]} "
                               "(duplicate ids)")
        if len(rows) >= MAX_STUDENTS:
            raise AnswersError(f"{source}: more than {MAX_STUDENTS:,} students")
        rows[student] = {c: cell for i, (c, cell) in enumerate(zip(header, row)) if i != id_column}
        lines[student] = line
    missing = [q for q in known if q not in columns]
    return Answers(source, columns, rows, lines, missing)


def _quoted(text: str) -> str:
    """'text' on one line, shortened: a cell may hold anything."""
    shown = repr(text) if ("\n" in text or "'" in text) else f"'{text}'"
    return shown if len(shown) <= 40 else shown[:39] + "…"


_DECIMAL_COMMA = re.compile(r"\A(\s*[+\-\u2212]?[0-9]*),([0-9]+(?:[eE][+-]?[0-9]+)?\s*)\Z")


def _delimiter(text: str) -> str:
    """',' — or ';' or a tab when the first row is separated by those (spreadsheets set to a
    language with decimal commas write ';')."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    if "," in first:
        return ","
    return ";" if ";" in first else ("\t" if "\t" in first else ",")


def _listed(names: list[str]) -> str:
    shown = ", ".join(_quoted(n) for n in names[:8])
    return shown + (f" and {len(names) - 8} more" if len(names) > 8 else "")


# ------------------------------------------------------------------ one answer


@dataclass
class FollowThrough:
    """Credit for an answer that follows from the student's own earlier wrong answers."""

    sources: list[str]  # the earlier questions' ids
    expected: float  # what those answers give
    points: float
    text: str

    def to_json(self) -> dict:
        return {"from": self.sources, "expected": self.expected, "points": self.points, "text": self.text}


@dataclass
class QuestionGrade:
    question: Question
    answer: str  # as typed
    truth: float
    verdict: str  # "right", "wrong", "imprecise" or "no answer"
    points: float
    claim: Claim | None = None
    diagnoses: list[Diagnosis] = field(default_factory=list)
    follow_through: FollowThrough | None = None
    note: str = ""

    def to_json(self) -> dict:
        return {"answer": self.answer, "claimed": None if self.claim is None else self.claim.claimed,
                "true": self.truth, "verdict": self.verdict, "points": self.points,
                "max_points": self.question.points,
                "diagnoses": [{"code": d.code, "text": d.text} for d in self.diagnoses],
                "follow_through": None if self.follow_through is None else self.follow_through.to_json(),
                "note": self.note}

    def feedback(self) -> str:
        """One paragraph for the student: the verdict, the true value, the diagnosis, the credit."""
        q = self.question
        head = f"{self.verdict}: {self.points:g} of {q.points:g} point{'s' * (q.points != 1)}"
        if self.verdict == NO_ANSWER:
            return f"{head}. {self.note or 'No answer was given.'} The answer is {fmt(self.truth, 6)}."
        if self.verdict == "right":
            return f"{head}. Your answer {self.answer.strip()} is right."
        if self.verdict == "imprecise":
            return (f"{head}. Your answer {self.answer.strip()} agrees but has too few significant "
                    f"figures ({q.tolerance.describe()}); the answer is {fmt(self.truth, 6)}.")
        parts = [f"{head}. Your answer {self.answer.strip()} is wrong; the answer is {fmt(self.truth, 6)}."]
        parts += [d.text[:1].upper() + d.text[1:] for d in self.diagnoses]
        if self.follow_through:
            parts.append(self.follow_through.text)
        return " ".join(parts)


def judged(question: Question, solution: Solution, text: str) -> tuple[Claim, str]:
    """The student's text as a claim and its verdict, by the question's tolerance rule (the
    rule itself is `autograd.checking.check`'s). ValueError when the text is not a number."""
    tolerance = question.tolerance
    claim = parsed_claim(question, solution.evaluation, text, rtol=tolerance.rtol if tolerance.rule == "rtol" else None)
    if tolerance.rule == "rtol" and tolerance.atol:
        claim = replace(claim, tolerance=claim.tolerance + tolerance.atol)  # check has rtol; a course adds atol
    sig = tolerance.sig if tolerance.rule == "sig" else None
    return claim, judge(claim, solution.values, solution.grads, sig).verdict


class _Problem:
    """Grades the answers to one problem of one student, in the problem's question order."""

    def __init__(self, solution: Solution) -> None:
        self.solution = solution
        self._diagnoser: Diagnoser | None = None
        self.wrong: list[tuple[Question, Claim]] = []  # earlier wrong answers, sources of follow-through

    def grade(self, question: Question, text: str) -> QuestionGrade:
        truth = self.solution.answers[question.qid]
        text = (text or "").strip()
        if not text:
            return QuestionGrade(question, text, truth, NO_ANSWER, 0.0, note="No answer was given.")
        if len(text) > MAX_CELL:
            return QuestionGrade(question, text[:MAX_CELL] + "…", truth, NO_ANSWER, 0.0,
                                 note=f"The answer is longer than {MAX_CELL} characters.")
        try:
            claim, verdict = judged(question, self.solution, text)
        except ValueError:
            return QuestionGrade(question, text, truth, NO_ANSWER, 0.0,
                                 note=f"{text!r} could not be read as a number.")
        if verdict == "right":
            return QuestionGrade(question, text, truth, verdict, question.points, claim)
        grade = QuestionGrade(question, text, truth, verdict, 0.0, claim)
        if verdict == "wrong":
            grade.diagnoses = self.diagnose(question, claim, truth)
            grade.follow_through = self.follow_through(question, claim)
            if grade.follow_through:
                grade.points = grade.follow_through.points
            self.wrong.append((question, claim))
        return grade

    def diagnose(self, question: Question, claim: Claim, truth: float) -> list[Diagnosis]:
        if question.ask == "value":
            return []
        if self._diagnoser is None:
            evaluation = self.solution.evaluation
            self._diagnoser = Diagnoser(evaluation.root, evaluation.constants)
        node = self.solution.evaluation.values[question.of]
        return self._diagnoser.diagnose(claim, node, truth)

    # -- follow-through

    def follow_through(self, question: Question, claim: Claim) -> FollowThrough | None:
        sources = [(q, c) for q, c in self.wrong if q.ask in ("value", "gradient")]
        if not sources:
            return None
        expected = self.consistent(question, claim, sources)
        if expected is None:
            return None
        alone = [s for s in reversed(sources) if self.consistent(question, claim, [s]) is not None]
        if alone:  # the latest earlier answer that explains it by itself
            used = alone[:1]
        else:  # those without which it would not agree
            needed = [s for s in sources if self.consistent(question, claim, [o for o in sources if o is not s]) is None]
            used = needed or sources
        points = round(question.points * question.follow_through, 9)
        names = ", ".join(f"{c.quantity(self.solution.output)} = {c.number}" for _, c in used)
        text = (f"Follow-through: {fmt(expected, 6)} is what your earlier answer{'s' * (len(used) > 1)} "
                f"{names} give{'s' * (len(used) == 1)} when the rest is done right, so this answer gets "
                f"{points:g} of {question.points:g} point{'s' * (question.points != 1)}.")
        return FollowThrough([q.qid for q, _ in used], expected, points, text)

    def consistent(self, question: Question, claim: Claim, sources: list[tuple[Question, Claim]]) -> float | None:
        """What the earlier answers ``sources`` give for ``question``, when the claim agrees with
        it by the question's rule; else None."""
        if not sources:
            return None
        computed = _with_answers(self.solution, sources)
        if computed is None:
            return None
        values, grads = computed
        sig = question.tolerance.sig if question.tolerance.rule == "sig" else None
        if question.of not in values:
            return None
        try:
            if judge(claim, values, grads, sig).verdict != "right":
                return None
        except OverflowError:  # the earlier answers make this step overflow: nothing to follow through
            return None
        return true_value(claim, values, grads)


def _with_answers(solution: Solution, sources: list[tuple[Question, Claim]]) -> tuple[dict, dict] | None:
    """Every value and gradient of the problem with the student's answers in ``sources`` put in
    place of the true ones (see the module docstring); None when the program cannot be run there.

    A replaced value stays connected to what it was computed from: its statement ``q = expr``
    becomes ``q = (expr) + δ`` with δ the student's q minus what expr gives from the (already
    replaced) earlier values. So later values use the student's q, and the chain rule still
    runs through q with every local derivative right."""
    program = solution.problem.program
    output = program.output
    replaced_values = {q.of: c.claimed for q, c in sources if q.ask == "value" and q.of != output}
    replaced_grads = {q.of: c.claimed for q, c in sources if q.ask == "gradient" and q.of != output}
    at = {**solution.at, **{k: v for k, v in replaced_values.items() if k in solution.at}}
    evaluation = solution.evaluation
    texts = {s.name: s.text for s in program.statements if s.name in replaced_values}
    changed = at != solution.at
    try:
        for statement in program.statements:
            if statement.name not in replaced_values:
                continue
            if changed:
                evaluation = _program(program, texts).evaluate(at)
            shift = replaced_values[statement.name] - evaluation.values[statement.name].data
            texts[statement.name] = f"({texts[statement.name]}) + ({shift!r})"
            changed = True
        if changed:
            evaluation = _program(program, texts).evaluate(at)
    except (ExprError, ArithmeticError, ValueError):
        return None
    nodes = evaluation.values
    grads = _backward(evaluation.root, {nodes[name]: g for name, g in replaced_grads.items() if name in nodes})
    return ({name: node.data for name, node in nodes.items()},
            {name: grads.get(node, 0.0) for name, node in nodes.items()})


def _program(program, texts: dict[str, str]):
    """The program with the statements named in ``texts`` written anew."""
    return parse("\n".join(f"{s.name} = {texts[s.name] if s.name in texts else s.text}"
                           for s in program.statements))


def _backward(root: Value, replaced: dict[Value, float]) -> dict[Value, float]:
    """The chain rule over the graph, child.grad += local · node.grad in backward's order, with
    ∂root/∂node replaced by ``replaced[node]`` once the node's own gradient is complete."""
    grads = {root: 1.0}
    for node in reversed(topological_order(root)):
        g = replaced.get(node, grads.get(node, 0.0))
        grads[node] = g
        for child, local in zip(node.children, node.local_grads):
            grads[child] = grads.get(child, 0.0) + local * g
    return grads


# ------------------------------------------------------------------ students and a class


@dataclass
class StudentGrade:
    id: str
    questions: dict[str, QuestionGrade]
    inputs: dict[str, dict[str, float]]

    @property
    def score(self) -> float:
        return round(math.fsum(g.points for g in self.questions.values()), 9)

    @property
    def max_score(self) -> float:
        return round(math.fsum(g.question.points for g in self.questions.values()), 9)

    def to_json(self) -> dict:
        return {"id": self.id, "score": self.score, "max_score": self.max_score,
                "questions": {qid: g.to_json() for qid, g in self.questions.items()}, "inputs": self.inputs}


def grade_student(problem_set: ProblemSet, student: str, answers: dict[str, str]) -> StudentGrade:
    """Grade one student's answers (question id → text; a missing id is no answer)."""
    numbers, solutions = solve_set(problem_set, student)
    grades: dict[str, QuestionGrade] = {}
    for solution in solutions:
        problem = _Problem(solution)
        for question in solution.problem.questions:
            grades[question.qid] = problem.grade(question, answers.get(question.qid, ""))
    return StudentGrade(student, grades, numbers.inputs)


@dataclass
class ClassGrades:
    problem_set: ProblemSet
    students: list[StudentGrade]
    notes: list[str] = field(default_factory=list)

    def question_stats(self) -> dict[str, dict]:
        """Per question: how many right, wrong, imprecise, no answer, with follow-through; the
        mean points; the mistakes diagnosed, most common first."""
        stats = {}
        for question in self.problem_set.questions:
            grades = [s.questions[question.qid] for s in self.students]
            verdicts = Counter(g.verdict for g in grades)
            mistakes = Counter(d.code for g in grades for d in g.diagnoses)
            n = len(grades)
            stats[question.qid] = {
                "max_points": question.points,
                "right": verdicts["right"], "wrong": verdicts["wrong"], "imprecise": verdicts["imprecise"],
                "no_answer": verdicts[NO_ANSWER],
                "follow_through": sum(g.follow_through is not None for g in grades),
                "mean_points": round(math.fsum(g.points for g in grades) / n, 9) if n else 0.0,
                "mistakes": [{"code": code, "count": count, "what": MISTAKES[code].what}
                             for code, count in mistakes.most_common()],
            }
        return stats

    def to_json(self) -> dict:
        scores = [s.score for s in self.students]
        return {
            "set": self.problem_set.title,
            "max_score": self.problem_set.max_score,
            "students": [s.to_json() for s in self.students],
            "questions": self.question_stats(),
            "mean_score": round(math.fsum(scores) / len(scores), 9) if scores else 0.0,
            "notes": self.notes,
        }

    def to_csv(self) -> str:
        """id, score, max_score, then the points of each question."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        qids = self.problem_set.question_ids
        writer.writerow(["id", "score", "max_score", *qids])
        for s in self.students:
            writer.writerow([_cell(s.id), f"{s.score:g}", f"{s.max_score:g}",
                             *(f"{s.questions[q].points:g}" for q in qids)])
        return out.getvalue()

    def lines(self) -> list[str]:
        """The grades as text: one line per student, then each question's counts."""
        qids = self.problem_set.question_ids
        width = max([len("id"), *(len(s.id) for s in self.students)])
        short = {"right": "✓", "wrong": "✗", "imprecise": "~", NO_ANSWER: "-"}
        lines = [f"{self.problem_set.title}: {len(self.students)} student{'s' * (len(self.students) != 1)}, "
                 f"{len(qids)} questions, {self.problem_set.max_score:g} points", ""]
        for s in self.students:
            marks = " ".join(short[s.questions[q].verdict] + ("*" if s.questions[q].follow_through else "")
                             for q in qids)
            lines.append(f"  {s.id.ljust(width)}  {s.score:>6g} / {s.max_score:g}   {marks}")
        lines += ["", "  ✓ right  ✗ wrong  ~ imprecise  - no answer  * follow-through credit", "",
                  "per question:"]
        for qid, st in self.question_stats().items():
            common = ", ".join(f"{m['code']} ×{m['count']}" for m in st["mistakes"][:3])
            lines.append(f"  {qid}: {st['right']} right, {st['wrong']} wrong ({st['follow_through']} with "
                         f"follow-through), {st['imprecise']} imprecise, {st['no_answer']} no answer"
                         + (f"; mistakes: {common}" if common else ""))
        lines += [f"note: {note}" for note in self.notes]
        return lines


def grade_class(problem_set: ProblemSet, answers: Answers) -> ClassGrades:
    """Grade every row of an answers file, in the file's order."""
    students = [grade_student(problem_set, student, row) for student, row in answers.rows.items()]
    notes = []
    if answers.missing:
        notes.append(f"{answers.source} has no column for {_listed(answers.missing)}: graded as no answer")
    return ClassGrades(problem_set, students, notes)


def _cell(text: str) -> str:
    """A text cell that a spreadsheet will not run as a formula: one starting with = + - @ (or a
    tab or carriage return) gets a leading apostrophe, as OWASP advises for CSV files."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
