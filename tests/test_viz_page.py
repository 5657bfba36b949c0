"""The one HTML page skeleton (autograd.viz.page): a complete, offline document whose
Content-Security-Policy lets its own scripts run and nothing reach the network."""

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from autograd.viz import html_page, script_json
from autograd.viz.page import content_policy
from chromium_browser import launch


def test_the_skeleton_has_doctype_lang_charset_viewport_policy_and_an_escaped_title():
    page = html_page("a < b & \"c\"", "<p>hello</p>", style="p { color: red; }", scripts=["var x = 1;"],
                     head='<meta name="description" content="d">')
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "<title>a &lt; b &amp; &quot;c&quot;</title>" in page
    assert '<meta name="description" content="d">' in page
    assert "<style>\np { color: red; }\n</style>" in page
    body, script = page.index("<body>\n<p>hello</p>"), page.index("<script>\nvar x = 1;\n</script>")
    assert page.index("</head>") < body < script
    assert page.endswith("</body>\n</html>\n")
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1)
    assert policy == content_policy(["var x = 1;"])
    assert policy.startswith("default-src 'none'; script-src 'sha256-")
    assert "connect-src" not in policy and "'unsafe-inline'" not in policy.split("style-src")[0]


def test_empty_parts_are_left_out_and_no_script_may_run():
    page = html_page("t", "", lang="fr")
    assert '<html lang="fr">' in page and "<style>" not in page and "<script>" not in page
    assert "script-src 'none'" in page


@pytest.mark.parametrize("part", ["style", "script"])
def test_an_end_tag_inside_a_style_or_script_is_refused(part):
    text = f"x </{part.upper()}><img src=x>"
    with pytest.raises(ValueError, match=f"</{part}"):
        html_page("t", "", **({"style": text} if part == "style" else {"scripts": [text]}))


def test_script_json_cannot_end_its_script():
    text = script_json({"name": "</script><!--"})
    assert "</" not in text and "<!--" not in text
    html_page("t", "", scripts=[f"var model = {text};"])  # accepted


# ---------------------------------------------------------------- in headless chromium


@pytest.fixture(scope="module")
def browser():
    yield from launch()


@pytest.fixture
def listener():
    """A local HTTP server that records every request it gets (the page must make none)."""
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


def test_own_scripts_run_and_nothing_reaches_the_network(browser, tmp_path, listener):
    origin, hits = listener
    probe = f"""
document.body.setAttribute("data-ran", "yes");
fetch("{origin}/fetched").then(function () {{ document.body.setAttribute("data-fetch", "reached"); }},
                               function () {{ document.body.setAttribute("data-fetch", "blocked"); }});
"""
    body = (f'<img src="{origin}/image.png"><link rel="stylesheet" href="{origin}/s.css">'
            '<script>document.body.setAttribute("data-injected", "ran");</script>'
            f'<iframe src="{origin}/frame"></iframe>')
    page_file = tmp_path / "page.html"
    page_file.write_text(html_page("probe", body, scripts=[probe]), encoding="utf-8")
    page = browser.new_page()
    page.goto(page_file.as_uri(), wait_until="load")
    page.wait_for_selector("body[data-fetch]", state="attached")
    assert page.get_attribute("body", "data-ran") == "yes"  # the page's own script, allowed by its hash
    assert page.get_attribute("body", "data-fetch") == "blocked"
    assert page.get_attribute("body", "data-injected") is None  # a script that is not the page's own
    page.close()
    assert hits == []
