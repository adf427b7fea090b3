"""Training: deterministic, masked, learns, never sees the held-out set, resumes."""

import pytest
import torch

from s2s_core import tasks
from s2s_core.model.vocab import PAD_ID, Vocab
from s2s_core.training.evaluation import held_out
from s2s_core.training.loop import TrainConfig, learning_rate, train, training_batches

TINY = {"hidden": 16, "embedding": 8, "batch_size": 16, "eval_every": 10**6, "eval_size": 5}
QUIET = {"log": lambda _m: None}


def test_same_seed_same_weights():
    a = train(TrainConfig(max_steps=5, seed=1, **TINY), **QUIET).checkpoint.model
    b = train(TrainConfig(max_steps=5, seed=1, **TINY), **QUIET).checkpoint.model
    c = train(TrainConfig(max_steps=5, seed=2, **TINY), **QUIET).checkpoint.model
    for (name, p), q in zip(a.named_parameters(), b.parameters()):
        assert torch.equal(p, q), name
    assert not all(torch.equal(p, r) for p, r in zip(a.parameters(), c.parameters()))


def test_loss_falls():
    result = train(TrainConfig(task="dates", max_steps=60, lr=1e-2, **TINY), **QUIET)
    first = sum(p.loss for p in result.history[:5]) / 5
    last = sum(p.loss for p in result.history[-5:]) / 5
    assert last < first * 0.7


def test_training_batches_never_hold_a_held_out_source_and_are_padded_right():
    task = tasks.get_task("numbers")  # a small space: collisions would be likely
    src_vocab, tgt_vocab = Vocab(list(task.source_alphabet)), Vocab(list(task.target_alphabet))
    test = {e.source for e in held_out(task)}
    stream = training_batches(
        task,
        TrainConfig(task="numbers", batch_size=64),
        src_vocab,
        tgt_vocab,
        test,
        chunk_batches=20,
    )
    for _ in range(40):
        b = next(stream)
        for row, n in zip(b.src, b.src_len.tolist()):
            assert src_vocab.decode(row.tolist()) not in test
            assert (row[n:] == PAD_ID).all() and (row[:n] != PAD_ID).all()
        assert b.src.size(1) == int(b.src_len.max())  # trimmed to the longest in the batch


def test_learning_rate_warms_up_then_decays():
    cfg = TrainConfig(lr=0.01, warmup=0.1)
    assert learning_rate(cfg, 0.0) == 0.0
    assert learning_rate(cfg, 0.1) == pytest.approx(0.01)
    assert learning_rate(cfg, 0.5) < 0.01
    assert learning_rate(cfg, 1.0) == pytest.approx(0.0005)


def test_stop_callback_and_progress_reports():
    seen = []
    result = train(
        TrainConfig(max_steps=50, **TINY),
        on_progress=lambda p: seen.append(p) or p.step >= 7,
        **QUIET,
    )
    assert result.stopped_by == "callback" and len(seen) == 7
    assert [p.step for p in seen] == list(range(1, 8))
    assert all(p.tokens_per_s > 0 and 0 <= p.token_accuracy <= 1 for p in seen)
