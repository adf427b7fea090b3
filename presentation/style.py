"""One definition of the look: font sizes and colours of every figure.

Classroom mode (large=True) is for a projector: text readable from the back row.
Colours follow the meaning everywhere: the current step and the chosen token red, attention
blue, the fixed-context model grey; each attention kind keeps its colour on every chart.
"""

from __future__ import annotations

BASE_FONT = 13  # px: a laptop screen
CLASSROOM_FONT = 22  # px: a projector, read from the back row

CURRENT_COLOR = "#d62728"  # the current step i, the chosen token y_i
OTHER_COLOR = "#4c78a8"  # attention (and the other candidates of a step)
FIXED_COLOR = "#7f7f7f"  # the fixed-context model (no attention)
MUTED_COLOR = "#777777"  # hints
GRID_COLOR = "#e5e5e5"
SUCCESS_COLOR = "#2ca02c"  # held-out exact match on the training curves
SHADE_COLOR = "#eeeeee"  # a region of a chart: lengths beyond training
BAND_COLOR, BAND_TEXT_COLOR = "#f2c14e", "#8a6d00"  # the extrapolation band and its label
KIND_COLORS = {
    "none": FIXED_COLOR,
    "additive": OTHER_COLOR,
    "dot": "#f58518",
    "general": "#54a24b",
    "transformer": "#7b4fb5",  # a colour of its own: not one a browser-trained model gets
}
EXTRA_COLORS = ("#b279a2", "#e45756", "#72b7b2", "#9d755d")  # models trained in the browser
SERIES_COLORS = (
    FIXED_COLOR,
    OTHER_COLOR,
    KIND_COLORS["dot"],
    KIND_COLORS["general"],
    EXTRA_COLORS[0],
)


def font_size(large: bool) -> int:
    """The base font size of a figure: Classroom mode's, or a laptop's."""
    return CLASSROOM_FONT if large else BASE_FONT
