"""Figures for the app: pure functions, a Trace (or plain numbers) in, a figure out.

The symbols follow the paper (Bahdanau et al. 2015):

    h_j     the encoder's annotation of source position j = 1..T
    s_i     the decoder state at output step i = 1..n
    e_ij    the score of position j at step i (before the softmax)
    alpha_ij = exp(e_ij) / sum_k exp(e_ik)     the attention weights (a row sums to 1)
    c_i     = sum_j alpha_ij h_j               the context vector of step i

Beside alpha, the attribution a_ij of log P(y_i) to x_j (s2s_core/attribution.py) is
drawn on the same rows and columns (attribution_heatmap): each row scaled by its largest
|a_ij|, blue where x_j raised P(y_i), red where it lowered it.

Plotly draws the matrices (attention_heatmap, attribution_heatmap, source_strip,
context_strip); the small
Altair charts of a step are in step_charts.py. Every axis that shows
source positions uses numeric positions j = 1..T with the tokens as tick labels, so a
repeated symbol (the two t's of "attention") stays its own column.

These run at every click of every student, so they are built to be cheap: a Plotly
figure is written out as one JSON-like dict (see _figure).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.colors
import plotly.graph_objects as go

from presentation.figures.frames import Frames, Op, plain
from presentation.style import CURRENT_COLOR, MUTED_COLOR, font_size
from s2s_core.trace import Step, Trace

NO_ATTENTION = "this model has no attention: it uses one fixed context vector c for every step"
# Colour scales written out: Plotly's Python names ("Blues") run the other way round in
# plotly.js, which is what sees our unvalidated specs (see _figure).
COLORSCALE = plotly.colors.make_colorscale(plotly.colors.sequential.Blues)  # alpha = 0: white
DIVERGING = plotly.colors.make_colorscale(plotly.colors.sequential.RdBu)  # red < 0 < blue
MAX_LABELLED = 20  # write alpha_ij in the cells only up to this many rows and columns


def _alpha_steps(trace: Trace, upto: int | None) -> list[Step]:
    """The steps 1..upto whose rows alpha_i. are shown; ValueError without attention."""
    if not trace.has_attention or any(s.attention is None for s in trace.steps):
        raise ValueError(NO_ATTENTION)
    n = len(trace.steps) if upto is None else max(0, min(upto, len(trace.steps)))
    return trace.steps[:n]


def _figure(spec: dict) -> go.Figure:
    """A Plotly figure from its JSON spec (data + layout), without per-property validation.

    Plotly checks every property of a figure as it is built: ~8 ms for the attention
    heatmap, paid again at each click of each student in a classroom. The specs here are
    written out whole and validated once, in tests/unit/test_figures.py (go.Figure(spec) raises
    on a wrong property), so the app builds them unvalidated (`_validate` is Plotly's own
    switch for this).
    """
    return go.Figure(spec, _validate=False)


def _text_px(text: str, size: int) -> float:
    """About how many pixels wide `text` is in a font of `size` px (0.7 em per character:
    generous, a label that does not fit would run into the axis title)."""
    return 0.7 * size * len(text)


def _heatmap_height(rows: int, large: bool) -> int:
    """Pixels for the rows of the heatmap: grows with the output steps, within bounds."""
    per_row, least, most = (48, 150, 1000) if large else (30, 90, 720)
    return int(min(max(per_row * rows, least), most))


def _matrix_trace(
    z: np.ndarray,
    customdata: np.ndarray,
    zmin: float,
    colorscale: list,
    bar: str,
    values: str,
    large: bool,
    rows: int,
) -> dict:
    """A heatmap trace of rows i = 1..n (steps) by columns j = 1..T (source positions), at
    x = j, y = i (the paper's 1-based i, j). Hover: %{y} and %{x} show the axes' tick labels
    ("i · y_i" and x_j), the position j comes from text, then `values` (a hover template of
    z and customdata). The values are written in the cells when the figure has room for
    at most MAX_LABELLED `rows` and columns."""
    n, T = z.shape
    heat = dict(
        type="heatmap",
        z=z,
        x=np.arange(1, T + 1),
        y=np.arange(1, n + 1),
        zmin=zmin,
        zmax=1.0,
        colorscale=colorscale,
        colorbar=dict(title=dict(text=bar)),
        xgap=1,
        ygap=1,
        customdata=customdata,
        text=[[str(j) for j in range(1, T + 1)]] * n,
        hovertemplate="step i · y_i: %{y}<br>source j = %{text} · x_j: %{x}<br>"
        + values
        + "<extra></extra>",
    )
    if T <= MAX_LABELLED and rows <= MAX_LABELLED:
        heat.update(texttemplate="%{z:.2f}", textfont=dict(size=font_size(large) - 2))
    return heat


def _alpha_trace(trace: Trace, steps: list[Step], large: bool, rows: int) -> dict:
    """The heatmap trace of alpha_ij (z), the score e_ij in the hover (customdata)."""
    T, n = len(trace.source_tokens), len(steps)
    z = np.array([s.attention for s in steps], dtype=float).reshape(n, T)
    e = np.array([s.scores or [np.nan] * T for s in steps], dtype=float).reshape(n, T)
    values = "α_ij = %{z:.3f}<br>e_ij = %{customdata:.3f}"
    return _matrix_trace(z, e, 0.0, COLORSCALE, "α", values, large, rows)


def _strip_trace(
    tokens: list[str],
    weights: list[float] | None,
    large: bool,
    yaxis: str = "y",
    attribution: bool = False,
) -> dict:
    """The source x_1..x_T as one row of cells at x = 1..T, coloured by alpha_ij (or, with
    `attribution`, by the scaled a_ij, on the diverging scale).

    weights None (no step yet): every cell 0, i.e. white, and no value in the hover.
    """
    T = len(tokens)
    w = np.zeros(T) if weights is None else np.asarray(weights, dtype=float)
    name = "a_ij / max |a_i.|" if attribution else "α_ij"
    value = "" if weights is None else f"<br>{name} = %{{z:.3f}}"
    return dict(
        type="heatmap",
        z=w.reshape(1, T),
        x=np.arange(1, T + 1),
        y=[0],
        yaxis=yaxis,
        zmin=-1.0 if attribution else 0.0,
        zmax=1.0,
        colorscale=DIVERGING if attribution else COLORSCALE,
        showscale=False,
        xgap=2,
        text=[[t.strip("<>") if len(t) > 2 else t for t in tokens]],  # <eos>: "eos" fits a cell
        texttemplate="%{text}",
        textfont=dict(size=font_size(large) + 4),
        hovertemplate="j = %{x}<br>x_j = %{text}" + value + "<extra></extra>",
    )


@dataclass(frozen=True)
class _Frame:
    """The heatmap's vertical layout, in pixels and in shares of the plot area."""

    rows_px: int  # the rows alpha_i.
    gap_px: int  # the room above the strip for its label
    strip_px: int  # the strip's cells

    @property
    def plot_px(self) -> int:
        return self.rows_px + self.gap_px + self.strip_px

    @property
    def top(self) -> float:
        """The rows take the plot area's share [top, 1]; the strip sits below."""
        return (self.strip_px + self.gap_px) / self.plot_px


def _frame(n: int, large: bool, strip: bool) -> _Frame:
    gap_px, strip_px = ((60, 80) if large else (44, 50)) if strip else (0, 0)
    return _Frame(_heatmap_height(n, large), gap_px, strip_px)


def _layout(
    trace: Trace, steps: list[Step], frame: _Frame, large: bool, title: str | None, rows: int
) -> dict[str, Any]:
    """Axes at the paper's 1-based j (top) and i (left, step 1 at the top), the rows' header.

    Fixed margins, wide enough for the labels: Plotly's automatic margins and tick-label
    overflow checks measure every label in the browser, ~100 ms per redraw. The rows'
    header "i · y_i" stands above their labels (an axis title would need measuring too).
    The margin fits the labels of all `rows` steps the figure has room for, so that it
    stays put while the rows come one by one.
    """
    size = font_size(large)
    row_labels = [f"{s.index} · {s.token}" for s in steps]
    widest = [f"{s.index} · {s.token}" for s in trace.steps[:rows]]
    label_px = _text_px(max([*widest, *row_labels, "i · y_i"], key=len), size)
    header = dict(
        text="i · y_i",
        xref="paper",
        yref="paper",
        x=0.0,
        y=1.0,
        xanchor="right",
        yanchor="bottom",
        xshift=-8,
        yshift=6,
        showarrow=False,
        font=dict(size=size),
    )
    return dict(
        title=dict(
            text=title or "attention α_ij (row i: output step, column j: source x_j)",
            y=0.98,
            yanchor="top",
        ),
        height=frame.plot_px + (110 if large else 80) + 20,
        font=dict(size=size),
        margin=dict(l=int(label_px + 16), r=10, t=110 if large else 80, b=20),
        plot_bgcolor="white",
        **_axes(trace.source_tokens, row_labels, frame.top, rows),
        annotations=[header],  # the rows' header, beside the source tokens on top
    )


def _axes(tokens: list[str], row_labels: list[str], top: float, rows: int) -> dict[str, dict]:
    """x: the source positions j = 1..T on top; y: room for the steps i = 1..rows, step 1 on
    top, the ones so far labelled."""
    T, n = len(tokens), len(row_labels)
    fixed = dict(showgrid=False, zeroline=False, automargin=False, ticklabeloverflow="allow")
    return dict(
        xaxis=dict(
            tickvals=list(range(1, T + 1)),
            ticktext=list(tokens),
            range=[0.5, T + 0.5],
            side="top",
            **fixed,
        ),
        yaxis=dict(
            domain=[top, 1.0],
            tickvals=list(range(1, n + 1)),
            ticktext=row_labels,
            range=[max(rows, 1) + 0.5, 0.5],
            **fixed,
        ),  # reversed: step 1 at the top
    )


def _hint(text: str, frame: _Frame, large: bool) -> dict:
    """A line written where the rows will be, before the first step."""
    return dict(
        text=text,
        xref="paper",
        yref="paper",
        x=0.5,
        y=(frame.top + 1.0) / 2,
        showarrow=False,
        font=dict(size=font_size(large), color=MUTED_COLOR),
    )


def _outline(i: int, T: int) -> dict:
    """A red frame around row i: the current step."""
    return dict(
        type="rect",
        xref="x",
        yref="y",
        x0=0.5,
        x1=T + 0.5,
        y0=i - 0.5,
        y1=i + 0.5,
        fillcolor="rgba(0,0,0,0)",
        line=dict(color=CURRENT_COLOR, width=4),
    )


def _add_strip(
    data: list[dict],
    layout: dict[str, Any],
    trace: Trace,
    weights: list[float] | None,
    current: int | None,
    frame: _Frame,
    large: bool,
    attribution: bool = False,
) -> None:
    """The source below the rows, on the same columns, coloured by alpha_i. of step i (or
    by its attribution row)."""
    data.append(_strip_trace(trace.source_tokens, weights, large, "y2", attribution))
    layout["yaxis2"] = dict(domain=[0.0, frame.strip_px / frame.plot_px], visible=False)
    layout["annotations"].append(
        dict(
            text=_strip_label(current if weights is not None else None, attribution),
            xref="paper",
            yref="paper",
            x=0.0,
            y=(frame.strip_px + 6) / frame.plot_px,
            xanchor="left",
            yanchor="bottom",
            showarrow=False,
            font=dict(size=font_size(large)),
        )
    )


def _strip_label(current: int | None, attribution: bool) -> str:
    """The strip's label: what it is coloured by at step `current` (None: no step yet)."""
    if current is None:
        return "the source x_1 … x_T"
    if attribution:
        return f"what step i = {current} used: x_j coloured by a_ij"
    return f"where the decoder looks at step i = {current}: x_j coloured by α_ij"


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
    return _figure(
        _rows_spec(
            trace,
            steps,
            _alpha_trace(trace, steps, large, room),
            [s.attention or [] for s in steps],
            current,
            large,
            title,
            strip,
            hint,
            rows=room,
        )
    )


def _rows_spec(
    trace: Trace,
    steps: list[Step],
    heat: dict,
    strip_rows: list[list[float]],
    current: int | None,
    large: bool,
    title: str | None,
    strip: bool,
    hint: str | None,
    attribution: bool = False,
    rows: int | None = None,
) -> dict:
    """The rows of `heat` (steps 1..n) under their header, with the current row outlined and
    (`strip`) the source below, coloured by `strip_rows` of step `current`; room for `rows`
    rows (default n). A figure spec: data and layout."""
    n = len(steps)
    room = max(rows or 0, n)
    frame = _frame(room, large, strip)
    layout = _layout(trace, steps, frame, large, title, room)
    heat["colorbar"].update(len=1.0 - frame.top, y=1.0, yanchor="top")
    data = [heat]
    now = current if current is not None and 1 <= current <= n else None
    if strip:
        weights = strip_rows[now - 1] if now else None
        _add_strip(data, layout, trace, weights, current, frame, large, attribution)
    if n == 0 and hint:  # no rows yet: say so where they will appear
        layout["annotations"].append(_hint(hint, frame, large))
    if now is not None:
        layout["shapes"] = [_outline(now, len(trace.source_tokens))]
    return dict(data=data, layout=layout)


def _stepped(
    trace: Trace,
    heat: dict,
    strip_rows: list[list[float]],
    large: bool,
    title: str | None,
    hint: str | None,
    attribution: bool,
) -> Frames:
    """The figures of steps 0..n with the source strip, all with room for the n rows: the
    base is step n's (every row, the last one outlined); step i keeps the first i rows and
    their labels, outlines row i and colours the strip by its row (step 0: no row, the
    hint). `heat`: the heatmap trace of all n rows."""
    n, T = len(trace.steps), len(trace.source_tokens)
    spec = _rows_spec(
        trace, trace.steps, heat, strip_rows, n, large, title, True, hint, attribution
    )
    base = plain(spec)
    empty = plain(
        _rows_spec(trace, [], dict(heat), [], None, large, title, True, hint, attribution, n)
    )
    steps: list[list[Op]] = []
    for i in range(n):
        rows: list[Op] = [["head", ["data", 0, key], i] for key in ("z", "customdata", "text", "y")]
        rows += [["head", ["layout", "yaxis", key], i] for key in ("tickvals", "ticktext")]
        if i == 0:  # the strip uncoloured, the hint where the rows will be, no outline
            rows += [
                ["set", ["data", 1], empty["data"][1]],
                ["set", ["layout", "annotations"], empty["layout"]["annotations"]],
                ["del", ["layout", "shapes"]],
            ]
        else:
            rows += [
                ["set", ["data", 1, "z"], [list(map(float, strip_rows[i - 1]))]],
                ["set", ["layout", "annotations", 1, "text"], _strip_label(i, attribution)],
                ["set", ["layout", "shapes", 0], plain(_outline(i, T))],
            ]
        steps.append(rows)
    return Frames(base, [*steps, []])


def attention_frames(
    trace: Trace, large: bool = False, title: str | None = None, hint: str | None = None
) -> Frames:
    """attention_heatmap(trace, upto=i, current=i, strip=True, rows=n) for every step
    i = 0..n, as one base figure and per-step operations (frames.py)."""
    steps = _alpha_steps(trace, None)
    heat = _alpha_trace(trace, steps, large, len(steps))
    return _stepped(trace, heat, [s.attention or [] for s in steps], large, title, hint, False)


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
    return _matrix_trace(
        scaled_rows(rows[:n], T), raw, -1.0, DIVERGING, ATTRIBUTION_BAR, values, large, room
    )


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
    if len(rows) != len(trace.steps):
        raise ValueError(f"{len(rows)} attribution rows for {len(trace.steps)} steps")
    n = len(trace.steps) if upto is None else max(0, min(upto, len(trace.steps)))
    steps = trace.steps[:n]
    space = max(room or 0, n)
    return _figure(
        _rows_spec(
            trace,
            steps,
            _attribution_trace(trace, steps, rows, large, space),
            scaled_rows(rows[:n], len(trace.source_tokens)).tolist(),
            current,
            large,
            title or ATTRIBUTION_TITLE,
            strip,
            hint,
            attribution=True,
            rows=space,
        )
    )


def attribution_frames(
    trace: Trace,
    rows: list[list[float]],
    large: bool = False,
    title: str | None = None,
    hint: str | None = None,
) -> Frames:
    """attribution_heatmap(trace, rows, upto=i, current=i, strip=True, room=n) for every
    step i = 0..n, as one base figure and per-step operations (frames.py)."""
    if len(rows) != len(trace.steps):
        raise ValueError(f"{len(rows)} attribution rows for {len(trace.steps)} steps")
    heat = _attribution_trace(trace, trace.steps, rows, large, len(rows))
    scaled = scaled_rows(rows, len(trace.source_tokens)).tolist()
    return _stepped(trace, heat, scaled, large, title or ATTRIBUTION_TITLE, hint, True)


def source_strip(tokens: list[str], weights: list[float] | None, large: bool = False) -> go.Figure:
    """The source x_1..x_T as one row of cells coloured by alpha_ij of the current step i.

    weights None (no step yet, or no attention): every cell 0, i.e. uncoloured.
    """
    T = len(tokens)
    return _figure(
        dict(
            data=[_strip_trace(tokens, weights, large)],
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
    return _figure(context_strip_spec(c, large))


def context_strip_spec(c: list[float], large: bool = False) -> dict:
    """The context vector c_i (length d) as one row of cells, blue > 0 > red, white at 0."""
    d = len(c)
    return dict(
        dict(
            data=[
                dict(
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
            ],
            layout=dict(
                title=dict(text=f"c_i (d = {d})"),
                height=170 if large else 110,
                margin=dict(l=10, r=10, t=40, b=10),
                font=dict(size=font_size(large)),
                xaxis=dict(visible=False),
                yaxis=dict(visible=False),
            ),
        )
    )


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
