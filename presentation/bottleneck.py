"""The bottleneck in numbers: what one fixed context vector c costs as inputs grow.

The seed's central argument (§6, §7, §9), measured on the shipped models:

    accuracy by length   exact match / token accuracy per source-length bucket, with a
                         Wilson 95% interval from each bucket's n (Bahdanau et al. 2015,
                         fig. 2: the fixed-context model degrades with T, attention does not)
    fresh samples        the same evaluation re-run live on new inputs, bounded in time
    context norms        ||c|| of the fixed model against ||c_i|| of the attention model,
                         c_i = sum_j alpha_ij h_j, by source length T
    capacity             exact match of fixed-context models against their size d
    cost                 milliseconds per whole greedy decoding against T (§9: the recurrence
                         makes computation depth grow linearly with the sequence length)

Everything here is plain Python, pandas and torch: the Bottleneck page only draws it.
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
from s2s_core.training.checkpoints import Checkpoint
from s2s_core.training.evaluation import Prediction, predict, scores_by_length

Z95 = 1.959963984540054  # the standard normal quantile for a two-sided 95% interval
METRICS = {
    "exact match": "exact_match",
    "token accuracy": "token_accuracy",
    "word error rate": "wer",  # g2p only (lower is better)
    "phoneme error rate": "per",  # g2p only
}


# --- Wilson intervals ------------------------------------------------------------------------


def wilson(p: float, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for a proportion p observed on n trials.

        centre = (p + z²/2n) / (1 + z²/n)
        half   = z sqrt(p(1-p)/n + z²/4n²) / (1 + z²/n)

    Unlike p ± z sqrt(p(1-p)/n) it stays inside [0, 1] and is not empty at p = 0 or 1.
    n = 0 tells nothing: the interval is [0, 1]. p is clamped to [0, 1] first.
    """
    if n <= 0:
        return 0.0, 1.0
    p = min(max(p, 0.0), 1.0)
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # the interval always holds p; min/max only undo rounding at p = 0 or 1
    return max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half))


# --- accuracy by source length -------------------------------------------------------------


def bucket_rows(model: str, metrics: dict) -> list[dict]:
    """One row per (length bucket, metric): value, Wilson interval, whether it extrapolates.

    Token accuracy's interval also uses n = the number of sources: the symbols of one
    output are not independent trials, so this is the cautious (wider) choice.
    """
    kind = metrics.get("attention", "")
    rows = []
    for b in metrics["buckets"]:
        lo, hi = b["lengths"]
        for label, key in METRICS.items():
            if b.get(key) is None:  # WER and PER: only for tasks that report them
                continue
            # PER is edits per phoneme, not a share of sources (a looping output makes it > 1):
            # no Wilson band for it
            low, high = (b[key], b[key]) if key == "per" else wilson(b[key], b["n"])
            rows.append(
                {
                    "model": model,
                    "kind": kind,
                    "lo": lo,
                    "hi": hi,
                    "length": (lo + hi) / 2,
                    "n": b["n"],
                    "extrapolation": bool(b["extrapolation"]),
                    "metric": label,
                    "value": b[key],
                    "low": low,
                    "high": high,
                }
            )
    return rows


def accuracy_frame(metrics: dict[str, dict]) -> pd.DataFrame:
    """The rows of `bucket_rows` for every model; `metrics` maps a model label to its metrics."""
    rows = [r for model, m in metrics.items() for r in bucket_rows(model, m)]
    columns = [
        "model",
        "kind",
        "lo",
        "hi",
        "length",
        "n",
        "extrapolation",
        "metric",
        "value",
        "low",
        "high",
    ]
    return pd.DataFrame(rows, columns=columns)


def measures(frame: pd.DataFrame) -> list[str]:
    """The METRICS labels that `frame` (accuracy_frame) has, in METRICS order."""
    present = set(frame.metric)
    return [label for label in METRICS if label in present]


def train_max_length(metrics: dict[str, dict]) -> int | None:
    """The longest source length seen in training (None: the task has no length knob)."""
    return next(
        (m["train_max_length"] for m in metrics.values() if m.get("train_max_length") is not None),
        None,
    )


def trend(frame: pd.DataFrame, metric: str) -> list[str]:
    """Per model: its value in the shortest and in the longest bucket, e.g.
    'none (fixed context c): 98% at lengths 1–5 → 0% at 36–40'."""
    lines = []
    for model, rows in frame[frame.metric == metric].groupby("model", sort=False):
        first, last = rows.sort_values("lo").iloc[[0, -1]].to_dict("records")
        lines.append(
            f"{model}: {first['value']:.0%} at lengths {first['lo']}–{first['hi']} "
            f"→ {last['value']:.0%} at {last['lo']}–{last['hi']}"
        )
    return lines


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


def norms_by_length(model: str, kind: str, per_source: pd.DataFrame) -> pd.DataFrame:
    """One row per T for the chart: centre line and min–max band.

    Fixed context (kind 'none'): ||c|| averaged over the sources of length T, band = the
    smallest and largest ||c|| among them. Attention: ||c_i|| averaged over all steps of
    those sources, band = the smallest and largest ||c_i|| of any step.
    """
    g = per_source.groupby("T")
    if kind == "none":
        out = pd.DataFrame({"centre": g.fixed.mean(), "low": g.fixed.min(), "high": g.fixed.max()})
        quantity = "‖c‖"
    else:
        out = pd.DataFrame(
            {"centre": g["mean"].mean(), "low": g["min"].min(), "high": g["max"].max()}
        )
        quantity = "‖c_i‖"
    out = out.reset_index()
    out.insert(0, "model", f"{model}: {quantity}")
    out["inputs"] = g.size().values
    return out


def norm_bound(ckpt: Checkpoint) -> float:
    """sqrt(d): every component of a GRU/LSTM state lies in (-1, 1), so ||h_j|| < sqrt(d),
    and so are ||c|| = ||[->h_T ; <-h_1]|| and ||c_i|| (a weighted average of the h_j)."""
    return math.sqrt(ckpt.model.cfg.hidden)


# --- capacity: exact match against the hidden size d ----------------------------------------


def capacity_frame(metrics: dict[str, dict]) -> pd.DataFrame:
    """One row per fixed-context model: d, exact match within the training lengths, interval."""
    rows = []
    for name, m in metrics.items():
        s = m["in_training_range"]
        low, high = wilson(s["exact_match"], s["n"])
        rows.append(
            {
                "model": name,
                "d": m["hidden"],
                "exact_match": s["exact_match"],
                "n": s["n"],
                "low": low,
                "high": high,
            }
        )
    return pd.DataFrame(rows).sort_values("d", ignore_index=True)


def capacity_buckets(metrics: dict[str, dict]) -> pd.DataFrame:
    """Exact match by length bucket for each d (the small lines beside the capacity curve)."""
    rows = [
        {**r, "d": m["hidden"]}
        for m in metrics.values()
        for r in bucket_rows(f"d = {m['hidden']}", m)
        if r["metric"] == "exact match"
    ]
    return pd.DataFrame(rows).sort_values(["d", "lo"], ignore_index=True)


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
