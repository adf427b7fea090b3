"""The small charts of one decoding step: pure functions, a Step (or numbers) in, a figure out.

    topk_bar             P(y_i | y_<i, X): the k most likely next tokens, the chosen one red
    context_norm_chart   ||c_i|| over the steps so far, beside the fixed model's ||c||

Plotly figures, like the heatmaps: Home's step view (presentation/stepping.py) draws every
step of a trace once and the browser steps through them with Plotly.react, so all the
figures of a step must be Plotly's. Each figure keeps its size from step to step (the same
rows, the same axes): only its numbers move, and the chart stays put while a student steps.
"""

from __future__ import annotations

import plotly.graph_objects as go

from presentation.figures.plotly_spec import figure, text_px
from presentation.style import (
    CURRENT_COLOR,
    FIXED_COLOR,
    GRID_COLOR,
    MUTED_COLOR,
    OTHER_COLOR,
    font_size,
)
from presentation.text import token_text
from s2s_core.trace import Step

ATTENTION_LABEL = "‖c_i‖ (attention)"
FIXED_LABEL = "‖c‖ (fixed)"
CHOSEN = "chosen y_i"
TOPK_TITLE = "P(y_i | y_<i, X): the most likely next tokens<br><sub>in red the chosen y_i</sub>"
TOPK_HINT = "press Next ▶: each step's most likely tokens appear here"
WIDEST_P = "1.00"  # the widest P written beside a bar: a bar of P = 1 ends at the right edge


def topk_rows(step: Step) -> list[tuple[str, float, bool]]:
    """(token, P, chosen?) of the top k, most likely first; a forced y_i outside the top k
    is added (last: it is the least likely)."""
    rows = sorted(step.topk, key=lambda row: -row[1])
    if step.token not in {tok for tok, _ in rows}:
        rows.append((step.token, step.prob))
    return [(tok, float(p), tok == step.token) for tok, p in rows]


def topk_bar(step: Step | None, large: bool = False, k: int | None = None) -> go.Figure:
    """The figure of topk_spec."""
    return figure(topk_spec(step, large, k))


def topk_spec(step: Step | None, large: bool = False, k: int | None = None) -> dict:
    """The k most likely next tokens P(y_i | y_<i, X) as bars, the chosen y_i in red.

    A forced y_i that is not among the top k is added as an extra bar (its own P).
    Bars sit at y = 1, 2, ... (most likely on top) with the tokens as tick labels, so two
    tokens that print alike stay two bars. `k`: the rows to make room for (default: this
    step's), so that the chart keeps its height from step to step; step None (before step
    1): the empty chart with a hint.
    """
    rows = topk_rows(step) if step is not None else []
    slots = max(k or 0, len(rows), 1)
    return dict(data=[_topk_bars(rows, large)], layout=_topk_layout(rows, slots, large))


def _topk_bars(rows: list[tuple[str, float, bool]], large: bool) -> dict:
    """The bars of P(y_i = token) at y = 1, 2, ..., each with its P written beside it, past
    the axis if need be (cliponaxis off): in the right margin for a bar that ends at 1."""
    return dict(
        type="bar",
        orientation="h",
        x=[p for _, p, _ in rows],
        y=list(range(1, len(rows) + 1)),
        marker=dict(color=[CURRENT_COLOR if chosen else OTHER_COLOR for *_, chosen in rows]),
        text=[f"{p:.2f}" for _, p, _ in rows],
        textposition="outside",
        textfont=dict(size=font_size(large), color="#333333"),
        cliponaxis=False,
        customdata=[token_text(tok) for tok, *_ in rows],
        hovertemplate="y_i = %{customdata}<br>P = %{x:.3f}<extra></extra>",
    )


def _topk_layout(rows: list[tuple[str, float, bool]], slots: int, large: bool) -> dict:
    """Room for `slots` bars, the tokens' labels on the left, P from 0 to 1 along x, and on
    the right room for the P of the longest bar."""
    size = font_size(large)
    return dict(
        title=dict(text=TOPK_TITLE, font=dict(size=size + 2)),
        height=(110 if large else 80) + slots * (44 if large else 26) + (60 if large else 44),
        margin=dict(
            l=16 + int(0.7 * size * max([4, *(len(token_text(t)) for t, *_ in rows)])),
            r=int(text_px(WIDEST_P, size)) + 10,  # the P of a bar that ends at 1 fits in it
            t=110 if large else 80,
            b=60 if large else 44,
        ),
        font=dict(size=size),
        plot_bgcolor="white",
        showlegend=False,
        bargap=0.25,
        xaxis=dict(
            range=[0, 1],
            tickvals=[0, 0.25, 0.5, 0.75, 1],
            title=dict(text="probability"),
            gridcolor=GRID_COLOR,
            fixedrange=True,
        ),
        yaxis=dict(
            range=[slots + 0.5, 0.5],  # reversed: the most likely on top
            tickvals=list(range(1, len(rows) + 1)),
            ticktext=[token_text(tok) for tok, *_ in rows],
            fixedrange=True,
        ),
        annotations=[] if rows else [_hint(TOPK_HINT, size)],
    )


def _hint(text: str, size: int) -> dict:
    """A line written in the middle of an empty chart."""
    return dict(
        text=text,
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        showarrow=False,
        font=dict(size=size, color=MUTED_COLOR),
    )


def context_norm_chart(
    norms: list[float],
    fixed_norm: float | None = None,
    current: int | None = None,
    large: bool = False,
    n_steps: int | None = None,
) -> go.Figure:
    """The figure of context_norm_spec."""
    return figure(context_norm_spec(norms, fixed_norm, current, large, n_steps))


def context_norm_spec(
    norms: list[float],
    fixed_norm: float | None = None,
    current: int | None = None,
    large: bool = False,
    n_steps: int | None = None,
) -> dict:
    """The length ||c_i|| of the context vector at each step i = 1..n.

    fixed_norm: ||c|| of a model without attention (one c for every step), drawn as a
                dashed line across.
    current: the 1-based step i marked by a vertical line. norms may be empty (no step yet).
    n_steps: the length of the whole output, so that the step axis 1..n_steps stays put
             while the line grows (default: len(norms)).
    """
    size = font_size(large)
    last = max(n_steps or len(norms), 2)
    data = [_norms_line(norms, large)]
    top = max([float(v) for v in norms] + ([float(fixed_norm)] if fixed_norm else []) + [1.0])
    annotations = []
    if fixed_norm is not None:
        data.append(_fixed_line(fixed_norm, last))
        annotations.append(_fixed_label(fixed_norm, size))
    now = current if current is not None and 1 <= current <= len(norms) else None
    shapes = [] if now is None else [_step_marker(now)]
    layout = dict(_norms_layout(last, top, large), shapes=shapes, annotations=annotations)
    return dict(data=data, layout=layout)


def _norms_line(norms: list[float], large: bool) -> dict:
    """||c_i|| at steps i = 1..len(norms), a line with a marker per step."""
    return dict(
        type="scatter",
        mode="lines+markers",
        name=ATTENTION_LABEL,
        x=list(range(1, len(norms) + 1)),
        y=[float(v) for v in norms],
        line=dict(color=OTHER_COLOR, width=3),
        marker=dict(size=9 if large else 7),
        hovertemplate="step %{x}<br>‖c_i‖ = %{y:.3f}<extra></extra>",
    )


def _fixed_line(fixed_norm: float, last: int) -> dict:
    """||c|| of the model without attention: the same at every step, dashed across."""
    return dict(
        type="scatter",
        mode="lines",
        name=FIXED_LABEL,
        x=[0.5, last + 0.5],
        y=[float(fixed_norm)] * 2,
        line=dict(color=FIXED_COLOR, width=2, dash="dash"),
        hovertemplate="fixed c (no attention)<br>‖c‖ = %{y:.3f}<extra></extra>",
    )


def _fixed_label(fixed_norm: float, size: int) -> dict:
    """The fixed line's name, written on it at the left."""
    return dict(
        text="fixed c (no attention)",
        x=0.6,
        y=float(fixed_norm),
        xanchor="left",
        yanchor="bottom",
        showarrow=False,
        font=dict(size=size, color=FIXED_COLOR),
    )


def _step_marker(current: int) -> dict:
    """A dotted vertical line at step i = `current`."""
    return dict(
        type="line",
        x0=current,
        x1=current,
        yref="paper",
        y0=0,
        y1=1,
        line=dict(color=CURRENT_COLOR, width=2, dash="dot"),
    )


def _norms_layout(last: int, top: float, large: bool) -> dict:
    """Steps 1..last along x, ||c_i|| from 0 to a little above `top` along y."""
    size = font_size(large)
    return dict(
        title=dict(
            text="‖c_i‖: the length of the context vector at each step", font=dict(size=size + 2)
        ),
        height=420 if large else 330,
        margin=dict(l=60, r=20, t=60, b=90 if large else 80),
        font=dict(size=size),
        plot_bgcolor="white",
        # under the axis title, in the room the bottom margin keeps for it
        legend=dict(orientation="h", x=0, y=0, yref="container", yanchor="bottom"),
        xaxis=dict(
            title=dict(text="step i"),
            range=[0.5, last + 0.5],
            dtick=1 if last <= 20 else 5,
            gridcolor=GRID_COLOR,
            zeroline=False,
        ),
        yaxis=dict(
            title=dict(text="‖c_i‖"), range=[0, 1.15 * top], gridcolor=GRID_COLOR, zeroline=False
        ),
    )
