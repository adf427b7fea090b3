"""Training curves: pure functions, a list of training progress records in, an Altair chart out.

What the Train page draws while a model learns (seed §5, teacher forcing):

    loss             L = - (1/N) sum_i log P(y_i | y_<i, X)   on this step's batch
    token accuracy   share of target tokens y_i whose argmax is right, teacher-forced
                     (the decoder is fed the true y_{i-1}), on this step's batch
    exact match      share of held-out sources whose whole greedy output is right
                     (only on evaluation steps: the decoder feeds itself its own y_{i-1})

The batch metrics are noisy and come every step; exact match comes every few hundred
steps. Long runs are thinned to at most `max_points` points per line, so the chart sent
to the browser each second stays small.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

import altair as alt
import pandas as pd

from presentation.style import CURRENT_COLOR, OTHER_COLOR, SUCCESS_COLOR, font_size

LOSS = "loss L (batch)"
TOKEN_ACCURACY = "token accuracy (batch)"
EXACT_MATCH = "exact match (held-out)"
COLORS = {LOSS: CURRENT_COLOR, TOKEN_ACCURACY: OTHER_COLOR, EXACT_MATCH: SUCCESS_COLOR}
MAX_POINTS = 400
ChartT = TypeVar("ChartT", alt.Chart, alt.LayerChart)


class Progress(Protocol):
    """What the curves read of one training step (s2s_core.training.loop.Progress has it)."""

    step: int
    seconds: float
    loss: float
    token_accuracy: float  # on this batch, teacher-forced
    exact_match: float | None  # held-out, greedy; only on evaluation steps


P = TypeVar("P", bound=Progress)


def thin(history: Sequence[P], max_points: int = MAX_POINTS) -> list[P]:
    """Every k-th step so that at most about max_points remain, plus every evaluation
    step (the exact-match points) and the last step."""
    k = max(1, -(-len(history) // max_points))  # ceil(len / max_points)
    last = len(history) - 1
    return [
        p for n, p in enumerate(history) if n % k == 0 or n == last or p.exact_match is not None
    ]


def progress_frame(history: Sequence[Progress], max_points: int = MAX_POINTS) -> pd.DataFrame:
    """Long format, one row per (step, metric): columns step, seconds, metric, value."""
    rows = []
    for p in thin(history, max_points):
        rows.append((p.step, p.seconds, LOSS, p.loss))
        rows.append((p.step, p.seconds, TOKEN_ACCURACY, p.token_accuracy))
        if p.exact_match is not None:
            rows.append((p.step, p.seconds, EXACT_MATCH, p.exact_match))
    frame = pd.DataFrame(rows, columns=["step", "seconds", "metric", "value"])
    return frame.astype({"step": int, "seconds": float, "metric": str, "value": float})


def _style(chart: ChartT, title: str, large: bool) -> ChartT:
    """Title, size and fonts; a legend sits between the title and the plot."""
    size = font_size(large)
    return (
        chart.properties(title=title, height=380 if large else 300, width="container")
        .configure_axis(labelFontSize=size, titleFontSize=size)
        .configure_legend(labelFontSize=size, labelLimit=0, orient="top", direction="horizontal")
        .configure_title(fontSize=size + 2, anchor="start")
    )


def _line(
    data: pd.DataFrame, metric: str, y: alt.Y, color: alt.Color, points: bool = False
) -> alt.Chart:
    """The line of one metric against the training step (with its points if `points`)."""
    return (
        alt.Chart(data[data.metric == metric])
        .mark_line(
            point=alt.OverlayMarkDef(filled=True, size=40) if points else False, strokeWidth=2
        )
        .encode(
            x=alt.X("step:Q", title="training step", axis=alt.Axis(format="d", tickMinStep=1)),
            y=y,
            color=color,
            tooltip=[
                "metric:N",
                "step:Q",
                alt.Tooltip("seconds:Q", format=".1f"),
                alt.Tooltip("value:Q", format=".4f"),
            ],
        )
    )


def _color(metrics: list[str], legend: bool = True) -> alt.Color:
    return alt.Color(
        "metric:N",
        title=None,
        legend=alt.Legend() if legend else None,
        scale=alt.Scale(domain=metrics, range=[COLORS[m] for m in metrics]),
    )


def loss_chart(history: Sequence[Progress], large: bool = False) -> alt.Chart:
    """The batch loss L by training step, on a log scale (it falls over decades)."""
    data = progress_frame(history)
    y = alt.Y("value:Q", title="L (log scale)", scale=alt.Scale(type="log"))
    line = _line(data, LOSS, y, _color([LOSS], legend=False))  # the title names it
    return _style(line, "Loss L = −(1/N) Σ log P(y_i | y_<i, X) on each batch", large)


def accuracy_chart(history: Sequence[Progress], large: bool = False) -> alt.LayerChart:
    """Teacher-forced token accuracy (every step) and held-out exact match (evaluations)."""
    data = progress_frame(history)
    y = alt.Y(
        "value:Q", title="share correct", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")
    )
    color = _color([TOKEN_ACCURACY, EXACT_MATCH])
    layers = alt.LayerChart(
        layer=[
            _line(data, TOKEN_ACCURACY, y, color),
            _line(data, EXACT_MATCH, y, color, points=True),
        ]
    )
    return _style(layers, "Accuracy: tokens (teacher-forced) and whole outputs (greedy)", large)
