"""The Attention explorer's figures and tables (presentation.figures.explorer), and the
length chart the Theory page draws with them: built without Streamlit, inspected as objects.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis import limits
from presentation.figures import explorer as figures_explorer
from s2s_core.model.decoding import Hypothesis
from s2s_core.shipped import read_metrics
from s2s_core.tasks import get_task


def test_grid_puts_fewer_heatmaps_per_row_as_inputs_grow():
    per_row = [figures_explorer.grid_columns(4, T) for T in (3, 9, 20, 30, 40, 50)]
    assert per_row[0] >= 3 and per_row[-1] == 1
    assert per_row == sorted(per_row, reverse=True)
    assert figures_explorer.grid_columns(2, 3) == 2  # never more than there are figures
    assert all(
        figures_explorer.grid_columns(4, T, large=True) <= figures_explorer.grid_columns(4, T)
        for T in range(1, 51)
    )


def test_grid_heatmap_writes_values_only_where_they_fit(tiny_traces):
    trace = tiny_traces["additive"]  # 9 source positions, 12 steps
    roomy = figures_explorer.grid_heatmap(trace, per_row=1)
    assert roomy.data[0].texttemplate == "%{z:.2f}"
    assert np.allclose(roomy.data[0].z, trace.attention_matrix())
    crowded = figures_explorer.grid_heatmap(trace, per_row=4, large=True)
    assert crowded.data[0].texttemplate is None
    assert roomy.layout.xaxis.tickangle == crowded.layout.xaxis.tickangle == 0
    assert figures_explorer.cell_width(9, 1) > figures_explorer.cell_width(9, 2)


def test_beam_frame_lists_log_p_and_p_best_first():
    hyps = [Hypothesis([], -0.1), Hypothesis([], -2.0)]
    frame = figures_explorer.beam_frame(hyps, get_task("reverse").solve("ab"))
    assert list(frame.index) == [1, 2]
    assert list(frame["log P(Y|X)"]) == [-0.1, -2.0]
    assert list(frame["P(Y|X)"]) == pytest.approx([math.exp(-0.1), math.exp(-2.0)])
    assert list(frame["correct"]) == [False, False]  # empty outputs are not "ba"
    assert "correct" not in figures_explorer.beam_frame(hyps, None)


def test_encoder_norm_chart_keeps_repeated_symbols_apart():
    fig = figures_explorer.encoder_norm_chart(
        list("attention"), [float(j) for j in range(9)], fixed_norm=2.5
    )
    bar = fig.data[0]
    assert list(bar.x) == list(range(1, 10)) and list(bar.y) == [float(j) for j in range(9)]
    assert list(bar.customdata) == list("attention")  # x_j in the hover
    assert list(fig.layout.xaxis.ticktext) == list("attention")  # both t's, both n's
    (line,) = fig.layout.shapes
    assert line.y0 == line.y1 == 2.5


def test_length_chart_marks_this_input_and_the_lengths_beyond_training():
    metrics = read_metrics("reverse-none", missing_ok=True)
    fig = figures_explorer.length_chart(
        {"none": limits.exact_by_length(metrics)}, length=12, train_max=30
    )
    assert list(fig.data[0].y) == pytest.approx(
        [100 * b["exact_match"] for b in metrics["buckets"]]
    )
    assert list(fig.layout.xaxis.ticktext)[:2] == ["1–5", "6–10"]
    marker, shade = fig.layout.shapes
    assert marker.x0 == 2  # the bucket 11–15 holds length 12
    assert (shade.x0, shade.x1) == (5.5, 7.5)  # 31–35 and 36–40
