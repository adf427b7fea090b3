"""The Bottleneck page's measurements (analysis.bottleneck), without Streamlit: the live
re-evaluation against evaluation.evaluate and against its time limit, the context norms
against what c and c_i must be, the decode timing against its rounds and its limit. (The
tables and charts: tests/unit/test_bottleneck.py.)
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import bottleneck as measure
from presentation import bottleneck as bn
from presentation.figures import bottleneck as figs
from s2s_core import tasks
from s2s_core.training.evaluation import evaluate, predict, scores_by_length
from tests.support.models import tiny_checkpoint

REVERSE = tasks.get_task("reverse")


def layer_data(chart) -> list[pd.DataFrame]:
    """The DataFrame behind each layer of an Altair layer chart."""
    return [layer.data for layer in chart.layer]


# --- live re-evaluation -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_pair():
    return {"fixed": tiny_checkpoint("none"), "attention": tiny_checkpoint("additive")}


def test_scores_by_length_match_evaluate(tiny_pair):
    ckpt = tiny_pair["attention"]
    examples = tasks.test_examples(REVERSE, 60, seed=3)
    mine = scores_by_length(REVERSE, predict(ckpt, examples))
    theirs = evaluate(ckpt, examples)
    for key in ("overall", "in_training_range", "train_max_length", "buckets"):
        assert mine[key] == theirs[key]


def test_reevaluate_scores_everything_within_a_generous_limit(tiny_pair):
    reports = []
    result = measure.reevaluate(
        tiny_pair, REVERSE, 60, seed=1, budget_s=60, on_progress=reports.append, chunk_size=25
    )
    assert (result.scored, result.requested, result.stopped_early) == (60, 60, False)
    assert [r.scored for r in reports] == [25, 50, 60] and reports[-1].total == 60
    for m in result.metrics.values():  # both models scored the same 60 sources
        assert sum(b["n"] for b in m["buckets"]) == 60
    assert result.metrics["fixed"]["attention"] == "none"


def test_reevaluate_stops_at_its_time_limit(tiny_pair):
    reports = []
    result = measure.reevaluate(
        tiny_pair, REVERSE, 2000, seed=2, budget_s=0.4, on_progress=reports.append, chunk_size=20
    )
    assert result.stopped_early and result.scored < 2000 and result.scored % 20 == 0
    assert result.seconds < 0.4 + 3.0  # at most one chunk of one model past the limit
    assert [r.scored for r in reports] == list(range(20, result.scored + 1, 20))
    assert all(
        b - a >= 0
        for a, b in zip([r.elapsed for r in reports][:-1], [r.elapsed for r in reports][1:])
    )
    nothing = measure.reevaluate(tiny_pair, REVERSE, 100, seed=2, budget_s=0)
    assert nothing.scored == 0 and nothing.metrics == {}


def test_fresh_samples_differ_from_the_held_out_set():
    held = {e.source for e in tasks.test_examples(REVERSE, 200, seed=0)}
    fresh = {e.source for e in tasks.test_examples(REVERSE, 200, seed=1)}
    assert len(held & fresh) < 20  # only some 3-letter strings can coincide


# --- context norms ----------------------------------------------------------------------------


def test_sources_by_length_spread_over_the_task_lengths():
    groups = measure.sources_by_length(REVERSE, 12, 3)
    assert len(groups) == 12 and min(groups) == 3 and max(groups) == 40
    assert all(len(srcs) == 3 and all(len(s) == T for s in srcs) for T, srcs in groups.items())
    dates = measure.sources_by_length(tasks.get_task("dates"), 8, 2)
    assert len(dates) == 8 and all(len(s) == T for T, srcs in dates.items() for s in srcs)


def test_context_norms_fixed_is_constant_attention_varies_both_bounded(tiny_pair):
    sources = ["abc", "attention", "abcdefghijklmnopqrst"]
    fixed = measure.context_norms(tiny_pair["fixed"], sources, 12)
    att = measure.context_norms(tiny_pair["attention"], sources, 12)
    assert fixed["mean"].tolist() == pytest.approx(fixed.fixed.tolist())  # c_i = c every step
    assert fixed["min"].tolist() == pytest.approx(fixed["max"].tolist())
    assert ((att["min"] <= att["mean"]) & (att["mean"] <= att["max"])).all()
    assert (att["max"] > att["min"]).any()  # c_i changes from step to step
    bound = measure.norm_bound(tiny_pair["attention"])
    assert bound == 4.0 and (att["max"] < bound).all() and (fixed.fixed < bound).all()
    rows = pd.concat(
        [
            bn.norms_by_length("fixed", "none", fixed),
            bn.norms_by_length("attention", "additive", att),
        ]
    )
    assert rows.groupby("model").T.apply(list).to_dict() == {
        "fixed: ‖c‖": [3, 9, 20],
        "attention: ‖c_i‖": [3, 9, 20],
    }
    chart = figs.norms_chart(rows, bound)
    assert layer_data(chart)[2].y.tolist() == [4.0]  # the sqrt(d) rule
    chart.to_dict()


# --- decode timing ----------------------------------------------------------------------------


def test_decode_times_cover_every_model_and_length_in_order(tiny_pair):
    timings = measure.decode_times(
        tiny_pair, ["abcdefghij", "abc", "abcdef"], 8, runs=2, budget_s=30
    )
    assert [(t.model, t.T) for t in timings] == [
        ("fixed", 3),
        ("attention", 3),
        ("fixed", 6),
        ("attention", 6),
        ("fixed", 10),
        ("attention", 10),
    ]
    assert all(t.ms > 0 and t.steps == 8 and t.runs == 2 for t in timings)  # tiny: runs to cap
    frame = measure.timing_frame(timings)
    assert frame.ms_per_step.tolist() == pytest.approx((frame.ms / 8).tolist())
    figs.timing_chart(frame, {"fixed": "none", "attention": "additive"}).to_dict()
    assert measure.decode_times(tiny_pair, ["abc"], 8, runs=2, budget_s=0) == []  # no full round
