"""Attribution beside attention on the pages: Home's heatmap switch, the explorer's two
matrices per model, the Bottleneck and Theory statements from metrics.json."""

from __future__ import annotations

import json

import numpy as np
import pytest

from presentation import truth
from presentation.figures.heatmap import scaled_rows
from s2s_core.attribution import attribute
from s2s_core.shipped import CHECKPOINT_DIR, shipped_names
from tests.support.apptest import (
    BOTTLENECK,
    EXPLORER,
    THEORY,
    app,
    attribution_maps,
    heatmaps,
    latex_bodies,
    step_view,
)
from tests.support.models import shipped, trace_of
from ui import session


def ig_of(name: str, source: str, method: str = "ig"):
    ckpt = shipped(name)
    trace = trace_of(name, source)
    return attribute(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, source, trace, method)  # type: ignore[arg-type]


def test_home_shows_attention_attribution_or_both_on_the_same_rows():
    at = app(task="reverse", model="reverse-dot", input="attention", step="5")
    at.session_state["attribution_complete"] = True  # no time budget: the numbers repeat
    at.run()
    assert not at.exception and at.radio(key="heat_view").value == "attention"
    assert len(heatmaps(at)) == 1 and attribution_maps(at) == []  # computed only when asked
    at.radio(key="heat_view").set_value("both").run()
    assert not at.exception
    (alpha,), ((z, raw),) = heatmaps(at), attribution_maps(at)
    assert alpha.shape == z.shape == (5, 9)  # the same 5 rows so far, the same 9 columns
    ig = ig_of("reverse-dot", "attention")
    np.testing.assert_allclose(raw, np.array(ig.rows[:5]), atol=1e-5)
    np.testing.assert_allclose(z, scaled_rows(ig.rows[:5], 9), atol=1e-6)
    # the classroom example, row by row: dot attention looks one past the letter it writes
    # (y_i = x_{10-i}: position 10-i, index 9-i), attribution lands on the letter
    gold = [9 - i for i in range(1, 6)]
    assert [int(r.argmax()) for r in alpha] == [8, 8, 7, 6, 5]  # one position after, from i=2
    assert [int(r.argmax()) for r in z] == gold
    bodies = " ".join(latex_bodies(at, 5))
    assert r"\sum_j a_{5j} = " in bodies and r"\log P(y_{5} \mid b)" in bodies
    at.radio(key="heat_view").set_value("attribution").run()
    assert heatmaps(at) == [] and len(attribution_maps(at)) == 1
    assert at.query_params["view"] == "attribution" and at.query_params["attribution"] == "ig"


@pytest.mark.parametrize("view", ["attribution", "both"])
@pytest.mark.parametrize("model", ["reverse-dot", "reverse-none", "reverse-transformer"])
def test_step_zero_shows_the_empty_attribution_heatmap(view, model):
    """Where Home starts, and where every Reset and new input lands: no rows yet."""
    at = app(task="reverse", model=model, input="attention", view=view)
    at.run()
    assert not at.exception
    ((z, _raw),) = attribution_maps(at)
    assert z.size == 0  # no rows yet
    assert attribution_maps(at, 1)[0][0].shape == (1, 9)


def test_a_link_opens_the_attribution_view_and_its_method():
    at = app(
        task="reverse",
        model="reverse-none",
        input="abcdef",
        step="3",
        view="both",
        attribution="ixg",
    )
    at.run()
    assert not at.exception
    assert at.radio(key="attribution_method").value == "ixg"
    assert heatmaps(at) == []  # no attention: its note instead
    assert "no attention" in step_view(at)["notes"]["attention"]
    ((_z, raw),) = attribution_maps(at)  # but what the fixed-context model used still shows
    np.testing.assert_allclose(
        raw, np.array(ig_of("reverse-none", "abcdef", "ixg").rows[:3]), atol=1e-5
    )
    assert any("Input × gradient" in c.value for c in at.caption)


def test_a_what_if_gets_its_own_attribution():
    at = app(task="reverse", model="reverse-dot", input="attention", step="2", view="attribution")
    at.session_state["attribution_complete"] = True
    at.run()
    before = attribution_maps(at)[0][1]
    view = step_view(at)
    token = view["what_if"][1][0][1]
    event = {"step": 2, "token": token, "key": view["key"]}
    assert session.force_token(at.session_state, event, view["key"], view["n"], [token])
    at.run()  # force another y_2
    assert not at.exception
    after = attribution_maps(at)[0][1]
    np.testing.assert_allclose(after[0], before[0], atol=1e-5)  # step 1 is unchanged
    assert not np.allclose(after[1], before[1], atol=1e-3)  # step 2 explains the new token


def test_the_explorer_shows_attribution_under_every_models_attention():
    at = app(EXPLORER, task="reverse", model="reverse-dot", input="attention")
    at.session_state["attribution_complete"] = True  # no time budget: the numbers repeat
    at.run()
    assert not at.exception
    names = shipped_names("reverse")  # none, additive, dot, general, transformer, dot-hx
    maps = attribution_maps(at)
    assert len(maps) == len(names)
    for (_z, raw), name in zip(maps, names):
        np.testing.assert_allclose(raw, np.array(ig_of(name, "attention").rows), atol=1e-4)
    notes = [c.value for c in at.caption if c.value.startswith("On the gold alignment, this input")]
    assert len(notes) == len(names)
    assert "α's largest weight 1 of 9 steps, the largest attribution" in notes[2]  # dot
    at.toggle(key="explorer_attribution").set_value(False).run()
    assert attribution_maps(at) == []


def shipped_attribution(name: str) -> dict:
    return json.loads((CHECKPOINT_DIR / name / "metrics.json").read_text())["attribution"]


@pytest.mark.parametrize("page", [BOTTLENECK, THEORY])
def test_bottleneck_and_theory_say_where_attention_and_attribution_disagree(page):
    at = app(page, task="reverse", model="reverse-dot", input="attention")
    at.run()
    assert not at.exception
    dot = shipped_attribution("reverse-dot")
    said = " ".join(m.value for m in at.markdown)
    assert f"at {dot['attention']:.1%} of {dot['steps']:,} steps" in said
    assert f"integrated gradients' on {dot['integrated_gradients']:.1%}" in said
    assert "does not show what the model used" in said
    if page == BOTTLENECK:
        (table,) = [d.value for d in at.dataframe if "integrated gradients" in d.value.columns]
        row = table[table["model"] == "dot attention"].iloc[0]
        assert row["attention α"] == pytest.approx(100 * dot["attention"])
        assert row["integrated gradients"] == pytest.approx(100 * dot["integrated_gradients"])


def test_verdicts_name_the_disagreement_and_the_agreement():
    dot = truth.Agreement("dot", 0.06, 0.88, 0.97, 1564, 100)
    same = truth.Agreement("additive", 0.70, 0.75, 0.9, 1500, 100)
    fixed = truth.Agreement("none", None, 0.5, 0.6, 1400, 100)
    assert dot.disagrees and "does not show what the model used" in truth.verdict(dot)
    assert not same.disagrees and truth.verdict(same).endswith("attention and attribution agree.")
    assert truth.verdict(fixed).startswith("none: no attention to check")
    frame = truth.agreement_frame([dot, fixed])
    assert frame["attention α"].tolist()[0] == pytest.approx(6.0)
    assert frame["attention α"].isna().tolist() == [False, True]
