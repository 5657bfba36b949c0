"""The command line tells the truth about itself: help texts computed from the data they
describe, the README's usage lines listing every option, one range stated for one flag."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from autograd.apps import worked
from autograd.apps.cli import build_parser, main

README = Path(__file__).resolve().parents[1] / "README.md"


def test_walkthrough_help_states_what_the_walkthrough_finds(run_cli):
    verdict = worked.published_verdict(worked.run()[0])
    assert re.fullmatch(r"\d+ of \d+ are wrong", verdict)
    _, help_text, _ = run_cli("walkthrough", "--help")
    _, walkthrough, _ = run_cli("walkthrough")
    assert f"({verdict})" in " ".join(help_text.split())
    assert f"{verdict}:" in walkthrough
    assert f"checked: {verdict} (" in worked.page_steps(worked.Example(), worked.run()[0])[-1]["text"]


def _usage_lines() -> dict[str, str]:
    """The README's command-line block: `autograd COMMAND ...` with its continuation lines."""
    block = README.read_text(encoding="utf-8").split("### The command line", 1)[1].split("```")[1]
    lines: dict[str, str] = {}
    command = None
    for line in block.splitlines():
        found = re.match(r"autograd ([a-z-]+)", line)
        if found:
            command = found.group(1)
            lines[command] = line
        elif command and line.startswith(" "):
            lines[command] += " " + line.strip()
    return lines


def _options(command: str) -> set[str]:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return {option for action in subparsers.choices[command]._actions for option in action.option_strings
            if option.startswith("--") and option != "--help"}


@pytest.mark.parametrize("command", ["walkthrough", "grad", "check", "train", "explore", "sheet", "key", "grade"])
def test_readme_usage_lines_list_every_option(command):
    lines = _usage_lines()
    assert command in lines, f"the README's command-line block has no line for `autograd {command}`"
    written = set(re.findall(r"--[a-z][a-z0-9-]*", lines[command]))
    assert written == _options(command), f"autograd {command}: README {sorted(written)}"


@pytest.mark.parametrize("args", [["walkthrough"], ["grad", "f = x", "--at", "x=1"],
                                  ["check", "f = x", "--at", "x=1", "--claim", "f=1", "--sig"]])
def test_a_digits_flag_states_one_range(run_cli, args):
    flag = "--sig" if args[-1] == "--sig" else "--digits"
    args = args[:-1] if flag == "--sig" else args
    messages = []
    for value in ("0", "100", "-3"):
        code, out, err = run_cli(*args, flag, value)
        assert (code, out) == (2, "")
        messages.append(err.replace(f"'{value}'", "VALUE"))
    assert len(set(messages)) == 1
    assert f"argument {flag}: VALUE must be at least 1 and at most 17" in messages[0]
    _, help_text, _ = run_cli(args[0], "--help")
    if flag == "--digits":
        assert "at least 1 and at most 17" in " ".join(help_text.split())
