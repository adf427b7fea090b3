"""The decoding figures (presentation.figures.heatmap and .step_charts): built from a Trace
without a browser; we inspect the figure objects."""

import ast
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest

from presentation.figures.heatmap import (
    ATTRIBUTION_BAR,
    NO_ATTENTION,
    attention_frame,
    attention_heatmap,
    attribution_heatmap,
    context_strip,
    scaled_rows,
    source_strip,
)
from presentation.figures.step_charts import WIDEST_P, context_norm_chart, topk_bar
from presentation.style import CURRENT_COLOR
from presentation.text import token_text
from s2s_core.model.decoding import Step, Trace, greedy_trace
from tests.support.models import tiny_checkpoint

SOURCE = "attention"  # 9 letters, 't' three times and 'n' twice: they must stay 9 columns
MAX_STEPS = 6


def make_trace(kind: str, **kw) -> Trace:
    ckpt = tiny_checkpoint(kind)
    return greedy_trace(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, SOURCE, MAX_STEPS, **kw)


@pytest.fixture(scope="module")
def trace() -> Trace:
    return make_trace("additive")


@pytest.fixture(scope="module")
def plain() -> Trace:
    return make_trace("none")


def valid_plotly(fig: go.Figure) -> go.Figure:
    """The figure rebuilt with Plotly's validation: raises on any property Plotly rejects."""
    return go.Figure(
        data=[t.to_plotly_json() for t in fig.data], layout=fig.layout.to_plotly_json()
    )


def test_heatmap_has_one_column_per_source_position(trace):
    fig = valid_plotly(attention_heatmap(trace))
    heat = fig.data[0]
    n = len(trace.steps)
    assert np.asarray(heat.z).shape == (n, 9)
    assert list(heat.x) == list(range(1, 10))  # j = 1..T, the paper's indices
    assert list(fig.layout.xaxis.tickvals) == list(range(1, 10))
    assert list(fig.layout.xaxis.ticktext) == list(SOURCE)
    assert heat.zmin == 0 and heat.zmax == 1
    assert heat.colorbar.title.text == "α"
    assert heat.colorscale[0] == (0.0, "rgb(247,251,255)")  # alpha = 0 is white, 1 dark blue
    np.testing.assert_allclose(np.asarray(heat.z), [s.attention for s in trace.steps])


def test_heatmap_rows_in_step_order_step_one_on_top(trace):
    fig = attention_heatmap(trace)
    assert list(fig.layout.yaxis.tickvals) == list(range(1, len(trace.steps) + 1))
    assert fig.layout.yaxis.ticktext[0].startswith("1 · ")
    lo, hi = fig.layout.yaxis.range
    assert lo > hi  # reversed: y = 1 (step 1) at the top


def test_heatmap_upto_and_current_row(trace):
    fig = valid_plotly(attention_heatmap(trace, upto=3, current=2))
    assert np.asarray(fig.data[0].z).shape == (3, 9)
    assert len(fig.layout.yaxis.ticktext) == 3
    (shape,) = fig.layout.shapes
    assert shape.type == "rect" and (shape.y0, shape.y1) == (1.5, 2.5)  # row of step 2
    assert (shape.x0, shape.x1) == (0.5, 9.5)
    assert not attention_heatmap(trace, upto=3, current=5).layout.shapes  # beyond upto


def test_heatmap_before_the_first_step(trace):
    fig = valid_plotly(
        attention_heatmap(
            trace, upto=0, current=1, strip=True, hint="press Next ▶: each step adds its row α_i·"
        )
    )
    assert np.asarray(fig.data[0].z).shape == (0, 9)
    assert list(fig.layout.xaxis.ticktext) == list(SOURCE)
    assert not fig.layout.shapes
    assert np.asarray(fig.data[1].z).tolist() == [[0.0] * 9]  # the strip, uncoloured
    texts = [a.text for a in fig.layout.annotations]
    assert "the source x_1 … x_T" in texts  # over the strip
    assert any(t.startswith("press Next") for t in texts)  # where the rows will be
    no_hint = attention_heatmap(trace, upto=0, strip=True)
    assert not any(a.text.startswith("press") for a in no_hint.layout.annotations)
    assert "α_ij" not in fig.data[1].hovertemplate  # no weights to show yet


def test_heatmap_hover_carries_tokens_and_scores(trace):
    heat = attention_heatmap(trace).data[0]
    np.testing.assert_allclose(np.asarray(heat.customdata), [s.scores for s in trace.steps])
    assert "e_ij = %{customdata" in heat.hovertemplate and "α_ij = %{z" in heat.hovertemplate
    # %{y} and %{x} show the tick labels "i · y_i" and x_j; the text holds the position j
    assert "y_i: %{y}" in heat.hovertemplate and "x_j: %{x}" in heat.hovertemplate
    assert "j = %{text}" in heat.hovertemplate
    assert np.asarray(heat.text).tolist() == [[str(j) for j in range(1, 10)]] * len(trace.steps)


def test_heatmap_cell_labels_and_classroom_mode(trace):
    small, large = attention_heatmap(trace), valid_plotly(attention_heatmap(trace, large=True))
    assert small.data[0].texttemplate == "%{z:.2f}"
    assert large.layout.font.size >= 20 and large.layout.height > small.layout.height
    assert attention_heatmap(trace, title="mine").layout.title.text == "mine"


def test_heatmap_with_the_source_strip_of_the_current_step(trace):
    fig = valid_plotly(attention_heatmap(trace, upto=5, current=2, strip=True))
    heat, strip = fig.data
    assert strip.yaxis == "y2" and list(strip.x) == list(heat.x)  # the same columns
    np.testing.assert_allclose(np.asarray(strip.z)[0], trace.steps[1].attention)  # step 2
    texts = [a.text for a in fig.layout.annotations]
    assert texts[0] == "i · y_i"  # the rows' header
    assert any("step i = 2" in t for t in texts[1:])  # the strip's label
    assert list(np.asarray(strip.text)[0]) == list(SOURCE)
    rows, below = fig.layout.yaxis.domain, fig.layout.yaxis2.domain
    assert below[1] < rows[0]  # the strip sits under the rows
    assert fig.layout.height > attention_heatmap(trace, upto=5, current=2).layout.height


def test_heatmap_of_a_one_symbol_input():
    ckpt = tiny_checkpoint("additive")
    one = greedy_trace(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, "a", 3)
    fig = valid_plotly(attention_heatmap(one, upto=2, current=2, strip=True))
    assert np.asarray(fig.data[0].z).shape == (2, 1)
    np.testing.assert_allclose(np.asarray(fig.data[0].z), 1.0)  # one position takes it all
    assert (fig.layout.shapes[0].x0, fig.layout.shapes[0].x1) == (0.5, 1.5)


def test_no_attention_raises(plain):
    with pytest.raises(ValueError, match="no attention"):
        attention_heatmap(plain)
    with pytest.raises(ValueError, match="fixed context vector"):
        attention_frame(plain)


def test_source_strip_one_cell_per_token(trace):
    weights = trace.steps[0].attention
    strip = valid_plotly(source_strip(trace.source_tokens, weights)).data[0]
    assert np.asarray(strip.z).shape == (1, 9)
    assert list(np.asarray(strip.text)[0]) == list(SOURCE)
    assert list(strip.x) == list(range(1, 10))
    assert strip.zmin == 0 and strip.zmax == 1
    np.testing.assert_allclose(np.asarray(strip.z)[0], weights)
    empty = source_strip(list(SOURCE), None).data[0]
    assert np.asarray(empty.z).tolist() == [[0.0] * 9]


def test_topk_bar_marks_the_chosen_token(trace):
    step = trace.steps[0]
    fig = valid_plotly(topk_bar(step))
    bars = fig.data[0]
    assert len(bars.x) == len(step.topk)
    chosen = [
        tok for tok, c in zip(fig.layout.yaxis.ticktext, bars.marker.color) if c == CURRENT_COLOR
    ]
    assert chosen == [token_text(step.token)]
    assert list(bars.x) == pytest.approx(sorted((p for _, p in step.topk), reverse=True))
    assert list(bars.y) == list(fig.layout.yaxis.tickvals) == [1, 2, 3, 4, 5]  # positions
    assert list(fig.layout.xaxis.range) == [0, 1]
    assert "P(y_i | y_<i, X)" in fig.layout.title.text and "red" in fig.layout.title.text
    later = topk_bar(trace.steps[1])  # another step: the same size and axes, other bars
    assert later.layout.height == fig.layout.height
    assert later.layout.xaxis == fig.layout.xaxis


def test_topk_bar_adds_a_forced_token_outside_the_top_k(trace):
    outside = next(
        ch
        for ch in "abcdefghijklmnopqrstuvwxyz"
        if ch not in {tok for tok, _ in trace.steps[0].topk}
    )
    step = make_trace("additive", force={1: outside}).steps[0]
    fig = valid_plotly(topk_bar(step))
    assert len(fig.data[0].x) == len(step.topk) + 1
    assert fig.layout.yaxis.ticktext[-1] == outside
    assert fig.data[0].x[-1] == pytest.approx(step.prob)
    assert fig.data[0].marker.color[-1] == CURRENT_COLOR


def test_topk_bar_keeps_room_for_k_rows_and_grows_in_classroom_mode(trace):
    empty = valid_plotly(topk_bar(None, k=5))  # before step 1: the hint, the same height
    assert empty.layout.height == topk_bar(trace.steps[0], k=5).layout.height
    assert "press Next" in empty.layout.annotations[0].text
    assert (
        topk_bar(trace.steps[0], large=True).layout.font.size
        > topk_bar(trace.steps[0]).layout.font.size
    )


@pytest.mark.parametrize("large", [False, True])
def test_topk_bar_leaves_room_for_the_p_of_a_certain_step(large):
    """A bar of P = 1 ends at the plot's right edge; its "1.00" is written past it (Plotly's
    text pad, 3 px), in the right margin, and must fit there: in Classroom mode the margin
    was 40 px and the label about 46, cut by the figure's edge."""
    certain = Step(1, "a", 1.0, [("a", 1.0), ("b", 0.0)], None, None, [0.0], 0.0, 0.0)
    fig = valid_plotly(topk_bar(certain, large=large))
    bars = fig.data[0]
    assert bars.text[0] == WIDEST_P == "1.00" and max(bars.x) == fig.layout.xaxis.range[1] == 1
    assert bars.textposition == "outside" and bars.cliponaxis is False  # past the axis
    digit, point = 0.6, 0.3  # em: at least as wide as Plotly's fonts write them
    label_px = (3 * digit + point) * bars.textfont.size
    assert fig.layout.margin.r >= 3 + label_px


def test_context_norm_chart_with_fixed_line(trace, plain):
    norms = [s.context_norm for s in trace.steps]
    fig = valid_plotly(context_norm_chart(norms, fixed_norm=plain.fixed_context_norm, current=2))
    line, fixed = fig.data
    assert list(line.y) == pytest.approx(norms)
    assert list(line.x) == list(range(1, len(norms) + 1))
    assert list(fixed.y) == pytest.approx([plain.fixed_context_norm] * 2)
    assert fig.layout.annotations[0].text == "fixed c (no attention)"
    assert [s.x0 for s in fig.layout.shapes] == [2]  # the current step
    assert list(fig.layout.xaxis.range) == [0.5, len(norms) + 0.5]
    early = context_norm_chart(norms[:2], current=2, n_steps=31)
    assert list(early.layout.xaxis.range) == [0.5, 31.5]  # the whole output from the start


def test_context_norm_chart_without_steps():
    fig = valid_plotly(context_norm_chart([]))
    assert len(fig.data) == 1 and list(fig.data[0].y) == []
    assert not fig.layout.shapes
    fig = valid_plotly(context_norm_chart([], fixed_norm=1.5, current=1))
    assert len(fig.data) == 2 and not fig.layout.shapes  # no step 1 yet: no current line


def test_context_strip(trace):
    c = trace.steps[0].context
    fig = valid_plotly(context_strip(c))
    heat = fig.data[0]
    assert np.asarray(heat.z).shape == (1, len(c))
    assert heat.zmid == 0  # diverging, centred on 0: red below, blue above
    assert heat.colorscale[0][1] == "rgb(103,0,31)" and heat.colorscale[-1][1] == "rgb(5,48,97)"
    assert f"d = {len(c)}" in fig.layout.title.text


def test_attention_frame(trace):
    frame = attention_frame(trace)
    assert list(frame.columns) == ["step", "output"] + [
        f"{j}:{ch}" for j, ch in enumerate(SOURCE, start=1)
    ]
    assert list(frame.columns[2:5]) == ["1:a", "2:t", "3:t"]
    assert list(frame.index) == list(frame["step"]) == [s.index for s in trace.steps]
    np.testing.assert_allclose(frame.iloc[:, 2:].sum(axis=1), 1.0, atol=1e-5)
    assert len(attention_frame(trace, upto=2)) == 2
    assert len(attention_frame(trace, upto=0)) == 0


def test_message_is_the_one_the_app_shows():
    assert NO_ATTENTION == (
        "this model has no attention: it uses one fixed context vector c for every step"
    )


def test_the_spec_checks_above_reject_a_wrong_property(trace):
    fig = attention_heatmap(trace)
    bad = fig.data[0].to_plotly_json() | {"zmiddle": 0}  # no such heatmap property
    with pytest.raises(ValueError):
        go.Figure(data=[bad])
    bars = topk_bar(trace.steps[0]).data[0].to_plotly_json() | {"orient": "h"}  # orientation
    with pytest.raises(ValueError):
        go.Figure(data=[bars])


# --- attribution beside attention ------------------------------------------------------------


def attribution_rows(t: Trace) -> list[list[float]]:
    """Signed rows of any size: the figure must scale each by its own largest |a_ij|."""
    return [[(j - 4) * (i + 1) * 0.5 for j in range(len(SOURCE))] for i in range(len(t.steps))]


def test_attribution_rows_are_scaled_into_minus_one_to_one():
    scaled = scaled_rows([[2.0, -4.0, 1.0], [0.0, 0.0, 0.0], [0.5, 0.25, 0.0]], 3)
    np.testing.assert_allclose(scaled, [[0.5, -1.0, 0.25], [0, 0, 0], [1.0, 0.5, 0.0]])
    # a row with next to nothing to attribute (P(y_i) ~ 1) stays pale: scaled by the floor
    faint = scaled_rows([[1e-5, -4e-5, 2e-3]], 3)
    np.testing.assert_allclose(faint, [[1e-3, -4e-3, 0.2]])
    assert scaled_rows([], 3).shape == (0, 3)  # step 0: no rows yet


def test_attribution_heatmap_shares_the_attention_heatmaps_rows_and_columns(trace):
    rows = attribution_rows(trace)
    fig = valid_plotly(attribution_heatmap(trace, rows, upto=4, current=3, strip=True))
    att = valid_plotly(attention_heatmap(trace, upto=4, current=3, strip=True))
    heat, strip = fig.data
    assert list(heat.x) == list(att.data[0].x) and list(heat.y) == list(att.data[0].y)
    assert fig.layout.yaxis.ticktext == att.layout.yaxis.ticktext  # i · y_i, the same steps
    assert fig.layout.xaxis.ticktext == att.layout.xaxis.ticktext  # x_j, repeated letters apart
    np.testing.assert_allclose(np.asarray(heat.customdata), rows[:4])  # raw a_ij in the hover
    np.testing.assert_allclose(np.asarray(heat.z), scaled_rows(rows[:4], len(SOURCE)))
    assert (heat.zmin, heat.zmax) == (-1.0, 1.0) and heat.colorbar.title.text == ATTRIBUTION_BAR
    np.testing.assert_allclose(np.asarray(strip.z)[0], scaled_rows([rows[2]], len(SOURCE))[0])
    assert any("what step i = 3 used" in a.text for a in fig.layout.annotations)
    assert fig.layout.shapes[0].y0 == 2.5  # row 3 outlined, as on the attention heatmap


def test_attribution_heatmap_before_the_first_step(trace):
    fig = valid_plotly(
        attribution_heatmap(trace, attribution_rows(trace), upto=0, strip=True, hint="press Next")
    )
    assert np.asarray(fig.data[0].z).shape == (0, len(SOURCE))
    assert any(a.text == "press Next" for a in fig.layout.annotations)


def test_attribution_heatmap_works_without_attention_and_checks_its_rows(plain):
    fig = valid_plotly(attribution_heatmap(plain, attribution_rows(plain)))
    assert np.asarray(fig.data[0].z).shape == (len(plain.steps), len(SOURCE))
    with pytest.raises(ValueError, match="attribution rows for"):
        attribution_heatmap(plain, attribution_rows(plain)[:-1])


# --- the rooms of the figures -----------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]


def private_imports(path: Path) -> list[str]:
    """The names starting with "_" that `path` imports from another module of the figures."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "presentation.figures"
        ):
            found += [f"{node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
    return found


def test_no_module_imports_a_private_name_of_the_figures():
    """What one room of the figures uses from another has a public name (the top-k chart
    once borrowed the heatmap's `_figure`)."""
    layers = ["presentation", "ui", "pages", "benchmarks", "tests"]
    files = [f for layer in layers for f in (ROOT / layer).rglob("*.py")] + [ROOT / "app.py"]
    borrowed = {str(f.relative_to(ROOT)): private_imports(f) for f in files}
    assert {f: names for f, names in borrowed.items() if names} == {}
