"""The site's HTML pages. Every page opens with one head, the local explorer's own (its
stylesheets, its icon), with the site's policy and its transport script added: the explorer's
``index.html`` is the single source of it, so a change there reaches every page of the site.

- ``index.html``: the explorer's page, whole, with links to the site's other pages;
- ``check.html``: the checker's body (``static/check.html`` here) under that head;
- ``sheet-NAME.html``: a problem set's sheet and self-check (``static/sheet.html``).
"""

from __future__ import annotations

import html as markup
import re
from importlib import resources

__all__ = ["CSP", "head", "explorer", "checker", "sheet_page", "PageError"]

# the page's policy: its own files only; WebAssembly compiled from them ('wasm-unsafe-eval');
# a sheet is shown in a frame of its own (frame-src 'self': a srcdoc frame is the page's own)
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; frame-src 'self'; "
       "style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'none'; base-uri 'none'")
NAV = '<a href="index.html">explorer</a> · <a href="worked-example.html">worked example</a> · <a href="check.html">checker</a>'


class PageError(ValueError):
    """A page the site is built from no longer has the place the site's parts go."""


def _static(package: str, name: str) -> str:
    return resources.files(package).joinpath("static", name).read_text(encoding="utf-8")


def _body(name: str) -> str:
    """One of this package's page bodies (from ``</head>`` on), without its opening comment."""
    text = _static("autograd.apps.site", name)
    return text[text.index("</head>"):]


def _explorer_page() -> tuple[str, str]:
    """The explorer's index.html, split into its head and the rest."""
    text = _static("autograd.apps.explore", "index.html")
    cut = text.find("</head>")
    if cut < 0 or '<meta charset="utf-8">' not in text[:cut] or "<title>" not in text[:cut]:
        raise PageError("the explorer's index.html no longer has the head the site's pages share")
    return text[:cut], text[cut:]


def head(title: str, package: str, styles: tuple[str, ...] = (), unpack: str = "") -> str:
    """The shared head up to (not including) ``</head>``: the policy first, then the transport
    script (``static/site.js``, which starts the worker before the page's body is read: the
    worker puts ``package`` on sys.path and unpacks ``unpack``, if any), the explorer's
    stylesheets and ``styles``."""
    top, _ = _explorer_page()
    top = re.sub(r"<title>.*?</title>", f"<title>{markup.escape(title)}</title>", top, count=1)
    top = top.replace('<meta charset="utf-8">',
                      f'<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
                      f'<script src="static/site.js" data-package="{markup.escape(package)}" '
                      f'data-unpack="{markup.escape(unpack)}"></script>', 1)
    return top + "".join(f'<link rel="stylesheet" href="{markup.escape(s)}">\n' for s in styles)


def explorer(package: str, sheets: dict[str, str]) -> str:
    """index.html: the explorer's page under the shared head, its nav linking the other pages."""
    top, rest = _explorer_page()
    title = re.search(r"<title>(.*?)</title>", top).group(1)
    links = "".join(f' · <a href="{markup.escape(f)}">{markup.escape(t)}</a>' for f, t in sheets.items())
    rest, found = re.subn("</nav>", f'  <a href="worked-example.html">worked example</a> · '
                          f'<a href="check.html">checker</a>{links}\n  </nav>', rest, count=1)
    if not found:
        raise PageError("the explorer's index.html no longer has the nav the site's links go in")
    return head(title, package) + rest


def checker(package: str) -> str:
    """check.html: the checker's body under the shared head."""
    body = _body("check.html").replace("@NAV@", NAV)
    return head("autograd check", package, ("static/check.css",)) + body


def sheet_page(package: str, unpack: str, title: str, set_file: str) -> str:
    """sheet-NAME.html: a student types their id and sees their sheet; then checks answers."""
    body = _body("sheet.html").replace("@NAV@", NAV)
    body = body.replace("@TITLE@", markup.escape(title)).replace("@SET@", markup.escape(set_file))
    return head(f"{title}: problem sheet", package, ("static/check.css",), unpack) + body
