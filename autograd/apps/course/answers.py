"""The answers file a class hands in: ANSWERS.csv, one row per student.

Its first row names the columns: ``id`` and one column per question id PROBLEM.QUESTION (in
any order; a question without a column is graded as no answer). It is UTF-8, with or without
a byte-order mark, separated by commas, or by semicolons or tabs when the first row is; with
semicolons (a spreadsheet set to a language with decimal commas) ``0,7311`` reads as 0.7311.
A cell is one line (a quote left open would otherwise swallow the rows below it), and two
ids that name the same student (`autograd.apps.course.variants.student_key`: equal once
stripped and Unicode-normalised) are duplicates. Every mistake is one `AnswersError` naming
the file and the line; an id is shown through `printable`, never with its control characters.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from autograd.util.reading import InputError, read_text
from autograd.lang import nearest
from autograd.apps.course.problems import ProblemSet
from autograd.apps.course.variants import student_key

__all__ = ["AnswersError", "Answers", "read_answers", "parse_answers", "listed", "printable", "MAX_STUDENTS",
           "MAX_ANSWERS_BYTES"]

MAX_STUDENTS = 100_000
MAX_ANSWERS_BYTES = 64 * 2**20  # MAX_STUDENTS rows of 60 answers of 10 characters fit


class AnswersError(ValueError):
    """A malformed answers file: ``FILE, line N: what is wrong``."""


@dataclass
class Answers:
    """The rows of an answers file: per student id, per question id, the text typed."""

    source: str
    columns: list[str]  # question ids, in the file's order
    rows: dict[str, dict[str, str]]
    lines: dict[str, int]  # each student's line in the file
    missing: list[str] = field(default_factory=list)  # question ids with no column


def read_answers(path: str | Path, problem_set: ProblemSet) -> Answers:
    """Read ANSWERS.csv (see the module docstring); `AnswersError` for a malformed file."""
    path = Path(path)
    try:
        text = read_text(path, MAX_ANSWERS_BYTES, "answers file", encoding="utf-8-sig")
    except InputError as error:
        raise AnswersError(str(error)) from None
    return parse_answers(text, problem_set, str(path))


def parse_answers(text: str, problem_set: ProblemSet, source: str = "<answers>") -> Answers:
    """The answers in CSV text; see `read_answers`."""
    numbered = _rows(text.lstrip("\ufeff"), source)
    if not numbered:
        raise AnswersError(f"{source}: the file is empty; its first row names the columns: "
                           f"id,{','.join(problem_set.question_ids[:3])},…")
    header_line, header = numbered[0]
    header = [cell.strip() for cell in header]
    id_column = _header(header, header_line, problem_set, source)
    rows: dict[str, dict[str, str]] = {}
    lines: dict[str, int] = {}
    seen: dict[str, str] = {}  # each student (`student_key`) → the id as first written
    for line, row in numbered[1:]:
        if len(row) > len(header) and not any(cell.strip() for cell in row[len(header):]):
            row = row[:len(header)]  # empty cells a spreadsheet leaves at the end of a row
        if len(row) > len(header):
            raise AnswersError(f"{source}, line {line}: {len(row)} cells but the first row names {len(header)} columns")
        row = row + [""] * (len(header) - len(row))
        student = row[id_column].strip()
        if not student:
            raise AnswersError(f"{source}, line {line}: the id is empty")
        first = seen.setdefault(student_key(student), student)
        if first != student or student in rows:
            same = "" if first == student else f" as {_quoted(first)}, the same id once Unicode-normalised"
            raise AnswersError(f"{source}, line {line}: the id {_quoted(student)} is also on line {lines[first]}"
                               f"{same} (duplicate ids)")
        if len(rows) >= MAX_STUDENTS:
            raise AnswersError(f"{source}: more than {MAX_STUDENTS:,} students")
        rows[student] = {c: cell for i, (c, cell) in enumerate(zip(header, row)) if i != id_column}
        lines[student] = line
    columns = [c for i, c in enumerate(header) if i != id_column]
    missing = [q for q in problem_set.question_ids if q not in columns]
    return Answers(source, columns, rows, lines, missing)


def _rows(text: str, source: str) -> list[tuple[int, list[str]]]:
    """The rows that are not blank, each with the line it starts on. A cell is one line: a quoted
    cell that runs on over a line break is a quote left open (it would swallow the students
    below it into one cell), and so is a quote still open at the end of the file."""
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    numbered = []
    read = 0  # lines read before this row
    try:
        for row in reader:
            if reader.line_num > read + 1:
                raise AnswersError(f"{source}, line {read + 1}: a quoted cell starting on this line runs on to line "
                                   f"{reader.line_num}; is a closing quote missing? (a cell is one line)")
            if any(cell.strip() for cell in row):
                numbered.append((read + 1, row))
            read = reader.line_num
    except csv.Error as error:
        if str(error) == "unexpected end of data":  # the file ends inside a quoted cell
            raise AnswersError(f"{source}, line {read + 1}: a quote opened on this line is never closed") from None
        raise AnswersError(f"{source}, line {read + 1}: not a CSV file ({error})") from None
    if delimiter == ";":  # a spreadsheet that writes decimal commas: 0,7311 is 0.7311 there
        numbered = [(n, [_DECIMAL_COMMA.sub(r"\1.\2", cell) for cell in row]) for n, row in numbered]
    return numbered


def _header(header: list[str], line: int, problem_set: ProblemSet, source: str) -> int:
    """Check the first row (an id column, known question ids, none twice); the id column's index."""
    lowered = [cell.lower() for cell in header]
    if "id" not in lowered:
        raise AnswersError(f"{source}, line {line}: no 'id' column (the first row names the columns: "
                           f"id,{','.join(problem_set.question_ids[:3])},…; it has {listed(header)})")
    id_column = lowered.index("id")
    known = problem_set.question_ids
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        raise AnswersError(f"{source}, line {line}: the column{'s' * (len(repeated) > 1)} "
                           f"{listed(repeated)} appear{'s' * (len(repeated) == 1)} twice")
    unknown = [c for i, c in enumerate(header) if i != id_column and c not in known]
    if unknown:
        meant = nearest(unknown[0], known)
        hint = f"did you mean '{meant}'?" if meant else f"the questions are {listed(known)}"
        raise AnswersError(f"{source}, line {line}: unknown question column"
                           f"{'s' * (len(unknown) > 1)} {listed(unknown)} ({hint})")
    return id_column


def _quoted(text: str) -> str:
    """'text' on one line, shortened: a cell may hold anything (see `printable`)."""
    shown = repr(text) if "'" in text else f"'{printable(text)}'"
    return shown if len(shown) <= 40 else shown[:39] + "…"


_HIDDEN = {"Cc", "Cf", "Zl", "Zp", "Cs"}  # controls, format characters (bidi, zero-width), separators


def printable(text: str) -> str:
    """Text from a file (a student id) as a terminal may be given it: every control character
    (an escape sequence's ESC, a new line), bidirectional control (U+202E, which reverses what
    follows) and other invisible format character is written as its escape, ``\\x1b`` or
    ``\\u202e``; all else as typed."""
    if text.isprintable():
        return text
    return "".join(_escaped(c) if unicodedata.category(c) in _HIDDEN else c for c in text)


def _escaped(character: str) -> str:
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else (f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")


_DECIMAL_COMMA = re.compile(r"\A(\s*[+\-\u2212]?[0-9]*),([0-9]+(?:[eE][+-]?[0-9]+)?\s*)\Z")


def _delimiter(text: str) -> str:
    """',' — or ';' or a tab when the first row is separated by those (spreadsheets set to a
    language with decimal commas write ';')."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    if "," in first:
        return ","
    return ";" if ";" in first else ("\t" if "\t" in first else ",")


def listed(names: list[str]) -> str:
    """Up to eight names, quoted, and how many more."""
    shown = ", ".join(_quoted(n) for n in names[:8])
    return shown + (f" and {len(names) - 8} more" if len(names) > 8 else "")
