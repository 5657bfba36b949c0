"""Where each key of a TOML document was written: the line in ``hw1.toml, line 14, field …``.

tomllib gives the values but not where they stand, and only an error needs that. So when a
field is wrong, one pass over the text (already parsed by tomllib, so known to be valid)
finds the line of every key: a regular expression cuts the text into tokens (strings,
comments, brackets, keys, the rest of a value) and a small state machine follows tables,
arrays of tables, inline tables and arrays, numbering array items from 0 as the parsed
document does::

    key_lines(text)[("problems", 1, "questions", 0, "of")]  → 23
"""

from __future__ import annotations

import re

__all__ = ["key_lines", "field_name"]

_TOKEN = re.compile(r'''
      (?P<string> """(?:\\.|[^\\])*?""" | \'\'\'.*?\'\'\' | "(?:\\.|[^"\\\n])*" | '[^'\n]*' )
    | (?P<comment> \#[^\n]* )
    | (?P<newline> \n )
    | (?P<punct> \[\[ | \]\] | [\[\]{}=,.] )
    | (?P<bare> [^\s\[\]{}=,.\#"']+ )
    | (?P<space> \s )
''', re.S | re.X)


def key_lines(text: str) -> dict[tuple, int]:
    """The line (from 1) of every key, table header and inline table or array, by its path:
    ``("problems", 1, "questions", 0, "of") → 23``; ``[[problems]]`` is where ``("problems",)``
    and ``("problems", 0)`` are."""
    scan = _Scan()
    for match in _TOKEN.finditer(text):
        kind, token = match.lastgroup, match.group()
        if kind == "newline":
            scan.newline()
        elif kind not in ("space", "comment"):
            scan.mode(kind, token)
            scan.line += token.count("\n")  # a multi-line string
    return scan.lines


class _Scan:
    """The state between tokens: which table we are in, the inline values open, what comes next.

    ``mode`` is the method for the next token: reading a key (up to ``=``), a header (up to
    ``]``), the start of a value, or the rest of one (skipped up to ``,``, a closing bracket
    or the end of the line).
    """

    def __init__(self) -> None:
        self.lines: dict[tuple, int] = {}
        self.line = 1
        self.table: tuple = ()  # the path of the current [table] or [[array item]]
        self.counts: dict[tuple, int] = {}  # how many [[items]] each array of tables has had
        self.stack: list[list] = []  # open inline values: [path, next item's index] (None: a table)
        self.parts: list[str] = []  # the key or header being read
        self.path: tuple = ()  # the key whose value is being read
        self.array_header = False
        self.mode = self.key

    def newline(self) -> None:
        self.line += 1
        if not self.stack and self.mode == self.rest:
            self.mode = self.key

    def key(self, kind: str, token: str) -> None:
        if kind != "punct":
            self.parts.append(token.strip("\"'"))
        elif token == "=":
            base = self.stack[-1][0] if self.stack else self.table
            self.path, self.parts = base + tuple(self.parts), []
            self.lines.setdefault(self.path, self.line)
            self.mode = self.value
        elif token in ("[", "[[") and not self.stack:
            self.array_header, self.mode = token == "[[", self.header
        elif token == "}":  # an empty inline table
            self.close()

    def header(self, kind: str, token: str) -> None:
        if kind != "punct":
            self.parts.append(token.strip("\"'"))
        elif token in ("]", "]]"):
            self.table, self.parts = _resolve(tuple(self.parts), self.counts, self.array_header), []
            for end in range(1, len(self.table) + 1):
                self.lines.setdefault(self.table[:end], self.line)
            self.mode = self.rest

    def value(self, kind: str, token: str) -> None:
        if token in ("]", "]]") and kind == "punct":  # an empty array, or one ending in a comma
            for _ in token:
                self.close()
            return
        path = self.path
        if self.stack and self.stack[-1][1] is not None:  # an item of an inline array
            path = self.stack[-1][0] + (self.stack[-1][1],)
            self.stack[-1][1] += 1
        if kind == "punct" and token in ("{", "[", "[["):
            self.open(path, None if token == "{" else 0)
            if token == "[[":
                self.value(kind, "[")
            else:
                self.mode = self.key if token == "{" else self.value
        else:
            self.mode = self.rest

    def rest(self, kind: str, token: str) -> None:
        if kind != "punct":
            return
        if token == ",":
            self.mode = self.value if self.stack and self.stack[-1][1] is not None else self.key
        elif token in ("]", "]]", "}"):
            for _ in token:
                self.close()

    def open(self, path: tuple, index: int | None) -> None:
        self.lines.setdefault(path, self.line)
        self.stack.append([path, index])

    def close(self) -> None:
        if self.stack:
            self.stack.pop()
        self.mode = self.rest


def _resolve(names: tuple, counts: dict, array: bool) -> tuple:
    """The path of a header: [[problems.questions]] is the next question of the last problem."""
    path: tuple = ()
    for i, name in enumerate(names):
        path += (name,)
        if path in counts and (i < len(names) - 1 or not array):
            path += (counts[path] - 1,)  # a parent array: its last item
        elif i == len(names) - 1 and array:
            counts[path] = counts.get(path, 0) + 1
            path += (counts[path] - 1,)
    return path


def field_name(path: tuple) -> str:
    """('problems', 1, 'questions', 0, 'of') → 'problems[2].questions[1].of' (counted from 1)."""
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out
