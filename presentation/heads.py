"""A Transformer trace shown one attention head at a time, or as their mean.

A Transformer step records the cross-attention row of every layer ℓ and head h over the
source (Step.heads[ℓ][h][j]); `Step.attention` is their mean. The heatmap, the source strip
and the CSV all draw `Step.attention`, so showing one head is a trace whose steps carry that
head's row instead: `with_head(trace, (ℓ, h))`. Plain data in, plain data out. (How often
each head looks at the gold alignment: analysis/agreement.py, head_agreement.)
"""

from __future__ import annotations

from dataclasses import replace

from s2s_core.trace import Trace

Head = tuple[int, int] | None  # (layer, head), 0-based; None: the mean of all of them


def head_choices(trace: Trace) -> list[Head]:
    """None (the mean) first, then every (layer, head) the trace recorded."""
    first = next((s.heads for s in trace.steps if s.heads is not None), None)
    if first is None:
        return [None]
    return [None] + [(layer, h) for layer in range(len(first)) for h in range(len(first[0]))]


def head_label(choice: Head) -> str:
    """'mean of all layers and heads', or 'layer 2, head 3' (1-based, as people count)."""
    if choice is None:
        return "mean of all layers and heads"
    return f"layer {choice[0] + 1}, head {choice[1] + 1}"


def with_head(trace: Trace, choice: Head) -> Trace:
    """The trace with each step's attention row taken from one head (the mean: unchanged)."""
    if choice is None or not any(s.heads for s in trace.steps):
        return trace
    layer, h = choice
    steps = [
        s if s.heads is None else replace(s, attention=list(s.heads[layer][h])) for s in trace.steps
    ]
    return replace(trace, steps=steps)
