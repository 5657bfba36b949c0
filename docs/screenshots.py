"""Retake the screenshots in docs/ (Debian's chromium, driven by Playwright):

    .venv/bin/python docs/screenshots.py                      # all of them
    .venv/bin/python docs/screenshots.py program stepper      # some: program, training, stepper

program   docs/explorer.png: the explorer's program tab, the worked example after three
          gradient-descent steps, stepping through the backward pass
training  docs/explorer-training.png: the training tab after 50 steps on moons
stepper   docs/worked-example-page.png: the walkthrough's step-through page at ∂L/∂w1
"""

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from autograd.apps.cli import main as cli
from autograd.apps.explore.api import Api, starting_point
from autograd.apps.explore.server import ExplorerServer

DOCS = Path(__file__).resolve().parent


def program(browser, url: str) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(url)
    page.wait_for_selector("[data-testid=value-L]")
    for _ in range(3):  # three gradient-descent steps: the loss plot has a line
        page.get_by_test_id("take-step").click()
        page.wait_for_timeout(200)
    for _ in range(13):  # into the backward pass
        page.get_by_test_id("step-forward").click()
    page.evaluate("() => window.scrollTo(0, 0)")
    page.wait_for_timeout(200)
    page.screenshot(path=str(DOCS / "explorer.png"))
    page.close()


def training(browser, url: str) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(url)
    page.wait_for_selector("[data-testid=value-L]")
    page.get_by_test_id("tab-train").click()
    page.wait_for_function("() => document.querySelector('[data-testid=accuracy]').dataset.value")
    page.get_by_test_id("train-50").click()
    page.wait_for_function("() => document.querySelector('[data-testid=train-step]').textContent === '50'")
    page.screenshot(path=str(DOCS / "explorer-training.png"))
    page.close()


def stepper(browser, url: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        walk = Path(folder) / "walkthrough.html"
        cli(["walkthrough", "--html", str(walk)])
        page = browser.new_page(viewport={"width": 1280, "height": 820})
        page.goto(walk.as_uri())
        while "∂L/∂w1 =" not in page.locator("#line").text_content():
            page.keyboard.press("ArrowRight")
        page.wait_for_timeout(200)
        page.screenshot(path=str(DOCS / "worked-example-page.png"))
        page.close()


SHOTS = {"program": program, "training": training, "stepper": stepper}


def main(names: list[str]) -> None:
    unknown = [n for n in names if n not in SHOTS]
    if unknown:
        sys.exit(f"error: no screenshot called {', '.join(unknown)} (there are {', '.join(SHOTS)})")
    server = ExplorerServer(Api(*starting_point(None, {})))
    server.start_background()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
            for name in names or SHOTS:
                SHOTS[name](browser, server.url)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    main(sys.argv[1:])
