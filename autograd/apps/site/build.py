"""`autograd site DIR`: the explorer as a static folder that runs our package in the browser.

What goes into DIR, and where each part comes from:

- ``index.html``: the local explorer's page (same elements, same ``data-testid``s), with one
  more script, ``static/site.js``, that answers the page's API calls from a Web Worker;
- ``check.html``: the checker (verdicts, diagnoses, chains, as `autograd check` prints them),
  on the same worker; ``worked-example.html``: the page `autograd walkthrough --html` writes;
- ``static/``: the explorer's and the graph's scripts and styles, copied from the package;
- ``worker.js``: loads Pyodide, puts our package's archive on ``sys.path`` and hands each
  request to `autograd.apps.site.worker.answer` (the same `Api` the local server calls);
- ``pyodide/``: the CPython runtime in WebAssembly, from the npm registry at the version and
  integrity hash that ``package-lock.json`` pins (``npm ci`` checks them), its standard library
  compiled to bytecode (`autograd.apps.site.bytecode`: Python starts in a third of the time);
- ``python/autograd.zip``: our package, from the pure-Python wheel pip builds
  (``pip wheel --no-deps``), its modules compiled to bytecode beside their sources.

Nothing is fetched from anywhere at run time but the folder itself. A stamp file records a
fingerprint of everything the build reads; a second build with nothing changed writes nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tempfile
from importlib import resources
from pathlib import Path

from autograd.apps.site import pages
from autograd.util.files import write_outputs

__all__ = ["SiteError", "build", "PYODIDE_FILES", "STAMP", "PACKAGE"]

# the runtime's files the worker loads (the package's console pages, maps and typings stay out)
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip",
                 "pyodide-lock.json", "package.json")
STAMP = ".autograd-site-stamp"
PACKAGE = "python/autograd.zip"  # in the site; the worker writes it to /lib/autograd.zip (worker.js)
ARCHIVE = "/lib/autograd.zip"
PAGE_STATIC = {  # file name → the package whose static/ folder holds it
    "explore.js": "autograd.apps.explore", "explore.css": "autograd.apps.explore",
    "graph.js": "autograd.viz", "graph.css": "autograd.viz", "site.js": "autograd.apps.site",
    "check.js": "autograd.apps.site", "check.css": "autograd.apps.site",
}
# npm's messages when the registry cannot be reached (DNS, refused, timed out, offline)
UNREACHABLE = ("ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ETIMEDOUT", "ECONNRESET", "ENETUNREACH",
               "EHOSTUNREACH", "network", "offline")


class SiteError(ValueError):
    """The site cannot be built (no npm, the registry unreachable, no source tree): one line."""


def _static(package: str, name: str) -> bytes:
    return resources.files(package).joinpath("static", name).read_bytes()


def _source_root() -> Path:
    """The checkout holding pyproject.toml, from which the wheel is built."""
    root = Path(__file__).resolve().parents[3]
    if not (root / "pyproject.toml").is_file():
        raise SiteError(f"the site is built from a source checkout (no pyproject.toml in {root})")
    return root


def fingerprint(root: Path) -> str:
    """sha256 over every file the build reads: the package's sources and assets, the lock file."""
    digest = hashlib.sha256()
    files = sorted(p for p in (root / "autograd").rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")
    for path in [root / "pyproject.toml", *files]:
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _run(command: list[str], cwd: Path, what: str, env: dict | None = None) -> None:
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env, timeout=600)
    except FileNotFoundError:
        raise SiteError(f"{command[0]} not found: {what} needs it (Node.js 20 brings npm)") from None
    except subprocess.TimeoutExpired:
        raise SiteError(f"{what} took more than 10 minutes: is the registry reachable?") from None
    if done.returncode != 0:
        text = (done.stderr or done.stdout).strip()
        if command[0] == "npm" and any(word in text for word in UNREACHABLE):
            raise SiteError("cannot reach the npm registry to fetch pyodide (npm ci failed; are you offline?)")
        last = text.splitlines()[-1] if text else f"exit status {done.returncode}"
        raise SiteError(f"{what} failed: {last}")


def pyodide(cache: Path) -> Path:
    """``npm ci`` in ``cache`` (once per lock file): the pinned Pyodide, its integrity checked."""
    lock = _static("autograd.apps.site", "package-lock.json")
    stamp = cache / "node_modules" / STAMP
    want = hashlib.sha256(lock).hexdigest()
    if not (stamp.is_file() and stamp.read_text() == want):
        cache.mkdir(parents=True, exist_ok=True)
        write_outputs({cache / "package.json": _static("autograd.apps.site", "package.json"),
                       cache / "package-lock.json": lock})
        _run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cache, "npm ci (pyodide)")
        write_outputs({stamp: want})
    return cache / "node_modules" / "pyodide"


def wheel(root: Path, folder: Path) -> Path:
    """Our package as a pure-Python wheel, built by pip from the checkout."""
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(folder), str(root)]
    try:
        import hatchling  # noqa: F401  the build backend, here: no fetch for an isolated build
        command.insert(4, "--no-build-isolation")
    except ImportError:
        pass
    _run(command, root, "pip wheel (our package)")
    built = sorted(folder.glob("*-py3-none-any.whl"))
    if len(built) != 1:
        raise SiteError(f"pip wheel made {len(built)} pure-Python wheels, expected one")
    return built[0]


def compiled(cache: Path, runtime: Path, built: Path) -> tuple[bytes, bytes]:
    """(Pyodide's standard library, our package): zips with their bytecode compiled by Pyodide's
    own Python under Node (`autograd.apps.site.bytecode`), each kept in ``cache`` under the hash
    of what made it, so Node runs only when the wheel or the runtime changed."""
    script = [_static_file(name) for name in ("bytecode.py", "compile.mjs")]
    tools = b"".join(path.read_bytes() for path in script)
    stdlib_in, dist = runtime / "python_stdlib.zip", "-".join(built.name.split("-")[:2])
    python = json.loads((runtime / "pyodide-lock.json").read_text())["info"]["python"].split(".")
    targets = {
        "stdlib": (stdlib_in, f"/lib/python{python[0]}{python[1]}.zip", False, []),
        "package": (built, ARCHIVE, True, [f"{dist}.dist-info/"]),
    }
    out = {name: cache / "compiled" / f"{name}-{hashlib.sha256(tools + src.read_bytes()).hexdigest()[:20]}.zip"
           for name, (src, *_) in targets.items()}
    jobs = [{"in": str(src), "out": str(out[name]), "where": where, "keep_source": keep, "skip": skip}
            for name, (src, where, keep, skip) in targets.items() if not out[name].is_file()]
    if jobs:
        (cache / "compiled").mkdir(parents=True, exist_ok=True)
        spec = {"indexURL": f"{runtime}/", "module": str(script[0]), "jobs": jobs}
        if out["stdlib"].is_file():  # Node's Python starts faster from the compiled library
            spec["stdLibURL"] = str(out["stdlib"])
        _run(["node", str(script[1]), json.dumps(spec)], cache, "compiling Python to bytecode (node)")
        for stale in (cache / "compiled").glob("*.zip"):
            if stale not in out.values():
                stale.unlink()
    return out["stdlib"].read_bytes(), out["package"].read_bytes()


def _static_file(name: str) -> Path:
    return Path(str(resources.files("autograd.apps.site").joinpath(name)))


def worked_example(folder: Path) -> bytes:
    """The step-through page of the worked example, exactly as `autograd walkthrough --html` writes
    it (built here, by the command itself: the page needs no Python in the browser)."""
    from autograd.apps.cli import main

    path = folder / "worked-example.html"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        status = main(["walkthrough", "--html", str(path)])
    if status != 0:
        raise SiteError("autograd walkthrough --html failed")
    return path.read_bytes()


def build(out: Path, cache: Path | None = None) -> bool:
    """Build the site in ``out``; False (and nothing written) when it is already up to date."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise SiteError(f"cannot build the site in {out}: it is a file, not a folder")
    root = _source_root()
    cache = Path(cache) if cache else root / "build" / "site-cache"
    want = fingerprint(root)
    needed = ("index.html", "check.html", "worked-example.html", "worker.js", PACKAGE,
             *(f"pyodide/{name}" for name in PYODIDE_FILES), *(f"static/{name}" for name in PAGE_STATIC))
    if (out / STAMP).is_file() and (out / STAMP).read_text() == want and all((out / p).is_file() for p in needed):
        return False
    runtime = pyodide(cache)
    with tempfile.TemporaryDirectory() as scratch:
        built = wheel(root, Path(scratch))
        stdlib, package = compiled(cache, runtime, built)
        files = {out / PACKAGE: package, out / "worked-example.html": worked_example(Path(scratch))}
    files.update({out / "pyodide" / name: (runtime / name).read_bytes() for name in PYODIDE_FILES})
    files[out / "pyodide" / "python_stdlib.zip"] = stdlib
    files.update({out / "static" / name: _static(package, name) for name, package in PAGE_STATIC.items()})
    files[out / "worker.js"] = _static("autograd.apps.site", "worker.js")
    files[out / "index.html"] = pages.explorer(PACKAGE, {})
    files[out / "check.html"] = pages.checker(PACKAGE)
    if (out / "wheel").is_dir():
        shutil.rmtree(out / "wheel")  # what older builds shipped: our package as a wheel, unpacked by the worker
    for folder in ("python", "pyodide", "static"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    write_outputs(files)
    write_outputs({out / STAMP: want})  # last: a build cut short is built again
    return True


def size(out: Path) -> int:
    """Bytes in the site folder."""
    return sum(p.stat().st_size for p in Path(out).rglob("*") if p.is_file())

