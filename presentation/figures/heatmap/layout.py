"""A heatmap of steps as a whole figure: its rows under their header, the source strip
below them on the same columns, the axes and the margins (rows_spec).

    +-------------------------------------------+
    | title                                     |
    | i · y_i      x_1   x_2   ...   x_T        |  the source positions j on top
    | 1 · y_1    [ row alpha_1. (or a_1.)   ]   |  step 1 at the top
    | 2 · y_2    [ row alpha_2.             ]   |  the current row i outlined in red
    | ...                                       |
    | the strip's label                         |
    |            [ x_1   x_2   ...   x_T    ]   |  the strip: the current row as colour
    +-------------------------------------------+

Fixed sizes, in pixels (Frame): the figure has room for every row the output will have,
so it keeps its height while the rows come one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from presentation.figures.heatmap.cells import outline, strip_label, strip_trace
from presentation.figures.plotly_spec import text_px
from presentation.style import MUTED_COLOR, font_size
from s2s_core.trace import Step, Trace


def _heatmap_height(rows: int, large: bool) -> int:
    """Pixels for the rows of the heatmap: grows with the output steps, within bounds."""
    per_row, least, most = (48, 150, 1000) if large else (30, 90, 720)
    return int(min(max(per_row * rows, least), most))


@dataclass(frozen=True)
class Frame:
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


@dataclass(frozen=True)
class Look:
    """How a heatmap of steps is drawn, whatever its numbers."""

    large: bool = False  # Classroom mode: larger fonts and rows
    title: str | None = None  # None: the attention heatmap's
    strip: bool = False  # the source below the rows, coloured by the current step's row
    hint: str | None = None  # written where the rows will be, while there are none
    attribution: bool = False  # the strip on the diverging scale, labelled a_ij


def frame(n: int, large: bool, strip: bool) -> Frame:
    """The Frame of a heatmap with room for n rows (and, with `strip`, the source strip)."""
    gap_px, strip_px = ((60, 80) if large else (44, 50)) if strip else (0, 0)
    return Frame(_heatmap_height(n, large), gap_px, strip_px)


def _layout(
    trace: Trace, steps: list[Step], frame: Frame, large: bool, title: str | None, rows: int
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
    label_px = text_px(max([*widest, *row_labels, "i · y_i"], key=len), size)
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


def _hint(text: str, frame: Frame, large: bool) -> dict:
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


def _add_strip(
    data: list[dict],
    layout: dict[str, Any],
    trace: Trace,
    weights: list[float] | None,
    current: int | None,
    frame: Frame,
    large: bool,
    attribution: bool = False,
) -> None:
    """The source below the rows, on the same columns, coloured by alpha_i. of step i (or
    by its attribution row)."""
    data.append(strip_trace(trace.source_tokens, weights, large, "y2", attribution))
    layout["yaxis2"] = dict(domain=[0.0, frame.strip_px / frame.plot_px], visible=False)
    layout["annotations"].append(
        dict(
            text=strip_label(current if weights is not None else None, attribution),
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


def rows_spec(
    trace: Trace,
    steps: list[Step],
    heat: dict,
    strip_rows: list[list[float]],
    current: int | None,
    look: Look,
    rows: int | None = None,
) -> dict:
    """The rows of `heat` (steps 1..n) under their header, with the current row outlined and
    (`look.strip`) the source below, coloured by `strip_rows` of step `current`; room for
    `rows` rows (default n). A figure spec: data and layout."""
    n, large = len(steps), look.large
    room = max(rows or 0, n)
    box = frame(room, large, look.strip)
    layout = _layout(trace, steps, box, large, look.title, room)
    heat["colorbar"].update(len=1.0 - box.top, y=1.0, yanchor="top")
    data = [heat]
    now = current if current is not None and 1 <= current <= n else None
    if look.strip:
        weights = strip_rows[now - 1] if now else None
        _add_strip(data, layout, trace, weights, current, box, large, look.attribution)
    if n == 0 and look.hint:  # no rows yet: say so where they will appear
        layout["annotations"].append(_hint(look.hint, box, large))
    if now is not None:
        layout["shapes"] = [outline(now, len(trace.source_tokens))]
    return dict(data=data, layout=layout)
