"""Browser benchmark: click "Next" in real Chromium until the page shows the new step.

    browser_step_ms     home page: click the step view's Next -> "step i of n" shown and the
                        heatmap has i rows (the step view steps in the browser: no rerun)
    bare_rerun_ms       bare_app.py: click Next -> the new count shown (a bare Streamlit rerun)
    minimal_heatmap_ms  heatmap_app.py: click Next -> the count and a heatmap of i rows
    play_late_ms        home page, Play at 0.1 s a step through 31 steps: how long after its
                        due time each step reached the screen (its heatmap painted); the frame
                        budget at ten steps a second is 100 ms
    play_draw_ms        the same steps: from starting to draw a step to its paint

All measured in the same run, same browser, median over many clicks.
"""

from __future__ import annotations

import statistics
import time

from harness.chromium import browser
from harness.servers import app_server

# The page is ready when a heading reads `label` and (if `rows`) a heatmap has `rows` rows.
# Checked in the page at every animation frame: a cheap test, so that the watching takes
# little of the main thread the page is drawing on (Playwright's text selectors walk every
# text node of the page, ~20 ms per click on the full page, next to nothing on the bare one).
READY = """([label, rows]) =>
    [...document.querySelectorAll('h3')].some(h => h.textContent === label)
    && (rows === null || [...document.querySelectorAll('.js-plotly-plot')].some(
        p => p._fullData && p._fullData[0] && p._fullData[0].z
             && p._fullData[0].z.length === rows && p.layout.yaxis && p.layout.yaxis.tickvals))"""


def _wait(page, label: str, rows: int | None) -> None:
    page.wait_for_function(READY, arg=[label, rows], polling="raf")


def _clicks(page, button: str, ready, n: int) -> list[float]:
    times = []
    for i in range(1, n + 1):
        start = time.perf_counter()
        page.get_by_role("button", name=button).click()
        ready(page, i)
        times.append(1000 * (time.perf_counter() - start))
    return times


def counter_page_ms(script: str, heatmap: bool, clicks: int = 20) -> list[float]:
    """A page with a Next button and "count i" (and, if `heatmap`, a heatmap of i rows)."""

    def ready(p, i):
        _wait(p, f"count {i}", i if heatmap else None)

    with app_server(script) as url, browser() as b:
        page = b.new_page()
        page.goto(url)
        page.wait_for_selector("text=count 0", timeout=60_000)
        return _clicks(page, "Next", ready, clicks)


LONG = "abcdefghijklmnopqrstuvwxyzabcd"  # 30 letters: 31 steps


def _long_input(b, url: str):
    """A tab on Home with LONG, at step 0."""
    page = b.new_page(viewport={"width": 1400, "height": 1200})
    page.add_init_script("window.__stepview = { shown: [] }")  # the view records its steps
    page.goto(f"{url}/?task=reverse&model=reverse-additive&input={LONG}&step=0")
    page.wait_for_selector("text=step 0 of 31", timeout=90_000)
    return page


def browser_step_ms(rounds: int = 2) -> list[float]:
    """Step through a 30-letter input (31 steps) `rounds` times, Reset in between."""
    times: list[float] = []
    with app_server() as url, browser() as b:
        page = _long_input(b, url)

        def ready(p, i):
            _wait(p, f"step {i} of 31", i)

        for _ in range(rounds):
            times += _clicks(page, "Next ▶", ready, 31)
            page.get_by_role("button", name="⟲ Reset").click()
            page.wait_for_selector("text=step 0 of 31")
    return times


def play_frames(rounds: int = 2) -> list[dict]:
    """Play a 30-letter input (31 steps) at 0.1 s a step, `rounds` times: each step's record
    from the step view (window.__stepview.shown: due, requested, painted, in ms)."""
    records: list[dict] = []
    with app_server() as url, browser() as b:
        page = _long_input(b, url)
        page.locator(".stepview select").select_option("0.1")
        for _ in range(rounds):
            page.evaluate("() => { window.__stepview.shown = [] }")
            page.get_by_test_id("sv-play").click()
            _wait(page, "step 31 of 31", 31)
            page.wait_for_timeout(300)
            records += [r for r in page.evaluate("() => window.__stepview.shown") if r["due"]]
            page.get_by_test_id("sv-reset").click()
            _wait(page, "step 0 of 31", None)
    return records


def run() -> dict:
    bare = counter_page_ms("benchmarks/bare_app.py", heatmap=False)
    minimal = counter_page_ms("benchmarks/heatmap_app.py", heatmap=True)
    full = browser_step_ms()
    played = play_frames()
    late = [r["painted"] - r["due"] for r in played]
    draw = [r["painted"] - r["requested"] for r in played]
    med = {
        name: statistics.median(v)
        for name, v in (("bare", bare), ("minimal", minimal), ("full", full))
    }
    return {
        "bare_rerun_ms": med["bare"],
        "minimal_heatmap_ms": med["minimal"],
        "browser_step_ms": med["full"],
        "browser_step_vs_bare": med["full"] / med["bare"],
        "browser_step_vs_minimal_heatmap": med["full"] / med["minimal"],
        "play_late_p50_ms": statistics.median(late),
        "play_late_max_ms": max(late),
        "play_draw_p50_ms": statistics.median(draw),
        "play_steps": len(played),
        "runs": {
            "bare_rerun_ms": bare,
            "minimal_heatmap_ms": minimal,
            "browser_step_ms": full,
            "play_late_ms": late,
        },
    }
