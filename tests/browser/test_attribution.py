"""Attribution beside attention in real Chromium: Home's "both" view on reverse-dot puts dot
attention's one-position shift next to the attribution that lands on the letter written; a
screenshot under artifacts/."""

import pytest

from harness.chromium import ARTIFACTS, browser, heatmap_z, wait_for_app
from harness.servers import app_server
from tests.support.models import shipped, trace_of

pytestmark = pytest.mark.browser

TWO_MAPS = """(n) => [...document.querySelectorAll('.js-plotly-plot')].filter(
    p => p._fullData && p._fullData[0] && p._fullData[0].z
         && p._fullData[0].z.length === n && p.layout.yaxis.tickvals).length === 2"""


def test_both_views_show_the_shift_beside_the_attribution_on_the_gold_letter():
    trace = trace_of("reverse-dot", "attention")
    assert trace.output == "noitnetta"
    with app_server() as url, browser() as b:
        page = b.new_page(viewport={"width": 1400, "height": 1200})
        page.goto(f"{url}/?task=reverse&model=reverse-dot&input=attention&step=6")
        page.wait_for_selector("text=step 6 of 10", timeout=90_000)
        page.get_by_text("both", exact=True).click()
        page.wait_for_function(TWO_MAPS, arg=6, timeout=60_000)
        wait_for_app(page)
        alpha, attribution = heatmap_z(page, 0), heatmap_z(page, 1)
        assert len(alpha) == len(attribution) == 6  # the same rows, step 1..6
        assert all(len(row) == len(a) == 9 for row, a in zip(alpha, attribution))
        for row, step in zip(alpha, trace.steps):
            assert row == pytest.approx(step.attention, abs=1e-3)
        # y_i = x_{10-i}: the gold letter of step i is at index 9-i; dot attention's largest
        # weight sits one position after it (from step 2 on), attribution's on it
        gold = [9 - i for i in range(1, 7)]
        looks = [max(range(9), key=row.__getitem__) for row in alpha]
        uses = [max(range(9), key=row.__getitem__) for row in attribution]
        assert looks[1:] == [g + 1 for g in gold[1:]]
        assert uses == gold
        assert all(max(row) == pytest.approx(1.0, abs=1e-6) for row in attribution)  # scaled
        assert "Traceback" not in page.inner_text("body")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "e2e-attribution-both.png"), full_page=True)
    assert shipped("reverse-dot").model.cfg.attention == "dot"
