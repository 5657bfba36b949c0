"""The one HTML page skeleton: a self-contained page that cannot reach the network.

Every page the package writes (the step-through page; the course's sheets, keys and reports)
is one file a learner can open offline, mail or put on a course site. Its style and scripts
are inlined, and a Content-Security-Policy forbids loading anything from anywhere: no
network request, no frame, no form submission, and no script but the page's own (each one
allowed by its SHA-256 hash, so markup that slipped in unescaped cannot run code).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from collections.abc import Sequence

__all__ = ["html_page", "script_json", "content_policy"]


def content_policy(scripts: Sequence[str] = ()) -> str:
    """The page's Content-Security-Policy: nothing from the network; inline style; images and
    fonts only as ``data:`` URIs; of scripts, exactly ``scripts`` (by hash)."""
    hashes = " ".join(f"'sha256-{_sha256(script)}'" for script in scripts)
    return "; ".join([
        "default-src 'none'",
        f"script-src {hashes}" if hashes else "script-src 'none'",
        "style-src 'unsafe-inline'",  # style attributes too (a script's SVG sets some)
        "img-src data:",
        "font-src data:",
        "base-uri 'none'",
        "form-action 'none'",
    ])


def html_page(title: str, body: str, *, style: str = "", scripts: Sequence[str] = (), head: str = "",
              lang: str = "en") -> str:
    """A complete HTML document: ``<!DOCTYPE html>``, ``<html lang>``, a head with charset
    UTF-8, the viewport, the Content-Security-Policy of `content_policy`, ``<title>`` (plain
    text: it is escaped here), then ``head`` (raw markup, e.g. a ``<meta>``) and ``style``
    (CSS, inlined in one ``<style>``); the body is ``body`` (raw HTML: escape what it quotes)
    followed by each of ``scripts`` (JavaScript source) in its own ``<script>``, in order.

    A style or script that contains its own end tag would end the element early and turn the
    rest into markup: that raises ValueError (embed data in a script with `script_json`).
    """
    for source in scripts:
        _refuse_end_tag(source, "script")
    _refuse_end_tag(style, "style")
    lines = [
        "<!DOCTYPE html>",
        f'<html lang="{html.escape(lang, quote=True)}">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{content_policy(scripts)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title>",
    ]
    if head:
        lines.append(head)
    if style:
        lines += ["<style>", style, "</style>"]
    lines += ["</head>", "<body>", body]
    for source in scripts:
        lines += ["<script>", source, "</script>"]
    lines += ["</body>", "</html>", ""]
    return "\n".join(lines)


def script_json(data) -> str:
    """``data`` as JSON that is safe inside a ``<script>``: no ``</`` or ``<!--`` can end it early."""
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/").replace("<!--", "<\\!--")


def _refuse_end_tag(source: str, element: str) -> None:
    if f"</{element}" in source.lower():
        raise ValueError(f"html_page: the {element} contains '</{element}', which would end its "
                         f"<{element}> element early")


def _sha256(script: str) -> str:
    """The hash a browser computes for an inline script: of its exact text, UTF-8 encoded.

    `html_page` writes each script between a newline after ``<script>`` and one before
    ``</script>``, and the browser hashes everything in between, newlines included."""
    return base64.b64encode(hashlib.sha256(f"\n{script}\n".encode()).digest()).decode()
