"""Figures for the app: pure functions, a Trace (or plain numbers) in, a figure out.

The symbols follow the paper (Bahdanau et al. 2015):

    h_j     the encoder's annotation of source position j = 1..T
    s_i     the decoder state at output step i = 1..n
    e_ij    the score of position j at step i (before the softmax)
    alpha_ij = exp(e_ij) / sum_k exp(e_ik)     the attention weights (a row sums to 1)
    c_i     = sum_j alpha_ij h_j               the context vector of step i

Plotly draws the matrices (attention_heatmap, source_strip, context_strip);
Altair draws the small charts (topk_bar, context_norm_chart). Every axis that shows
source positions uses numeric positions 0..T-1 with the tokens as tick labels, so a
repeated symbol (the two t's of "attention") stays its own column.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .decoding import Step, Trace

NO_ATTENTION = "this model has no attention: it uses one fixed context vector c for every step"
COLORSCALE = "Blues"  # sequential, alpha = 0 is white: readable on a projector
CURRENT_COLOR = "#d62728"  # the current step, the chosen token
OTHER_COLOR = "#4c78a8"
MAX_LABELLED = 20  # write alpha_ij in the cells only up to this many rows and columns
ATTENTION_LABEL = "‖c_i‖ (attention)"
FIXED_LABEL = "‖c‖ (fixed)"


def _font_size(large: bool) -> int:
    """The base font size: classroom mode (large) is readable from the back row."""
    return 22 if large else 13


def _alpha_steps(trace: Trace, upto: int | None) -> list[Step]:
    """The steps 1..upto whose rows alpha_i. are shown; ValueError without attention."""
    if trace.attention_kind == "none" or any(s.attention is None for s in trace.steps):
        raise ValueError(NO_ATTENTION)
    n = len(trace.steps) if upto is None else max(0, min(upto, len(trace.steps)))
    return trace.steps[:n]


def _heatmap_customdata(trace: Trace, steps: list[Step]) -> np.ndarray:
    """Per cell (i, j): [i, y_i, j (1-based), x_j, e_ij] for the hover label."""
    T = len(trace.source_tokens)
    data = np.empty((len(steps), T, 5), dtype=object)
    for r, step in enumerate(steps):
        scores = step.scores or [float("nan")] * T
        for j, tok in enumerate(trace.source_tokens):
            data[r, j] = [step.index, step.token, j + 1, tok, scores[j]]
    return data


def _heatmap_height(rows: int, large: bool) -> int:
    """Height in pixels: grows with the number of output steps, within sensible bounds."""
    per_row, base = (48, 200) if large else (30, 140)
    return int(min(max(base + per_row * rows, 260 if large else 200), 1100 if large else 800))


def _current_row_shape(current: int, T: int) -> dict:
    """A rectangle outlining row `current` (1-based step i; drawn at y = i - 1)."""
    y = current - 1
    return dict(type="rect", xref="x", yref="y", x0=-0.5, x1=T - 0.5, y0=y - 0.5, y1=y + 0.5,
                line=dict(color=CURRENT_COLOR, width=4), fillcolor="rgba(0,0,0,0)")


def attention_heatmap(trace: Trace, upto: int | None = None, current: int | None = None,
                      large: bool = False, title: str | None = None) -> go.Figure:
    """The attention weights alpha_ij: row i = output step, column j = source position.

    upto: show steps 1..upto only (None: all; 0: no rows yet, the source axis still labelled).
    current: the 1-based step i to outline (ignored when outside 1..upto).
    Hover shows i, y_i, j, x_j, alpha_ij and the score e_ij.
    Raises ValueError(NO_ATTENTION) for a model without attention.
    """
    steps = _alpha_steps(trace, upto)
    T, n = len(trace.source_tokens), len(steps)
    z = np.array([s.attention for s in steps], dtype=float).reshape(n, T)
    heat = go.Heatmap(
        z=z, x=list(range(T)), y=list(range(n)), zmin=0.0, zmax=1.0, colorscale=COLORSCALE,
        colorbar=dict(title=dict(text="α")), xgap=1, ygap=1,
        customdata=_heatmap_customdata(trace, steps),
        hovertemplate=("step i = %{customdata[0]} (y_i = %{customdata[1]})<br>"
                       "source j = %{customdata[2]} (x_j = %{customdata[3]})<br>"
                       "α_ij = %{z:.3f}<br>e_ij = %{customdata[4]:.3f}<extra></extra>"),
    )
    if T <= MAX_LABELLED and n <= MAX_LABELLED:
        heat.update(texttemplate="%{z:.2f}", textfont=dict(size=_font_size(large) - 2))
    fig = go.Figure(heat)
    _layout_heatmap(fig, trace, steps, large, title)
    if current is not None and 1 <= current <= n:
        fig.add_shape(**_current_row_shape(current, T))
    return fig


def _layout_heatmap(fig: go.Figure, trace: Trace, steps: list[Step], large: bool,
                    title: str | None) -> None:
    """Axes with token tick labels, step 1 at the top, size and fonts."""
    T, n = len(trace.source_tokens), len(steps)
    size = _font_size(large)
    fig.update_layout(
        title=dict(text=title or "attention α_ij (row i: output step, column j: source x_j)",
                   y=0.98, yanchor="top"),
        height=_heatmap_height(n, large) + 30, font=dict(size=size),
        margin=dict(l=10, r=10, t=110 if large else 80, b=20),
        plot_bgcolor="white",
    )
    fig.update_xaxes(tickvals=list(range(T)), automargin=True,
                     ticktext=list(trace.source_tokens), range=[-0.5, T - 0.5], side="top",
                     showgrid=False, zeroline=False)
    fig.update_yaxes(title_text="output y_i", tickvals=list(range(n)), automargin=True,
                     ticktext=[f"{s.index} · {s.token}" for s in steps],
                     range=[max(n, 1) - 0.5, -0.5], showgrid=False, zeroline=False)


def source_strip(tokens: list[str], weights: list[float] | None,
                 large: bool = False) -> go.Figure:
    """The source x_1..x_T as one row of cells coloured by alpha_ij of the current step i.

    weights None (no step yet, or no attention): every cell 0, i.e. uncoloured.
    """
    T = len(tokens)
    w = [0.0] * T if weights is None else [float(a) for a in weights]
    positions = list(range(1, T + 1))
    fig = go.Figure(go.Heatmap(
        z=[w], x=list(range(T)), y=[0], zmin=0.0, zmax=1.0, colorscale=COLORSCALE,
        showscale=False, xgap=2, text=[list(tokens)], texttemplate="%{text}",
        textfont=dict(size=_font_size(large) + 4), customdata=[positions],
        hovertemplate="j = %{customdata}<br>x_j = %{text}<br>α_ij = %{z:.3f}<extra></extra>",
    ))
    fig.update_layout(height=180 if large else 120, margin=dict(l=10, r=10, t=10, b=10),
                      font=dict(size=_font_size(large)), plot_bgcolor="white")
    fig.update_xaxes(visible=False, range=[-0.5, T - 0.5])
    fig.update_yaxes(visible=False)
    return fig


def _topk_frame(step: Step) -> pd.DataFrame:
    """Rows (token, prob, role) of the top k; a forced y_i outside the top k is added."""
    rows = [(tok, p) for tok, p in step.topk]
    if step.token not in {tok for tok, _ in rows}:
        rows.append((step.token, step.prob))
    chosen = f"chosen y_{step.index}"
    return pd.DataFrame({
        "token": [tok for tok, _ in rows],
        "prob": [float(p) for _, p in rows],
        "role": [chosen if tok == step.token else "other" for tok, _ in rows],
    })


def topk_bar(step: Step, large: bool = False) -> alt.LayerChart:
    """The k most likely next tokens P(y_i | y_<i, X), the chosen y_i in another colour.

    A forced y_i that is not among the top k is added as an extra bar (its own P).
    """
    data = _topk_frame(step)
    chosen = f"chosen y_{step.index}"
    size = _font_size(large)
    base = alt.Chart(data).encode(
        y=alt.Y("token:N", sort=alt.EncodingSortField("prob", order="descending"), title=None),
        x=alt.X("prob:Q", scale=alt.Scale(domain=[0, 1]), title="probability"),
        tooltip=["token:N", alt.Tooltip("prob:Q", format=".3f"), "role:N"],
    )
    bars = base.mark_bar().encode(color=alt.Color(
        "role:N", scale=alt.Scale(domain=[chosen, "other"], range=[CURRENT_COLOR, OTHER_COLOR]),
        legend=None))
    labels = base.mark_text(align="left", dx=4, fontSize=size).encode(
        text=alt.Text("prob:Q", format=".2f"))
    return (bars + labels).properties(
        title=f"P(y_i | y_<i, X) at step i = {step.index}: top {len(step.topk)}, "
              "the chosen y_i in red",
        height=alt.Step(40 if large else 24),
    ).configure_axis(labelFontSize=size, titleFontSize=size).configure_title(fontSize=size + 2)


def _norm_layers(norms: list[float], fixed_norm: float | None) -> list[alt.Chart]:
    """The line ||c_i|| by step i and, when given, the rule at the fixed ||c||."""
    domain = [ATTENTION_LABEL] + ([FIXED_LABEL] if fixed_norm is not None else [])
    color = alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom"),
                      scale=alt.Scale(domain=domain,
                                      range=[OTHER_COLOR, "#7f7f7f"][: len(domain)]))
    line_data = pd.DataFrame({"step": list(range(1, len(norms) + 1)),
                              "norm": [float(v) for v in norms],
                              "series": [ATTENTION_LABEL] * len(norms)})
    layers = [alt.Chart(line_data).mark_line(point=True).encode(
        x=alt.X("step:Q", title="step i", axis=alt.Axis(tickMinStep=1, format="d"),
                scale=alt.Scale(domain=[1, max(len(norms), 2)])),
        y=alt.Y("norm:Q", title="‖c_i‖"), color=color,
        tooltip=["step:Q", alt.Tooltip("norm:Q", format=".3f")])]
    if fixed_norm is not None:
        fixed = pd.DataFrame({"norm": [float(fixed_norm)], "series": [FIXED_LABEL],
                              "label": ["fixed c (no attention)"]})
        rule = alt.Chart(fixed).mark_rule(strokeDash=[6, 4], size=2).encode(y="norm:Q",
                                                                             color=color)
        text = alt.Chart(fixed).mark_text(align="left", baseline="bottom", x=5, dy=-3).encode(
            y="norm:Q", text="label:N")
        layers += [rule, text]
    return layers


def context_norm_chart(norms: list[float], fixed_norm: float | None = None,
                       current: int | None = None, large: bool = False) -> alt.LayerChart:
    """The length ||c_i|| of the context vector at each step i = 1..n.

    fixed_norm: ||c|| of a model without attention (one c for every step), drawn as a rule.
    current: the 1-based step i marked by a vertical rule. norms may be empty (no step yet).
    """
    layers = _norm_layers(norms, fixed_norm)
    if current is not None and 1 <= current <= len(norms):
        layers.append(alt.Chart(pd.DataFrame({"step": [current]})).mark_rule(
            color=CURRENT_COLOR, strokeDash=[3, 3], size=2).encode(x="step:Q"))
    size = _font_size(large)
    return alt.layer(*layers).properties(
        title="‖c_i‖: the length of the context vector at each step",
        height=380 if large else 300, width="container",
    ).configure_axis(labelFontSize=size, titleFontSize=size).configure_legend(
        labelFontSize=size).configure_text(fontSize=size).configure_title(fontSize=size + 2)


def context_strip(c: list[float], large: bool = False) -> go.Figure:
    """The context vector c_i (length d) as one row of cells, blue > 0 > red, white at 0."""
    d = len(c)
    fig = go.Figure(go.Heatmap(
        z=[[float(v) for v in c]], x=list(range(1, d + 1)), y=[0], zmid=0.0, colorscale="RdBu",
        colorbar=dict(thickness=12, len=1.0), xgap=1,
        hovertemplate="component %{x} of c_i<br>value %{z:.3f}<extra></extra>",
    ))
    fig.update_layout(title=dict(text=f"c_i (d = {d})"), height=170 if large else 110,
                      margin=dict(l=10, r=10, t=40, b=10), font=dict(size=_font_size(large)))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


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
