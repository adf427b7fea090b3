"""The Theory page (pages/theory.py) through AppTest: every section with its formulas from the
registry and its live numbers, the sidebar's model, its links, the limitations table."""

from __future__ import annotations

import pytest

from analysis import examples, limits
from presentation import theory
from presentation import theory_latex as written
from presentation.figures import diagrams
from presentation.formulas import FORMULAS
from s2s_core.shipped import default_name
from s2s_core.tasks import TASKS
from tests.support.apptest import ROOT, THEORY, app, latex_bodies
from tests.support.latex import assert_wellformed_latex
from tests.support.models import trace_of
from ui import navigation


@pytest.mark.parametrize("task", list(TASKS))
def test_theory_shows_every_section_with_formulas_and_live_numbers(task):
    source = TASKS[task].default_input
    at = app(THEORY, task=task, input=source)
    at.run()
    assert not at.exception
    assert [h.value for h in at.header] == [f"{s.number}. {s.title}" for s in theory.SECTIONS]
    bodies = latex_bodies(at)
    for s in theory.SECTIONS:
        for formula in [FORMULAS[key].latex for key in s.formulas] + list(s.statements):
            assert formula in bodies, (s.number, formula)
    att, fixed = trace_of(default_name(task), source), trace_of(f"{task}-none", source)
    live = [
        *written.sequence_latex(examples.sequence_example(att)),
        *written.encoder_latex(examples.encoder_example(fixed)),
        *written.decoder_latex(examples.decoder_example(fixed, 1)),
        *written.attention_latex(examples.attention_example(att, 1)),
        written.squeeze_latex(examples.encoder_example(fixed)),
    ]
    for line in live:
        assert line in bodies
    for body in bodies:
        assert_wellformed_latex(body)


def test_theory_follows_the_step_and_the_score_function():
    at = app(THEORY)
    at.run()
    at.selectbox(key="model").set_value("reverse-dot").run()  # the sidebar's model
    at.select_slider(key="theory_step").set_value(4).run()
    assert not at.exception
    bodies = latex_bodies(at)
    dot, fixed = trace_of("reverse-dot", "attention"), trace_of("reverse-none", "attention")
    for line in [
        *written.attention_latex(examples.attention_example(dot, 4)),
        *written.decoder_latex(examples.decoder_example(fixed, 4)),
        *written.sequence_latex(examples.sequence_example(dot)),
    ]:
        assert line in bodies
    assert rf"\text{{this model scores with }} {FORMULAS['dot'].latex}" in bodies


def test_theory_links_to_the_pages_that_exist():
    at = app(THEORY)
    at.run()
    links = [el.proto.label for el in at.get("page_link")]
    for s in theory.SECTIONS:
        for pointer in s.shown_on:
            assert (ROOT / navigation.BY_KEY[pointer.page].path).exists()
            assert pointer.label in links


def test_theory_limitations_table_has_the_measurements():
    at = app(THEORY)
    at.run()
    limitations, architectures = at.table  # the seed's table; RNN against Transformer
    frame = limitations.value
    assert list(frame["Limitation"]) == [lim.name for lim in theory.LIMITATIONS]
    assert list(frame["Numbers"]) == written.limitation_lines(
        limits.limitation_numbers(trace_of("reverse-additive", "attention"))
    )
    rows = written.architecture_rows(*examples.architectures(9, 10, 3))  # "attention": T' = 10
    assert architectures.value.to_dict("records") == rows


def test_the_transformer_picture_follows_the_head_picked_above_it():
    """§8's Transformer caption speaks of "the head picked above": the picker is there, for
    the Transformer only, and its picture follows it (edges as wide as that head's row)."""
    at = app(THEORY)
    at.run()
    picker = at.selectbox(key="theory_head")
    assert picker.label == "Cross-attention shown" and picker.value is None  # the mean first
    assert [s.key for s in at.selectbox].count("theory_head") == 1
    assert any("the head picked above" in c.value for c in at.caption)
    mean = [el.proto.spec for el in at.get("graphviz_chart")]
    picker.set_value((0, 0)).run()  # layer 1, head 1
    assert not at.exception
    picked = [el.proto.spec for el in at.get("graphviz_chart")]
    assert picked[:2] == mean[:2] and picked[2] != mean[2]  # fixed and attention unchanged
    transformer = trace_of("reverse-transformer", "attention")
    assert picked[2] == diagrams.diagram(transformer, 1, False, (0, 0))  # at step 1
    assert mean[2] == diagrams.diagram(transformer, 1, False, None)
