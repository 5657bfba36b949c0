"""Python archives with their bytecode compiled ahead of time, for the browser's Python.

Pyodide's ``python_stdlib.zip`` holds source files only, and a module imported from a zip file
is compiled again on every start: nothing can write the compiled form back into the zip. In
WebAssembly that compiling is most of the time Python takes to start (and importing our
package after it). So the build compiles each ``.py`` once, **with Pyodide's own Python** (run
under Node.js: bytecode is only valid for the interpreter version that wrote it), and writes it
as a ``.pyc`` beside the source in a new zip; ``zipimport`` loads the ``.pyc`` when one is there.

The ``.pyc`` files are "unchecked hash-based" (PEP 552): the interpreter never compares them
with a source file's time stamp, which a zip extracted elsewhere would not keep anyway.

Files that packages open by path (``__file__``) cannot be read from a zip on ``sys.path``:
an archive holding such a package is unpacked into a folder by the worker instead.

This module runs inside Pyodide (standard library only); `autograd.apps.site.build` drives it
through ``compile.mjs``.
"""

from __future__ import annotations

import importlib.util
import io
import zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

__all__ = ["compile_archive"]

STAMP = (2020, 2, 2, 0, 0, 0)  # every entry's date, as the wheel's: the same input gives the same zip


def compile_archive(data: bytes, where: str, keep_source: bool, unpacked: bool = False) -> bytes:
    """A zip like ``data`` with ``NAME.pyc`` beside each ``NAME.py`` (in place of it when not
    ``keep_source``), code objects naming ``where/NAME.py`` (the archive's path in the browser's
    file system, for tracebacks). For an archive to be ``unpacked`` into a folder instead, each
    ``.pyc`` goes where a folder's importer looks, ``__pycache__/NAME.cpython-3XX.pyc``. A
    source that does not compile (a test fixture of bad syntax) is kept as source."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if not info.filename.endswith(".py"):
                _add(target, info.filename, body)
                continue
            try:
                code = compile(body, f"{where}/{info.filename}", "exec", dont_inherit=True)
            except SyntaxError:
                _add(target, info.filename, body)
                continue
            name = importlib.util.cache_from_source(info.filename) if unpacked else info.filename + "c"
            _add(target, name, _code_to_hash_pyc(code, importlib.util.source_hash(body), checked=False))
            if keep_source:
                _add(target, info.filename, body)
    return out.getvalue()


def _add(target: zipfile.ZipFile, name: str, body: bytes) -> None:
    entry = zipfile.ZipInfo(name, date_time=STAMP)
    entry.compress_type = zipfile.ZIP_DEFLATED
    target.writestr(entry, bytes(body))
