"""WCAG 2.1 AA in real Chromium: axe-core (from npm, `make axe`) finds no violation on the
five pages, the step view, a lecture, the upload summary and an exported page, on a laptop
and on a phone; Home works with the keyboard alone, and a screen reader's tree holds each
step in words. Screenshots at 200% zoom and 320 px wide under artifacts/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harness.axe import describe, violations
from harness.chromium import ARTIFACTS, browser, wait_for_app
from harness.servers import app_server
from s2s_lab import html
from s2s_lab.decoding import decode

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["/", "/explorer", "/bottleneck", "/train", "/theory"]
SIZES = {"laptop": (1400, 900), "phone": (390, 844)}


@pytest.fixture(scope="module")
def server():
    with app_server() as url, browser() as b:
        yield url, b


def settle(page) -> None:
    """The app idle, its charts and step view drawn."""
    wait_for_app(page)
    page.wait_for_timeout(800)


def opened(server, path: str, size=(1400, 900)):
    url, b = server
    page = b.new_page(viewport={"width": size[0], "height": size[1]})
    page.goto(url + path)
    page.wait_for_selector("[data-testid='stApp']", timeout=90_000)
    settle(page)
    page.wait_for_function(  # the app's own CSS in effect (ui/style.py ACCESSIBLE_CSS)
        """() => [...document.querySelectorAll("[data-testid='stCaptionContainer']")]
            .every((c) => getComputedStyle(c).opacity === "1")""",
        timeout=30_000,
    )
    return page


def no_violations(page) -> None:
    found = violations(page)
    assert not found, describe(found)


@pytest.mark.parametrize("path", PAGES)
def test_no_automatic_violation_on_any_page(server, path):
    """Each page on a laptop, then the same page narrowed to a phone (it lays out again)."""
    page = opened(server, path, SIZES["laptop"])
    no_violations(page)
    page.set_viewport_size({"width": SIZES["phone"][0], "height": SIZES["phone"][1]})
    page.wait_for_timeout(1000)  # Streamlit and the figures lay out for the phone
    no_violations(page)
    page.close()


def test_the_step_view_stepped_with_its_table_what_if_and_both_heatmaps(server):
    page = opened(server, "/?task=reverse&model=reverse-additive&input=attention&view=both")
    page.wait_for_selector("text=step 0 of 10", timeout=60_000)
    for _ in range(3):
        page.get_by_test_id("sv-next").click()
    page.get_by_text("The heatmap as a table (key T)").click()
    page.wait_for_selector(".sv-table table", timeout=10_000)
    no_violations(page)
    page.close()


def test_a_lecture_presenters_view(server):
    page = opened(server, "/?task=reverse&input=attention")
    page.get_by_role("button", name="▶ Start a lecture").click()
    page.wait_for_selector("text=/[A-Z0-9]{6}/", timeout=30_000)
    settle(page)
    no_violations(page)
    page.close()


def test_the_upload_summary_with_refused_lines(server, tmp_path):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_bytes((ROOT / "examples" / "en-fr-regions.tsv").read_bytes() + b"a\tb\tc\n")
    page = opened(server, "/train")
    page.get_by_text("Your own pairs: upload a file or paste them").click()
    page.locator("input[type=file]").set_input_files(str(pairs))
    page.wait_for_selector("text=/268 pairs kept/", timeout=60_000)
    settle(page)
    no_violations(page)
    page.close()


def test_an_exported_page(server, tmp_path):
    _, b = server
    path = tmp_path / "out.html"
    html.write(decode(ROOT / "checkpoints" / "reverse-additive", "attention", "both"), path)
    page = b.new_page(viewport={"width": 1400, "height": 900})
    page.goto(path.as_uri())
    page.wait_for_selector(".stepview .js-plotly-plot", timeout=30_000)
    page.get_by_test_id("sv-next").click()
    no_violations(page)
    page.close()


def status(page) -> str:
    """What the step view's live region says (a screen reader's announcement)."""
    snap = page.locator(".stepview").aria_snapshot()
    found = re.search(r"- status: (.*)", snap)
    return found.group(1).strip().strip('"') if found else ""  # YAML quotes a text with ": "


def tab_to(page, test: str, limit: int = 80) -> None:
    """Press Tab until `test` (JS, on document.activeElement as `a`) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const a = document.activeElement; return {test} }}"):
            return
    raise AssertionError(f"Tab never reached: {test}")


def test_home_with_the_keyboard_alone(server):
    page = opened(server, "/?task=reverse&model=reverse-additive")
    page.wait_for_selector("text=step 0 of 10", timeout=60_000)
    tab_to(page, "a.getAttribute('aria-label') === 'Input'")
    page.keyboard.press("Control+A")
    page.keyboard.type("sequence")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=step 0 of 9", timeout=60_000)
    wait_for_app(page)
    tab_to(page, "a.classList.contains('stepview')")
    for i in (1, 2, 3):  # each step in words: the token written and where the decoder looked
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"() => document.querySelector('.stepview').dataset.step === '{i}'")
        said = status(page)
        assert said.startswith(f"Step {i} of 9 writes “") and "Attention looks at x" in said
    page.keyboard.press("t")  # the heatmap as a table
    page.wait_for_selector(".sv-table table tbody tr:nth-child(3)", timeout=10_000)
    tab_to(page, "a.closest('.sv-whatif') !== null && a.tagName === 'BUTTON'")
    page.keyboard.press("Enter")  # a what-if, chosen with the keyboard
    page.wait_for_selector("text=↩ Undo what-if", timeout=60_000)
    wait_for_app(page)
    page.locator(".stepview").focus()
    page.keyboard.press("Home")  # reset
    page.wait_for_function("() => document.querySelector('.stepview').dataset.step === '0'")
    assert status(page).startswith("Step 0 of")
    page.close()


@pytest.mark.parametrize(
    ("name", "size", "zoom"), [("zoom200", (1400, 900), 2), ("w320", (320, 700), 1)]
)
def test_200_percent_zoom_and_320_px_reflow(server, name, size, zoom):
    """At 200% zoom (a 700 px wide layout) and 320 CSS px wide, the page reflows: nothing
    wider than the screen but the heatmap's own scroll box."""
    url, b = server
    context = b.new_context(
        viewport={"width": size[0] // zoom, "height": size[1] // zoom}, device_scale_factor=zoom
    )
    page = context.new_page()
    page.goto(url + "/?task=reverse&model=reverse-additive&input=attention")
    page.wait_for_selector("text=step 0 of 10", timeout=90_000)
    wait_for_app(page)
    page.get_by_test_id("sv-next").click()
    page.wait_for_timeout(800)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= size[0] // zoom + 1, width  # no horizontal scrolling of the page
    page.screenshot(path=str(ARTIFACTS / f"a11y-{name}.png"), full_page=True)
    context.close()


def test_reduced_motion_plays_without_transitions(server, tmp_path):
    """prefers-reduced-motion: the view sets no transition or animation, and Play still steps."""
    _, b = server
    path = tmp_path / "out.html"
    html.write(decode(ROOT / "checkpoints" / "reverse-additive", "attention"), path)
    context = b.new_context(reduced_motion="reduce", viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(path.as_uri())
    page.wait_for_selector(".stepview .js-plotly-plot", timeout=30_000)
    page.select_option(".stepview select", index=len(page.locator(".stepview option").all()) - 1)
    page.get_by_test_id("sv-play").click()
    page.wait_for_function(
        "() => document.querySelector('.stepview').dataset.step === '10'", timeout=20_000
    )
    moving = page.evaluate("""() => [...document.querySelectorAll('.stepview *')].filter((e) => {
        const s = getComputedStyle(e)
        return parseFloat(s.transitionDuration) > 0 || s.animationName !== 'none'
    }).length""")
    assert moving == 0
    context.close()
