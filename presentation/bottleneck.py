"""The bottleneck in tables: what one fixed context vector c costs as inputs grow.

The seed's central argument (§6, §7, §9), from the shipped models' metrics.json and from
the measurements of analysis/bottleneck.py:

    accuracy by length   exact match / token accuracy per source-length bucket, with a
                         Wilson 95% interval from each bucket's n (Bahdanau et al. 2015,
                         fig. 2: the fixed-context model degrades with T, attention does not)
    context norms        ||c|| of the fixed model against ||c_i|| of the attention model,
                         c_i = sum_j alpha_ij h_j, by source length T (one row per T)
    capacity             exact match of fixed-context models against their size d

Dicts and frames in, frames and sentences out: nothing here runs a model.
"""

from __future__ import annotations

import math

import pandas as pd

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


# --- context norms by length -----------------------------------------------------------------


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
