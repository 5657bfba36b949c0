"""The static site: the explorer in a browser tab, our package running in Pyodide in a Web Worker.

`build` (``autograd site DIR``) writes the folder; `worker` is the module the Web Worker runs.
"""

from __future__ import annotations

__all__ = ["build"]


def build(*args, **kwargs) -> bool:
    """Build the site; see `autograd.apps.site.build.build`."""
    from autograd.apps.site.build import build as _build

    return _build(*args, **kwargs)
