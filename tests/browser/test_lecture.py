"""A lecture in real Chromium: a presenter and two students, each in a browser context of
their own (as on three machines), on one server (`make run`'s: lecture/asgi.py)."""

from __future__ import annotations

import time

import pytest

from harness.chromium import browser, heatmap_z, wait_for_app
from harness.servers import app_server

pytestmark = pytest.mark.browser

ROWS = """() => {
    const p = document.querySelector('.stepview .sv-plot[data-figure="attention"]');
    return p && p._fullData && p._fullData[0] ? p._fullData[0].z.length : -1;
}"""
CARDS_SHOWN = (
    """() => getComputedStyle(document.querySelector('.st-key-lecture-cards')).visibility"""
)
CLASS_COUNTS = """() => {
    const p = document.querySelector('[data-testid="sv-class"] .js-plotly-plot');
    return p && p._fullData ? Array.from(p._fullData[0].y) : null;
}"""


def rows(page) -> int:
    return page.evaluate(ROWS)


def wait_rows(page, n: int, timeout: float = 5_000) -> None:
    page.wait_for_function(f"() => ({ROWS})() === {n}", timeout=timeout)


def open_student(chromium, url: str, code: str, frames: list):
    page = chromium.new_context().new_page()
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(f)))
    page.goto(f"{url}/?lecture={code}")
    wait_for_app(page, 90_000)
    page.wait_for_selector("text=Following the lecture", timeout=30_000)
    page.wait_for_selector(".stepview .sv-following", timeout=30_000)
    return page


def test_a_presenter_leads_two_students_and_asks_them():
    with app_server() as url, browser() as chromium:
        presenter = chromium.new_context(viewport={"width": 1400, "height": 900}).new_page()
        presenter.goto(f"{url}/?task=reverse&input=knight")
        wait_for_app(presenter, 90_000)
        presenter.get_by_role("button", name="▶ Start a lecture").click()
        presenter.wait_for_selector(".lecture-code", timeout=30_000)
        code = presenter.inner_text(".lecture-code").strip()
        key = presenter.evaluate("() => new URL(location.href).searchParams.get('presenter')")
        assert len(code) == 6 and key and len(key) == 22
        frames: list = []
        students = [open_student(chromium, url, code, frames) for _ in range(2)]
        wait_rows(presenter, 0, timeout=30_000)
        for s in students:
            wait_rows(s, 0, timeout=30_000)

        # Next three times: each student's heatmap has three rows within 1 s of the click
        next_button = presenter.get_by_test_id("sv-next")
        for i in (1, 2, 3):
            next_button.click()
            clicked = time.monotonic()
            for s in students:
                wait_rows(s, i)
            assert time.monotonic() - clicked <= 1.0, f"step {i} took too long"
        assert heatmap_z(students[0]) == heatmap_z(presenter)

        # Ask the class: the next row stays hidden; each student answers
        presenter.get_by_test_id("sv-ask").click()
        for s in students:
            s.wait_for_selector(".sv-ask-prompt", timeout=5_000)
            assert rows(s) == 3
            assert s.evaluate("() => document.body.classList.contains('sv-asking')")
            assert s.evaluate(CARDS_SHOWN) == "hidden"  # the whole output would tell
        students[0].get_by_test_id("sv-guess-1").click()
        students[1].get_by_test_id("sv-guess-4").click()
        presenter.wait_for_function(
            f"() => JSON.stringify(({CLASS_COUNTS})()) === '[0,1,0,0,1,0]'", timeout=5_000
        )
        assert "2 answers" in presenter.inner_text("[data-testid='sv-class']")

        # Reveal: each student sees their answer beside the model's row
        presenter.get_by_test_id("sv-reveal").click()
        for s, picked in zip(students, ("n", "h"), strict=True):
            s.wait_for_selector("[data-testid='sv-reveal-panel']", timeout=5_000)
            wait_rows(s, 4)
            assert f"‘{picked}’" in s.inner_text("[data-testid='sv-reveal-panel']")
            assert not s.evaluate("() => document.body.classList.contains('sv-asking')")
            assert s.evaluate(CARDS_SHOWN) == "visible"

        # A reload rejoins the room, at its step
        students[0].reload()
        wait_for_app(students[0], 90_000)
        students[0].wait_for_selector("text=Following the lecture", timeout=30_000)
        wait_rows(students[0], 4, timeout=10_000)

        # The presenter key reaches no student: not the page, the link or the websocket
        for s in students:
            assert key not in s.content() and key not in s.url
        payloads = [f if isinstance(f, bytes) else f.encode() for f in frames]
        assert payloads and not any(key.encode() in p for p in payloads)


def test_quiz_me_asks_before_each_step_and_keeps_a_score():
    with app_server() as url, browser() as chromium:
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{url}/?task=reverse&input=knight")
        wait_for_app(page, 90_000)
        page.get_by_text("Quiz me").click()
        wait_for_app(page)
        wait_rows(page, 0, timeout=30_000)
        page.get_by_test_id("sv-next").click()
        page.wait_for_selector(".sv-ask-prompt", timeout=5_000)
        assert rows(page) == 0  # the row waits for the guess
        assert page.evaluate("() => document.body.classList.contains('sv-asking')")
        page.get_by_test_id("sv-guess-5").click()  # 't': reverse-dot-hx looks there first
        wait_rows(page, 1)
        assert page.inner_text("[data-testid='sv-score']").startswith("1 of 1")
        page.get_by_test_id("sv-next").click()
        page.wait_for_selector(".sv-ask-prompt", timeout=5_000)
        page.get_by_test_id("sv-guess-0").click()  # 'k': the model looks at 'h'
        wait_rows(page, 2)
        assert page.inner_text("[data-testid='sv-score']").startswith("1 of 2")
        panel = page.inner_text("[data-testid='sv-reveal-panel']")
        assert "‘k’" in panel and "‘h’" in panel
