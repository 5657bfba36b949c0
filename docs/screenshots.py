"""Retake the explorer's screenshots in docs/ (Debian's chromium, driven by Playwright):

    .venv/bin/python docs/screenshots.py
"""

from pathlib import Path

from playwright.sync_api import sync_playwright

from autograd.apps.explore.api import Api, starting_point
from autograd.apps.explore.server import ExplorerServer

DOCS = Path(__file__).resolve().parent


def main() -> None:
    server = ExplorerServer(Api(*starting_point(None, {})))
    server.start_background()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(server.url)
            page.wait_for_selector("[data-testid=value-L]")
            for _ in range(3):  # three gradient-descent steps: the loss plot has a line
                page.get_by_test_id("take-step").click()
                page.wait_for_timeout(200)
            for _ in range(13):  # into the backward pass
                page.get_by_test_id("step-forward").click()
            page.evaluate("() => window.scrollTo(0, 0)")
            page.wait_for_timeout(200)
            page.screenshot(path=str(DOCS / "explorer.png"))
            page.get_by_test_id("tab-train").click()
            page.wait_for_function("() => document.querySelector('[data-testid=accuracy]').dataset.value")
            page.get_by_test_id("train-50").click()
            page.wait_for_function("() => document.querySelector('[data-testid=train-step]').textContent === '50'")
            page.screenshot(path=str(DOCS / "explorer-training.png"), clip={"x": 0, "y": 0, "width": 1000, "height": 620})
            browser.close()
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    main()
