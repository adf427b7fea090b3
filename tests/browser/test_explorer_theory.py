"""The Attention explorer and the Theory page in real Chromium: one load of each, the input
carried from one to the other and on to Home, with screenshots under artifacts/."""

from __future__ import annotations

import pytest

from harness.chromium import ARTIFACTS, browser, heatmap_z, wait_for_app
from harness.servers import app_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server():
    with app_server() as url:
        yield url


def full_screenshot(tab, name: str) -> None:
    """A screenshot of the whole page: Streamlit scrolls inside its own container, so the
    window is first made as tall as the page's content."""
    height = tab.evaluate(
        "document.querySelector('[data-testid=\"stMainBlockContainer\"]').scrollHeight"
    )
    tab.set_viewport_size({"width": 1400, "height": min(int(height) + 120, 12_000)})
    tab.wait_for_timeout(500)  # let Plotly redraw at the new size
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / name))


def test_both_pages_load_in_chromium(server):
    with browser() as b:
        tab = b.new_page(viewport={"width": 1400, "height": 1000})
        tab.goto(f"{server}/explorer")
        tab.wait_for_selector("text=Beam search: the k best outputs", timeout=90_000)
        tab.wait_for_function(
            """() => [...document.querySelectorAll('.js-plotly-plot')].filter(
                   p => p._fullData && p._fullData[0] && p._fullData[0].type === 'heatmap'
               ).length >= 7""",
            timeout=60_000,
        )  # 3 models + 3 beam hypotheses + full size
        wait_for_app(tab)
        z = heatmap_z(tab)
        assert len(z) == 10 and all(len(row) == 9 for row in z)  # "attention": 10 steps x 9
        body = tab.inner_text("body")
        assert "Traceback" not in body and "noitnetta" in body
        full_screenshot(tab, "explorer.png")
        tab.set_viewport_size({"width": 1400, "height": 1000})

        box = tab.get_by_role("textbox", name="Input")  # in the sidebar
        box.fill("hello")
        box.press("Enter")
        tab.wait_for_function(
            """() => [...document.querySelectorAll('.js-plotly-plot')].some(
                   p => p._fullData && p._fullData[0] && p._fullData[0].z
                        && p._fullData[0].z.length === 6 && p._fullData[0].z[0].length === 5)""",
            timeout=60_000,
        )  # "hello": 6 steps x 5 positions
        tab.locator("[data-testid='stSidebarNavLink']", has_text="Theory").click()
        tab.wait_for_selector("text=10. Conclusion", timeout=90_000)
        assert tab.get_by_role("textbox", name="Input").input_value() == "hello"  # came along
        tab.wait_for_function(
            "() => document.querySelectorAll('.katex').length >= 32", timeout=60_000
        )
        wait_for_app(tab)
        assert tab.locator(".katex-error").count() == 0  # every formula parsed by KaTeX
        assert tab.locator("[data-testid='stPageLink']").count() >= 5
        body = tab.inner_text("body")
        assert "Traceback" not in body and "Sequential constraints" in body
        assert "olleh" in body  # the live examples decode the input that came along
        full_screenshot(tab, "theory.png")
        tab.set_viewport_size({"width": 1400, "height": 1000})

        tab.locator("[data-testid='stSidebarNavLink']", has_text="Home").click()
        tab.wait_for_selector("text=step 0 of 6", timeout=90_000)  # Home: "hello" + <eos>
        assert tab.get_by_role("textbox", name="Input").input_value() == "hello"
