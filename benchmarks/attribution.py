"""Attribution's cost: a whole 20-step trace's attributions, on 2 CPU threads.

    attribution_trace20_ms     integrated gradients for every step of a 20-step greedy trace
                               (19 letters and <eos>) as the app computes it (refinement
                               while it fits in QUICK_S): the median over inputs and runs,
                               for the slowest of the shipped reverse models
    attribution_complete_ms    the same, refined until every row is within the tolerance
    attribution_ixg_trace20_ms input x gradient, the same traces
    attribution_vs_trace       the app's IG time over the greedy trace's own decoding time, in
                               the same run (the ratio to compare across machines)
Each model also records the completeness gap of both (`runs`).

Inputs: five held-out reverse sources of 19 letters. The first call per model is a warm-up.
"""

from __future__ import annotations

import statistics
import time

import torch

from s2s_core import tasks
from s2s_core.attribution import QUICK_S, attribute
from s2s_core.model.decoding import greedy_trace
from s2s_core.shipped import CHECKPOINT_DIR
from s2s_core.training.checkpoints import load

MODELS = ("reverse-additive", "reverse-dot", "reverse-general", "reverse-transformer")
LENGTH, INPUTS, RUNS = 19, 5, 3


def inputs() -> list[str]:
    task = tasks.get_task("reverse")
    pool = (e.source for e in tasks.test_examples(task, 2000, seed=0))
    return [s for s in pool if len(s) == LENGTH][:INPUTS]


def median_ms(fn, runs: int = RUNS) -> float:
    """The median of `runs` timed calls of fn, after one untimed (called at once, in the loop
    that made it: its loop variables are the current ones)."""
    fn()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times)


def run() -> dict:
    threads = torch.get_num_threads()
    torch.set_num_threads(min(2, threads))
    try:
        per_model: dict[str, dict[str, float]] = {}
        for name in MODELS:
            ckpt = load(CHECKPOINT_DIR / name)
            args = (ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab)
            ig, complete, ixg, decode = [], [], [], []
            gaps: list[float] = []  # integrated gradients always reports its gap
            complete_gaps: list[float] = []
            for source in inputs():
                trace = greedy_trace(*args, source, LENGTH + 2)
                assert len(trace.steps) == LENGTH + 1, (name, source, trace.output)
                decode.append(median_ms(lambda: greedy_trace(*args, source, LENGTH + 2)))  # noqa: B023
                ig.append(median_ms(lambda: attribute(*args, source, trace, budget_s=QUICK_S)))  # noqa: B023
                complete.append(median_ms(lambda: attribute(*args, source, trace), runs=1))  # noqa: B023
                ixg.append(median_ms(lambda: attribute(*args, source, trace, "ixg")))  # noqa: B023
                gaps.append(
                    attribute(*args, source, trace, budget_s=QUICK_S).completeness_gap or 0.0
                )
                complete_gaps.append(attribute(*args, source, trace).completeness_gap or 0.0)
            per_model[name] = {
                "ig_ms": statistics.median(ig),
                "ig_gap": statistics.median(gaps),
                "complete_ms": statistics.median(complete),
                "complete_gap": statistics.median(complete_gaps),
                "ixg_ms": statistics.median(ixg),
                "trace_ms": statistics.median(decode),
            }
    finally:
        torch.set_num_threads(threads)
    slowest = max(per_model, key=lambda n: per_model[n]["ig_ms"])
    return {
        "attribution_trace20_ms": per_model[slowest]["ig_ms"],
        "attribution_complete_ms": max(m["complete_ms"] for m in per_model.values()),
        "attribution_ixg_trace20_ms": max(m["ixg_ms"] for m in per_model.values()),
        "attribution_vs_trace": per_model[slowest]["ig_ms"] / per_model[slowest]["trace_ms"],
        "attribution_slowest_model": slowest,
        "runs": {"attribution": per_model},
    }
