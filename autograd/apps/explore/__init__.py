"""The explorer: a local web app for programs and small networks (``autograd explore``).

The server (`autograd.apps.explore.server`) binds 127.0.0.1 only and answers a small JSON API
(`autograd.apps.explore.api`); the page is served from the package files in ``static/``, which
the one-file step-through page (`autograd.viz.stepper_html`) also inlines. Importing this
package is cheap: the server is imported only when it is started.
"""

from __future__ import annotations

__all__ = ["serve"]


def serve(*args, **kwargs) -> int:
    """Start the explorer; see `autograd.apps.explore.server.serve`."""
    from autograd.apps.explore.server import serve as _serve

    return _serve(*args, **kwargs)
