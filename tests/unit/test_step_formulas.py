"""The formulas with live numbers (presentation.step_formulas): they show this step's real
values."""

import pytest

from presentation import text
from presentation.step_formulas import step_formulas
from presentation.text import latex_token
from s2s_core.model.decoding import greedy_trace
from tests.support.models import tiny_checkpoint


def trace_of(kind, source="attention"):
    ckpt = tiny_checkpoint(kind)
    return greedy_trace(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, source, 6)


def test_attention_formulas_carry_the_step_numbers():
    t = trace_of("additive")
    step = t.steps[2]
    names = [f.name for f in step_formulas(t, 3)]
    assert names[:3] == [
        "alignment scores (additive)",
        "attention weights (softmax over j)",
        "context vector",
    ]
    by_name = {f.name: f for f in step_formulas(t, 3)}
    top = max(range(9), key=lambda j: step.attention[j])
    weights = by_name["attention weights (softmax over j)"].live
    assert rf"\alpha_{{3,{top + 1}}} = {step.attention[top]:.2f}" in weights
    assert f"{step.scores[top]:.2f}" in by_name["alignment scores (additive)"].live
    assert f"{step.context_norm:.2f}" in by_name["context vector"].live
    assert f"{step.state_norm:.2f}" in by_name["decoder state"].live
    assert f"{step.prob:.3f}" in by_name["next-token distribution"].live
    assert r"v_a^\top \tanh" in by_name["alignment scores (additive)"].general


@pytest.mark.parametrize(
    ("kind", "formula"), [("dot", r"s_{i-1}^\top h_j"), ("general", r"s_{i-1}^\top W_a h_j")]
)
def test_each_score_function_is_named(kind, formula):
    assert step_formulas(trace_of(kind), 1)[0].general.endswith(formula)


def test_fixed_context_model_shows_the_one_c():
    t = trace_of("none")
    first = step_formulas(t, 2)[0]
    assert "fixed context" in first.name and f"{t.fixed_context_norm:.2f}" in first.live
    assert all("alpha" not in f.live for f in step_formulas(t, 2))


def test_tokens_are_escaped_for_latex():
    assert latex_token("<eos>") == r"\langle\text{eos}\rangle"
    assert latex_token("}") == r"\text{``\}''}"
    assert latex_token(" ") == r"\text{``\ ''}"
    assert "\\" not in latex_token("a").replace(r"\text", "")


def test_numbers_never_read_minus_zero():
    assert text.number(-0.001) == "0.00" and text.number(-0.0004, 3) == "0.000"
    assert text.number(-1.234) == "-1.23" and text.number(0.5, 3) == "0.500"
