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
  compiled to bytecode (`autograd.apps.site.bytecode`: Python starts in a third of the time)
  and its lock file without the list of packages the site does not ship;
- ``python/autograd.zip``: our package, from the pure-Python wheel pip builds
  (``pip wheel --no-deps``), its modules compiled to bytecode beside their sources;
- with problem sets (``--sets``): ``sheet-NAME.html`` per set (`autograd.apps.site.sheets`
  answers it in the worker), ``sets/NAME.toml`` (the set's file, which the page sends to the
  worker) and ``python/course.zip`` (the pure-Python packages the sheet's HTML needs, compiled);
- ``.nojekyll``: GitHub Pages serves the folder as it is.

Nothing is fetched from anywhere at run time but the folder itself. A stamp file records a
fingerprint of everything the build reads; a second build with nothing changed writes nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from importlib import metadata, resources
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
COURSE = "python/course.zip"  # the sheets' dependencies; the worker unpacks it into /lib/course
COURSE_FOLDER = "/lib/course"
# what the problem sheets' HTML imports besides the standard library (Markdown and LaTeX → MathML)
COURSE_DEPENDENCIES = ("markdown-it-py", "mdurl", "latex2mathml")
KEEP_COMPILED = 3  # compiled archives of each kind kept in the cache
PAGE_STATIC = {  # file name → the package whose static/ folder holds it
    "explore.js": "autograd.apps.explore", "explore.css": "autograd.apps.explore",
    "train.js": "autograd.apps.explore", "train.css": "autograd.apps.explore",
    "graph.js": "autograd.viz", "graph.css": "autograd.viz", "site.js": "autograd.apps.site",
    "check.js": "autograd.apps.site", "check.css": "autograd.apps.site", "sheet.js": "autograd.apps.site",
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


def _zip(files: dict[str, bytes]) -> bytes:
    """The files as a zip, every entry dated as the wheel's: the same files give the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for path in sorted(files):
            target.writestr(zipfile.ZipInfo(path, date_time=(2020, 2, 2, 0, 0, 0)), files[path])
    return out.getvalue()


def package_source(built: Path) -> bytes:
    """Our package's files from the wheel, its metadata left out."""
    with zipfile.ZipFile(built) as wheel_zip:
        return _zip({info.filename: wheel_zip.read(info) for info in wheel_zip.infolist()
                     if ".dist-info/" not in info.filename and not info.is_dir()})


def course_source() -> bytes:
    """The pure-Python packages a problem sheet's HTML needs (`COURSE_DEPENDENCIES`), as installed
    beside ours, with their METADATA (latex2mathml asks for its version when imported)."""
    files: dict[str, bytes] = {}
    for name in COURSE_DEPENDENCIES:
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            raise SiteError(f"the problem sheets need {name} (pip install {name}): it is not installed") from None
        for entry in dist.files or ():
            path = entry.as_posix()
            if path.startswith(("..", "bin/")) or "__pycache__" in path:
                continue
            if ".dist-info/" not in path or path.endswith(".dist-info/METADATA"):
                files[path] = Path(entry.locate()).read_bytes()
    return _zip(files)


def compiled(cache: Path, runtime: Path, sources: dict[str, bytes]) -> dict[str, bytes]:
    """Zips with their bytecode compiled by Pyodide's own Python under Node
    (`autograd.apps.site.bytecode`): Pyodide's standard library, and each of ``sources`` (name →
    zip: "package", our package, put on sys.path as a zip; "course", unpacked in the browser),
    each kept in ``cache`` under the hash of what made it, so Node runs only when one changed."""
    script = [_static_file(name) for name in ("bytecode.py", "compile.mjs")]
    # bytecode is only valid for the interpreter that wrote it: the runtime's version is in every key
    tools = b"".join(path.read_bytes() for path in script) + (runtime / "package.json").read_bytes()
    python = json.loads((runtime / "pyodide-lock.json").read_text())["info"]["python"].split(".")
    sources = {"stdlib": (runtime / "python_stdlib.zip").read_bytes(), **sources}
    how = {"stdlib": (f"/lib/python{python[0]}{python[1]}.zip", False, False), "package": (ARCHIVE, True, False),
           "course": (COURSE_FOLDER, True, True)}
    folder = cache / "compiled"
    out = {name: folder / f"{name}-{hashlib.sha256(tools + data).hexdigest()[:20]}.zip" for name, data in sources.items()}
    missing = [name for name in sources if not out[name].is_file()]
    if missing:
        folder.mkdir(parents=True, exist_ok=True)
        write_outputs({folder / f"{name}-source.zip": sources[name] for name in missing})
        jobs = [{"in": str(folder / f"{name}-source.zip"), "out": str(out[name]), "where": how[name][0],
                 "keep_source": how[name][1], "unpacked": how[name][2]} for name in missing]
        spec = {"indexURL": f"{runtime}/", "module": str(script[0]), "jobs": jobs}
        if out["stdlib"].is_file():  # Node's Python starts faster from the compiled library
            spec["stdLibURL"] = str(out["stdlib"])
        _run(["node", str(script[1]), json.dumps(spec)], cache, "compiling Python to bytecode (node)")
        for name in missing:
            (folder / f"{name}-source.zip").unlink()
    for path in out.values():
        os.utime(path)  # the archives used last are the ones kept
    for name in sources:  # a few per kind: a site with problem sheets and one without, say
        for stale in sorted(folder.glob(f"{name}-*.zip"), key=lambda p: p.stat().st_mtime)[:-KEEP_COMPILED]:
            stale.unlink()
    return {name: path.read_bytes() for name, path in out.items()}


def lock_without_packages(runtime: Path) -> str:
    """Pyodide's lock file with its list of packages left out: the site ships none of them (they
    would come from a CDN), so Pyodide starts without fetching and reading the whole list."""
    lock = json.loads((runtime / "pyodide-lock.json").read_text())
    return json.dumps({"info": lock["info"], "packages": {}}, indent=1) + "\n"


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


def problem_sets(paths) -> dict[str, tuple[str, str]]:
    """name → (title, text) of each problem set, read and checked as `autograd sheet` reads it
    (a bad set is its one-line `SetError`); the name is the file's, in letters, digits, - and _."""
    from autograd.apps.course import loads
    from autograd.apps.course.problems import MAX_SET_BYTES
    from autograd.util.reading import read_text

    found: dict[str, tuple[str, str]] = {}
    for path in paths:
        text = read_text(path, MAX_SET_BYTES, "problem set")
        name = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(path).stem).strip("-") or "set"
        if name in found:
            raise SiteError(f"two problem sets would be the page sheet-{name}.html: name the files apart")
        found[name] = (loads(text, str(path)).title, text)
    return found


def build(out: Path, cache: Path | None = None, sets=()) -> bool:
    """Build the site in ``out`` (with a sheet page per problem set of ``sets``); False (and
    nothing written) when it is already up to date."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise SiteError(f"cannot build the site in {out}: it is a file, not a folder")
    root = _source_root()
    cache = Path(cache) if cache else root / "build" / "site-cache"
    course = problem_sets(sets)
    versions = [metadata.version(name) for name in COURSE_DEPENDENCIES] if course else []
    want = hashlib.sha256(json.dumps([fingerprint(root), course, versions], sort_keys=True).encode()).hexdigest()
    needed = ("index.html", "check.html", ".nojekyll", "worked-example.html", "worker.js", PACKAGE,
              *(f"pyodide/{name}" for name in PYODIDE_FILES), *(f"static/{name}" for name in PAGE_STATIC),
              *(f"sheet-{name}.html" for name in course), *(f"sets/{name}.toml" for name in course), *((COURSE,) if course else ()))
    if (out / STAMP).is_file() and (out / STAMP).read_text() == want and all((out / p).is_file() for p in needed):
        return False
    runtime = pyodide(cache)
    with tempfile.TemporaryDirectory() as scratch:
        sources = {"package": package_source(wheel(root, Path(scratch))), **({"course": course_source()} if course else {})}
        archives = compiled(cache, runtime, sources)
        files = {out / PACKAGE: archives["package"], out / "worked-example.html": worked_example(Path(scratch))}
    files.update({out / "pyodide" / name: (runtime / name).read_bytes() for name in PYODIDE_FILES})
    files[out / "pyodide" / "python_stdlib.zip"] = archives["stdlib"]
    files[out / "pyodide" / "pyodide-lock.json"] = lock_without_packages(runtime)
    if course:
        files[out / COURSE] = archives["course"]
    files.update({out / "static" / name: _static(where, name) for name, where in PAGE_STATIC.items()})
    files[out / "worker.js"] = _static("autograd.apps.site", "worker.js")
    files[out / "index.html"] = pages.explorer(PACKAGE, {f"sheet-{n}.html": t for n, (t, _) in course.items()})
    files[out / "check.html"] = pages.checker(PACKAGE)
    files[out / ".nojekyll"] = ""  # GitHub Pages: serve the files as they are, no Jekyll
    for name, (title, text) in course.items():
        files[out / f"sheet-{name}.html"] = pages.sheet_page(PACKAGE, COURSE, title, f"sets/{name}.toml")
        files[out / "sets" / f"{name}.toml"] = text
    for old in [*out.glob("sheet-*.html"), *out.glob("sets/*.toml"), *out.glob(COURSE), *out.glob("wheel/*.whl")]:
        if old not in files:
            old.unlink()  # a set left out of this build, or what older builds shipped (our wheel)
    for folder in ("sets", "wheel"):
        if (out / folder).is_dir() and not any((out / folder).iterdir()) and not (folder == "sets" and course):
            (out / folder).rmdir()
    for folder in ("python", "pyodide", "static", *(("sets",) if course else ())):
        (out / folder).mkdir(parents=True, exist_ok=True)
    write_outputs(files)
    write_outputs({out / STAMP: want})  # last: a build cut short is built again
    return True


def size(out: Path) -> int:
    """Bytes in the site folder."""
    return sum(p.stat().st_size for p in Path(out).rglob("*") if p.is_file())

