"""The Train page's job board (ui.training_jobs), without a page: one job per process, its
stop flag and budget, its errors, the caps on its settings, the names of trained models.

Training here is real (s2s_core.training.loop.train) but tiny: d = 16, small batches, and
the stop flag or a few seconds of budget end it. Each test has a board of its own.
"""

from __future__ import annotations

import pytest
import torch

from s2s_core.store import ModelStore, new_id
from s2s_core.training.loop import TrainConfig
from tests.support.jobs import TINY, clear, wait_until
from ui import training_jobs as tj


@pytest.fixture
def board():
    b = tj.JobBoard()
    yield b
    clear(b)


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


def test_the_model_is_stored_at_each_evaluation_and_at_the_end(board, tmp_path):
    store = ModelStore(tmp_path)
    written: list[int] = []
    put = store.put
    store.put = lambda ckpt, model_id=None: (
        written.append(ckpt.info["training"]["steps"]) or put(ckpt, model_id)
    )
    cfg = TrainConfig(**TINY | {"max_steps": 25, "eval_every": 10})
    job = board.start("alice", cfg, store, "dates-additive-d16 (trained 09:00)")
    wait_until(lambda: job.done)
    assert written == [10, 20, 25, 25]  # two evaluations, the last step's, the final scores
    assert job.saved == 4 and job.store_error is None
    back = store.get(job.model_id)
    assert back.info["name"] == "dates-additive-d16 (trained 09:00)"
    assert back.info["training"]["steps"] == 25 and "exact_match" in back.info["held_out"]
    result = board.collect("alice").result.checkpoint
    for (k, a), (_, b) in zip(
        result.model.state_dict().items(), back.model.state_dict().items(), strict=True
    ):
        assert torch.equal(a, b), k  # the stored model is the trained one


def test_a_job_passes_only_with_its_model_id_and_once_its_tab_is_gone(board):
    job = board.start("alice", TrainConfig(**TINY), tab="tab-1")
    open_tabs = {"tab-1"}
    is_open = open_tabs.__contains__
    assert board.claim(new_id(), "mallory", "tab-9", is_open) == "no job"
    assert board.claim(job.model_id, "bob", "tab-2", is_open) == "another tab"  # a copied link
    assert job.owner == "alice" and job.tab == "tab-1"
    open_tabs.clear()  # alice reloads: her old tab disconnects
    assert board.claim(job.model_id, "alice-after-reload", "tab-3", is_open) == "mine"
    assert (job.owner, job.tab) == ("alice-after-reload", "tab-3") and not board.stop("alice")
    assert board.stop("alice-after-reload")


def test_the_train_page_trains_a_small_transformer_and_own_pairs():
    cfg = tj.make_config("reverse", "transformer", 64, 30)
    assert (cfg.attention, cfg.embedding, cfg.layers, cfg.heads, cfg.lr) == (
        "transformer",
        64,
        2,
        4,
        3e-3,
    )
    with pytest.raises(ValueError, match="unknown task"):
        tj.make_config("own000000000000", "additive", 64, 30)  # pairs this process never met
