"""The Train page's job board in tests: tiny training settings, waiting for a job, and
freeing the board (one per process, like on the server) after each test."""

from __future__ import annotations

import time

from streamlit.testing.v1 import AppTest

from ui import training_jobs as tj

TINY = {
    "task": "dates",
    "hidden": 16,
    "embedding": 8,
    "batch_size": 16,
    "max_steps": 10**6,
    "eval_every": 10**6,
    "eval_size": 5,
}
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


def start_run(at: AppTest, seconds: int | None = None) -> None:
    """Start a d = 16 dates job with the Train page's own widgets (the sidebar's Task, then
    Start): a budget of `seconds`, else the shortest the page allows."""
    at.selectbox(key="task").set_value("dates").run()
    at.select_slider(key="train_hidden").set_value(16)
    budget = at.slider(key="train_seconds")
    budget.set_value(seconds or budget.min)
    at.button(key="train_start").click().run()
