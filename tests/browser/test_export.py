"""The exported page in real Chromium, opened from file:// with every network request
blocked: it steps, plays and typesets on its own (s2s_lab/html.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.chromium import ARTIFACTS, browser
from s2s_lab import html
from s2s_lab.decoding import decode

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
HEAT = '.stepview .sv-plot[data-figure="{}"]'


@pytest.fixture(scope="module")
def chromium():
    with browser() as b:
        yield b


def open_offline(chromium, path: Path):
    """A tab on `path` where every request but file: is aborted (and recorded)."""
    page = chromium.new_page(viewport={"width": 1400, "height": 1100})
    page.blocked, page.errors = [], []  # type: ignore[attr-defined]

    def route(r):
        if r.request.url.startswith("file:"):
            return r.continue_()
        page.blocked.append(r.request.url)  # type: ignore[attr-defined]
        return r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda e: page.errors.append(str(e)))  # type: ignore[attr-defined]
    page.goto(path.as_uri())
    page.wait_for_selector(".stepview .js-plotly-plot", timeout=30_000)
    return page


def rows(page, figure: str) -> int:
    return page.evaluate(
        "(sel) => document.querySelector(sel)._fullData[0].z.length", HEAT.format(figure)
    )


@pytest.mark.parametrize(
    ("checkpoint", "source", "view", "head", "figures"),
    [
        ("reverse-additive", "attention", "attention", None, ["attention"]),
        ("reverse-additive", "attention", "both", None, ["attention", "attribution"]),
        ("reverse-transformer", "attention", "attribution", None, ["attribution"]),
        ("reverse-transformer", "attention", "attention", (2, 1), ["attention"]),
    ],
)
def test_an_exported_page_steps_plays_and_typesets_offline(
    chromium, tmp_path, checkpoint, source, view, head, figures
):
    d = decode(ROOT / "checkpoints" / checkpoint, source, view, head=head)
    path = tmp_path / "decoding.html"
    html.write(d, path)
    page = open_offline(chromium, path)
    for _ in range(5):
        page.get_by_test_id("sv-next").click()
    page.wait_for_function("() => document.querySelector('.stepview').dataset.step === '5'")
    for figure in figures:
        page.wait_for_function(
            "(sel) => document.querySelector(sel)._fullData[0].z.length === 5",
            arg=HEAT.format(figure),
        )
        assert rows(page, figure) == 5  # five Next clicks: five heatmap rows
    page.wait_for_function("() => document.querySelectorAll('.stepview math').length > 3")
    page.screenshot(path=str(ARTIFACTS / f"export-{checkpoint}-{view}.png"), full_page=True)
    # Play runs from here to the end (the view's fastest speed), on its own
    page.select_option(".stepview select", index=len(page.locator(".stepview option").all()) - 1)
    page.get_by_test_id("sv-play").click()
    n = len(d.trace.steps)
    page.wait_for_function(
        f"() => document.querySelector('.stepview').dataset.step === '{n}'", timeout=20_000
    )
    assert rows(page, figures[0]) == n
    assert page.blocked == [] and page.errors == []  # type: ignore[attr-defined]
    page.close()


def test_classroom_mode_is_a_toggle_inside_the_page(chromium, tmp_path):
    path = tmp_path / "decoding.html"
    html.write(decode(ROOT / "checkpoints" / "reverse-additive", "attention"), path)
    page = open_offline(chromium, path)
    page.keyboard.press("ArrowRight")  # the view has the focus: the keys step
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.stepview').dataset.step === '2'")
    small = page.evaluate(
        f"() => document.querySelector('{HEAT.format('attention')}')._fullLayout.font.size"
    )
    page.get_by_label("Classroom mode").check()
    page.wait_for_function("() => document.querySelector('.stepview.large') !== null")
    large = page.evaluate(
        f"() => document.querySelector('{HEAT.format('attention')}')._fullLayout.font.size"
    )
    assert large > small
    assert page.locator(".stepview").get_attribute("data-step") == "2"  # the step is kept
    assert page.errors == []  # type: ignore[attr-defined]
    page.close()


def test_home_downloads_the_decoding_on_screen(chromium, tmp_path):
    """Home's buttons give the decoding shown (a Transformer's head, both heatmaps): the
    page opens offline at it, the GIF has a frame per step at the size picked."""
    from PIL import Image

    from harness.chromium import wait_for_app
    from harness.servers import app_server

    link = "/?task=reverse&model=reverse-transformer&input=attention&head=2.1&view=both"
    with app_server() as url:
        page = chromium.new_page(viewport={"width": 1400, "height": 1400})
        page.goto(url + link)
        page.wait_for_selector("text=step 0 of 10", timeout=90_000)
        wait_for_app(page)
        page.get_by_text("Export and share").click()
        with page.expect_download() as got:
            page.get_by_role("button", name="Download this decoding (HTML, works offline)").click()
        saved = tmp_path / "home.html"
        got.value.save_as(saved)
        page.get_by_text("1280x720").click()
        wait_for_app(page)
        with page.expect_download(timeout=60_000) as got:
            page.get_by_role("button", name="Download as animation (GIF)").click()
        gif = tmp_path / "home.gif"
        got.value.save_as(gif)
        page.close()
    offline = open_offline(chromium, saved)
    assert "head 2.1" in offline.locator("header").inner_text()
    for _ in range(3):
        offline.get_by_test_id("sv-next").click()
    for figure in ("attention", "attribution"):
        offline.wait_for_function(
            "(sel) => document.querySelector(sel)._fullData[0].z.length === 3",
            arg=HEAT.format(figure),
        )
    assert offline.blocked == [] and offline.errors == []  # type: ignore[attr-defined]
    with Image.open(gif) as g:
        assert g.size == (1280, 720) and g.n_frames == 11  # steps 0..10
