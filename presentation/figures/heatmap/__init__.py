"""The heatmaps: a Trace (or plain numbers) in, a Plotly figure out.

Row i is the output step, column j the source position x_j, as in the paper (Bahdanau et
al. 2015). Each room holds one thing:

    attention.py     the attention weights alpha_ij (attention_heatmap), the strips of the
                     source and of c_i, alpha_ij as a table for CSV
    attribution.py   the attribution a_ij of log P(y_i) to x_j (attribution_heatmap)
    layout.py        the figure around the rows: header, axes, margins, the source strip
    cells.py         the traces of the cells and the marks on them (outline, strip label)
    steps.py         the operations of Home's step view: a base figure and, per step, the
                     operations that make that step's figure (frames.py)

Every axis that shows source positions uses numeric positions j = 1..T with the tokens as
tick labels, so a repeated symbol (the two t's of "attention") stays its own column.
These run at every click of every student, so they are built to be cheap: a figure is
written out as one JSON-like dict (plotly_spec.figure). The small charts of a step (top-k,
||c_i||) are in step_charts.py.

The names the pages and the step view use are imported here, from their rooms.
"""

from presentation.figures.heatmap.attention import (
    NO_ATTENTION,
    attention_frame,
    attention_frames,
    attention_heatmap,
    context_strip,
    context_strip_spec,
    source_strip,
)
from presentation.figures.heatmap.attribution import (
    ATTRIBUTION_BAR,
    ATTRIBUTION_TITLE,
    attribution_frames,
    attribution_heatmap,
    scaled_rows,
)
from presentation.figures.heatmap.cells import COLORSCALE, DIVERGING

__all__ = [
    "ATTRIBUTION_BAR",
    "ATTRIBUTION_TITLE",
    "COLORSCALE",
    "DIVERGING",
    "NO_ATTENTION",
    "attention_frame",
    "attention_frames",
    "attention_heatmap",
    "attribution_frames",
    "attribution_heatmap",
    "context_strip",
    "context_strip_spec",
    "scaled_rows",
    "source_strip",
]
