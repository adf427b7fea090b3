"""Extra figures and tables for the Attention explorer and the Theory page.

Pure functions, plain data in, a Plotly figure or a pandas table out (as in heatmap/):

    grid_columns          how many attention heatmaps fit side by side (small multiples)
    grid_heatmap          heatmap.attention_heatmap, made readable at its size in that grid
    grid_attribution      heatmap.attribution_heatmap, the same way
    head_grid             a Transformer's cross-attention, every layer (rows) x head (columns)
    beam_frame            the k beam hypotheses: output, log P and P, best first
    encoder_norm_chart    ||h_j|| over the source positions j, with the fixed ||c|| (seed §4)
    length_chart          exact match by source length for several models (seed §6, §9)

Axes that show source positions use numeric positions j = 1..T with the tokens as tick
labels, so a repeated symbol stays its own bar.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from presentation.figures.heatmap import COLORSCALE, attention_heatmap, attribution_heatmap
from presentation.style import (
    CURRENT_COLOR,
    GRID_COLOR,
    OTHER_COLOR,
    SERIES_COLORS,
    SHADE_COLOR,
    font_size,
)
from s2s_core.tasks import Example
from s2s_core.trace import Hypothesis, Trace

PAGE_WIDTH = 880  # pixels a wide Streamlit page gives its content on a laptop, sidebar open
MAX_SIDE_BY_SIDE = 4


def grid_columns(
    count: int, source_len: int, large: bool = False, page_width: int = PAGE_WIDTH
) -> int:
    """How many heatmaps of `source_len` columns to put in one row of the page.

    Each source position needs a cell wide enough to read its label (28 px, 40 in classroom
    mode) plus room for the step labels and the colour bar; long inputs get fewer, wider
    figures per row, down to one figure across the whole page.
    """
    cell, frame = _cell_and_frame(large)
    fits = page_width // (source_len * cell + frame)
    return max(1, min(count, fits, MAX_SIDE_BY_SIDE))


def _cell_and_frame(large: bool) -> tuple[int, int]:
    """(the narrowest readable cell, the room for step labels and colour bar), in pixels."""
    return (40, 220) if large else (28, 160)


def cell_width(
    source_len: int, per_row: int, large: bool = False, page_width: int = PAGE_WIDTH
) -> float:
    """About how many pixels wide one cell alpha_ij is when `per_row` heatmaps share a row."""
    _, frame = _cell_and_frame(large)
    return (page_width / per_row - frame) / max(source_len, 1)


def grid_heatmap(
    trace: Trace,
    per_row: int,
    large: bool = False,
    title: str | None = None,
    page_width: int = PAGE_WIDTH,
) -> go.Figure:
    """The attention heatmap alpha_ij of `trace`, for a grid of `per_row` figures per row.

    The values are written in the cells only if "0.00" fits in a cell at this size, and
    the source symbols stay upright (Plotly would turn crowded tick labels sideways).
    """
    return _fit_grid(
        attention_heatmap(trace, large=large, title=title), trace, per_row, large, page_width
    )


def grid_attribution(
    trace: Trace,
    rows: list[list[float]],
    per_row: int,
    large: bool = False,
    title: str | None = None,
    page_width: int = PAGE_WIDTH,
) -> go.Figure:
    """The attribution heatmap a_ij of `trace` (`rows`, one per step) for the same grid."""
    fig = attribution_heatmap(trace, rows, large=large, title=title)
    return _fit_grid(fig, trace, per_row, large, page_width)


def _fit_grid(
    fig: go.Figure, trace: Trace, per_row: int, large: bool, page_width: int
) -> go.Figure:
    """Values in the cells only if "0.00" fits at this size; source symbols upright."""
    label_px = 2.6 * (font_size(large) - 2)  # "0.00" in the cell font
    if cell_width(len(trace.source_tokens), per_row, large, page_width) < label_px:
        fig.update_traces(texttemplate=None, selector=dict(type="heatmap"))
    fig.update_xaxes(tickangle=0)
    return fig


def head_grid(
    trace: Trace, agreement: list[list[float]] | None = None, large: bool = False
) -> go.Figure:
    """Every cross-attention head of a Transformer trace as its own small heatmap: layer l
    in row l, head h in column h, rows i the output steps, columns j the source positions.

    `agreement` (optional, [layer][head]): a share to write in each title, e.g. how often
    that head's largest weight falls on the gold position."""
    heads = [s.heads for s in trace.steps if s.heads is not None]  # [step][layer][head][j]
    if not heads:
        raise ValueError("not a Transformer trace: its steps have no per-head attention")
    L, H, n = len(heads[0]), len(heads[0][0]), len(heads)
    fig = make_subplots(
        rows=L,
        cols=H,
        subplot_titles=_head_titles(L, H, agreement),
        horizontal_spacing=0.03,
        vertical_spacing=0.1,
    )
    for layer in range(L):
        for h in range(H):
            z = [step[layer][h] for step in heads]  # (n, T): this head's alpha_ij
            fig.add_trace(_head_heatmap(z, layer, h), row=layer + 1, col=h + 1)
    _label_head_axes(fig, trace, n, L, large)
    fig.update_layout(
        height=L * (n * (20 if large else 14) + 90) + 40,
        margin=dict(l=60, r=20, t=60, b=10),
        plot_bgcolor="white",
        paper_bgcolor="white",
        font=dict(size=font_size(large)),
    )
    return fig


def _head_titles(L: int, H: int, agreement: list[list[float]] | None) -> list[str]:
    """The titles "layer l, head h", row by row, each with its agreement when given."""
    return [
        f"layer {layer + 1}, head {h + 1}"
        + ("" if agreement is None else f" · {agreement[layer][h]:.0%} on gold")
        for layer in range(L)
        for h in range(H)
    ]


def _head_heatmap(z: list[list[float]], layer: int, h: int) -> go.Heatmap:
    """One head's alpha_ij (n, T) at x = j, y = i; only the first carries the colour bar."""
    n, T = len(z), len(z[0])
    return go.Heatmap(
        z=z,
        x=list(range(1, T + 1)),
        y=list(range(1, n + 1)),
        zmin=0.0,
        zmax=1.0,
        colorscale=COLORSCALE,
        showscale=layer == 0 and h == 0,
        colorbar=dict(title="α", len=0.5, thickness=12),
        hovertemplate=f"layer {layer + 1}, head {h + 1}<br>"
        "step i = %{y}, source j = %{x}<br>α = %{z:.3f}<extra></extra>",
    )


def _label_head_axes(fig: go.Figure, trace: Trace, n: int, L: int, large: bool) -> None:
    """The source symbols above every heatmap; the steps "i·y_i" left of the first column."""
    size = font_size(large) - 3
    fig.update_xaxes(
        tickvals=list(range(1, len(trace.source_tokens) + 1)),
        ticktext=[_short(t) for t in trace.source_tokens],
        tickangle=0,
        tickfont=dict(size=size),
        side="top",
        showgrid=False,
    )
    fig.update_yaxes(
        tickvals=list(range(1, n + 1)),
        ticktext=[f"{i}·{_short(s.token)}" for i, s in enumerate(trace.steps[:n], start=1)],
        autorange="reversed",  # step 1 at the top, as in every other heatmap
        tickfont=dict(size=size),
        showgrid=False,
    )
    fig.update_yaxes(showticklabels=False)
    for layer in range(L):  # step labels on the first column only
        fig.update_yaxes(showticklabels=True, row=layer + 1, col=1)
    fig.update_annotations(font=dict(size=font_size(large) - 1), yshift=18)


def _short(token: str) -> str:
    """A special token without its brackets ("<eos>": "eos"), so that it fits a small cell."""
    return token.strip("<>") if len(token) > 2 else token


def beam_frame(hyps: list[Hypothesis], expected: Example | None = None) -> pd.DataFrame:
    """One row per hypothesis, best first: output, log P(Y | X), P(Y | X), steps, finished.

    "correct" (against the task's answer) is added when the answer is known.
    """
    frame = pd.DataFrame(
        {
            "rank": list(range(1, len(hyps) + 1)),
            "output": [h.output for h in hyps],
            "log P(Y|X)": [h.score for h in hyps],
            "P(Y|X)": [math.exp(h.score) for h in hyps],
            "steps": [len(h.steps) for h in hyps],
            "finished": [h.finished for h in hyps],
        }
    )
    if expected is not None:
        frame["correct"] = [expected.accepts(h.output) for h in hyps]
    return frame.set_index("rank")


def encoder_norm_chart(
    tokens: list[str], norms: list[float], fixed_norm: float | None = None, large: bool = False
) -> go.Figure:
    """A bar per source position j: ||h_j||; a dashed line at ||c|| when given (seed §4)."""
    T = len(tokens)
    fig = go.Figure(
        go.Bar(
            x=list(range(1, T + 1)),
            y=[float(v) for v in norms],
            marker_color=OTHER_COLOR,
            name="‖h_j‖",
            customdata=list(tokens),
            hovertemplate="j = %{x} (x_j = %{customdata})<br>‖h_j‖ = %{y:.3f}<extra></extra>",
        )
    )
    if fixed_norm is not None:
        fig.add_hline(
            y=float(fixed_norm),
            line=dict(color=CURRENT_COLOR, dash="dash", width=2),
            annotation_text=f"‖c‖ = {fixed_norm:.2f}",
            annotation_position="top right",
        )
    size = font_size(large)
    fig.update_layout(
        title=dict(text="‖h_j‖: the length of each encoder state"),
        height=320 if large else 240,
        font=dict(size=size),
        margin=dict(l=50, r=20, t=50, b=40),
        plot_bgcolor="white",
        showlegend=False,
    )
    fig.update_xaxes(
        title_text="source x_j",
        tickvals=list(range(1, T + 1)),
        automargin=True,
        ticktext=list(tokens),
        range=[0.5, T + 0.5],
    )
    fig.update_yaxes(automargin=True)
    fig.update_yaxes(title_text="‖h_j‖", rangemode="tozero", gridcolor=GRID_COLOR)
    return fig


def length_chart(
    series: dict[str, list[tuple[int, int, float]]],
    length: int | None = None,
    train_max: int | None = None,
    large: bool = False,
) -> go.Figure:
    """Exact match by source-length bucket, a line per model; a marker at `length`.

    series: {model label: [(shortest, longest, exact match), ...]} (theory.exact_by_length).
    train_max: the longest training input; the buckets beyond it are shaded (extrapolation).
    The x axis is the bucket's index, labelled "lo–hi" (buckets may differ between models:
    the first series sets the axis, the others are placed by their buckets' lower bounds).
    """
    buckets = next(iter(series.values()), [])
    index = {lo: k for k, (lo, _, _) in enumerate(buckets)}
    fig = go.Figure()
    for n, (name, points) in enumerate(series.items()):
        kept = [(index[lo], x) for lo, _, x in points if lo in index]
        fig.add_trace(_model_line(name, kept, SERIES_COLORS[n % len(SERIES_COLORS)]))
    here = [k for k, (lo, hi, _) in enumerate(buckets) if length is not None and lo <= length <= hi]
    if here:
        fig.add_vline(
            x=here[0],
            line=dict(color=CURRENT_COLOR, dash="dot", width=2),
            annotation_text="this input",
            annotation_position="top",
        )
    beyond = [k for k, (lo, _, _) in enumerate(buckets) if train_max is not None and lo > train_max]
    if beyond:
        _shade_beyond_training(fig, beyond[0], len(buckets))
    _length_layout(fig, buckets, large)
    return fig


def _model_line(name: str, kept: list[tuple[int, float]], color: str) -> go.Scatter:
    """One model's exact match (in %) at the buckets' indices k: `kept` [(k, share)]."""
    return go.Scatter(
        x=[k for k, _ in kept],
        y=[100 * x for _, x in kept],
        mode="lines+markers",
        name=name,
        line=dict(color=color, width=3),
        hovertemplate=f"{name}<br>" + "exact match %{y:.1f}%<extra></extra>",
    )


def _shade_beyond_training(fig: go.Figure, first: int, count: int) -> None:
    """Shade the buckets first..count-1: inputs longer than any in training."""
    fig.add_vrect(
        x0=first - 0.5,
        x1=count - 0.5,
        fillcolor=SHADE_COLOR,
        line_width=0,
        layer="below",
        annotation_text="longer than in training",
        annotation_position="top left",
        annotation=dict(yanchor="bottom"),
    )  # above the plot, clear of the lines


def _length_layout(fig: go.Figure, buckets: list[tuple[int, int, float]], large: bool) -> None:
    """The buckets "lo–hi" along x, exact match 0..100% along y, the legend underneath."""
    fig.update_layout(
        title=dict(text="exact match by input length (held-out set)"),
        height=460 if large else 340,
        font=dict(size=font_size(large)),
        margin=dict(l=50, r=20, t=90, b=40),
        plot_bgcolor="white",
        legend=dict(orientation="h", x=0.5, xanchor="center", y=-0.4, yanchor="top"),
    )  # under the axis title, clear of the title
    # Drawn once per input (not at every step): Plotly may measure its labels (automargin).
    fig.update_xaxes(
        title_text="input length T",
        tickvals=list(range(len(buckets))),
        range=[-0.5, len(buckets) - 0.5],
        automargin=True,
        ticktext=[f"{lo}–{hi}" for lo, hi, _ in buckets],
    )
    fig.update_yaxes(
        title_text="exact match (%)", range=[-3, 103], gridcolor=GRID_COLOR, automargin=True
    )
