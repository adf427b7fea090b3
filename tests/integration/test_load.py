"""The load benchmark's sessions are real: they type inputs on a running app server.

benchmarks/ws_client.py speaks the Streamlit frontend's websocket protocol; if it sent the
wrong widget values, the page would not decode the new input: the step view it receives
would be another input's trace (its number of steps n would not be len(input) + 1).
"""

import asyncio
import json
from urllib.parse import parse_qs

import pytest

from benchmarks.classroom import Load, Plan, check, query, steps_shown
from benchmarks.load import measure
from benchmarks.ws_client import Run, SessionError, StreamlitSession
from harness.servers import app_server


async def type_inputs(url: str, inputs: list[str]) -> list[dict]:
    """Open ?input=ab, then type each input; the step view each run drew."""
    async with StreamlitSession(url, query("ab"), timeout=60) as s:
        views = [json.loads((await s.open()).components["stepview"])]
        for text in inputs:
            run = await s.type("Input", text)
            assert not run.exceptions
            views.append(json.loads(run.components["stepview"]))
            assert parse_qs(s.query_string)["input"] == [text]  # the page rewrote the link
        with pytest.raises(SessionError, match="no text box"):
            await s.type("Nonexistent", "x")
        return views


def test_a_websocket_session_types_inputs_and_gets_each_ones_trace():
    with app_server() as url:
        views = asyncio.run(type_inputs(url, ["hello", "attention"]))
    assert [v["n"] for v in views] == [3, 6, 10]  # each input's letters, then <eos>
    assert ["".join(v["tokens"][:-1]) for v in views] == ["ba", "olleh", "noitnetta"]
    assert len({v["key"] for v in views}) == 3  # three traces, three keys


def test_a_page_without_the_new_inputs_trace_is_an_error():
    run = Run(exceptions=["ValueError: boom"], components={"stepview": b'{"key":"k","n":4}'})
    load = Load()
    assert steps_shown(run) == 4 and steps_shown(Run()) is None
    check(7, run, "abcdef", load)
    assert load.errors == [
        "session 7: exception on the page: ValueError: boom",
        "session 7: a step view of 4 steps for an input of 6 letters",
    ]


def test_three_sessions_for_five_seconds_type_without_errors():
    load = measure(Plan(sessions=3, seconds=5, every=1.0, ramp=1.0, lengths=(3, 5), slow=30))
    assert load.errors == []
    assert len(load.open_ms) == 3
    assert len(load.input_ms) >= 6 and all(ms > 0 for ms in load.input_ms)  # ~1 a second each
    assert 4.5 < load.seconds < 5 + 30  # the clock bounds the run
    assert load.server_cpu_s > 0
    assert 100 < load.peak_rss_mb < 8000  # the server holds torch and the models
