"""§6 and §9 in numbers: the shipped models' measurements, and the RNN against the
Transformer timed on this machine.

    bucket_for, longest_bucket, exact_by_length   a model's exact match by source length
    capacity                                      exact match of fixed-context models by d
    limitation_numbers                            one measurement per row of the seed's §9
                                                  table (presentation/theory.py: LIMITATIONS)
    throughput_rows, throughput_summary           throughput.compare's lengths as a table

The metrics are each checkpoint's metrics.json (s2s_core/shipped.py reads them).
"""

from __future__ import annotations

from analysis.examples import LimitationNumbers, sequential_depth
from s2s_core.shipped import ModelName, capacity_names, read_metrics
from s2s_core.trace import Trace
from s2s_core.training.throughput import Measured


def bucket_for(metrics: dict, length: int) -> dict | None:
    """The source-length bucket of `metrics` that holds inputs of this length."""
    for b in metrics["buckets"]:
        if b["lengths"][0] <= length <= b["lengths"][1]:
            return b
    return None


def longest_bucket(metrics: dict, in_training: bool = True) -> dict:
    """The bucket of the longest inputs (only those within the training lengths, if asked)."""
    buckets = [b for b in metrics["buckets"] if not (in_training and b["extrapolation"])]
    return max(buckets or metrics["buckets"], key=lambda b: b["lengths"][1])


def exact_by_length(metrics: dict) -> list[tuple[int, int, float]]:
    """(shortest, longest, exact match) for every source-length bucket."""
    return [(b["lengths"][0], b["lengths"][1], b["exact_match"]) for b in metrics["buckets"]]


def capacity(metrics: list[dict]) -> list[tuple[int, float]]:
    """(d, exact match within the training lengths) for models that differ in d, by d."""
    return sorted((m["hidden"], m["in_training_range"]["exact_match"]) for m in metrics)


def limitation_numbers(trace: Trace) -> LimitationNumbers:
    """This input's depth, then the shipped reverse models' metrics (None, []: not shipped)."""
    fixed = read_metrics(str(ModelName("reverse", "none")), missing_ok=True)
    found = [read_metrics(n) for n in capacity_names("reverse")]
    return LimitationNumbers(
        *sequential_depth(trace),
        None if fixed is None else exact_by_length(fixed),
        capacity(found) if found else [],
    )


def throughput_rows(measured: list[Measured]) -> list[dict[str, object]]:
    """throughput.compare's lengths as table rows: times, tokens/s and the ratios."""
    return [
        {
            "T": m.length,
            "RNN encoder ms": round(m.rnn_encoder_ms, 2),
            "Transformer encoder ms": round(m.transformer_encoder_ms, 2),
            "RNN training tokens/s": round(m.rnn_tokens_per_s),
            "Transformer training tokens/s": round(m.transformer_tokens_per_s),
            "training speed, Transformer ÷ RNN": round(
                m.transformer_tokens_per_s / m.rnn_tokens_per_s, 2
            ),
        }
        for m in measured
    ]


def throughput_summary(measured: list[Measured]) -> str:
    """One sentence: how each encoder's time grew from the shortest to the longest T."""
    first, last = measured[0], measured[-1]
    if first is last:
        return f"Only T = {first.length} was measured in the time allowed."
    grow = last.length / first.length
    speed = last.transformer_tokens_per_s / last.rnn_tokens_per_s
    return (
        f"From T = {first.length} to T = {last.length} ({grow:.0f}× longer) the RNN encoder "
        f"took {last.rnn_encoder_ms / first.rnn_encoder_ms:.2g}× as long, the Transformer "
        f"encoder {last.transformer_encoder_ms / first.transformer_encoder_ms:.2g}× "
        "(one layer covers every position at once; at small T fixed costs dominate). "
        f"Training: the Transformer did {speed:.2g}× "
        f"the RNN's tokens per second at T = {last.length}."
    )
