"""The static site: the explorer in a browser tab, our package running in Pyodide in a Web Worker.

`build` (``autograd site DIR``) writes the folder, its HTML from `pages` and its Python
compiled to bytecode by `bytecode` (run in Pyodide under Node at build time); `worker` is the
module the Web Worker runs, `sheets` its routes for a problem set's sheet and self-check.
"""

from __future__ import annotations

__all__ = ["build"]


def build(*args, **kwargs) -> bool:
    """Build the site; see `autograd.apps.site.build.build`."""
    from autograd.apps.site.build import build as _build

    return _build(*args, **kwargs)
