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
    page.select_option(".stepview select", index=0)
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
