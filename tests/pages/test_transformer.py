"""The Transformer on the pages: Home's layer/head picker and its live formulas, the
§8 diagram that moves with the step, the explorer's grid of every layer x head, and Theory's
three pictures on one input."""

from __future__ import annotations

import numpy as np

from presentation.figures import diagrams
from presentation.heads import with_head
from presentation.step_formulas import step_formulas
from s2s_core.shipped import default_name
from tests.support.apptest import (
    EXPLORER,
    THEORY,
    app,
    array,
    heatmaps,
    latex_bodies,
    plotly_figures,
    step_view,
)
from tests.support.models import trace_of
from ui import models, session

NAME = "reverse-transformer"


def graphviz(at) -> list[str]:
    """The DOT text of every st.graphviz_chart on the page."""
    return [el.proto.spec for el in at.get("graphviz_chart")]


def test_home_shows_one_head_or_their_mean_and_its_live_formulas():
    at = app(task="reverse", model=NAME, input="attention", step="4")
    at.run()
    assert not at.exception
    picker = at.selectbox(key="head")
    assert len(picker.options) == 1 + 3 * 4  # the mean, then 3 layers x 4 heads
    trace = trace_of(NAME, "attention")
    mean = np.array([s.attention for s in trace.steps[:4]])
    np.testing.assert_allclose(heatmaps(at)[0], mean, atol=1e-6)
    picker.set_value((1, 2)).run()  # layer 2, head 3
    assert not at.exception
    head = np.array([s.heads[1][2] for s in trace.steps[:4]])
    np.testing.assert_allclose(heatmaps(at)[0], head, atol=1e-6)
    bodies = latex_bodies(at, 4)
    for f in step_formulas(with_head(trace, (1, 2)), 4, head=(1, 2)):
        assert f.live in " ".join(bodies)


def test_the_diagram_expander_draws_this_step_and_moves_with_it():
    at = app(task="reverse", model=NAME, input="attention", step="3")
    at.run()
    at.session_state["diagram_open"] = True
    at.run()
    assert not at.exception
    trace = trace_of(NAME, "attention")
    # every step's diagram, in order (the step view shows the current one, here 3)
    assert graphviz(at) == [diagrams.diagram(trace, i) for i in range(len(trace.steps) + 1)]
    assert step_view(at)["step"] == 3


def test_the_explorer_shows_every_head_of_the_transformer():
    at = app(EXPLORER, task="reverse", input="attention")
    at.run()
    assert not at.exception
    grids = [f for f in plotly_figures(at) if len(f["data"]) == 12]
    assert len(grids) == 1  # one figure, 3 layers x 4 heads
    trace = trace_of(NAME, "attention")
    np.testing.assert_allclose(
        array(grids[0]["data"][6]["z"]),  # layer 2, head 3
        np.array([s.heads[1][2] for s in trace.steps]),
        atol=1e-6,
    )
    titles = [a["text"] for a in grids[0]["layout"]["annotations"]]
    assert titles[0].startswith("layer 1, head 1 · ") and titles[0].endswith("% on gold")


def test_theory_draws_the_three_pictures_and_keeps_section_7_on_the_rnn():
    at = app(THEORY, task="reverse", input="attention", model=NAME)
    at.run()
    assert not at.exception
    dots = graphviz(at)
    assert len(dots) == 3
    rnn = default_name("reverse")  # §7 shows the task's default RNN instead
    kind = f"{rnn.split('-')[1]} attention"
    assert "one c for every step" in dots[0] and kind in dots[1]
    assert "Transformer" in dots[2]
    assert dots[2] == diagrams.diagram(trace_of(NAME, "attention"), 1)
    captions = " ".join(c.value for c in at.caption)
    assert f"Attention model: **{models.label(rnn)}**" in captions  # §7: the RNN's alpha


def test_beam_what_if_and_export_work_with_the_transformer():
    at = app(task="reverse", model=NAME, input="attention", step="2")
    at.run()
    view = step_view(at)
    token = view["what_if"][1][0][1]
    event = {"step": 2, "token": token, "key": view["key"]}
    assert session.force_token(at.session_state, event, view["key"], view["n"], [token])
    at.run()  # force another y_2, decode greedily on
    assert not at.exception
    assert at.session_state["force"] == {2: token}
    assert heatmaps(at)[0].shape == (2, 9)  # the forced trace keeps every head's rows
    at.radio(key="decoding").set_value("beam").run()
    assert not at.exception
    assert len(at.selectbox(key="head").options) == 13  # a hypothesis has its heads too
    csv = [b for b in at.get("download_button") if "attention" in b.proto.label]
    assert csv, "the attention matrix downloads as CSV"


def test_the_head_is_in_the_link_and_a_bad_one_falls_back_to_the_mean():
    at = app(task="reverse", model=NAME, input="attention", step="2", head="3.2")
    at.run()
    assert not at.exception
    assert at.selectbox(key="head").value == (2, 1)  # layer 3, head 2
    assert "3.2" in at.query_params["head"]  # written back to the link
    trace = trace_of(NAME, "attention")
    np.testing.assert_allclose(
        heatmaps(at)[0], np.array([s.heads[2][1] for s in trace.steps[:2]]), atol=1e-6
    )
    for bad in ("9.9", "0.1", "x", "1.2.3", "../1"):
        at = app(task="reverse", model=NAME, input="attention", head=bad)
        at.run()
        assert not at.exception, bad
        assert at.selectbox(key="head").value is None, bad  # the mean
