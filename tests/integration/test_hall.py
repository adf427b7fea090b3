"""A lecture hall (make hall's serving/hall.py): two replicas behind HAProxy, rooms in Redis.
Two Chromium contexts land on different replicas; one follows the other's lecture across
them; the presenter's replica is killed (-9) mid-lecture, and the lecture goes on."""

from __future__ import annotations

import time

import pytest

from harness.chromium import browser, wait_for_app
from harness.servers import free_port
from serving.hall import hall
from tests.browser.test_lecture import CLASS_COUNTS, rows, wait_rows

pytestmark = pytest.mark.browser


def replica_of(context) -> str | None:
    return next((c["value"] for c in context.cookies() if c["name"] == "LABSRV"), None)


def open_on_other_replica(chromium, url: str, taken: str):
    """A new browser context whose page landed on a replica other than `taken`."""
    for _ in range(4):  # round robin: the next new browser goes to the next replica
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(url)
        if replica_of(context) != taken:
            return context, page
        context.close()
    raise AssertionError("every browser landed on one replica")


def test_a_lecture_across_replicas_survives_losing_the_presenters(tmp_path):
    with hall(2, free_port(), tmp_path) as h, browser() as chromium:
        teacher = chromium.new_context(viewport={"width": 1400, "height": 900})
        presenter = teacher.new_page()
        presenter.goto(f"{h.url}/?task=reverse&input=knight")
        wait_for_app(presenter, 90_000)
        lost = replica_of(teacher)
        presenter.get_by_role("button", name="▶ Start a lecture").click()
        presenter.wait_for_selector(".lecture-code", timeout=30_000)
        code = presenter.inner_text(".lecture-code").strip()

        student_context, student = open_on_other_replica(chromium, f"{h.url}/?lecture={code}", lost)
        assert {lost, replica_of(student_context)} == {"r1", "r2"}
        wait_for_app(student, 90_000)
        student.wait_for_selector("text=Following the lecture", timeout=30_000)
        wait_rows(presenter, 0, timeout=30_000)
        wait_rows(student, 0, timeout=30_000)
        for i in (1, 2):  # across replicas: through Redis
            presenter.get_by_test_id("sv-next").click()
            wait_rows(student, i)
        presenter.get_by_test_id("sv-ask").click()
        student.wait_for_selector(".sv-ask-prompt", timeout=5_000)
        student.get_by_test_id("sv-guess-3").click()
        presenter.wait_for_function(
            f"() => JSON.stringify(({CLASS_COUNTS})()) === '[0,0,0,1,0,0]'", timeout=5_000
        )

        h.kill(lost)  # the presenter's replica, mid-question
        killed = time.monotonic()
        # the presenter's browser reconnects through HAProxy to the other replica, and its
        # link (with the presenter key) makes it the room's presenter again
        presenter.wait_for_function(
            f"() => JSON.stringify(({CLASS_COUNTS})()) === '[0,0,0,1,0,0]' "
            "&& document.querySelector('[data-testid=sv-reveal]') "
            "&& !document.querySelector('[data-testid=sv-reveal]').disabled",
            timeout=20_000,
        )
        assert time.monotonic() - killed <= 10.0, "the presenter's view took too long"
        assert h.replica(lost).proc.poll() is not None  # it is gone: the other one answered
        presenter.get_by_test_id("sv-reveal").click()  # the answer counted before stays counted
        student.wait_for_selector("[data-testid='sv-reveal-panel']", timeout=5_000)
        wait_rows(student, 3)
        assert rows(student) == 3
