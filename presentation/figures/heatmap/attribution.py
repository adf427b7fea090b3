"""The attribution heatmap: how much each source symbol x_j moved log P(y_i).

The attribution a_ij of log P(y_i) to x_j (s2s_core/attribution.py) is drawn on the
attention heatmap's rows and columns: each row scaled by its largest |a_ij|, blue where
x_j raised P(y_i), red where it lowered it.

    scaled_rows            a_ij / max_k |a_ik|: every row in [-1, 1]
    attribution_heatmap    row i = output step, column j = source position x_j
    attribution_frames     the same for every step of Home's step view (steps.py)
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from presentation.figures.frames import Frames
from presentation.figures.heatmap.cells import DIVERGING, matrix_trace
from presentation.figures.heatmap.layout import Look, rows_spec
from presentation.figures.heatmap.steps import step_frames
from presentation.figures.plotly_spec import figure
from s2s_core.trace import Step, Trace

ATTRIBUTION_BAR = "a / max|a|"  # the colour bar: each row over its largest |a_ij|
ATTRIBUTION_TITLE = "attribution a_ij of log P(y_i) to x_j (each row over its largest |a_ij|)"


SIGNAL_FLOOR = 0.01  # nats: a row whose largest |a_ij| is below this is drawn pale, not as +-1


# a_ij / max(max_k |a_ik|, floor): each row's largest contribution is +1 or -1
def scaled_rows(rows: list[list[float]], T: int) -> np.ndarray:
    """Attribution rows (n, T) scaled row by row into [-1, 1], so that rows of different steps
    share one colour scale. A row with almost nothing to attribute (P(y_i) near 1 already:
    every |a_ij| below SIGNAL_FLOOR nats) is divided by the floor instead, so it stays pale
    rather than showing noise at full colour. No rows: an empty (0, T) array."""
    a = np.asarray(rows, dtype=float).reshape(len(rows), T)
    largest = np.abs(a).max(axis=1, keepdims=True) if a.size else np.ones((len(rows), 1))
    return a / np.maximum(largest, SIGNAL_FLOOR)


def _attribution_trace(
    trace: Trace, steps: list[Step], rows: list[list[float]], large: bool, room: int
) -> dict:
    """The heatmap trace of the scaled a_ij (z); the hover gives the raw a_ij (customdata, in
    nats: how much x_j moved log P(y_i))."""
    T, n = len(trace.source_tokens), len(steps)
    raw = np.asarray(rows[:n], dtype=float).reshape(n, T)
    values = "a_ij = %{customdata:.3f} (log P(y_i), nats)<br>scaled: %{z:.2f}"
    return matrix_trace(
        scaled_rows(rows[:n], T), raw, -1.0, DIVERGING, ATTRIBUTION_BAR, values, large, room
    )


def _check_rows(trace: Trace, rows: list[list[float]]) -> None:
    """One attribution row per step of the trace, or ValueError."""
    if len(rows) != len(trace.steps):
        raise ValueError(f"{len(rows)} attribution rows for {len(trace.steps)} steps")


def attribution_heatmap(
    trace: Trace,
    rows: list[list[float]],
    upto: int | None = None,
    current: int | None = None,
    large: bool = False,
    title: str | None = None,
    strip: bool = False,
    hint: str | None = None,
    room: int | None = None,
) -> go.Figure:
    """The attribution a_ij of each step's log P(y_i) to each source position x_j, on the
    attention heatmap's rows and columns: `rows` [step i][position j], one per trace step.

    upto, current, strip, hint: as attention_heatmap (the strip is coloured by step
    `current`'s row); room: as attention_heatmap's `rows`. Works for a model without
    attention too: its steps still depend on the source, through the one fixed c.
    """
    _check_rows(trace, rows)
    n = len(trace.steps) if upto is None else max(0, min(upto, len(trace.steps)))
    steps = trace.steps[:n]
    space = max(room or 0, n)
    heat = _attribution_trace(trace, steps, rows, large, space)
    scaled = scaled_rows(rows[:n], len(trace.source_tokens)).tolist()
    look = Look(large, title or ATTRIBUTION_TITLE, strip, hint, attribution=True)
    return figure(rows_spec(trace, steps, heat, scaled, current, look, rows=space))


def attribution_frames(
    trace: Trace,
    rows: list[list[float]],
    large: bool = False,
    title: str | None = None,
    hint: str | None = None,
) -> Frames:
    """attribution_heatmap(trace, rows, upto=i, current=i, strip=True, room=n) for every
    step i = 0..n, as one base figure and per-step operations (frames.py)."""
    _check_rows(trace, rows)
    heat = _attribution_trace(trace, trace.steps, rows, large, len(rows))
    scaled = scaled_rows(rows, len(trace.source_tokens)).tolist()
    return step_frames(trace, heat, scaled, large, title or ATTRIBUTION_TITLE, hint, True)
