"""The Train page (pages/train.py) through AppTest: one AppTest is one browser session.

Training here is real but tiny (d = 16, a few seconds). The job board is one per process,
like on the server, so every test leaves it free (the `free_board` fixture in
tests/pages/conftest.py). A finished job is handed over by the frame (app.py): its model
becomes the sidebar's, on every page.
"""

from __future__ import annotations

import pytest

from s2s_core.training.loop import TrainConfig
from tests.support.apptest import TRAIN, app
from tests.support.jobs import TINY, WAIT_S, start_run, wait_until
from tests.support.models import tiny_checkpoint
from ui import training_jobs as tj


def test_page_renders_its_settings_within_the_caps(free_board):
    at = app(TRAIN)
    at.run()
    assert not at.exception
    assert at.button(key="train_start").label == "▶ Start training"
    assert not at.button(key="train_start").disabled
    assert at.select_slider(key="train_hidden").options == ["16", "32", "64", "128"]  # CPU
    assert (at.slider(key="train_seconds").min, at.slider(key="train_seconds").max) == (5, 120)
    assert at.selectbox(key="task").value == "reverse"  # the sidebar's, chosen last
    assert "Task: **Reverse a string** (the sidebar's)" in [m.value for m in at.markdown]
    assert any("log P(y_i" in latex.value for latex in at.latex)  # the loss formula
    assert not at.get("vega_lite_chart") and not at.error


def test_a_run_trains_a_model_for_this_session_only(free_board):
    mine, other = app(TRAIN), app(TRAIN)
    mine.run()
    other.run()
    start_run(mine)
    assert not mine.exception and not mine.error
    assert mine.button(key="train_start").disabled  # one job at a time, even for its owner
    (bar,) = mine.get("progress")  # the live view is drawn
    assert bar.proto.text.startswith("Training dates-additive-d16")

    other.run()  # another session: told the board is busy, cannot start
    assert any("Training is busy: another session's job" in w.value for w in other.warning)
    assert other.button(key="train_start").disabled

    wait_until(lambda: mine.session_state["trained_models"], poll=mine.run)
    assert not mine.exception
    (name,) = mine.session_state["trained_models"]
    assert name.startswith("dates-additive-d16 (trained ")
    assert mine.session_state["model"] == name  # the sidebar's model: every page opens with it
    assert mine.session_state["task"] == "dates"
    assert any(name in s.value for s in mine.success)
    assert len(mine.get("vega_lite_chart")) == 2  # the final loss and accuracy curves
    assert free_board.current() is None  # collected: the board is free

    other.run()
    assert "trained_models" not in other.session_state or not other.session_state["trained_models"]
    assert not other.warning and not other.button(key="train_start").disabled
    assert not any(name in str(df.value) for df in other.dataframe)


def test_a_trained_model_decodes_on_the_home_page(free_board):
    job = free_board.start("tester", tj.make_config("reverse", "dot", 16, 5))
    wait_until(lambda: job.done)
    ckpt = free_board.collect("tester").result.checkpoint
    name = tj.model_name(job.config, set(), "09:00")
    home = app(model=name, input="hello")
    home.session_state["trained_models"] = {name: ckpt}
    home.run()
    assert not home.exception and home.session_state["model"] == name
    (trace,) = [t for key, t in home.session_state["_traces"].items() if key[1] == name]
    assert trace.attention_kind == "dot" and trace.steps  # decoded by the trained model
    assert all(sum(s.attention) == pytest.approx(1, abs=1e-5) for s in trace.steps)
    # (AppTest cannot click on this page now: it calls the Model list's format_func,
    # ui.models.label, outside the script run, where this session's models are unknown.)


def test_stop_button_stops_the_run_and_keeps_the_model(free_board):
    at = app(TRAIN)
    at.run()
    at.select_slider(key="train_hidden").set_value(16)
    at.slider(key="train_seconds").set_value(60)
    at.button(key="train_start").click().run()
    wait_until(lambda: free_board.current().progress, poll=at.run)
    at.button(key="train_stop").click().run()
    wait_until(lambda: at.session_state["trained_models"], timeout=WAIT_S, poll=at.run)
    assert at.session_state["train_last"]["stopped_by"] == "callback"
    assert any("you pressed Stop" in s.value for s in at.success)
    at.button(key="train_forget_0").click().run()
    assert not at.session_state["trained_models"] and not at.success


def test_refused_settings_show_a_message_not_a_traceback(free_board):
    at = app(TRAIN)
    at.session_state["task"] = "sort"
    for key, value in {
        "train_attention": "general",
        "train_hidden": 512,
        "train_seconds": 999,
    }.items():
        at.session_state[key] = value
    at.run()  # settings kept from an earlier visit, beyond this machine's caps
    assert at.select_slider(key="train_hidden").value == 64  # reset into the caps
    assert at.slider(key="train_seconds").value == 120
    assert at.selectbox(key="train_attention").value == "general"
    at.session_state["trained_models"] = {f"m{k}": tiny_checkpoint("dot", seed=k) for k in range(5)}
    at.run()
    assert at.button(key="train_start").disabled
    assert any("at most 5 trained models" in i.value for i in at.info)
    assert not at.exception


def test_a_failed_run_shows_its_error_as_a_message(free_board):
    at = app(TRAIN)
    at.run()
    job = free_board.start(at.session_state[tj.OWNER], TrainConfig(**TINY | {"hidden": 0}))
    wait_until(lambda: job.done)
    at.run()
    (error,) = at.error
    assert error.value.startswith("Training failed: ") and "Traceback" not in error.value
    assert not at.exception and free_board.current() is None
    assert not at.button(key="train_start").disabled
