"""The Theory page (pages/theory.py) through AppTest: every section with its formulas from the
registry and its live numbers, the sidebar's model, its links, the limitations table."""

from __future__ import annotations

import pytest

from presentation import theory
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
        *theory.sequence_example(att).latex(),
        *theory.encoder_example(fixed).latex(),
        *theory.decoder_example(fixed, 1).latex(),
        *theory.attention_example(att, 1).latex(),
        theory.encoder_example(fixed).squeeze_latex(),
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
        *theory.attention_example(dot, 4).latex(),
        *theory.decoder_example(fixed, 4).latex(),
        *theory.sequence_example(dot).latex(),
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
    assert list(frame["Numbers"]) == theory.limitation_numbers(
        trace_of("reverse-additive", "attention")
    )
    rows = theory.architecture_rows(9, 10, 3)  # "attention", its 10 steps, L = 3
    assert architectures.value.to_dict("records") == rows
