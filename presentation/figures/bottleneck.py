"""Figures for the Bottleneck page: pure functions, tables from ../bottleneck.py in, Altair out.

    accuracy_chart           exact match (or token accuracy) by source length, one line per
                             model, Wilson 95% bands, the lengths beyond training shaded
    norms_chart              ||c|| (fixed context) and ||c_i|| (attention) against length T
    capacity_chart           fixed-context exact match against the hidden size d
    capacity_by_length_chart the same models, exact match by length: one small line per d
    timing_chart             milliseconds per whole greedy decoding against T

Colours follow the attention kind everywhere: the fixed-context model grey, additive blue,
dot orange, general green (presentation/style.py: fixed grey, attention blue).
"""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

from presentation.style import BAND_COLOR, BAND_TEXT_COLOR, EXTRA_COLORS, KIND_COLORS, font_size

REFERENCE_COLOR = KIND_COLORS["additive"]
EXTRAPOLATION_LABEL = "extrapolation: longer than any training input"
INSIDE, BEYOND = "within training lengths", "beyond: extrapolation"


def _style(chart: alt.TopLevelMixin, title: str, large: bool, height: int = 300):
    """Title, size and font sizes shared by every chart on the page."""
    size = font_size(large)
    return (
        chart.properties(
            title=title, height=int(height * 1.3) if large else height, width="container"
        )
        .configure_axis(labelFontSize=size, titleFontSize=size)
        .configure_legend(
            labelFontSize=size,
            titleFontSize=size,
            orient="right",
            labelLimit=0,
            symbolOpacity=1,  # the bands' pale colour must not reach the legend
        )
        .configure_title(fontSize=size + 2, anchor="start", offset=size + 8)
        .configure_text(fontSize=size - 1)
    )


def model_colors(frame: pd.DataFrame) -> alt.Scale:
    """A colour per model, in the frame's order: its attention kind's colour, or (for a second
    model of the same kind, e.g. one trained in the browser) a colour of its own."""
    domain, colors, used = [], [], set()
    extra = iter(EXTRA_COLORS * 4)
    for model, kind in frame[["model", "kind"]].drop_duplicates("model").itertuples(index=False):
        color = KIND_COLORS.get(kind)
        if color is None or color in used:
            color = next(extra)
        used.add(color)
        domain.append(model)
        colors.append(color)
    return alt.Scale(domain=domain, range=colors)


# --- accuracy by length --------------------------------------------------------------------


def _segments(rows: pd.DataFrame) -> pd.DataFrame:
    """The line's rows with a `segment` column: the extrapolation part gets its own dash,
    and starts at the last point inside the training lengths so the line has no gap."""
    inside, beyond = rows[~rows.extrapolation], rows[rows.extrapolation]
    parts = [inside.assign(segment=INSIDE)]
    if len(beyond):
        parts.append(pd.concat([inside.tail(1), beyond]).assign(segment=BEYOND))
    return pd.concat(parts, ignore_index=True)


def _length_axis(rows: pd.DataFrame) -> alt.Axis:
    """Ticks at the buckets' midpoints, labelled with the bucket's lengths ('6–10')."""
    half = float((rows.hi - rows.lo).max()) / 2  # every bucket is as wide
    return alt.Axis(
        values=sorted(float(m) for m in rows.length.unique()),
        grid=False,
        labelExpr=f"(datum.value - {half}) + '–' + (datum.value + {half})",
    )


def _extrapolation_layer(train_max: int | None, x_max: float) -> list[alt.Chart]:
    """A shaded band over the lengths the models never saw in training, with its label."""
    if train_max is None or x_max <= train_max:
        return []
    region = pd.DataFrame(
        {"x0": [train_max + 0.5], "x1": [x_max + 0.5], "label": [EXTRAPOLATION_LABEL]}
    )
    band = alt.Chart(region).mark_rect(color=BAND_COLOR, opacity=0.18).encode(x="x0:Q", x2="x1:Q")
    text = (
        alt.Chart(region)
        .mark_text(align="left", baseline="bottom", dx=2, y=-4, color=BAND_TEXT_COLOR)
        .encode(x="x0:Q", text="label:N")
    )
    return [band, text]


def accuracy_chart(
    frame: pd.DataFrame,
    metric: str,
    train_max: int | None,
    large: bool = False,
    title: str | None = None,
) -> alt.LayerChart:
    """`metric` ('exact match' or 'token accuracy') by source-length bucket, a line per model.

    frame: bottleneck.accuracy_frame. The band around each line is its Wilson 95% interval;
    buckets beyond `train_max` sit in a shaded region and their line segment is dashed.
    """
    rows = frame[frame.metric == metric]
    rows = rows.assign(lengths=rows.lo.astype(str) + "–" + rows.hi.astype(str))
    color = alt.Color("model:N", scale=model_colors(frame), title=None)
    x = alt.X(
        "length:Q",
        title="source length T",
        axis=_length_axis(rows),
        scale=alt.Scale(domain=[rows.lo.min() - 0.5, rows.hi.max() + 0.5], nice=False),
    )
    top = max(1.0, float(rows.high.max()))  # PER can pass 100% (outputs longer than words)
    y = alt.Y("value:Q", title=metric, scale=alt.Scale(domain=[0, top]), axis=alt.Axis(format="%"))
    band = (
        alt.Chart(rows)
        .mark_area(opacity=0.15)
        .encode(x=x, y=alt.Y("low:Q", title=metric), y2="high:Q", color=color, detail="model:N")
    )
    layers = [band, _accuracy_lines(rows, x, y, color), _accuracy_points(rows, x, y, color, metric)]
    return _style(
        alt.layer(*_extrapolation_layer(train_max, float(rows.hi.max())), *layers),
        title or f"{metric} by source length (band: 95% interval)",
        large,
        height=360,
    )


def _accuracy_lines(rows: pd.DataFrame, x: alt.X, y: alt.Y, color: alt.Color) -> alt.Chart:
    """A line per model, dashed where it extrapolates beyond the training lengths."""
    dash = alt.StrokeDash(
        "segment:N",
        title=None,
        scale=alt.Scale(domain=[INSIDE, BEYOND], range=[[1, 0], [6, 4]]),
        legend=alt.Legend() if rows.extrapolation.any() else None,
    )
    return (
        alt.Chart(_per_model_segments(rows))
        .mark_line(size=3)
        .encode(x=x, y=y, color=color, detail="model:N", strokeDash=dash)
    )


def _accuracy_points(
    rows: pd.DataFrame, x: alt.X, y: alt.Y, color: alt.Color, metric: str
) -> alt.Chart:
    """A point per bucket, its tooltip the bucket's lengths, n and interval."""
    tooltip = [
        "model:N",
        alt.Tooltip("lengths:N", title="source lengths"),
        "n:Q",
        alt.Tooltip("value:Q", title=metric, format=".1%"),
        alt.Tooltip("low:Q", title="95% low", format=".1%"),
        alt.Tooltip("high:Q", title="95% high", format=".1%"),
    ]
    return (
        alt.Chart(rows)
        .mark_point(filled=True, size=60)
        .encode(x=x, y=y, color=color, tooltip=tooltip)
    )


def _per_model_segments(rows: pd.DataFrame) -> pd.DataFrame:
    """`_segments` applied to each model's rows."""
    return pd.concat(
        [_segments(r) for _, r in rows.groupby("model", sort=False)], ignore_index=True
    )


# --- context norms by length -----------------------------------------------------------------


def norms_chart(
    frame: pd.DataFrame, bound: float | None = None, large: bool = False
) -> alt.LayerChart:
    """||c|| and ||c_i|| against source length T: a line per model, its min–max as a band.

    frame: bottleneck.norms_by_length rows of both models (columns model, T, centre, low,
    high, inputs). bound: sqrt(d), the largest norm a state of size d can reach (a rule).
    """
    models = list(dict.fromkeys(frame.model))
    scale = alt.Scale(
        domain=models,
        range=[KIND_COLORS["none"], KIND_COLORS["additive"]]
        + list(EXTRA_COLORS)[: max(0, len(models) - 2)],
    )
    color = alt.Color("model:N", scale=scale, title=None)
    x = alt.X(
        "T:Q",
        title="source length T",
        axis=alt.Axis(tickMinStep=1, format="d"),
        scale=alt.Scale(zero=False, nice=False),
    )
    band = (
        alt.Chart(frame)
        .mark_area(opacity=0.18)
        .encode(x=x, y=alt.Y("low:Q", title="norm"), y2="high:Q", color=color)
    )
    line = (
        alt.Chart(frame)
        .mark_line(point=True, size=3)
        .encode(
            x=x,
            y="centre:Q",
            color=color,
            tooltip=[
                "model:N",
                "T:Q",
                "inputs:Q",
                alt.Tooltip("centre:Q", title="mean", format=".2f"),
                alt.Tooltip("low:Q", title="min", format=".2f"),
                alt.Tooltip("high:Q", title="max", format=".2f"),
            ],
        )
    )
    layers = [band, line]
    if bound is not None:
        ref = pd.DataFrame(
            {"y": [bound], "label": [f"√d = {bound:.1f}: the most any state of size d can hold"]}
        )
        layers += [
            alt.Chart(ref).mark_rule(strokeDash=[6, 4], color="#444").encode(y="y:Q"),
            alt.Chart(ref)
            .mark_text(align="left", baseline="bottom", x=5, dy=-3, color="#444")
            .encode(y="y:Q", text="label:N"),
        ]
    return _style(
        alt.layer(*layers),
        "‖c‖ of the fixed context vs. ‖c_i‖ with attention, by input length (band: min–max)",
        large,
    )


# --- capacity: exact match against d ---------------------------------------------------------


def capacity_chart(
    frame: pd.DataFrame,
    reference: float | None = None,
    reference_label: str = "attention",
    large: bool = False,
) -> alt.LayerChart:
    """Exact match of fixed-context models against d (log scale), Wilson 95% error bars.

    frame: bottleneck.capacity_frame. reference: an attention model's exact match, a rule.
    """
    x = alt.X(
        "d:Q",
        title="hidden size d (size of c)",
        scale=alt.Scale(type="log", base=2),
        axis=alt.Axis(values=[int(d) for d in frame.d], format="d"),
    )
    y = alt.Y(
        "exact_match:Q",
        title="exact match (training lengths)",
        scale=alt.Scale(domain=[0, 1]),
        axis=alt.Axis(format="%"),
    )
    tooltip = [
        "model:N",
        "d:Q",
        "n:Q",
        alt.Tooltip("exact_match:Q", format=".1%"),
        alt.Tooltip("low:Q", title="95% low", format=".1%"),
        alt.Tooltip("high:Q", title="95% high", format=".1%"),
    ]
    fixed = KIND_COLORS["none"]
    layers = [
        alt.Chart(frame)
        .mark_rule(color=fixed, size=2)
        .encode(x=x, y=alt.Y("low:Q", title=""), y2="high:Q"),
        alt.Chart(frame)
        .mark_line(color=fixed, size=3, point=alt.OverlayMarkDef(color=fixed, size=80, filled=True))
        .encode(x=x, y=y, tooltip=tooltip),
        alt.Chart(frame)
        .mark_text(dy=-14, color="#333")
        .encode(x=x, y=y, text=alt.Text("exact_match:Q", format=".0%")),
    ]
    if reference is not None:
        ref = pd.DataFrame({"y": [reference], "label": [reference_label]})
        layers += [
            alt.Chart(ref)
            .mark_rule(strokeDash=[6, 4], color=REFERENCE_COLOR, size=2)
            .encode(y="y:Q"),
            alt.Chart(ref)
            .mark_text(align="left", baseline="top", x=5, dy=4, color=REFERENCE_COLOR)
            .encode(y="y:Q", text="label:N"),
        ]
    return _style(alt.layer(*layers), "Fixed context: exact match against d", large)


def capacity_by_length_chart(frame: pd.DataFrame, large: bool = False) -> alt.Chart:
    """Exact match by source length, a thin line per d (darker = larger d).

    frame: bottleneck.capacity_buckets (columns d, lo, hi, length, value, n, ...).
    """
    rows = frame.assign(lengths=frame.lo.astype(str) + "–" + frame.hi.astype(str))
    chart = (
        alt.Chart(rows)
        .mark_line(point=True, size=2)
        .encode(
            x=alt.X("length:Q", title="source length T", axis=_length_axis(rows)),
            y=alt.Y(
                "value:Q",
                title="exact match",
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
            color=alt.Color(
                "d:O",
                title="d",
                scale=alt.Scale(scheme="greys"),
                legend=alt.Legend(orient="right", columns=1),
            ),
            tooltip=[
                "d:O",
                alt.Tooltip("lengths:N", title="source lengths"),
                "n:Q",
                alt.Tooltip("value:Q", title="exact match", format=".1%"),
            ],
        )
    )
    return _style(chart, "…and by input length, one line per d", large)


# --- cost: decode time against length ------------------------------------------------------


def timing_chart(frame: pd.DataFrame, kinds: Mapping[str, str], large: bool = False) -> alt.Chart:
    """Median milliseconds per whole greedy decoding against source length T, a line per model.

    frame: bottleneck.timing_frame. kinds: model -> attention kind (for its colour).
    """
    frame = frame.assign(kind=frame.model.map(kinds))
    chart = (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=70, filled=True), size=3)
        .encode(
            x=alt.X(
                "T:Q",
                title="source length T",
                axis=alt.Axis(tickMinStep=1, format="d"),
                scale=alt.Scale(zero=False, nice=False),
            ),
            y=alt.Y("ms:Q", title="ms per decoding (median)"),
            color=alt.Color("model:N", scale=model_colors(frame), title=None),
            tooltip=[
                "model:N",
                "T:Q",
                "steps:Q",
                alt.Tooltip("ms:Q", format=".1f"),
                alt.Tooltip("ms_per_step:Q", title="ms per step", format=".2f"),
                "runs:Q",
            ],
        )
    )
    return _style(chart, "Decode time against input length", large)
