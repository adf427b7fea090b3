"""The Attention explorer (pages/explorer.py) through AppTest: every model of the task side by
side, scored against the answer, and beam search with the sidebar's model."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis.agreement import alignment_agreement
from s2s_core.model.decoding import beam_search
from s2s_core.shipped import default_name, shipped_names
from s2s_core.tasks import TASKS, get_task
from tests.support.apptest import EXPLORER, app, heatmaps, plotly_figures
from tests.support.models import shipped, shipped_kinds, tiny_checkpoint, trace_of


@pytest.mark.parametrize("task", list(TASKS))
def test_explorer_shows_every_model_with_its_full_heatmap(task):
    at = app(EXPLORER, task=task, input=TASKS[task].default_input)
    at.run()
    assert not at.exception
    source = TASKS[task].default_input
    names = shipped_names(task)  # none, additive, dot, general, transformer, then "-hx" ones
    kinds = shipped_kinds(task)
    expected = [trace_of(n, source) for n in names if not n.endswith("-none")]
    maps = heatmaps(at)
    grids = int("transformer" in kinds)  # a Transformer's grid of every layer x head
    # the models, the grid, 3 beam hypotheses, the full one
    assert len(maps) == len(expected) + grids + 3 + 1
    for z, trace in zip(maps, expected):
        # rows: steps i; columns: source positions j, for every kind
        assert z.shape == (len(trace.steps), len(trace.source_tokens))
        assert np.allclose(z, trace.attention_matrix(), atol=1e-6)
    assert sum("no attention" in i.value for i in at.info) == 1  # the none model's note
    outputs = [c.value for c in at.code]
    for name in names:
        assert trace_of(name, source).output in outputs
    label = TASKS[task].alignment_label  # "Gold alignment", or "Derived alignment" (past, g2p)
    aligned = [c.value for c in at.caption if c.value.startswith(label)]
    assert len(aligned) == (len(expected) if TASKS[task].has_alignment else 0)


def test_explorer_scores_each_model_against_the_answer():
    at = app(EXPLORER, input="abcdefghijklmnopqrstuvwxy")  # 25 letters
    at.run()
    verdicts = [m.value for m in at.markdown if "correct" in m.value or "wrong" in m.value]
    none_out = trace_of("reverse-none", "abcdefghijklmnopqrstuvwxy").output
    assert none_out != "yxwvutsrqponmlkjihgfedcba"  # the bottleneck: the fixed c fails here
    assert verdicts[0].startswith(":red[✘ wrong")
    assert verdicts[1] == ":green[✔ correct]"  # additive attention
    hits = trace_of("reverse-additive", "abcdefghijklmnopqrstuvwxy")
    agreement = alignment_agreement(hits, get_task("reverse").solve(hits.source))
    aligned = [c.value for c in at.caption if c.value.startswith("Gold alignment")]
    assert f"**{agreement[0]}/{agreement[1]}**" in aligned[0]  # the additive model's


def test_a_right_output_with_attention_elsewhere_is_pointed_out():
    at = app(EXPLORER)
    at.run()
    notes = [c.value for c in at.caption if c.value.startswith("Right output, attention")]
    dot = trace_of("reverse-dot", "attention")
    hits, total = alignment_agreement(dot, get_task("reverse").solve("attention"))
    assert dot.output == "noitnetta" and hits < total / 2  # dot looks next door, yet is right
    assert len(notes) >= 1


def test_beam_hypotheses_number_the_width_and_are_sorted_by_score():
    at = app(EXPLORER)
    at.run()
    at.slider(key="explorer_beam_width").set_value(5).run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 5
    scores = list(table["log P(Y|X)"])
    assert scores == sorted(scores, reverse=True)
    assert list(table["P(Y|X)"]) == pytest.approx([math.exp(s) for s in scores])
    ckpt = shipped(default_name("reverse"))  # the sidebar's model
    hyps = beam_search(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, "attention", 5, 41)
    assert list(table["output"]) == [h.output for h in hyps]
    # after the 5 attention models (4 RNNs with dot-hx, a Transformer) and its grid of heads:
    # one per hypothesis + full
    maps = heatmaps(at)[6:]
    assert [z.shape[0] for z in maps[:5]] == [len(h.steps) for h in hyps]
    at.radio(key="explorer_beam_pick").set_value(3).run()
    assert heatmaps(at)[-1].shape == (len(hyps[3].steps), 9)  # the one inspected, full size
    assert f"`{hyps[3].output}`" in " ".join(m.value for m in at.markdown)


def test_beam_search_of_the_fixed_context_model_has_no_heatmaps():
    at = app(EXPLORER)
    at.run()
    at.selectbox(key="model").set_value("reverse-none").run()  # the sidebar's model
    assert not at.exception
    assert len(at.dataframe[0].value) == 3
    assert len(heatmaps(at)) == 6  # the 5 attention models' cards and the Transformer's heads
    assert any("no α_ij to show" in i.value for i in at.info)


def test_a_model_trained_in_this_session_gets_its_own_card():
    mine = tiny_checkpoint("additive")
    at = app(EXPLORER)
    at.session_state["trained_models"] = {"mine": mine}
    at.run()
    assert not at.exception
    assert any("mine \\(trained here\\)" in m.value for m in at.markdown)
    assert heatmaps(at)[5].shape == (41, 9)  # the untrained tiny model runs to the cap


def test_classroom_mode_draws_large_figures():
    at = app(EXPLORER)
    at.session_state["classroom"] = True
    at.run()
    assert not at.exception
    sizes = {fig["layout"]["font"]["size"] for fig in plotly_figures(at)}
    assert sizes == {22}
