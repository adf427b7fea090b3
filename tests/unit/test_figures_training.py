"""The Train page's curves (presentation.figures.training): one line per metric, thinned
for long runs, larger in Classroom mode."""

from __future__ import annotations

import pytest

from presentation.figures import training as figs
from s2s_core.training.loop import Progress


def history(n: int, eval_every: int = 10) -> list[Progress]:
    return [
        Progress(
            step=k,
            seconds=k / 10,
            loss=3.0 / k,
            token_accuracy=1 - 1 / k,
            tokens_per_s=1000.0,
            lr=1e-3,
            exact_match=k / n if k % eval_every == 0 else None,
        )
        for k in range(1, n + 1)
    ]


def lines(chart) -> dict[str, list[tuple[int, float]]]:
    """metric -> its (step, value) points: one line (a layer) per metric."""
    chart.to_dict()  # a valid Vega-Lite spec
    out: dict[str, list] = {}
    for layer in getattr(chart, "layer", [chart]):
        assert layer.mark.type == "line" and layer.encoding.x.shorthand == "step:Q"
        (metric,) = set(layer.data.metric) or {"(empty)"}
        assert metric not in out
        out[metric] = [(row.step, row.value) for row in layer.data.itertuples()]
    return out


def test_loss_chart_draws_one_line_of_the_batch_loss():
    drawn = lines(figs.loss_chart(history(30)))
    assert list(drawn) == [figs.LOSS]
    assert drawn[figs.LOSS] == [(k, pytest.approx(3.0 / k)) for k in range(1, 31)]
    assert figs.loss_chart(history(30)).to_dict()["encoding"]["y"]["scale"]["type"] == "log"


def test_accuracy_chart_draws_token_accuracy_every_step_and_exact_match_when_evaluated():
    drawn = lines(figs.accuracy_chart(history(30)))
    assert list(drawn) == [figs.TOKEN_ACCURACY, figs.EXACT_MATCH]
    assert drawn[figs.TOKEN_ACCURACY] == [(k, pytest.approx(1 - 1 / k)) for k in range(1, 31)]
    assert drawn[figs.EXACT_MATCH] == [
        (10, pytest.approx(1 / 3)),
        (20, pytest.approx(2 / 3)),
        (30, 1.0),
    ]


def test_charts_of_an_empty_history_have_no_points():
    for chart in (figs.loss_chart([]), figs.accuracy_chart([])):
        assert all(layer.data.empty for layer in getattr(chart, "layer", [chart]))
        chart.to_dict()
    assert figs.progress_frame([]).columns.tolist() == ["step", "seconds", "metric", "value"]


def test_long_runs_are_thinned_but_keep_every_evaluation_and_the_last_step():
    long = history(5000, eval_every=250)
    kept = figs.thin(long, max_points=400)
    assert len(kept) <= 400 + 20
    assert kept[-1].step == 5000 and kept[0].step == 1
    assert [p.step for p in kept if p.exact_match is not None] == list(range(250, 5001, 250))
    assert figs.thin(history(50)) == history(50)  # short runs are kept whole


def test_classroom_mode_enlarges_the_fonts():
    small = figs.loss_chart(history(5)).to_dict()["config"]["axis"]["labelFontSize"]
    large = figs.loss_chart(history(5), large=True).to_dict()["config"]["axis"]["labelFontSize"]
    assert large > small
