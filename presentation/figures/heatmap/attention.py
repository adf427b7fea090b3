"""The attention heatmap alpha_ij, and the one-row strips of the source and of c_i.

    attention_heatmap    row i = output step, column j = source position x_j
    attention_frames     the same for every step of Home's step view (steps.py)
    attention_frame      alpha_ij as a table, for CSV export
    source_strip         x_1..x_T as one row of cells, coloured by alpha_ij of step i
    context_strip_spec   the context vector c_i as one row of cells

The symbols follow the paper (Bahdanau et al. 2015):

    h_j     the encoder's annotation of source position j = 1..T
    s_i     the decoder state at output step i = 1..n
    e_ij    the score of position j at step i (before the softmax)
    alpha_ij = exp(e_ij) / sum_k exp(e_ik)     the attention weights (a row sums to 1)
    c_i     = sum_j alpha_ij h_j               the context vector of step i
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from presentation.figures.frames import Frames
from presentation.figures.heatmap.cells import COLORSCALE, DIVERGING, matrix_trace, strip_trace
from presentation.figures.heatmap.layout import Look, rows_spec
from presentation.figures.heatmap.steps import step_frames
from presentation.figures.plotly_spec import figure
from presentation.style import font_size
from s2s_core.trace import Step, Trace

NO_ATTENTION = "this model has no attention: it uses one fixed context vector c for every step"


def _alpha_steps(trace: Trace, upto: int | None) -> list[Step]:
    """The steps 1..upto whose rows alpha_i. are shown; ValueError without attention."""
    if not trace.has_attention or any(s.attention is None for s in trace.steps):
        raise ValueError(NO_ATTENTION)
    n = len(trace.steps) if upto is None else max(0, min(upto, len(trace.steps)))
    return trace.steps[:n]


def _alpha_trace(trace: Trace, steps: list[Step], large: bool, rows: int) -> dict:
    """The heatmap trace of alpha_ij (z), the score e_ij in the hover (customdata)."""
    T, n = len(trace.source_tokens), len(steps)
    z = np.array([s.attention for s in steps], dtype=float).reshape(n, T)
    e = np.array([s.scores or [np.nan] * T for s in steps], dtype=float).reshape(n, T)
    values = "α_ij = %{z:.3f}<br>e_ij = %{customdata:.3f}"
    return matrix_trace(z, e, 0.0, COLORSCALE, "α", values, large, rows)


def attention_heatmap(
    trace: Trace,
    upto: int | None = None,
    current: int | None = None,
    large: bool = False,
    title: str | None = None,
    strip: bool = False,
    hint: str | None = None,
    rows: int | None = None,
) -> go.Figure:
    """The attention weights alpha_ij: row i = output step, column j = source position.

    upto: show steps 1..upto only (None: all; 0: no rows yet, the source axis still labelled).
    current: the 1-based step i to outline (ignored when outside 1..upto).
    strip: also draw the source below the rows, on the same columns, coloured by the
           alpha_i. of step `current` (where the decoder looks now; white without one).
    hint: a line written where the rows will be, while there are none yet.
    rows: room for this many rows (default: the rows shown), so that a figure of the steps
          so far already has the whole output's height, as Home's step view keeps it.
    Cells sit at x = j (1..T) and y = i (1..n); hover shows i, j, alpha_ij and the score e_ij.
    Raises ValueError(NO_ATTENTION) for a model without attention.
    """
    steps = _alpha_steps(trace, upto)
    room = max(rows or 0, len(steps))
    heat = _alpha_trace(trace, steps, large, room)
    alpha = [s.attention or [] for s in steps]
    look = Look(large, title, strip, hint)
    return figure(rows_spec(trace, steps, heat, alpha, current, look, rows=room))


def attention_frames(
    trace: Trace, large: bool = False, title: str | None = None, hint: str | None = None
) -> Frames:
    """attention_heatmap(trace, upto=i, current=i, strip=True, rows=n) for every step
    i = 0..n, as one base figure and per-step operations (frames.py)."""
    steps = _alpha_steps(trace, None)
    heat = _alpha_trace(trace, steps, large, len(steps))
    alpha = [s.attention or [] for s in steps]
    return step_frames(trace, heat, alpha, large, title, hint, False)


def attention_frame(trace: Trace, upto: int | None = None) -> pd.DataFrame:
    """alpha_ij as a table for CSV export: a row per step i, a column "j:x_j" per position.

    Raises ValueError(NO_ATTENTION) for a model without attention.
    """
    steps = _alpha_steps(trace, upto)
    columns = [f"{j}:{tok}" for j, tok in enumerate(trace.source_tokens, start=1)]
    alpha = pd.DataFrame([s.attention for s in steps], columns=columns, dtype=float)
    alpha.insert(0, "output", [s.token for s in steps])
    alpha.insert(0, "step", [s.index for s in steps])
    return alpha.set_index(pd.Index([s.index for s in steps], name="i"))


def source_strip(tokens: list[str], weights: list[float] | None, large: bool = False) -> go.Figure:
    """The source x_1..x_T as one row of cells coloured by alpha_ij of the current step i.

    weights None (no step yet, or no attention): every cell 0, i.e. uncoloured.
    """
    T = len(tokens)
    return figure(
        dict(
            data=[strip_trace(tokens, weights, large)],
            layout=dict(
                height=180 if large else 120,
                margin=dict(l=10, r=10, t=10, b=10),
                font=dict(size=font_size(large)),
                plot_bgcolor="white",
                xaxis=dict(visible=False, range=[0.5, T + 0.5]),
                yaxis=dict(visible=False),
            ),
        )
    )


def context_strip(c: list[float], large: bool = False) -> go.Figure:
    """The figure of context_strip_spec."""
    return figure(context_strip_spec(c, large))


def context_strip_spec(c: list[float], large: bool = False) -> dict:
    """The context vector c_i (length d) as one row of cells, blue > 0 > red, white at 0."""
    d = len(c)
    cells = dict(
        type="heatmap",
        z=[[float(v) for v in c]],  # one row of d cells
        x=list(range(1, d + 1)),
        y=[0],
        zmid=0.0,
        colorscale=DIVERGING,
        colorbar=dict(thickness=12, len=1.0),
        xgap=1,
        hovertemplate="component %{x} of c_i<br>value %{z:.3f}<extra></extra>",
    )
    layout = dict(
        title=dict(text=f"c_i (d = {d})"),
        height=170 if large else 110,
        margin=dict(l=10, r=10, t=40, b=10),
        font=dict(size=font_size(large)),
        xaxis=dict(visible=False),
        yaxis=dict(visible=False),
    )
    return dict(data=[cells], layout=layout)
