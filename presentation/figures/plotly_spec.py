"""A Plotly figure from a spec written out whole, and the label widths the specs reserve.

The figures of the step view are written as one JSON-like dict each (data + layout), not
built property by property: they run at every click of every student, so they must be
cheap (see `figure`), and the browser replays their steps as operations on those dicts
(frames.py).
"""

from __future__ import annotations

import plotly.graph_objects as go


def figure(spec: dict) -> go.Figure:
    """A Plotly figure from its JSON spec (data + layout), without per-property validation.

    Plotly checks every property of a figure as it is built: ~8 ms for the attention
    heatmap, paid again at each click of each student in a classroom. The specs here are
    written out whole and validated once, in tests/unit/test_figures.py (go.Figure(spec) raises
    on a wrong property), so the app builds them unvalidated (`_validate` is Plotly's own
    switch for this).
    """
    return go.Figure(spec, _validate=False)


def text_px(text: str, size: int) -> float:
    """About how many pixels wide `text` is in a font of `size` px (0.7 em per character:
    generous, a label that does not fit would run into the axis title)."""
    return 0.7 * size * len(text)
