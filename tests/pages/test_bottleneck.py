"""The Bottleneck page (pages/bottleneck.py) through AppTest: every task, its buttons, and
the sidebar's Task and Classroom mode, which it shares with every page."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pytest

from analysis import bottleneck as measure
from presentation import style
from s2s_core import shipped, tasks
from tests.support.apptest import BOTTLENECK, app


def charts(at) -> dict[str, dict[str, pd.DataFrame]]:
    """Each Vega-Lite chart on the page by its title: its datasets as DataFrames."""
    out = {}
    for el in at.get("vega_lite_chart"):
        spec = json.loads(el.proto.spec)
        out[spec["title"]] = {
            d.name: pa.ipc.open_stream(d.data.data).read_pandas() for d in el.proto.datasets
        }
    return out


def chart_models(data: dict[str, pd.DataFrame]) -> set[str]:
    return set().union(*(set(df.model) for df in data.values() if "model" in df))


@pytest.fixture
def page():
    at = app(BOTTLENECK)
    at.run()
    assert not at.exception
    return at


@pytest.mark.parametrize("task", list(tasks.TASKS))
def test_page_renders_every_task(task):
    at = app(BOTTLENECK)
    at.selectbox(key="task").set_value(task)  # the sidebar's Task: one for every page
    at.run()
    assert not at.exception and not at.error
    drawn = charts(at)
    accuracy = next(d for t, d in drawn.items() if t.startswith("exact match by source length"))
    assert len(chart_models(accuracy)) == len(shipped.shipped_names(task, with_metrics=True))
    assert any(t.startswith("‖c‖ of the fixed context") for t in drawn)
    assert "Fixed context: exact match against d" in drawn
    norms = next(d for t, d in drawn.items() if t.startswith("‖c‖"))
    assert chart_models(norms) == {"none (fixed context c): ‖c‖", "additive attention: ‖c_i‖"}
    headers = [h.value for h in at.header]
    assert headers[0] == "1. Accuracy by input length" and len(headers) == 6
    assert headers[5] == "6. Does the heatmap show what the model used?"
    truth_table = [d.value for d in at.dataframe if "integrated gradients" in d.value.columns]
    if tasks.get_task(task).has_alignment:  # every model's attention beside its attribution
        (table,) = truth_table
        assert len(table) == len(shipped.shipped_names(task, with_metrics=True))
    else:
        assert truth_table == [] and "has no gold alignment" in " ".join(
            c.value for c in at.caption
        )


def test_page_starts_on_the_task_chosen_last():
    at = app()
    at.run()
    at.selectbox(key="task").set_value("dates").run()  # chosen on Home
    at.switch_page(BOTTLENECK)
    at.run()
    assert at.selectbox(key="task").value == "dates"
    assert "Read a date" in at.caption[0].value


def test_measure_switches_to_token_accuracy(page):
    page.radio(key="bn_metric").set_value("token accuracy").run()
    assert any(t.startswith("token accuracy by source length") for t in charts(page))


def test_rerun_button_scores_fresh_samples(page):
    page.number_input(key="bn_n").set_value(40)
    page.button(key="bn_rerun").click().run()
    assert not page.exception
    live = page.session_state["bn_live"]["reverse"]
    assert (live.seed, live.scored) == (1, 40)
    fresh = next(d for t, d in charts(page).items() if t.endswith("fresh sample (seed 1)"))
    assert len(chart_models(fresh)) == len(shipped.shipped_names("reverse"))  # with the Transformer
    assert any("Seed 1: 40 sources scored by every model" in c.value for c in page.caption)
    page.button(key="bn_rerun").click().run()
    assert page.session_state["bn_live"]["reverse"].seed == 2  # a new sample each press


def test_timing_button_draws_decode_times():
    at = app(BOTTLENECK)
    at.selectbox(key="task").set_value("numbers")
    at.run()
    at.button(key="bn_time").click().run()
    assert not at.exception
    timing = next(d for t, d in charts(at).items() if t.startswith("Decode time"))
    assert chart_models(timing) == {"none (fixed context c)", "additive attention"}
    assert len(at.session_state["bn_timing"]["numbers"]) == 2 * timing_lengths("numbers")


def timing_lengths(task: str) -> int:
    return len(measure.sources_by_length(tasks.get_task(task), 6, 1))


def test_classroom_mode_is_kept_and_enlarges_the_charts():
    at = app()
    at.run()
    at.toggle(key="classroom").set_value(True).run()  # switched on on Home
    at.switch_page(BOTTLENECK)
    at.run()
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert spec["config"]["axis"]["labelFontSize"] == style.font_size(True)
    assert at.toggle(key="classroom").value is True
