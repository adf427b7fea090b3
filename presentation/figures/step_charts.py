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

from presentation.figures.heatmap import _figure
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


def topk_rows(step: Step) -> list[tuple[str, float, bool]]:
    """(token, P, chosen?) of the top k, most likely first; a forced y_i outside the top k
    is added (last: it is the least likely)."""
    rows = sorted(step.topk, key=lambda row: -row[1])
    if step.token not in {tok for tok, _ in rows}:
        rows.append((step.token, step.prob))
    return [(tok, float(p), tok == step.token) for tok, p in rows]


def topk_bar(step: Step | None, large: bool = False, k: int | None = None) -> go.Figure:
    """The figure of topk_spec."""
    return _figure(topk_spec(step, large, k))


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
    size = font_size(large)
    y = list(range(1, len(rows) + 1))
    bars = dict(
        type="bar",
        orientation="h",
        x=[p for _, p, _ in rows],
        y=y,
        marker=dict(color=[CURRENT_COLOR if chosen else OTHER_COLOR for *_, chosen in rows]),
        text=[f"{p:.2f}" for _, p, _ in rows],
        textposition="outside",
        textfont=dict(size=size, color="#333333"),
        cliponaxis=False,
        customdata=[token_text(tok) for tok, *_ in rows],
        hovertemplate="y_i = %{customdata}<br>P = %{x:.3f}<extra></extra>",
    )
    layout = dict(
        title=dict(text=TOPK_TITLE, font=dict(size=size + 2)),
        height=(110 if large else 80) + slots * (44 if large else 26) + (60 if large else 44),
        margin=dict(
            l=16 + int(0.7 * size * max([4, *(len(token_text(t)) for t, *_ in rows)])),
            r=40,
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
            tickvals=y,
            ticktext=[token_text(tok) for tok, *_ in rows],
            fixedrange=True,
        ),
        annotations=[]
        if rows
        else [
            dict(
                text=TOPK_HINT,
                xref="paper",
                yref="paper",
                x=0.5,
                y=0.5,
                showarrow=False,
                font=dict(size=size, color=MUTED_COLOR),
            )
        ],
    )
    return dict(data=[bars], layout=layout)


def context_norm_chart(
    norms: list[float],
    fixed_norm: float | None = None,
    current: int | None = None,
    large: bool = False,
    n_steps: int | None = None,
) -> go.Figure:
    """The figure of context_norm_spec."""
    return _figure(context_norm_spec(norms, fixed_norm, current, large, n_steps))


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
    data = [
        dict(
            type="scatter",
            mode="lines+markers",
            name=ATTENTION_LABEL,
            x=list(range(1, len(norms) + 1)),
            y=[float(v) for v in norms],
            line=dict(color=OTHER_COLOR, width=3),
            marker=dict(size=9 if large else 7),
            hovertemplate="step %{x}<br>‖c_i‖ = %{y:.3f}<extra></extra>",
        )
    ]
    top = max([float(v) for v in norms] + ([float(fixed_norm)] if fixed_norm else []) + [1.0])
    shapes, annotations = [], []
    if fixed_norm is not None:
        data.append(
            dict(
                type="scatter",
                mode="lines",
                name=FIXED_LABEL,
                x=[0.5, last + 0.5],
                y=[float(fixed_norm)] * 2,
                line=dict(color=FIXED_COLOR, width=2, dash="dash"),
                hovertemplate="fixed c (no attention)<br>‖c‖ = %{y:.3f}<extra></extra>",
            )
        )
        annotations.append(
            dict(
                text="fixed c (no attention)",
                x=0.6,
                y=float(fixed_norm),
                xanchor="left",
                yanchor="bottom",
                showarrow=False,
                font=dict(size=size, color=FIXED_COLOR),
            )
        )
    if current is not None and 1 <= current <= len(norms):
        shapes.append(
            dict(
                type="line",
                x0=current,
                x1=current,
                yref="paper",
                y0=0,
                y1=1,
                line=dict(color=CURRENT_COLOR, width=2, dash="dot"),
            )
        )
    layout = dict(
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
        shapes=shapes,
        annotations=annotations,
    )
    return dict(data=data, layout=layout)
