"""The cells of the heatmaps and the marks on them: Plotly traces written out as dicts.

    matrix_trace   rows i = 1..n (steps) by columns j = 1..T (source positions)
    strip_trace    the source x_1..x_T as one row of cells, coloured by one step's row
    outline        the red frame around the current row i
    strip_label    what the strip is coloured by at step i

Cells sit at x = j and y = i, the paper's 1-based positions, with the tokens as tick
labels: a repeated symbol (the two t's of "attention") stays its own column.
"""

from __future__ import annotations

import numpy as np
import plotly.colors

from presentation.style import CURRENT_COLOR, font_size

# Colour scales written out: Plotly's Python names ("Blues") run the other way round in
# plotly.js, which is what sees our unvalidated specs (see plotly_spec.figure).
COLORSCALE = plotly.colors.make_colorscale(plotly.colors.sequential.Blues)  # alpha = 0: white
DIVERGING = plotly.colors.make_colorscale(plotly.colors.sequential.RdBu)  # red < 0 < blue
MAX_LABELLED = 20  # write alpha_ij in the cells only up to this many rows and columns


def matrix_trace(
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


def strip_trace(
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


def outline(i: int, T: int) -> dict:
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


def strip_label(current: int | None, attribution: bool) -> str:
    """The strip's label: what it is coloured by at step `current` (None: no step yet)."""
    if current is None:
        return "the source x_1 … x_T"
    if attribution:
        return f"what step i = {current} used: x_j coloured by a_ij"
    return f"where the decoder looks at step i = {current}: x_j coloured by α_ij"
