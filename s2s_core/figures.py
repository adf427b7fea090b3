"""Figures for the app: pure functions, a Trace (or plain numbers) in, a figure out.

The symbols follow the paper (Bahdanau et al. 2015):

    h_j     the encoder's annotation of source position j = 1..T
    s_i     the decoder state at output step i = 1..n
    e_ij    the score of position j at step i (before the softmax)
    alpha_ij = exp(e_ij) / sum_k exp(e_ik)     the attention weights (a row sums to 1)
    c_i     = sum_j alpha_ij h_j               the context vector of step i

Plotly draws the matrices (attention_heatmap, source_strip, context_strip);
Altair draws the small charts (topk_bar, context_norm_chart). Every axis that shows
source positions uses numeric positions j = 1..T with the tokens as tick labels, so a
repeated symbol (the two t's of "attention") stays its own column.

These run at every click of every student, so they are built to be cheap: a Plotly
figure is written out as one JSON-like dict (see _figure); an Altair chart's Vega-Lite
spec is built once and only its rows change from step to step (see _fill), so topk_bar
and context_norm_chart return that spec (a dict) for st.vega_lite_chart.
"""

from __future__ import annotations

import copy
import functools

import altair as alt
import numpy as np
import pandas as pd
import plotly.colors
import plotly.graph_objects as go

from .decoding import Step, Trace

NO_ATTENTION = "this model has no attention: it uses one fixed context vector c for every step"
# Colour scales written out: Plotly's Python names ("Blues") run the other way round in
# plotly.js, which is what sees our unvalidated specs (see _figure).
COLORSCALE = plotly.colors.make_colorscale(plotly.colors.sequential.Blues)  # alpha = 0: white
DIVERGING = plotly.colors.make_colorscale(plotly.colors.sequential.RdBu)  # red < 0 < blue
CURRENT_COLOR = "#d62728"  # the current step, the chosen token
OTHER_COLOR = "#4c78a8"
MAX_LABELLED = 20  # write alpha_ij in the cells only up to this many rows and columns
ATTENTION_LABEL = "‖c_i‖ (attention)"
FIXED_LABEL = "‖c‖ (fixed)"
CHOSEN = "chosen y_i"


def _font_size(large: bool) -> int:
    """The base font size: classroom mode (large) is readable from the back row."""
    return 22 if large else 13


def _alpha_steps(trace: Trace, upto: int | None) -> list[Step]:
    """The steps 1..upto whose rows alpha_i. are shown; ValueError without attention."""
    if trace.attention_kind == "none" or any(s.attention is None for s in trace.steps):
        raise ValueError(NO_ATTENTION)
    n = len(trace.steps) if upto is None else max(0, min(upto, len(trace.steps)))
    return trace.steps[:n]


def _figure(spec: dict) -> go.Figure:
    """A Plotly figure from its JSON spec (data + layout), without per-property validation.

    Plotly checks every property of a figure as it is built: ~8 ms for the attention
    heatmap, paid again at each click of each student in a classroom. The specs here are
    written out whole and validated once, in tests/test_figures.py (go.Figure(spec) raises
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


def _alpha_trace(trace: Trace, steps: list[Step], large: bool) -> dict:
    """The heatmap trace: z[i-1][j-1] = alpha_ij at x = j, y = i (the paper's 1-based i, j).

    Hover: %{y} and %{x} show the axes' tick labels ("i · y_i" and x_j); the position j
    comes from text, alpha_ij from z and the score e_ij from customdata.
    """
    T, n = len(trace.source_tokens), len(steps)
    z = np.array([s.attention for s in steps], dtype=float).reshape(n, T)
    e = np.array([s.scores or [np.nan] * T for s in steps], dtype=float).reshape(n, T)
    heat = dict(
        type="heatmap", z=z, x=np.arange(1, T + 1), y=np.arange(1, n + 1), zmin=0.0, zmax=1.0,
        colorscale=COLORSCALE, colorbar=dict(title=dict(text="α")), xgap=1, ygap=1,
        customdata=e, text=[[str(j) for j in range(1, T + 1)]] * n,
        hovertemplate=("step i · y_i: %{y}<br>source j = %{text} · x_j: %{x}<br>"
                       "α_ij = %{z:.3f}<br>e_ij = %{customdata:.3f}<extra></extra>"),
    )
    if T <= MAX_LABELLED and n <= MAX_LABELLED:
        heat.update(texttemplate="%{z:.2f}", textfont=dict(size=_font_size(large) - 2))
    return heat


def _strip_trace(tokens: list[str], weights: list[float] | None, large: bool,
                 yaxis: str = "y") -> dict:
    """The source x_1..x_T as one row of cells at x = 1..T, coloured by alpha_ij.

    weights None (no step yet): every cell 0, i.e. white, and no alpha in the hover.
    """
    T = len(tokens)
    w = np.zeros(T) if weights is None else np.asarray(weights, dtype=float)
    alpha = "" if weights is None else "<br>α_ij = %{z:.3f}"
    return dict(
        type="heatmap", z=w.reshape(1, T), x=np.arange(1, T + 1), y=[0], yaxis=yaxis,
        zmin=0.0, zmax=1.0, colorscale=COLORSCALE, showscale=False, xgap=2,
        text=[list(tokens)], texttemplate="%{text}",
        textfont=dict(size=_font_size(large) + 4),
        hovertemplate="j = %{x}<br>x_j = %{text}" + alpha + "<extra></extra>",
    )


def attention_heatmap(trace: Trace, upto: int | None = None, current: int | None = None,
                      large: bool = False, title: str | None = None,
                      strip: bool = False) -> go.Figure:
    """The attention weights alpha_ij: row i = output step, column j = source position.

    upto: show steps 1..upto only (None: all; 0: no rows yet, the source axis still labelled).
    current: the 1-based step i to outline (ignored when outside 1..upto).
    strip: also draw the source below the rows, on the same columns, coloured by the
           alpha_i. of step `current` (where the decoder looks now; white without one).
    Cells sit at x = j (1..T) and y = i (1..n); hover shows i, j, alpha_ij and the score e_ij.
    Raises ValueError(NO_ATTENTION) for a model without attention.
    """
    steps = _alpha_steps(trace, upto)
    T, n = len(trace.source_tokens), len(steps)
    size = _font_size(large)
    rows_px = _heatmap_height(n, large)
    strip_px, gap_px = 0, 0  # the strip's cells, and the room above them for its label
    if strip:
        strip_px, gap_px = (80, 60) if large else (50, 44)
    plot_px = rows_px + gap_px + strip_px
    top = (strip_px + gap_px) / plot_px  # the rows' part of the plot area: [top, 1]
    row_labels = [f"{s.index} · {s.token}" for s in steps]
    # Fixed margins, wide enough for the labels: Plotly's automatic margins and tick-label
    # overflow checks measure every label in the browser, ~100 ms per redraw. The rows'
    # header "i · y_i" stands above their labels (an axis title would need measuring too).
    label_px = _text_px(max([*row_labels, "i · y_i"], key=len), size)
    layout = dict(
        title=dict(text=title or "attention α_ij (row i: output step, column j: source x_j)",
                   y=0.98, yanchor="top"),
        height=plot_px + (110 if large else 80) + 20, font=dict(size=size),
        margin=dict(l=int(label_px + 16), r=10, t=110 if large else 80, b=20),
        plot_bgcolor="white",
        xaxis=dict(tickvals=list(range(1, T + 1)), ticktext=list(trace.source_tokens),
                   range=[0.5, T + 0.5], side="top", showgrid=False, zeroline=False,
                   automargin=False, ticklabeloverflow="allow"),
        yaxis=dict(domain=[top, 1.0],
                   tickvals=list(range(1, n + 1)), ticktext=row_labels,
                   range=[max(n, 1) + 0.5, 0.5],  # reversed: step 1 at the top
                   showgrid=False, zeroline=False, automargin=False, ticklabeloverflow="allow"),
    )
    layout["annotations"] = [dict(  # the rows' header, beside the source tokens on top
        text="i · y_i", xref="paper", yref="paper", x=0.0, y=1.0, xanchor="right",
        yanchor="bottom", xshift=-8, yshift=6, showarrow=False, font=dict(size=size))]
    data = [_alpha_trace(trace, steps, large)]
    data[0]["colorbar"].update(len=1.0 - top, y=1.0, yanchor="top")
    if strip:
        weights = steps[current - 1].attention if current and 1 <= current <= n else None
        data.append(_strip_trace(trace.source_tokens, weights, large, yaxis="y2"))
        layout["yaxis2"] = dict(domain=[0.0, strip_px / plot_px], visible=False)
        layout["annotations"].append(dict(
            text=(f"where the decoder looks at step i = {current}: x_j coloured by α_ij"
                  if weights is not None else "the source x_1 … x_T"),
            xref="paper", yref="paper", x=0.0, y=(strip_px + 6) / plot_px, xanchor="left",
            yanchor="bottom", showarrow=False, font=dict(size=size)))
    if n == 0:  # no rows yet: say so where they will appear
        layout["annotations"].append(dict(
            text="press Next ▶: each step adds its row α_i·", xref="paper", yref="paper",
            x=0.5, y=(top + 1.0) / 2, showarrow=False, font=dict(size=size, color="#777777")))
    if current is not None and 1 <= current <= n:
        layout["shapes"] = [dict(type="rect", xref="x", yref="y", x0=0.5, x1=T + 0.5,
                                 y0=current - 0.5, y1=current + 0.5, fillcolor="rgba(0,0,0,0)",
                                 line=dict(color=CURRENT_COLOR, width=4))]
    return _figure(dict(data=data, layout=layout))


def source_strip(tokens: list[str], weights: list[float] | None,
                 large: bool = False) -> go.Figure:
    """The source x_1..x_T as one row of cells coloured by alpha_ij of the current step i.

    weights None (no step yet, or no attention): every cell 0, i.e. uncoloured.
    """
    T = len(tokens)
    return _figure(dict(data=[_strip_trace(tokens, weights, large)], layout=dict(
        height=180 if large else 120, margin=dict(l=10, r=10, t=10, b=10),
        font=dict(size=_font_size(large)), plot_bgcolor="white",
        xaxis=dict(visible=False, range=[0.5, T + 0.5]), yaxis=dict(visible=False))))


# The two Altair charts change at every step, but only in their numbers. Building and
# validating an Altair chart costs ~20 ms (a classroom clicks Next thousands of times), so
# each chart's Vega-Lite spec is built by Altair once (a "template", cached per variant) and a
# step only fills in its rows: spec["datasets"][name] = [{"column": value, ...}, ...].
# The spec stays the same from step to step, so the browser updates the chart's data in
# place instead of building a new chart.

def _fill(template: dict, **datasets: list[dict]) -> dict:
    """A copy of `template` (never the cached dict itself) with the rows of its datasets."""
    spec = copy.deepcopy(template)
    spec["datasets"] = datasets
    return spec


def _topk_rows(step: Step) -> list[dict]:
    """Rows (token, prob, role) of the top k, most likely first; a forced y_i outside the
    top k is added (last: it is the least likely)."""
    rows = sorted(step.topk, key=lambda row: -row[1])
    if step.token not in {tok for tok, _ in rows}:
        rows.append((step.token, step.prob))
    return [{"token": tok, "prob": float(p), "role": CHOSEN if tok == step.token else "other"}
            for tok, p in rows]


@functools.cache
def _topk_template(large: bool) -> dict:
    """The top-k bars and their labels, reading the dataset "topk" (token, prob, role)."""
    size = _font_size(large)
    role = alt.Color("role:N", legend=None, scale=alt.Scale(
        domain=[CHOSEN, "other"], range=[CURRENT_COLOR, OTHER_COLOR]))
    base = alt.Chart(alt.Data(name="topk")).encode(
        y=alt.Y("token:N", sort=None, title=None),  # the rows' order: most likely on top
        x=alt.X("prob:Q", scale=alt.Scale(domain=[0, 1]), title="probability"),
        tooltip=["token:N", alt.Tooltip("prob:Q", format=".3f"), "role:N"],
    )
    bars = base.mark_bar().encode(color=role)
    # The numbers take the bars' colours: a forced y_i with P = 0.00 has no bar to see.
    labels = base.mark_text(align="left", dx=4, fontSize=size, fontWeight="bold").encode(
        text=alt.Text("prob:Q", format=".2f"), color=role)
    title = alt.Title("P(y_i | y_<i, X): the most likely next tokens",
                      subtitle="in red the chosen y_i")
    chart = (bars + labels).properties(title=title, height=alt.Step(40 if large else 24))
    chart = chart.configure_axis(labelFontSize=size, titleFontSize=size).configure_title(
        fontSize=size + 2, subtitleFontSize=size)
    return chart.to_dict()  # validated against the Vega-Lite schema


def topk_bar(step: Step, large: bool = False) -> dict:
    """The k most likely next tokens P(y_i | y_<i, X), the chosen y_i in another colour.

    A forced y_i that is not among the top k is added as an extra bar (its own P).
    Returns a Vega-Lite spec (dataset "topk": token, prob, role), drawn by st.vega_lite_chart.
    """
    return _fill(_topk_template(large), topk=_topk_rows(step))


@functools.lru_cache(maxsize=512)
def _norm_template(with_fixed: bool, with_current: bool, large: bool, n_steps: int) -> dict:
    """The line ||c_i|| over steps 1..n_steps (dataset "norms": step, norm, series), the rule
    at the fixed ||c|| (dataset "fixed": norm, series, label) and at the current step i
    (dataset "current": step)."""
    domain = [ATTENTION_LABEL] + ([FIXED_LABEL] if with_fixed else [])
    color = alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom"),
                      scale=alt.Scale(domain=domain,
                                      range=[OTHER_COLOR, "#7f7f7f"][: len(domain)]))
    layers = [alt.Chart(alt.Data(name="norms")).mark_line(point=True).encode(
        x=alt.X("step:Q", title="step i", axis=alt.Axis(tickMinStep=1, format="d"),
                scale=alt.Scale(domain=[1, max(n_steps, 2)])),
        y=alt.Y("norm:Q", title="‖c_i‖"), color=color,
        tooltip=["step:Q", alt.Tooltip("norm:Q", format=".3f")])]
    if with_fixed:
        fixed = alt.Chart(alt.Data(name="fixed"))
        layers += [fixed.mark_rule(strokeDash=[6, 4], size=2).encode(y="norm:Q", color=color),
                   fixed.mark_text(align="left", baseline="bottom", x=5, dy=-3).encode(
                       y="norm:Q", text="label:N")]
    if with_current:
        layers.append(alt.Chart(alt.Data(name="current")).mark_rule(
            color=CURRENT_COLOR, strokeDash=[3, 3], size=2).encode(x="step:Q"))
    size = _font_size(large)
    chart = alt.layer(*layers).properties(
        title="‖c_i‖: the length of the context vector at each step",
        height=380 if large else 300, width="container")
    chart = chart.configure_axis(labelFontSize=size, titleFontSize=size).configure_legend(
        labelFontSize=size).configure_text(fontSize=size).configure_title(fontSize=size + 2)
    return chart.to_dict()  # validated against the Vega-Lite schema


def context_norm_chart(norms: list[float], fixed_norm: float | None = None,
                       current: int | None = None, large: bool = False,
                       n_steps: int | None = None) -> dict:
    """The length ||c_i|| of the context vector at each step i = 1..n.

    fixed_norm: ||c|| of a model without attention (one c for every step), drawn as a rule.
    current: the 1-based step i marked by a vertical rule. norms may be empty (no step yet).
    n_steps: the length of the whole output, so that the step axis 1..n_steps stays put
             while the line grows (default: len(norms)).
    Returns a Vega-Lite spec (datasets "norms", "fixed", "current").
    """
    with_current = current is not None and 1 <= current <= len(norms)
    data = {"norms": [{"step": i, "norm": float(v), "series": ATTENTION_LABEL}
                      for i, v in enumerate(norms, start=1)]}
    if fixed_norm is not None:
        data["fixed"] = [{"norm": float(fixed_norm), "series": FIXED_LABEL,
                          "label": "fixed c (no attention)"}]
    if with_current:
        data["current"] = [{"step": current}]
    template = _norm_template(fixed_norm is not None, with_current, large,
                              n_steps or len(norms))
    return _fill(template, **data)


def context_strip(c: list[float], large: bool = False) -> go.Figure:
    """The context vector c_i (length d) as one row of cells, blue > 0 > red, white at 0."""
    d = len(c)
    return _figure(dict(
        data=[dict(type="heatmap", z=np.asarray(c, dtype=float).reshape(1, d),
                   x=np.arange(1, d + 1), y=[0], zmid=0.0, colorscale=DIVERGING,
                   colorbar=dict(thickness=12, len=1.0), xgap=1,
                   hovertemplate="component %{x} of c_i<br>value %{z:.3f}<extra></extra>")],
        layout=dict(title=dict(text=f"c_i (d = {d})"), height=170 if large else 110,
                    margin=dict(l=10, r=10, t=40, b=10), font=dict(size=_font_size(large)),
                    xaxis=dict(visible=False), yaxis=dict(visible=False))))


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
