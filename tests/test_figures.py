"""The figures: built from a Trace without a browser; we inspect the figure objects."""

import numpy as np
import pytest

from s2s_core.decoding import Trace, greedy_trace
from s2s_core.figures import (
    NO_ATTENTION,
    attention_frame,
    attention_heatmap,
    context_norm_chart,
    context_strip,
    source_strip,
    topk_bar,
)
from tests.conftest import tiny_checkpoint

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


def test_heatmap_has_one_column_per_source_position(trace):
    fig = attention_heatmap(trace)
    heat = fig.data[0]
    n = len(trace.steps)
    assert np.asarray(heat.z).shape == (n, 9)
    assert list(fig.layout.xaxis.tickvals) == list(range(9))
    assert list(fig.layout.xaxis.ticktext) == list(SOURCE)
    assert heat.zmin == 0 and heat.zmax == 1
    assert heat.colorbar.title.text == "α"
    np.testing.assert_allclose(np.asarray(heat.z), [s.attention for s in trace.steps])


def test_heatmap_rows_in_step_order_step_one_on_top(trace):
    fig = attention_heatmap(trace)
    assert list(fig.layout.yaxis.tickvals) == list(range(len(trace.steps)))
    assert fig.layout.yaxis.ticktext[0].startswith("1 · ")
    lo, hi = fig.layout.yaxis.range
    assert lo > hi  # reversed: y = 0 (step 1) at the top


def test_heatmap_upto_and_current_row(trace):
    fig = attention_heatmap(trace, upto=3, current=2)
    assert np.asarray(fig.data[0].z).shape == (3, 9)
    assert len(fig.layout.yaxis.ticktext) == 3
    (shape,) = fig.layout.shapes
    assert shape.type == "rect" and (shape.y0, shape.y1) == (0.5, 1.5)  # row of step 2
    assert (shape.x0, shape.x1) == (-0.5, 8.5)
    assert not attention_heatmap(trace, upto=3, current=5).layout.shapes  # beyond upto


def test_heatmap_before_the_first_step(trace):
    fig = attention_heatmap(trace, upto=0, current=1)
    assert np.asarray(fig.data[0].z).shape == (0, 9)
    assert list(fig.layout.xaxis.ticktext) == list(SOURCE)
    assert not fig.layout.shapes


def test_heatmap_hover_carries_the_scores(trace):
    heat = attention_heatmap(trace).data[0]
    custom = np.asarray(heat.customdata)
    assert custom.shape == (len(trace.steps), 9, 5)
    np.testing.assert_allclose(custom[..., 4].astype(float), [s.scores for s in trace.steps])
    assert list(custom[0, :, 3]) == list(SOURCE)
    assert "e_ij" in heat.hovertemplate and "customdata[4]" in heat.hovertemplate


def test_heatmap_cell_labels_and_classroom_mode(trace):
    small, large = attention_heatmap(trace), attention_heatmap(trace, large=True)
    assert small.data[0].texttemplate == "%{z:.2f}"
    assert large.layout.font.size >= 20 and large.layout.height > small.layout.height
    assert attention_heatmap(trace, title="mine").layout.title.text == "mine"


def test_no_attention_raises(plain):
    with pytest.raises(ValueError, match="no attention"):
        attention_heatmap(plain)
    with pytest.raises(ValueError, match="fixed context vector"):
        attention_frame(plain)


def test_source_strip_one_cell_per_token(trace):
    weights = trace.steps[0].attention
    strip = source_strip(trace.source_tokens, weights).data[0]
    assert np.asarray(strip.z).shape == (1, 9)
    assert list(np.asarray(strip.text)[0]) == list(SOURCE)
    assert list(strip.x) == list(range(9))
    assert strip.zmin == 0 and strip.zmax == 1
    np.testing.assert_allclose(np.asarray(strip.z)[0], weights)
    empty = source_strip(list(SOURCE), None).data[0]
    assert np.asarray(empty.z).tolist() == [[0.0] * 9]


def _values(spec: dict) -> list[list[dict]]:
    return list(spec["datasets"].values())


def test_topk_bar_marks_the_chosen_token(trace):
    step = trace.steps[0]
    spec = topk_bar(step).to_dict()
    (rows,) = _values(spec)
    assert len(rows) == len(step.topk)
    chosen = [r for r in rows if r["role"].startswith("chosen")]
    assert [r["token"] for r in chosen] == [step.token]
    color = spec["layer"][0]["encoding"]["color"]
    assert color["scale"]["domain"][0] == chosen[0]["role"]
    assert spec["layer"][0]["encoding"]["x"]["scale"]["domain"] == [0, 1]
    assert "P(y_i | y_<i, X)" in spec["title"]


def test_topk_bar_adds_a_forced_token_outside_the_top_k():
    trace = make_trace("dot", force={1: "q"})
    step = trace.steps[0]
    spec = topk_bar(step).to_dict()
    (rows,) = _values(spec)
    if "q" in [t for t, _ in step.topk]:
        pytest.skip("q happens to be in the top k of this untrained model")
    assert len(rows) == len(step.topk) + 1 and rows[-1]["token"] == "q"


def test_context_norm_chart_with_fixed_rule(trace, plain):
    norms = [s.context_norm for s in trace.steps]
    spec = context_norm_chart(norms, fixed_norm=plain.fixed_context_norm, current=2).to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks.count("rule") == 2  # the fixed ||c|| and the current step
    values = [r for rows in _values(spec) for r in rows]
    assert any(r.get("label") == "fixed c (no attention)" for r in values)
    assert [r["norm"] for r in values if "series" in r and "(attention)" in r["series"]] == \
        pytest.approx(norms)
    domain = spec["layer"][0]["encoding"]["color"]["scale"]["domain"]
    assert len(domain) == 2


def test_context_norm_chart_without_steps():
    spec = context_norm_chart([]).to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["line"]
    spec = context_norm_chart([], fixed_norm=1.5, current=1).to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["line", "rule", "text"]


def test_context_strip(trace):
    c = trace.steps[0].context
    fig = context_strip(c)
    heat = fig.data[0]
    assert np.asarray(heat.z).shape == (1, len(c))
    assert heat.zmid == 0 and heat.colorscale  # diverging, centred on 0
    assert f"d = {len(c)}" in fig.layout.title.text


def test_attention_frame(trace):
    frame = attention_frame(trace)
    assert list(frame.columns) == ["step", "output"] + [
        f"{j}:{ch}" for j, ch in enumerate(SOURCE, start=1)]
    assert list(frame.columns[2:5]) == ["1:a", "2:t", "3:t"]
    assert list(frame.index) == list(frame["step"]) == [s.index for s in trace.steps]
    np.testing.assert_allclose(frame.iloc[:, 2:].sum(axis=1), 1.0, atol=1e-5)
    assert len(attention_frame(trace, upto=2)) == 2
    assert len(attention_frame(trace, upto=0)) == 0


def test_message_is_the_one_the_app_shows():
    assert NO_ATTENTION == (
        "this model has no attention: it uses one fixed context vector c for every step")
