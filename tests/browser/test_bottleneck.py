"""The Bottleneck page in real Chromium: its charts drawn, and a screenshot."""

import pytest

from harness.chromium import ARTIFACTS, browser, wait_for_app
from harness.servers import app_server

pytestmark = pytest.mark.browser


def test_page_in_chromium_shows_its_charts():
    with app_server() as url, browser() as b:
        page = b.new_page(viewport={"width": 1400, "height": 4000})
        page.goto(f"{url}/bottleneck")
        page.wait_for_selector("text=1. Accuracy by input length", timeout=90_000)
        wait_for_app(page, 120_000)
        page.wait_for_function(
            "() => [...document.querySelectorAll(\"[data-testid='stVegaLiteChart']\")]"
            ".filter(c => c.querySelector('svg, canvas')).length >= 4",
            timeout=60_000,
        )
        body = page.inner_text("body")
        for text in (
            "none (fixed context c)",
            "additive attention",
            "extrapolation",
            "√d = 8.0",
            "Fixed context: exact match against d",
        ):
            assert text in body
        for bad in ("Traceback", "Error:", "Exception"):
            assert bad not in body
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "e2e-bottleneck.png"), full_page=True)
