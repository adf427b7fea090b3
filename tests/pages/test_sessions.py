"""Sessions stay apart: one session's input, model, step and what-if never reach another.

(The same with two browser contexts in real Chromium: tests/browser/test_sessions.py.) And
a session opened by a link starts where the link's own model is.
"""

from dataclasses import replace
from pathlib import Path

from s2s_core.shipped import default_name
from s2s_core.store import ModelStore
from tests.support.apptest import app, go_to, heatmaps, step_label, step_view
from tests.support.models import shipped
from ui import session


def test_two_apptest_sessions_keep_their_own_state():
    a, b = app(), app()
    a.run()
    b.run()
    a.text_input(key="input").set_value("hello").run()
    a.selectbox(key="model").set_value("reverse-dot").run()
    view = step_view(a)
    token = view["what_if"][2][0][1]  # a what-if at step 3
    event = {"step": 3, "token": token, "key": view["key"]}
    assert session.force_token(a.session_state, event, view["key"], view["n"], [token])
    a.run()
    go_to(b, 1)
    assert step_label(a).startswith("step 3 of") and heatmaps(a)[0].shape == (3, 5)
    assert a.session_state["force"] and not b.session_state["force"]
    assert b.text_input(key="input").value == "attention"
    assert b.selectbox(key="model").value == default_name("reverse")
    assert step_label(b) == "step 1 of 10" and heatmaps(b)[0].shape == (1, 9)
    b.run()
    a.run()
    assert step_label(a).startswith("step 3 of") and step_label(b) == "step 1 of 10"
    assert a.text_input(key="input").value == "hello"


def test_a_refused_task_falls_back_to_the_task_of_the_model_the_link_opens(model_store):
    ckpt = shipped("dates-none")
    name = "dates-none-d64 (trained 10:00)"
    model_id = ModelStore(Path(model_store)).put(replace(ckpt, info={"name": name}))
    at = app(task="<script>", model_id=model_id)
    at.run()
    assert not at.exception
    (note,) = [w.value for w in at.warning]
    assert "unknown task" in note and "showing dates" in note
    assert at.session_state["task"] == "dates" and at.session_state["model"] == name
