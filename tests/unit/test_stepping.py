"""Home's step view as data (presentation/stepping.py, presentation/figures/frames.py): the
browser rebuilds every step's figure from one base and a few operations; each must come out
exactly as the pure figure builders draw that step."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest

from presentation import step_formulas, stepping
from presentation.figures import heatmap, step_charts
from presentation.figures.frames import apply, diff, plain, whole
from presentation.formulas import FORMULAS
from presentation.stepping import StepViewParams
from s2s_core.attribution import Attribution
from s2s_core.model.decoding import Trace, greedy_trace
from s2s_core.tasks import Example
from tests.support.models import tiny_checkpoint
from ui import stepview

SOURCE, MAX_STEPS = "attention", 12


def make_trace(kind: str, **kw) -> Trace:
    ckpt = tiny_checkpoint(kind)
    return greedy_trace(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, SOURCE, MAX_STEPS, **kw)


@pytest.fixture(scope="module", params=["additive", "transformer"])
def trace(request) -> Trace:
    return make_trace(request.param)


def drawn(fig: go.Figure) -> dict:
    """A figure as the browser receives it from st.plotly_chart, as plain values: typed
    arrays decoded, Plotly's default template left out (the step view sends it once)."""

    def decode(v):
        if isinstance(v, dict) and "bdata" in v:
            flat = np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"])
            shape = v.get("shape")
            shape = [int(x) for x in shape.split(",")] if isinstance(shape, str) else shape
            return plain(flat.reshape(shape) if shape else flat)
        if isinstance(v, dict):
            return {k: decode(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [decode(x) for x in v]
        return plain(v)

    out = decode(fig.to_dict())
    out["layout"].pop("template", None)
    return out


def test_apply_sets_keeps_the_first_rows_and_deletes_without_changing_the_base():
    base = {"data": [{"z": [[1], [2], [3]], "name": "a"}], "layout": {"shapes": [1], "h": 1}}
    ops = [
        ["head", ["data", 0, "z"], 2],
        ["set", ["data", 0, "name"], "b"],
        ["del", ["layout", "shapes"]],
    ]
    assert apply(base, ops) == {"data": [{"z": [[1], [2]], "name": "b"}], "layout": {"h": 1}}
    assert base["data"][0]["z"] == [[1], [2], [3]] and "shapes" in base["layout"]
    with pytest.raises(ValueError, match="unknown operation"):
        apply(base, [["move", ["layout", "h"], 2]])


def test_diff_gives_the_operations_from_the_base_to_any_spec():
    base = {
        "data": [{"x": [1, 2, 3], "y": [4, 5, 6], "name": "a"}],
        "layout": {"shapes": [1], "title": {"text": "t"}, "height": 3},
    }
    spec = {
        "data": [{"x": [1, 2], "y": [4, 9], "name": "a"}],
        "layout": {"title": {"text": "u"}, "height": 3, "annotations": [{"text": "hi"}]},
    }
    ops = diff(base, spec)
    assert apply(base, ops) == spec
    assert ["head", ["data", 0, "x"], 2] in ops  # the rows so far: a head, not a copy
    assert ["del", ["layout", "shapes"]] in ops
    assert ["set", ["layout", "title", "text"], "u"] in ops
    assert diff(base, base) == []
    stepped = whole([spec, base])
    assert stepped.figure(0) == spec and stepped.figure(1) == base and stepped.steps[1] == []


def test_every_step_of_the_attention_heatmap_comes_back_as_drawn(trace):
    n = len(trace.steps)
    frames = heatmap.attention_frames(trace, hint="press Next")
    assert len(frames.steps) == n + 1 and frames.steps[n] == []
    for i in range(n + 1):
        want = heatmap.attention_heatmap(
            trace, upto=i, current=i or None, strip=True, hint="press Next", rows=n
        )
        assert frames.figure(i) == drawn(want), f"step {i}"
    json.dumps(frames.base)  # plain JSON, as the browser needs it


def test_the_step_view_keeps_the_whole_outputs_height_from_step_0(trace):
    frames = heatmap.attention_frames(trace, hint="press Next")
    first, last = frames.figure(0), frames.figure(len(trace.steps))
    assert first["layout"]["height"] == last["layout"]["height"]
    assert first["layout"]["yaxis"]["range"] == last["layout"]["yaxis"]["range"]
    assert first["data"][0]["z"] == [] and "shapes" not in first["layout"]
    assert any("press Next" in a["text"] for a in first["layout"]["annotations"])
    second = frames.figure(2)
    np.testing.assert_allclose(second["data"][0]["z"], [s.attention for s in trace.steps[:2]])
    assert second["layout"]["shapes"][0]["y0"] == 1.5  # row 2 outlined
    np.testing.assert_allclose(second["data"][1]["z"], [trace.steps[1].attention])  # the strip


def test_every_step_of_the_attribution_heatmap_comes_back_as_drawn(trace):
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(len(trace.steps), len(trace.source_tokens))).tolist()
    n = len(trace.steps)
    frames = heatmap.attribution_frames(trace, rows, hint="press")
    for i in range(n + 1):
        want = heatmap.attribution_heatmap(
            trace, rows, upto=i, current=i or None, strip=True, hint="press", room=n
        )
        assert frames.figure(i) == drawn(want), f"step {i}"
    with pytest.raises(ValueError, match="attribution rows"):
        heatmap.attribution_frames(trace, rows[:-1])


def test_a_step_costs_far_less_than_a_figure():
    long = make_trace("additive")
    frames = heatmap.attention_frames(long)
    base = len(json.dumps(frames.base))
    per_step = [len(json.dumps(ops)) for ops in frames.steps]
    assert max(per_step) < base / 3  # the rows so far are a "head" of the base's rows


def test_step_view_has_every_steps_figures_tokens_and_what_ifs(trace):
    expected = Example(SOURCE, SOURCE[::-1])
    rows = [[0.1] * len(trace.source_tokens) for _ in trace.steps]
    attribution = Attribution("ig", rows, changes=[0.9] * len(rows), ig_steps=[32] * len(rows))
    view = stepping.step_view(
        StepViewParams(
            trace, "k", 99, "both", expected, attribution=attribution, fixed_norm=2.0, large=True
        )
    )
    n = len(trace.steps)
    assert view.n == n and view.step == n  # a step past the end: the last one
    assert set(view.figures) == {"attention", "attribution", "topk", "norms", "context"}
    for frames in view.figures.values():
        assert len(frames.steps) == n + 1
    assert view.tokens == [s.token.replace("<", "‹").replace(">", "›") for s in trace.steps]
    assert len(view.marks) == n
    for s, choices in zip(trace.steps, view.what_if):
        assert [tok for _, tok in choices] == [t for t, _ in s.topk if t != s.token]
    topk = view.figures["topk"].figure(1)
    assert topk == drawn(step_charts.topk_bar(trace.steps[0], True, len(trace.steps[0].topk)))
    norms = view.figures["norms"].figure(2)
    assert norms["data"][0]["y"] == pytest.approx([s.context_norm for s in trace.steps[:2]])
    assert norms["data"][1]["y"] == [2.0, 2.0]  # the fixed model's ||c||
    json.dumps(view.to_json())


def test_step_view_typesets_each_general_formula_once_and_each_steps_numbers(trace):
    rows = [[0.25] * len(trace.source_tokens) for _ in trace.steps]
    attribution = Attribution("ixg", rows)
    view = stepping.step_view(StepViewParams(trace, "k", 0, "attribution", attribution=attribution))
    n = len(trace.steps)
    assert len(view.formulas.steps) == n + 1 and view.formulas.steps[0] == []
    assert len(set(view.formulas.general)) == len(view.formulas.general)  # each once
    for i in range(1, n + 1):
        want = step_formulas.step_formulas(trace, i)
        assert view.formulas.latex(i) == [
            tex for f in want for tex in (f.general, stepping.live_tex(f))
        ]
    assert view.attribution_formulas is not None
    (general, live) = view.attribution_formulas.latex(2)
    ((g, _),) = view.attribution_formulas.steps[2]
    assert view.attribution_formulas.names[g].startswith("attribution at step 2")
    assert general == FORMULAS["input_x_gradient"].latex and r"a_{2,1} = +0.25" in live
    attention = stepping.step_view(StepViewParams(trace, "k", 0, attribution=attribution))
    assert attention.attribution_formulas is None  # not shown, not sent
    json.dumps(view.to_json())


def test_step_view_without_attention_says_so_and_still_steps():
    trace = make_trace("none")
    view = stepping.step_view(StepViewParams(trace, "k", what_if=False))
    assert "attention" not in view.figures and "no attention" in view.notes["attention"]
    assert view.what_if == [[] for _ in trace.steps]  # beam search: no what-if
    with pytest.raises(ValueError, match="attribution rows"):
        stepping.step_view(StepViewParams(trace, "k", view="attribution"))


def test_trace_key_names_one_trace():
    a = stepping.trace_key("reverse-additive", "attention", "greedy", None, None, [])
    assert a == stepping.trace_key("reverse-additive", "attention", "greedy", None, None, [])
    assert a != stepping.trace_key(
        "reverse-additive", "attention", "greedy", None, None, [(1, "x")]
    )
    assert stepping.step_key(3, "formulas") == "step-3-formulas"
    assert stepping.step_key(3, "formulas").startswith(stepping.STEP_KEY_PREFIX)


def test_streamlits_class_names_live_in_ui_only():
    """The presentation and the browser's modules name no Streamlit class: ui/stepview.py
    tells the view how the page marks a step's blocks (a test asserts the rule hides them)."""
    root = Path(__file__).resolve().parents[2]
    files = [*(root / "presentation").rglob("*.py"), *(root / "presentation/stepview").glob("*")]
    assert files
    for path in files:
        assert "st-key" not in path.read_text(), path
    assert stepview.BLOCKS == "st-key-" + stepping.STEP_KEY_PREFIX
