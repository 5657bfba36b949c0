"""What the README states, checked where a test can."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, re.M | re.S)
    assert match, f"README has no section '## {title}'"
    return match.group(1)


def test_the_notebook_list_names_every_notebook_in_order() -> None:
    listed = re.findall(r"\(notebooks/([^)]+\.ipynb)\)", section("Notebooks"))
    on_disk = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert listed == on_disk


def test_the_quickstart_holds_exactly_two_commands() -> None:
    block = re.search(r"```\n(.*?)```", section("Quickstart"), re.S).group(1)
    assert block.split("\n")[:-1] == ["make demo", "make test"]


def test_the_train_digits_time_is_the_measured_one() -> None:
    """The README's "about N s" for `autograd train digits` is the benchmark's figure, rounded."""
    stated = re.search(r"`autograd train digits` reaches about\s+\d+% on held-out digits in about (\d+) s", README)
    assert stated, "README no longer states the time of `autograd train digits`"
    results = (ROOT / "benchmarks" / "RESULTS.md").read_text(encoding="utf-8")
    measured = re.search(r"\| `autograd train digits` \| [\d.]+ \| ([\d.]+) \|", results)
    assert measured, "benchmarks/RESULTS.md has no row for `autograd train digits`"
    assert int(stated.group(1)) == round(float(measured.group(1)))


def test_every_layer_folder_is_in_the_layout() -> None:
    layout = section("Layout")
    folders = sorted(p.parent.name for p in (ROOT / "autograd").glob("*/__init__.py"))
    missing = [f for f in folders if f"autograd/{f}/" not in layout]
    assert not missing, f"README's Layout omits {missing}"
