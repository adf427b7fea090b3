"""The Train page in real Chromium: train a tiny model, watch its curves, then find it on
the home page (same tab, same session), and after a reload (a new session: the link brings
the model back from the model store). Screenshots under artifacts/."""

import re

import pytest

from harness.chromium import ARTIFACTS, browser, wait_for_app
from harness.servers import app_server
from tests.support.jobs import WAIT_S

pytestmark = pytest.mark.browser


def test_page_in_chromium_trains_and_the_home_page_offers_the_model():
    with app_server() as url, browser() as b:
        page = b.new_page(viewport={"width": 1400, "height": 1800})
        page.goto(url)
        page.wait_for_selector("text=step 0 of 10", timeout=90_000)
        page.get_by_role("link", name="Train").click()
        start = page.get_by_role("button", name="▶ Start training")
        start.wait_for(timeout=90_000)
        wait_for_app(page)
        sliders = page.get_by_role("slider")
        for k, keys in enumerate([["Home"], ["Home", "ArrowRight"]]):  # d = 16, 10 s
            for key in keys:
                sliders.nth(k).focus()
                sliders.nth(k).press(key)
                wait_for_app(page)
        start.click()
        page.wait_for_function(  # a few steps in: the curves have points
            r"""() => [...document.querySelectorAll("[data-testid='stProgress']")].some(
                   p => /Training reverse-additive-d16: step ([2-9]\d|\d{3,})/
                        .test(p.innerText))""",
            timeout=60_000,
        )
        page.wait_for_selector(
            "[data-testid='stVegaLiteChart'] svg, [data-testid='stVegaLiteChart'] canvas",
            timeout=60_000,
        )
        page.wait_for_timeout(500)  # let Vega draw the lines
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "e2e-train-running.png"), full_page=True)
        page.reload()  # by accident, while it trains: the new session takes the job over
        page.wait_for_function(
            r"""() => [...document.querySelectorAll("[data-testid='stProgress']")].some(
                   p => /Training reverse-additive-d16: step \d+/.test(p.innerText))""",
            timeout=60_000,
        )
        assert "another tab" not in page.inner_text("body")
        # A classmate opens a copy of the link on Home while this tab still trains: the job
        # stays here; the copy waits, and takes the model by itself once training ends.
        classmate = b.new_page(viewport={"width": 1400, "height": 1000})
        classmate.goto(page.url.replace("/train?", "/?"))
        classmate.wait_for_selector("text=still training in another tab", timeout=60_000)
        page.wait_for_selector("text=Trained reverse-additive-d16", timeout=WAIT_S * 1000)
        wait_for_app(page)
        page.wait_for_selector("[data-testid='stDataFrame'] canvas", timeout=30_000)
        page.wait_for_timeout(1000)  # the table and the final curves finish drawing
        body = page.inner_text("body")
        for bad in ("Traceback", "Error:", "Exception"):
            assert bad not in body
        page.screenshot(path=str(ARTIFACTS / "e2e-train-done.png"), full_page=True)
        trained = r"text=/reverse-additive-d16 \(trained \d\d:\d\d\)/"  # its name, once
        classmate.wait_for_selector(trained, timeout=30_000)  # no click: it reran by itself
        wait_for_app(classmate)
        assert "Traceback" not in classmate.inner_text("body")
        classmate.screenshot(path=str(ARTIFACTS / "e2e-train-classmate.png"))
        page.get_by_role("link", name="Home").click()  # same tab, same session
        page.wait_for_selector(trained, timeout=60_000)
        page.wait_for_selector("text=step 0 of", timeout=60_000)
        wait_for_app(page)
        assert "Traceback" not in page.inner_text("body")
        page.screenshot(path=str(ARTIFACTS / "e2e-train-home.png"))

        # Nothing lost: the link holds the model's id, and a reload (a new session, its
        # memory empty) opens the model from the store and decodes with it.
        page.wait_for_function("() => location.search.includes('model_id=')", timeout=30_000)
        model_id = re.search(r"model_id=([A-Za-z0-9_-]{22})", page.url)
        assert model_id, page.url
        page.reload()
        page.wait_for_selector(trained, timeout=60_000)  # still the sidebar's model
        page.wait_for_selector("text=step 0 of", timeout=60_000)
        wait_for_app(page)
        page.get_by_test_id("sv-next").click()  # the step view steps with it
        page.wait_for_selector("text=step 1 of", timeout=30_000)
        body = page.inner_text("body")
        assert "Traceback" not in body and "not available here" not in body
        assert f"model_id={model_id[1]}" in page.url
        page.screenshot(path=str(ARTIFACTS / "e2e-train-reloaded.png"))
        page.get_by_role("button", name="Share this model").click()
        page.wait_for_selector(f"text=/model_id={model_id[1]}/", timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "e2e-train-share.png"))
