"""What the browser tests of the graph (static/graph.js) check on a page: that the first view
shows every node, that the keyboard reaches every control with a visible focus, and the
graph's table (its text alternative). Used by test_stepper.py and test_explore.py."""

# Every node's box inside the picture and inside the window once the picture is scrolled into
# view, and none under the legend or the zoom buttons: the ones that are not, by name.
OUTSIDE = """() => {
  document.querySelector('#graph').scrollIntoView();
  const s = document.querySelector('#graph svg').getBoundingClientRect();
  const covers = [...document.querySelectorAll('#graph .legend, #graph .zoom')].map(e => e.getBoundingClientRect());
  const apart = (a, b) => a.right <= b.left || a.left >= b.right || a.bottom <= b.top || a.top >= b.bottom;
  const e = 0.5;  // subpixel rounding
  return [...document.querySelectorAll('#graph .gnode')].filter(n => {
    const b = n.getBoundingClientRect();
    return b.left < s.left - e || b.right > s.right + e || b.top < s.top - e || b.bottom > s.bottom + e ||
           b.left < -e || b.right > innerWidth + e || b.top < -e || b.bottom > innerHeight + e ||
           !covers.every(c => apart(b, c));
  }).map(n => n.querySelector('.name').textContent);
}"""

NODES = "() => document.querySelectorAll('#graph .gnode').length"

# The element with the keyboard's focus: its test id (or id, or tag), and whether it shows it.
FOCUSED = """() => {
  const a = document.activeElement;
  const style = getComputedStyle(a);
  return {id: a.getAttribute('data-testid') || a.id || a.getAttribute('aria-label') || a.tagName,
          visible: a.matches(':focus-visible') && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2};
}"""

# Every control a user can operate in `root` (visible, enabled), named as FOCUSED names them.
CONTROLS = """root => [...document.querySelector(root).querySelectorAll(
    'button, input, textarea, select, [tabindex]:not([tabindex="-1"])')]
  .filter(c => !c.disabled && c.getClientRects().length && getComputedStyle(c).visibility !== 'hidden')
  .map(c => c.getAttribute('data-testid') || c.id || c.getAttribute('aria-label') || c.tagName)"""

# The graph's table: the picture's aria-describedby, and per row name -> [value, gradient].
TABLE = """() => {
  const svg = document.querySelector('#graph svg');
  const table = document.getElementById(svg.getAttribute('aria-describedby'));
  const rows = {};
  for (const tr of table.tBodies[0].rows) {
    rows[tr.querySelector('th').textContent] = [tr.querySelector('.value').textContent, tr.querySelector('.grad').textContent];
  }
  return {tag: table.tagName, role: svg.getAttribute('role'), label: svg.getAttribute('aria-label'),
          caption: table.caption.textContent, display: getComputedStyle(table).display, rows};
}"""


def tab_to(page, target: str, most: int = 80) -> list[dict]:
    """Press Tab until the control named ``target`` has the focus; every control passed on the way."""
    passed = []
    for _ in range(most):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["id"] != "BODY":  # past the last control the focus leaves the page, then comes back
            passed.append(focused)
        if focused["id"] == target:
            return passed
    raise AssertionError(f"Tab never reached {target!r}; it went through {[p['id'] for p in passed]}")
