"""The Train page: its job board, its curves, the page in AppTest, and Chromium.

Training here is real (s2s_core.training.train) but tiny: d = 16, small batches, and the
stop flag or a few seconds of budget end it. The board is one per process, like on the
server, so every test leaves it free (the `free_board` fixture).
"""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from s2s_core import figures_training as figs
from s2s_core.training import Progress, TrainConfig
from tests.apptest import app
from tests.browser import ARTIFACTS, app_server, browser, wait_for_app
from tests.conftest import tiny_checkpoint
from ui import training_jobs as tj

PAGE = "pages/3_Train.py"
TINY = {"task": "dates", "hidden": 16, "embedding": 8, "batch_size": 16, "max_steps": 10**6,
        "eval_every": 10**6, "eval_size": 5}
WAIT_S = 180  # generous: the machine's 2 cores are shared


def wait_until(condition, timeout: float = WAIT_S, poll=None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        if poll:
            poll()
        time.sleep(0.2)


def clear(board: tj.JobBoard) -> None:
    """Stop whatever job is on the board, wait for it, and free the board."""
    job = board.current()
    if job is not None:
        job.stop_flag.set()
        wait_until(lambda: job.done)
        board.collect(job.owner)


@pytest.fixture
def board():
    b = tj.JobBoard()
    yield b
    clear(b)


@pytest.fixture
def free_board():
    """The process-wide board the page uses, free before and after the test."""
    b = tj.board()
    clear(b)
    yield b
    clear(b)


# --- the job board ---------------------------------------------------------------------------


def test_board_refuses_a_second_job_while_one_runs_and_frees_after(board):
    job = board.start("alice", TrainConfig(**TINY))
    wait_until(lambda: len(job.progress) >= 2)
    with pytest.raises(tj.Busy, match="another session's job"):
        board.start("bob", TrainConfig(**TINY))
    assert board.collect("bob") is None and board.collect("alice") is None  # not done yet
    assert not board.stop("bob") and not job.stop_flag.is_set()  # only the owner stops it
    assert board.stop("alice")
    wait_until(lambda: job.done)
    assert board.collect("bob") is None  # a result goes to its owner only
    assert board.current() is job
    assert board.collect("alice") is job and board.current() is None
    second = board.start("bob", TrainConfig(**TINY))  # free again
    assert board.current() is second and second.owner == "bob"


def test_stop_flag_ends_training_early_and_keeps_the_model(board):
    job = board.start("alice", TrainConfig(**TINY))
    wait_until(lambda: len(job.progress) >= 3)
    board.stop("alice")
    wait_until(lambda: job.done)
    result = board.collect("alice").result
    assert job.error is None and result.stopped_by == "callback"
    assert 3 <= len(result.history) < 1000  # stopped at the next step, far before max_steps
    assert [p.step for p in result.history] == list(range(1, len(result.history) + 1))
    assert len(job.progress) == len(result.history)  # the page saw every step
    assert not result.checkpoint.model.training  # ready to decode
    assert "exact_match" in result.checkpoint.info["held_out"]


def test_budget_ends_the_job_and_seconds_left_counts_down(board):
    job = board.start("alice", TrainConfig(**TINY | {"max_seconds": 1.0}))
    assert 0 < job.seconds_left() <= 1.0
    wait_until(lambda: job.done)
    assert job.seconds_left() == 0 and board.collect("alice").result.stopped_by == "max_seconds"


def test_a_failing_job_reports_its_error_and_frees_the_board(board):
    job = board.start("alice", TrainConfig(**TINY | {"attention": "bogus"}))
    wait_until(lambda: job.done)
    assert job.result is None and "unknown attention 'bogus'" in job.error
    assert board.collect("alice") is job and board.current() is None


def test_an_abandoned_finished_job_does_not_block_the_board(board, monkeypatch):
    job = board.start("gone", TrainConfig(**TINY | {"max_seconds": 0.5}))
    wait_until(lambda: job.done)
    with pytest.raises(tj.Busy):
        board.start("bob", TrainConfig(**TINY))
    monkeypatch.setattr(tj, "ABANDONED_AFTER", 0.0)
    assert board.start("bob", TrainConfig(**TINY)).owner == "bob"


def test_settings_beyond_the_caps_are_refused_with_a_clear_message():
    cfg = tj.make_config("sort", "dot", 64, 30)
    assert (cfg.task, cfg.attention, cfg.hidden, cfg.max_seconds) == ("sort", "dot", 64, 30.0)
    assert cfg.threads is None  # never torch.set_num_threads: it is process-wide
    with pytest.raises(ValueError, match="d = 256 is not allowed"):
        tj.make_config("reverse", "additive", 256, 30, tj.CPU_LIMITS)
    assert tj.make_config("reverse", "additive", 256, 600, tj.CUDA_LIMITS).hidden == 256
    with pytest.raises(ValueError, match="121 s is out of range"):
        tj.make_config("reverse", "additive", 64, 121, tj.CPU_LIMITS)
    with pytest.raises(ValueError, match="out of range"):
        tj.make_config("reverse", "additive", 64, 1)
    with pytest.raises(ValueError, match="unknown attention"):
        tj.make_config("reverse", "luong", 64, 30)
    with pytest.raises(ValueError, match="unknown task"):
        tj.make_config("translate", "additive", 64, 30)
    assert tj.limits("cuda") is tj.CUDA_LIMITS and tj.limits("cpu") is tj.CPU_LIMITS


def test_model_names_are_readable_and_unique():
    cfg = TrainConfig(task="reverse", attention="additive", hidden=64)
    assert tj.model_name(cfg, set(), "14:03") == "reverse-additive-d64 (trained 14:03)"
    taken = {"reverse-additive-d64 (trained 14:03)", "reverse-additive-d64 (trained 14:03) #2"}
    assert tj.model_name(cfg, taken, "14:03") == "reverse-additive-d64 (trained 14:03) #3"


# --- the curves ------------------------------------------------------------------------------


def history(n: int, eval_every: int = 10) -> list[Progress]:
    return [Progress(step=k, seconds=k / 10, loss=3.0 / k, token_accuracy=1 - 1 / k,
                     tokens_per_s=1000.0, lr=1e-3,
                     exact_match=k / n if k % eval_every == 0 else None)
            for k in range(1, n + 1)]


def lines(chart) -> dict[str, list[tuple[int, float]]]:
    """metric -> its (step, value) points: one line (a layer) per metric."""
    chart.to_dict()  # a valid Vega-Lite spec
    out: dict[str, list] = {}
    for layer in getattr(chart, "layer", [chart]):
        assert layer.mark.type == "line" and layer.encoding.x.shorthand == "step:Q"
        (metric,) = set(layer.data.metric) or {"(empty)"}
        assert metric not in out
        out[metric] = [(row.step, row.value) for row in layer.data.itertuples()]
    return out


def test_loss_chart_draws_one_line_of_the_batch_loss():
    drawn = lines(figs.loss_chart(history(30)))
    assert list(drawn) == [figs.LOSS]
    assert drawn[figs.LOSS] == [(k, pytest.approx(3.0 / k)) for k in range(1, 31)]
    assert figs.loss_chart(history(30)).to_dict()["encoding"]["y"]["scale"]["type"] == "log"


def test_accuracy_chart_draws_token_accuracy_every_step_and_exact_match_when_evaluated():
    drawn = lines(figs.accuracy_chart(history(30)))
    assert list(drawn) == [figs.TOKEN_ACCURACY, figs.EXACT_MATCH]
    assert drawn[figs.TOKEN_ACCURACY] == [(k, pytest.approx(1 - 1 / k)) for k in range(1, 31)]
    assert drawn[figs.EXACT_MATCH] == [(10, pytest.approx(1 / 3)), (20, pytest.approx(2 / 3)),
                                       (30, 1.0)]


def test_charts_of_an_empty_history_have_no_points():
    for chart in (figs.loss_chart([]), figs.accuracy_chart([])):
        assert all(layer.data.empty for layer in getattr(chart, "layer", [chart]))
        chart.to_dict()
    assert figs.progress_frame([]).columns.tolist() == ["step", "seconds", "metric", "value"]


def test_long_runs_are_thinned_but_keep_every_evaluation_and_the_last_step():
    long = history(5000, eval_every=250)
    kept = figs.thin(long, max_points=400)
    assert len(kept) <= 400 + 20
    assert kept[-1].step == 5000 and kept[0].step == 1
    assert [p.step for p in kept if p.exact_match is not None] == list(range(250, 5001, 250))
    assert figs.thin(history(50)) == history(50)  # short runs are kept whole


def test_classroom_mode_enlarges_the_fonts():
    small = figs.loss_chart(history(5)).to_dict()["config"]["axis"]["labelFontSize"]
    large = figs.loss_chart(history(5), large=True).to_dict()["config"]["axis"]["labelFontSize"]
    assert large > small


# --- the page (AppTest: one AppTest is one browser session) ----------------------------------


def start_tiny_run(at: AppTest) -> None:
    at.select_slider(key="train_hidden").set_value(16)
    at.slider(key="train_seconds").set_value(at.slider(key="train_seconds").min)
    at.selectbox(key="train_task").set_value("dates")
    at.button(key="train_start").click().run()


def test_page_renders_its_settings_within_the_caps(free_board):
    at = app(PAGE)
    at.run()
    assert not at.exception
    assert at.button(key="train_start").label == "▶ Start training"
    assert not at.button(key="train_start").disabled
    assert at.select_slider(key="train_hidden").options == ["16", "32", "64", "128"]  # CPU
    assert (at.slider(key="train_seconds").min, at.slider(key="train_seconds").max) == (5, 120)
    assert at.selectbox(key="train_task").value == "reverse"  # the task chosen last
    assert any("log P(y_i" in latex.value for latex in at.latex)  # the loss formula
    assert not at.get("vega_lite_chart") and not at.error


def test_a_run_trains_a_model_for_this_session_only(free_board):
    mine, other = app(PAGE), app(PAGE)
    mine.run()
    other.run()
    start_tiny_run(mine)
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
    assert mine.session_state["shared_model"] == name  # the home page opens with it
    assert mine.session_state["shared_task"] == "dates"
    assert any(name in s.value for s in mine.success)
    assert len(mine.get("vega_lite_chart")) == 2  # the final loss and accuracy curves
    assert free_board.current() is None  # collected: the board is free

    other.run()
    assert "trained_models" not in other.session_state or not other.session_state[
        "trained_models"]
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
    at = app(PAGE)
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
    at = app(PAGE)
    at.session_state["_train_settings"] = {"train_task": "sort", "train_attention": "general",
                                           "train_hidden": 512, "train_seconds": 999}
    at.run()  # settings kept from an earlier visit, beyond this machine's caps
    assert at.select_slider(key="train_hidden").value == 64  # reset into the caps
    assert at.slider(key="train_seconds").value == 120
    assert at.selectbox(key="train_attention").value == "general"
    at.session_state["trained_models"] = {f"m{k}": tiny_checkpoint("dot", seed=k)
                                          for k in range(5)}
    at.run()
    assert at.button(key="train_start").disabled
    assert any("at most 5 trained models" in i.value for i in at.info)
    assert not at.exception


def test_a_failed_run_shows_its_error_as_a_message(free_board):
    at = app(PAGE)
    at.run()
    job = free_board.start(at.session_state[tj.OWNER], TrainConfig(**TINY | {"hidden": 0}))
    wait_until(lambda: job.done)
    at.run()
    (error,) = at.error
    assert error.value.startswith("Training failed: ") and "Traceback" not in error.value
    assert not at.exception and free_board.current() is None
    assert not at.button(key="train_start").disabled


# --- real Chromium ---------------------------------------------------------------------------


@pytest.mark.browser
def test_page_in_chromium_trains_and_the_home_page_offers_the_model():
    with app_server() as url, browser() as b:
        page = b.new_page(viewport={"width": 1400, "height": 1800})
        page.goto(url)
        page.wait_for_selector("text=step 0 of 10", timeout=90_000)
        page.get_by_role("link", name="Train").click()
        start = page.get_by_role("button", name="▶ Start training")
        start.wait_for(timeout=90_000)
        wait_for_app(page)
        sliders = page.get_by_role("slider")
        for k, keys in enumerate([["Home"], ["Home", "ArrowRight"]]):  # d = 16, 10 s
            for key in keys:
                sliders.nth(k).focus()
                sliders.nth(k).press(key)
                wait_for_app(page)
        start.click()
        page.wait_for_function(  # a few steps in: the curves have points
            r"""() => [...document.querySelectorAll("[data-testid='stProgress']")].some(
                   p => /Training reverse-additive-d16: step ([2-9]\d|\d{3,})/
                        .test(p.innerText))""", timeout=60_000)
        page.wait_for_selector("[data-testid='stVegaLiteChart'] svg, "
                               "[data-testid='stVegaLiteChart'] canvas", timeout=60_000)
        page.wait_for_timeout(500)  # let Vega draw the lines
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "e2e-train-running.png"), full_page=True)
        page.wait_for_selector("text=Trained reverse-additive-d16", timeout=WAIT_S * 1000)
        wait_for_app(page)
        page.wait_for_selector("[data-testid='stDataFrame'] canvas", timeout=30_000)
        page.wait_for_timeout(1000)  # the table and the final curves finish drawing
        body = page.inner_text("body")
        for bad in ("Traceback", "Error:", "Exception"):
            assert bad not in body
        page.screenshot(path=str(ARTIFACTS / "e2e-train-done.png"), full_page=True)
        page.get_by_role("link", name="app").click()  # same tab, same session
        trained = r"text=/reverse-additive-d16 \(trained \d\d:\d\d\)/"  # its name, once
        page.wait_for_selector(trained, timeout=60_000)
        page.wait_for_selector("text=step 0 of", timeout=60_000)
        wait_for_app(page)
        assert "Traceback" not in page.inner_text("body")
        page.screenshot(path=str(ARTIFACTS / "e2e-train-home.png"))
