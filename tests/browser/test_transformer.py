"""The Transformer in real Chromium: Home with the Transformer steps through "attention" with a
layer/head picker; the explorer shows the two architectures side by side and every head; screenshots
under artifacts/."""

import pytest

from harness.chromium import ARTIFACTS, browser, heatmap_z, wait_for_app
from harness.servers import app_server
from tests.support.models import trace_of

pytestmark = pytest.mark.browser

ROWS = """(n) => [...document.querySelectorAll('.js-plotly-plot')].some(
    p => p._fullData && p._fullData[0] && p._fullData[0].z
         && p._fullData[0].z.length === n && p.layout.yaxis.tickvals)"""


def no_errors(page) -> None:
    wait_for_app(page)
    body = page.inner_text("body")
    for bad in ("Traceback", "Error:", "Exception"):
        assert bad not in body


def test_the_transformer_steps_through_attention_one_head_at_a_time():
    trace = trace_of("reverse-transformer", "attention")
    assert trace.output == "noitnetta"
    with app_server() as url, browser() as b:
        page = b.new_page(viewport={"width": 1400, "height": 1400})
        page.goto(f"{url}/?task=reverse&model=reverse-transformer&input=attention")
        page.wait_for_selector("text=step 0 of 10", timeout=90_000)
        for i in range(1, 4):
            page.get_by_role("button", name="Next ▶").click()
            page.wait_for_selector(f"text=step {i} of 10", timeout=30_000)
            page.wait_for_function(ROWS, arg=i, timeout=30_000)
        z = heatmap_z(page)
        assert [len(row) for row in z] == [9] * 3  # a t t e n t i o n: rows sum to 1 over them
        for row, step in zip(z, trace.steps):
            assert row == pytest.approx(step.attention, abs=1e-3)  # the mean of the heads
        page.get_by_role("combobox", name="Cross-attention shown").click()
        page.get_by_role("option", name="layer 3, head 2").click()
        page.wait_for_function(
            """(v) => [...document.querySelectorAll('.js-plotly-plot')].some(
                p => p._fullData && p._fullData[0] && p._fullData[0].z
                     && Math.abs(p._fullData[0].z[0][8] - v) < 1e-3)""",
            arg=trace.steps[0].heads[2][1][8],
            timeout=30_000,
        )
        z = heatmap_z(page)
        for row, step in zip(z, trace.steps):
            assert row == pytest.approx(step.heads[2][1], abs=1e-3)
        assert page.get_by_text("step 3 of 10", exact=True).count() == 1  # the step stayed
        no_errors(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "e2e-transformer-home.png"), full_page=True)
        page.goto(f"{url}/explorer?task=reverse&input=attention")
        page.wait_for_selector("text=Every head of Transformer", timeout=90_000)
        page.wait_for_function(
            """() => [...document.querySelectorAll('.js-plotly-plot')].some(
                p => p._fullData && p._fullData.length === 12)""",
            timeout=60_000,
        )
        no_errors(page)
        for title in ("additive attention", "Transformer (attention only)"):
            assert page.get_by_role("heading", name=title, exact=True).count() == 1  # side by side
        page.screenshot(path=str(ARTIFACTS / "e2e-transformer-explorer.png"), full_page=True)
