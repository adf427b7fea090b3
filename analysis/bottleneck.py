"""The bottleneck measured: the shipped models re-run, decoded and timed (seed §6, §7, §9).

    fresh samples    reevaluate: exact match and token accuracy by source length, re-run
                     live on new inputs, bounded in time
    context norms    context_norms: ||c|| of the fixed model and ||c_i|| of the attention
                     model, c_i = sum_j alpha_ij h_j, for chosen inputs of each length T
    cost             decode_times: milliseconds per whole greedy decoding against T (§9: the
                     recurrence makes computation depth grow linearly with the sequence length)

The Bottleneck page calls these on a button press; presentation/bottleneck.py turns their
results and the shipped metrics.json into tables, figures/bottleneck.py into charts.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

import pandas as pd

from s2s_core import tasks as task_registry
from s2s_core.model.decoding import greedy_trace
from s2s_core.tasks import Example, Task
from s2s_core.training import evaluation
from s2s_core.training.checkpoints import Checkpoint
from s2s_core.training.evaluation import Prediction, predict, scores_by_length

# --- live re-evaluation on fresh samples ---------------------------------------------------


@dataclass
class LiveProgress:
    """What the live evaluation reports after each chunk of sources."""

    scored: int  # sources scored by every model so far
    total: int  # sources asked for
    elapsed: float  # seconds since the start


@dataclass
class LiveResult:
    """A finished (or time-limited) live evaluation."""

    seed: int
    requested: int
    scored: int
    seconds: float
    metrics: dict[str, dict]  # model -> scores_by_length (plus "attention")

    @property
    def stopped_early(self) -> bool:
        return self.scored < self.requested


def _predict_chunk(
    ckpts: dict[str, Checkpoint], chunk: list[Example], deadline: float
) -> dict[str, list[Prediction]] | None:
    """Every model's predictions for one chunk; None if the deadline passes midway."""
    out = {}
    for name, ckpt in ckpts.items():
        if time.perf_counter() > deadline:
            return None
        out[name] = predict(ckpt, chunk)
    return out


def reevaluate(
    ckpts: dict[str, Checkpoint],
    task: Task,
    n: int,
    seed: int,
    budget_s: float,
    on_progress: Callable[[LiveProgress], None] | None = None,
    chunk_size: int = 100,
) -> LiveResult:
    """Score every model on `n` fresh sources (tasks.test_examples with `seed`), chunk by chunk.

    All models score the same sources. A chunk starts only if the slowest chunk so far
    would still end within `budget_s`; one that overruns midway is dropped, so every
    reported source was scored by every model, and the run ends at most one model's chunk
    past the budget.
    """
    if not ckpts:
        raise ValueError("nothing to evaluate: pick at least one model")
    start = time.perf_counter()
    deadline = start + budget_s
    examples = task_registry.test_examples(task, n, seed=seed)
    preds: dict[str, list[Prediction]] = {name: [] for name in ckpts}
    scored, slowest = 0, 0.0
    while scored < n and time.perf_counter() + slowest <= deadline:
        t0 = time.perf_counter()
        chunk = examples[scored : scored + chunk_size]
        done = _predict_chunk(ckpts, chunk, deadline)
        if done is None:
            break
        for name, ps in done.items():
            preds[name] += ps
        scored += len(chunk)
        slowest = max(slowest, time.perf_counter() - t0)
        if on_progress:
            on_progress(LiveProgress(scored, n, time.perf_counter() - start))
    metrics = {
        name: {"attention": ckpts[name].model.cfg.attention, **scores_by_length(task, ps)}
        for name, ps in preds.items()
        if ps
    }
    return LiveResult(seed, n, scored, time.perf_counter() - start, metrics)


# --- which inputs to decode for the context norms and the timing ---------------------------


def sources_by_length(
    task: Task, lengths: int, per_length: int, pool: int = 800
) -> dict[int, list[str]]:
    """`per_length` held-out sources for up to `lengths` source lengths T, spread evenly.

    Drawn from the first `pool` held-out examples (tasks.test_examples, seed 0): reverse
    and sort cycle through T = 3..40; dates and numbers have the lengths their libraries
    write. Only lengths with at least `per_length` sources count; the shortest and the
    longest of them are always included.
    """
    groups: dict[int, list[str]] = {}
    for e in task_registry.test_examples(task, pool, seed=0):
        groups.setdefault(len(e.source), []).append(e.source)
    usable = sorted(T for T, srcs in groups.items() if len(srcs) >= per_length)
    if len(usable) > lengths:
        picks = {round(k * (len(usable) - 1) / (lengths - 1)) for k in range(lengths)}
        usable = [usable[k] for k in sorted(picks)]
    return {T: groups[T][:per_length] for T in usable}


# --- context norms by length -----------------------------------------------------------------


def context_norms(ckpt: Checkpoint, sources: list[str], max_steps: int) -> pd.DataFrame:
    """Per source: T, ||c|| (the encoder's final state) and ||c_i|| over the decoding steps.

    For a model without attention c_i = c at every step; with attention
    c_i = sum_j alpha_ij h_j changes from step to step (mean, min, max over the steps i).
    """
    rows = []
    for source in sources:
        trace = greedy_trace(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, source, max_steps)
        norms = [s.context_norm for s in trace.steps]
        rows.append(
            {
                "source": source,
                "T": len(source),
                "fixed": trace.fixed_context_norm,
                "mean": statistics.fmean(norms),
                "min": min(norms),
                "max": max(norms),
            }
        )
    return pd.DataFrame(rows, columns=["source", "T", "fixed", "mean", "min", "max"])


def norm_bound(ckpt: Checkpoint) -> float:
    """sqrt(d): every component of a GRU/LSTM state lies in (-1, 1), so ||h_j|| < sqrt(d),
    and so are ||c|| = ||[->h_T ; <-h_1]|| and ||c_i|| (a weighted average of the h_j)."""
    return math.sqrt(ckpt.model.cfg.hidden)


# --- cost: decode time against length ------------------------------------------------------


@dataclass
class Timing:
    """The median time of one whole greedy decoding of one source."""

    model: str
    T: int  # source length
    steps: int  # decoding steps taken (output symbols + <eos>)
    ms: float  # median milliseconds per whole trace
    runs: int


def _time_once(ckpt: Checkpoint, source: str, max_steps: int) -> tuple[float, int]:
    """(milliseconds, steps) of one whole greedy decoding of `source`."""
    t0 = time.perf_counter()
    trace = greedy_trace(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, source, max_steps)
    return (time.perf_counter() - t0) * 1000, len(trace.steps)


def decode_times(
    ckpts: dict[str, Checkpoint],
    sources: list[str],
    max_steps: int,
    runs: int = 5,
    budget_s: float = 15.0,
) -> list[Timing]:
    """Median ms per whole greedy trace for every model and source, shortest source first.

    One untimed warm-up run per (model, source), then up to `runs` rounds, each timing every
    pair once: a burst of load from other programs spreads over all points instead of
    spoiling one. A round that would end after `budget_s` is dropped; with no full round
    the result is empty.
    """
    deadline = time.perf_counter() + budget_s
    pairs = [(name, source) for source in sorted(sources, key=len) for name in ckpts]
    steps = {p: _time_once(ckpts[p[0]], p[1], max_steps)[1] for p in pairs}
    times: dict[tuple[str, str], list[float]] = {p: [] for p in pairs}
    for _ in range(runs):
        round_ms = {}
        for name, source in pairs:
            if time.perf_counter() > deadline:
                break
            round_ms[name, source] = _time_once(ckpts[name], source, max_steps)[0]
        if len(round_ms) < len(pairs) or time.perf_counter() > deadline:
            break
        for p, ms in round_ms.items():
            times[p].append(ms)
    return [
        Timing(name, len(source), steps[name, source], statistics.median(ts), len(ts))
        for (name, source), ts in times.items()
        if ts
    ]


def timing_frame(timings: list[Timing]) -> pd.DataFrame:
    """The timings as a table, with ms per decoding step."""
    frame = pd.DataFrame(
        [asdict(t) for t in timings], columns=["model", "T", "steps", "ms", "runs"]
    )
    frame["ms_per_step"] = frame.ms / frame.steps.clip(lower=1)
    return frame


def held_out_scores(ckpt: Checkpoint) -> dict:
    """A model's scores on its task's held-out set, by source length, as metrics.json holds
    them (a teacher's own pairs ship no metrics.json: the Bottleneck page scores their
    models here, on the pairs held out from training)."""
    return evaluation.evaluate(ckpt, attribution_sample=0)
