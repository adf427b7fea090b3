"""End to end in real Chromium: what a person sees on the home page.

Starts the app on a free port, drives Debian's Chromium with Playwright (nothing
downloaded), steps through decoding to the end, and saves a screenshot under artifacts/.
"""

import pytest

from harness.chromium import ARTIFACTS, browser, heatmap_z
from harness.servers import app_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page():
    with app_server() as url, browser() as b:
        page = b.new_page(viewport={"width": 1400, "height": 1600})
        page.goto(url)
        page.wait_for_selector("text=step 0 of 10", timeout=90_000)
        yield page


def step_text(page, label: str) -> None:
    page.wait_for_selector(f"text={label}", timeout=30_000)


def test_type_and_step_to_the_end(page):
    box = page.get_by_role("textbox", name="Input")
    box.fill("sequence")
    box.press("Enter")
    step_text(page, "step 0 of 9")
    for i in range(1, 10):
        page.get_by_role("button", name="Next ▶").click()
        step_text(page, f"step {i} of 9")
    page.wait_for_function(
        """() => [...document.querySelectorAll('.js-plotly-plot')].some(
               p => p._fullData && p._fullData[0] && p._fullData[0].z
                    && p._fullData[0].z.length === 9 && p.layout.yaxis.tickvals)""",
        timeout=30_000,
    )
    z = heatmap_z(page)
    assert len(z) == 9 and all(len(row) == 8 for row in z)  # 9 steps x 8 source positions
    assert all(abs(sum(row) - 1) < 1e-3 for row in z)
    body = page.inner_text("body")
    for bad in ("Traceback", "Error:", "Exception"):
        assert bad not in body
    assert "ecneuqes" in body  # the output, reversed "sequence"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "e2e-home.png"), full_page=True)


def test_typed_html_is_shown_as_text_never_run(page):
    box = page.get_by_role("textbox", name="Input")
    payload = '<img src=x onerror="__pwned=1"><b id=b>'
    box.fill(payload)
    box.press("Enter")
    page.wait_for_selector("text=This input can't be decoded", timeout=30_000)
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("b#b").count() == 0
    assert page.evaluate("() => window.__pwned") is None
    message = page.locator("[data-testid='stAlert']").inner_text()
    assert "'<'" in message and "'='" in message  # the symbols, as literal text
