"""g2p in real Chromium: type "Knight" on Home's g2p task and step: one phoneme per step,
the attention moving along the letters; a screenshot under artifacts/."""

import pytest

from harness.chromium import ARTIFACTS, browser, heatmap_z, wait_for_app
from harness.servers import app_server

pytestmark = pytest.mark.browser

ROWS = """(n) => [...document.querySelectorAll('.js-plotly-plot')].some(
    p => p._fullData && p._fullData[0] && p._fullData[0].z
         && p._fullData[0].z.length === n && p.layout.yaxis.tickvals)"""


def test_knight_is_pronounced_phoneme_by_phoneme():
    with app_server() as url, browser() as b:
        page = b.new_page(viewport={"width": 1400, "height": 1500})
        page.goto(f"{url}/?task=g2p")
        page.wait_for_selector("text=step 0 of", timeout=90_000)
        box = page.get_by_role("textbox", name="Input")
        box.fill("Knight")
        box.press("Enter")
        page.wait_for_selector("text=step 0 of 4", timeout=30_000)  # N AY T <eos>
        written = []
        for i in range(1, 5):
            page.get_by_role("button", name="Next ▶").click()
            page.wait_for_selector(f"text=step {i} of 4", timeout=30_000)
            page.wait_for_function(ROWS, arg=i, timeout=30_000)
            written.append(page.locator(".sv-output").inner_text().strip())
        assert written[0].endswith("N") and written[1].endswith("N AY")
        assert written[2].endswith("N AY T")
        z = heatmap_z(page)
        assert [len(row) for row in z] == [6] * 4  # k n i g h t
        looks = [max(range(6), key=row.__getitem__) for row in z[:3]]
        assert looks == sorted(looks) and looks[0] <= 1 and looks[2] >= 4  # along the word
        wait_for_app(page)
        body = page.inner_text("body")
        for bad in ("Traceback", "Error:", "Exception"):
            assert bad not in body
        assert "In the dictionary, a training word" in body
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "e2e-g2p-knight.png"), full_page=True)
