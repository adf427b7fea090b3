"""Core benchmarks: training throughput, time to 99% on reverse, decode latency."""

from __future__ import annotations

import statistics
import time
from typing import Any

import torch

from s2s_core.model.decoding import encode_source, greedy_trace
from s2s_core.model.vocab import SOS_ID
from s2s_core.training.checkpoints import Checkpoint
from s2s_core.training.loop import TrainConfig, train

from .tutorial_loop import tokens_per_second as tutorial_tokens_per_second


def quiet(_msg: str) -> None:
    """A log that prints nothing."""


def train_tokens_per_second(steps: int = 150, seed: int = 0) -> float:
    """Our trainer's target tokens per second on reverse/additive (its default config)."""
    cfg = TrainConfig(max_steps=steps, eval_every=10**9, seed=seed, eval_size=1)
    result = train(cfg, log=quiet)
    return result.history[-1].tokens_per_s


def throughput(runs: int = 3) -> dict:
    """Ours and the tutorial-style loop, alternated in one process, `runs` times each."""
    ours, tutorial = [], []
    for seed in range(runs):
        ours.append(train_tokens_per_second(seed=seed))
        tutorial.append(tutorial_tokens_per_second(seconds=8.0, seed=seed))
    return {
        "train_tokens_per_s": statistics.median(ours),
        "tutorial_tokens_per_s": statistics.median(tutorial),
        "train_speedup_vs_tutorial": statistics.median(ours) / statistics.median(tutorial),
        "runs": {"ours": ours, "tutorial": tutorial},
    }


def seconds_to_99(seeds: tuple[int, ...] = (0, 1, 2)) -> tuple[dict, Checkpoint]:
    """Wall seconds until held-out exact match >= 99% on reverse 3-30 (additive), per seed."""
    times, steps, last = [], [], None
    for seed in seeds:
        result = train(
            TrainConfig(seed=seed, max_steps=1500, eval_every=50, target_exact=0.99), log=quiet
        )
        reached = result.stopped_by == "target_exact"
        times.append(result.history[-1].seconds if reached else float("inf"))
        steps.append(result.history[-1].step)
        last = result.checkpoint
    assert last is not None  # at least one seed
    return {
        "seconds_to_99_reverse": statistics.median(times),
        "runs": {"seconds": times, "steps": steps},
    }, last


def decode_latency(ckpt: Checkpoint, repeats: int = 300) -> dict:
    """Median time of one decoder step (batch 1) and of a whole 20-step trace."""
    model, src_vocab, tgt_vocab = ckpt.model.eval(), ckpt.src_vocab, ckpt.tgt_vocab
    source = "abcdefghijklmnopqrs"  # 19 letters: 19 tokens + <eos> = 20 steps
    enc = encode_source(model, src_vocab, source)
    step_times = []
    with torch.inference_mode():
        state: Any = model.begin(enc)
        y_prev = torch.tensor([SOS_ID])
        for _ in range(repeats * 10):  # the first step, again and again: the cost of one step
            t = time.perf_counter()
            model.advance(y_prev, state, enc)
            step_times.append(time.perf_counter() - t)
    trace_times = []
    for _ in range(repeats):
        t = time.perf_counter()
        trace = greedy_trace(model, src_vocab, tgt_vocab, source, 41)
        trace_times.append(time.perf_counter() - t)
    assert len(trace.steps) == 20, trace.output
    return {
        "decode_step_ms": 1000 * statistics.median(step_times),
        "trace20_ms": 1000 * statistics.median(trace_times),
    }
