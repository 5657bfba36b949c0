"""Sheets and keys as HTML: one standalone page, no script, no network, math as MathML.

The page skeleton is the package's one, `autograd.viz.html_page`, whose Content-Security-Policy
forbids every request and every script (a course page has none).

Markdown (the statements a teacher writes, the key's inline text) is turned into HTML by
markdown-it-py (CommonMark), with raw HTML off (``html=False``: a ``<script>`` in a set's file
is shown as text) and images off (a page loads nothing). LaTeX between ``$…$`` (inline) and
``$$…$$`` (display, also on lines of its own) is taken out before Markdown could read its
``_``, ``*`` and ``\\`` and is made MathML by the pure-Python ``latex2mathml``, so the page
renders offline in any current browser. The converter copies some LaTeX into its markup
(``\\style{…}`` into a style attribute, ``\\href`` into a link, ``\\text`` unescaped), so its
output is parsed and rebuilt from an allow-list of MathML elements and attributes, each
attribute with the values it may take: no style, link, class or colour reaches the page.
"""

from __future__ import annotations

import html as _html
import re
from functools import cache

from autograd.apps.course.documents import Block
from autograd.viz import html_page

__all__ = ["html", "mathml", "allowed_mathml", "inline_html", "markdown_html", "PRINT_STYLE"]

_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
h3 { font-size: 1.1rem; }
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: left; vertical-align: middle; }
th { background: #f4f4f4; }
pre { background: #f6f6f6; padding: 0.6rem; overflow-x: auto; }
code { font-family: ui-monospace, monospace; font-size: 0.95em; }
ul.steps li { margin: 0.35rem 0; }
math { font-size: 1.1em; }
ul.steps math, td math { math-style: normal; }  /* full-size fractions in the steps */
"""

# Shared by the sheet, the key and the class report (autograd.apps.course.report): nothing may
# be wider than the page, on screen or on paper. A cell, a line of code or an id breaks anywhere
# rather than push its table or block past the edge (overflow-wrap: anywhere also lets a table
# column shrink below its longest word); a program keeps its lines but wraps them; math is set
# at text size with full-size fractions.
PRINT_STYLE = """
table { max-width: 100%; }
th, td, code, p, li { overflow-wrap: anywhere; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; overflow-x: visible; }
svg { max-width: 100%; height: auto; }
math { font-size: 1.1em; }
td math, li math { math-style: normal; }
@media print {
  @page { size: A4; margin: 15mm; }
  body { font-size: 11pt; max-width: none; margin: 0; padding: 0; }
  h1, h2, h3 { break-after: avoid; }
  tr, li, pre, svg { break-inside: avoid; }
  th { background: none; }
  a { color: inherit; text-decoration: none; }
}
"""


def html(blocks: list[Block], title: str) -> str:
    """A standalone page of the blocks (see `autograd.apps.course.documents`)."""
    body = []
    for block in blocks:
        kind = block[0]
        if kind in ("h1", "h2", "h3"):
            body.append(f"<{kind}>{inline_html(block[1])}</{kind}>")
        elif kind == "p":
            body.append(f"<p>{inline_html(block[1])}</p>")
        elif kind == "md":
            body.append(markdown_html(block[1]))
        elif kind == "code":
            body.append(f"<pre><code>{_html.escape(block[1])}</code></pre>")
        elif kind == "list":
            body.append("<ul>" + "".join(f"<li>{inline_html(item)}</li>" for item in block[1]) + "</ul>")
        elif kind == "mathlist":
            body.append('<ul class="steps">' + "".join(f"<li>{_breakable(item)}</li>" for item in block[1]) + "</ul>")
        elif kind == "table":
            head, rows = block[1], block[2]
            lines = ["<tr>" + "".join(f"<th>{inline_html(h)}</th>" for h in head) + "</tr>"]
            lines += ["<tr>" + "".join(f"<td>{inline_html(_equalities(c))}</td>" for c in row) + "</tr>"
                      for row in rows]
            body.append("<table>" + "".join(lines) + "</table>")
    return html_page(title, "\n".join(body), style=_STYLE.strip() + "\n" + PRINT_STYLE.strip())


def _breakable(latex: str) -> str:
    """A chain of equalities as one piece of math per "= …" (MathML never breaks a line, a
    narrow page may between two pieces)."""
    pieces = latex.split(" = ")
    return " ".join(mathml(piece if k == 0 else "= " + piece) for k, piece in enumerate(pieces))


_INLINE_MATH = re.compile(r"(?<!\$)\$([^$]+)\$(?!\$)")


def _equalities(text: str) -> str:
    """A table cell's $a = b$ as $a$ $= b$: the same text, breakable at the "=" (see `_breakable`)."""
    return _INLINE_MATH.sub(lambda m: "$" + "$ $= ".join(m.group(1).split(" = ")) + "$", text)


# ------------------------------------------------------------------ Markdown


def inline_html(text: str) -> str:
    """One line's Markdown (`code`, **bold**, *italic*, links, $math$, $$display math$$) as HTML."""
    return _markdown().renderInline(text)


def markdown_html(text: str) -> str:
    """A statement's Markdown as HTML: paragraphs, lists, headings (as h4 and below, under the
    page's own), code, and math inline or on lines of its own between $$."""
    return _markdown().render(text).strip()


@cache
def _markdown():
    """The one Markdown parser: CommonMark, raw HTML shown as text, no images, $math$ read here."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).disable("image")
    md.inline.ruler.before("escape", "math_inline", _math_inline)
    md.block.ruler.before("fence", "math_block", _math_block, {"alt": ["paragraph", "blockquote", "list"]})
    md.add_render_rule("math_inline", lambda self, tokens, i, options, env: mathml(tokens[i].content))
    md.add_render_rule("math_display", lambda self, tokens, i, options, env:
                       mathml(tokens[i].content, display=True))
    md.add_render_rule("math_block", lambda self, tokens, i, options, env:
                       f"<p>{mathml(tokens[i].content, display=True)}</p>\n")
    md.add_render_rule("heading_open", _heading)
    md.add_render_rule("heading_close", _heading)
    return md


def _heading(self, tokens, i, options, env) -> str:
    """A statement's '#' heading is a level below the page's h1–h3: # → h4, ## → h5, ### … → h6."""
    token = tokens[i]
    level = min(int(token.tag[1]) + 3, 6)
    return f"<h{level}>" if token.nesting == 1 else f"</h{level}>\n"


def _math_inline(state, silent: bool) -> bool:
    """$latex$ or $$latex$$ at the current position: one token, its content never read as Markdown."""
    start = state.pos
    if state.src[start] != "$":
        return False
    mark = "$$" if state.src.startswith("$$", start) else "$"
    end = state.src.find(mark, start + len(mark), state.posMax)
    if end <= start + len(mark):  # no closing mark, or nothing between: a plain dollar sign
        return False
    if not silent:
        token = state.push("math_display" if mark == "$$" else "math_inline", "math", 0)
        token.content = state.src[start + len(mark):end]
    state.pos = end + len(mark)
    return True


def _math_block(state, start: int, end: int, silent: bool) -> bool:
    """Display math on lines of its own: from a line starting with $$ to one ending with $$
    (so no line of the LaTeX is read as a list item or a heading)."""
    def text(line: int) -> str:
        return state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]].rstrip()

    first = text(start)
    if state.sCount[start] - state.blkIndent >= 4 or not first.startswith("$$"):
        return False  # indented four spaces, it is code
    lines = [first[2:]]
    while "$$" not in lines[-1]:
        if start + len(lines) >= end:
            return False  # never closed
        lines.append(text(start + len(lines)))
    if lines[-1].find("$$") != len(lines[-1]) - 2:
        return False  # text after the closing $$: inline math in a paragraph
    last = start + len(lines) - 1
    if not silent:
        token = state.push("math_block", "math", 0)
        token.content = "\n".join(lines)[:-2]
        token.map = [start, last + 1]
        state.line = last + 1
    return True


# ------------------------------------------------------------------ MathML


def mathml(latex: str, display: bool = False) -> str:
    """LaTeX as MathML, rebuilt from an allow-list of elements and attributes (`allowed_mathml`);
    LaTeX the converter cannot read (a teacher's typo in a statement), or that turns into
    anything but MathML, is shown as its source rather than stopping the page."""
    from latex2mathml.converter import convert

    try:
        markup = convert(latex, display="block" if display else "inline")
        # \hat's accent as the modifier letter ˆ, which chromium sets small and centred over its base
        # (the converter's ASCII ^ is drawn stretched, tall and off to the left)
        markup = allowed_mathml(markup.replace("<mo>&#x0005E;</mo></mover>", "<mo>&#x002C6;</mo></mover>"))
    except Exception:  # latex2mathml raises its own exception types, and IndexError on some input
        markup = None
    return markup if markup is not None else f"<code>{_html.escape(latex)}</code>"


_MATHML = "http://www.w3.org/1998/Math/MathML"
_MATHML_ELEMENTS = frozenset(
    "math mi mn mo ms mtext mspace mrow mfrac msqrt mroot mstyle merror mpadded mphantom mfenced "
    "menclose msub msup msubsup munder mover munderover mmultiscripts mprescripts none mtable mtr "
    "mtd mlabeledtr semantics annotation".split()
)


def _words(*words: str) -> re.Pattern:
    """A value made of one or more of ``words``, separated by spaces."""
    word = "(?:" + "|".join(words) + ")"
    return re.compile(rf"{word}(?: {word})*\Z")


_BOOLEAN = _words("true", "false")
_LENGTHS = "lengths"  # one or more lengths, each checked by `_length_allowed`
# Every attribute a formula may keep, with the values it may take. Not there, so dropped: style,
# class, id, href, event handlers, colours (what a style sheet, a link or a script would act on).
_ATTRIBUTES: dict[str, re.Pattern | str] = {
    "display": _words("block", "inline"),
    "mathvariant": _words("normal", "bold", "italic", "bold-italic", "double-struck", "bold-fraktur", "script",
                          "bold-script", "fraktur", "sans-serif", "bold-sans-serif", "sans-serif-italic",
                          "sans-serif-bold-italic", "monospace", "initial", "tailed", "looped", "stretched"),
    **{name: _BOOLEAN for name in ("displaystyle", "stretchy", "fence", "separator", "accent", "accentunder",
                                   "largeop", "movablelimits", "symmetric")},
    "form": _words("prefix", "infix", "postfix"),
    "scriptlevel": re.compile(r"[+-]?[0-9]\Z"),
    "notation": _words("box", "roundedbox", "circle", "left", "right", "top", "bottom", "updiagonalstrike",
                       "downdiagonalstrike", "verticalstrike", "horizontalstrike", "madruwb", "longdiv",
                       "actuarial", "phasorangle", "radical", "updiagonalarrow"),
    **{name: _words("left", "center", "right", "top", "bottom", "baseline", "axis")
       for name in ("columnalign", "rowalign")},
    **{name: _words("none", "solid", "dashed") for name in ("columnlines", "rowlines")},
    **{name: _LENGTHS for name in ("width", "height", "depth", "lspace", "rspace", "voffset", "mathsize",
                                   "minsize", "maxsize", "linethickness", "columnspacing", "rowspacing")},
}
_LENGTH = re.compile(r"([+-]?(?:[0-9]{1,6}\.?[0-9]{0,6}|\.[0-9]{1,6}))(em|ex|px|pt|mm|cm|in|mu|%)?\Z")
_EM = {"em": 1, "ex": 0.5, "px": 1 / 16, "pt": 1 / 12, "mm": 1 / 4.2, "cm": 2.4, "in": 6, "mu": 1 / 18,
       "%": 0.01, None: 1}  # about how many em a unit is, at the page's 16px
_LENGTH_EM = (-1.0, 10.0)  # a space may pull the next symbol back a little, never across the page
_NAMED_SPACE = re.compile(r"(?:negative)?(?:very)*(?:thin|thick|medium)mathspace\Z")


def _length_allowed(value: str) -> bool:
    """Lengths such as ``1em -0.167em 2pt`` or ``thinmathspace``, each between -1em and 10em."""
    for part in value.split():
        length = _LENGTH.match(part)
        if length is None and not _NAMED_SPACE.match(part):
            return False
        if length is not None and not _LENGTH_EM[0] <= float(length.group(1)) * _EM[length.group(2)] <= _LENGTH_EM[1]:
            return False
    return bool(value.strip())


def _attribute_allowed(name: str, value: str) -> bool:
    rule = _ATTRIBUTES.get(name)
    if rule is None:
        return False
    return _length_allowed(value) if rule is _LENGTHS else rule.match(value) is not None


def allowed_mathml(markup: str) -> str | None:
    r"""The converter's MathML rebuilt from what the allow-list lets through: every element must
    be a MathML element in the MathML namespace (else None: the formula is not used); every
    attribute not in `_ATTRIBUTES`, or whose value breaks its rule, is left out. Rebuilt rather
    than filtered: what the converter copied from the LaTeX (``\style``, ``\href``,
    ``\text{<b>…}``) reaches the page only as an allowed element or attribute."""
    from xml.etree import ElementTree

    try:
        root = ElementTree.fromstring(markup)
    except ElementTree.ParseError:
        return None
    copies: dict = {}  # each element of the converter's tree → its copy
    parents = {child: parent for parent in root.iter() for child in parent}
    for element in root.iter():  # document order: a parent is copied before its children
        namespace, _, tag = element.tag.rpartition("}")
        if namespace != "{" + _MATHML or tag not in _MATHML_ELEMENTS or (tag == "math") != (element is root):
            return None
        attributes = {name: value for name, value in element.attrib.items() if _attribute_allowed(name, value)}
        if element is root:
            copy = ElementTree.Element("math", {"xmlns": _MATHML, **attributes})
        else:
            copy = ElementTree.SubElement(copies[parents[element]], tag, attributes)
        copy.text, copy.tail = element.text, element.tail if element is not root else None
        copies[element] = copy
    return ElementTree.tostring(copies[root], encoding="unicode")
