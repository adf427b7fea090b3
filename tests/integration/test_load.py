"""The load benchmark's sessions are real: they step through decoding on a running app server.

benchmarks/ws_client.py speaks the Streamlit frontend's websocket protocol; if it sent the
wrong widget values, the input would reset to the default and "step i of n" would change n.
"""

import asyncio
from urllib.parse import parse_qs

from benchmarks.load import Plan, measure, step_shown
from benchmarks.ws_client import SessionError, StreamlitSession
from tests.support.chromium import app_server


def step_label(run) -> str:
    return next(body for body in run.markdown if body.startswith("### step "))


async def walk(url: str) -> list[str]:
    """Open ?input=ab (3 steps), click Next to the end, then Reset; the labels shown."""
    async with StreamlitSession(
        url, "task=reverse&model=reverse-additive&input=ab&step=0", timeout=60
    ) as s:
        labels = [step_label(await s.open())]
        while not s.buttons["Next ▶"].disabled:
            labels.append(step_label(await s.click("Next ▶")))
        assert parse_qs(s.query_string)["step"] == ["3"]  # the page rewrote the address
        try:
            await s.click("Next ▶")
            raise AssertionError("a disabled button was clicked")
        except SessionError as err:
            assert "disabled" in str(err)
        labels.append(step_label(await s.click("⟲ Reset")))
        assert s.buttons["◀ Back"].disabled
        return labels


def test_a_websocket_session_steps_to_the_end_and_resets():
    with app_server("app.py") as url:
        labels = asyncio.run(walk(url))
    assert labels == [
        "### step 0 of 3",
        "### step 1 of 3",
        "### step 2 of 3",
        "### step 3 of 3",
        "### step 0 of 3",
    ]


def test_two_sessions_for_five_seconds_step_without_errors():
    load = measure(Plan(sessions=2, seconds=5, lengths=(3, 5), slow=30))
    assert load.errors == []
    assert len(load.open_ms) == 2
    assert len(load.step_ms) >= 2 and all(ms > 0 for ms in load.step_ms)
    assert 4.5 < load.seconds < 5 + 30  # the clock bounds the run
    assert load.server_cpu_s > 0
    assert 100 < load.peak_rss_mb < 8000  # the server holds torch and the models
    assert step_shown(["x", "### step 4 of 6"]) == 4 and step_shown(["step 4"]) is None
