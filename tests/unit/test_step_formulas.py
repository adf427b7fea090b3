"""The formulas with live numbers (presentation.step_formulas): they show this step's real
values, and each line fits beside the heatmap."""

import re

import pytest

from presentation import text
from presentation.step_formulas import step_formulas
from presentation.text import latex_token
from s2s_core.model.decoding import greedy_trace
from tests.support.latex import assert_wellformed_latex
from tests.support.models import tiny_checkpoint
from tests.support.models import trace_of as shipped_trace


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


def test_transformer_formulas_show_the_head_on_screen_or_the_mean():
    from presentation.heads import with_head

    t = trace_of("transformer")
    step = t.steps[1]
    formulas = step_formulas(t, 2)
    assert [f.name for f in formulas][:4] == [
        "scaled dot-product attention (Transformer)",
        "multi-head attention (Transformer)",
        "context vector (the Transformer's: for display)",
        "sinusoidal positional encoding (Transformer)",
    ]
    mean = formulas[0].live
    top = max(range(9), key=lambda j: step.attention[j])
    assert r"\frac{1}{2 \cdot 4}" in mean  # L = 2 layers, H = 4 heads
    assert rf"\bar\alpha_{{2,{top + 1}}} = {step.attention[top]:.2f}" in mean
    shown = with_head(t, (1, 3))  # layer 2, head 4: its own row, its own softmax
    one = step_formulas(shown, 2, head=(1, 3))[0].live
    assert step_formulas(t, 2, head=(1, 3))[0].live == one  # from the heads, shown or not
    row = step.heads[1][3]
    top = max(range(9), key=lambda j: row[j])
    assert r"\text{layer 2, head 4: }" in one and "d_k = 4" in one  # d_k = 16 / 4
    assert r"\mathrm{softmax}" not in one  # the registry's formula above says how
    assert rf"\alpha_{{2,{top + 1}}} = {row[top]:.2f}" in one
    split = formulas[1].live  # every head of the last layer at the mean's top position
    top = max(range(9), key=lambda j: step.attention[j])
    assert all(
        rf"\mathrm{{head}}_{{{h + 1}}}\ {step.heads[1][h][top]:.2f}" in split for h in range(4)
    )
    assert r"\sin 1 = 0.84" in formulas[3].live  # y_1 sits at position 1
    for f in formulas + step_formulas(shown, 2, head=(1, 3)):
        assert_wellformed_latex(f.general)
        assert_wellformed_latex(f.live)
    readout = formulas[4]
    assert readout.name == "the output distribution (Transformer)"
    assert f"= {step.prob:.3f}" in readout.live


def test_a_picked_head_reports_its_own_layer_and_its_weights():
    """Picking "layer 1, head 1" of the shipped 3-layer Transformer: the multi-head line is
    about layer 1, where that head's largest weight is, with the real weights of layer 1's
    heads there (it once reported layer 3, whose heads weigh that position 0.00)."""
    t = shipped_trace("reverse-transformer", "attention")
    for i in (1, 5, len(t.steps)):
        step = t.steps[i - 1]
        for layer, h in ((0, 0), (1, 2), (2, 3)):
            row = step.heads[layer][h]
            j = max(range(len(row)), key=row.__getitem__)
            split = step_formulas(t, i, head=(layer, h))[1].live
            assert split.startswith(rf"\text{{layer {layer + 1}, at }} j = {j + 1}\ ")
            assert rf"\mathrm{{head}}_{{{h + 1}}}\ {row[j]:.2f}" in split and row[j] > 0.005
            for other, weights in enumerate(step.heads[layer]):
                assert rf"\mathrm{{head}}_{{{other + 1}}}\ {weights[j]:.2f}" in split
        mean = step_formulas(t, i)[1].live  # the mean of all: the last layer's heads
        assert mean.startswith(r"\text{layer 3, at }")


def visible_widths(latex: str) -> list[int]:
    """About how many symbols wide each line of a formula is typeset: \\ breaks a line, a
    command draws about one symbol, \text{...} its text, braces and sub/superscript marks
    nothing."""
    widths = []
    for line in re.split(r"\\\\(?![a-zA-Z])", latex):
        t = re.sub(r"\\(begin|end)\{gathered\}", "", line)
        t = re.sub(r"\\text\{([^{}]*)\}", r"\1", t).replace("``", "“").replace("''", "”")
        t = re.sub(r"\\(bar|hat)\\", r"\\", t)  # \bar\alpha: one symbol
        t = re.sub(r"\\[a-zA-Z]+", "#", t)
        t = re.sub(r"\\[,;!: ]", " ", t)
        widths.append(len(re.sub(r"[{}_^]", "", t)))
    return widths


LINE_WIDTH = 90  # symbols: what fits beside the heatmap at 1400 px (the cut line had 133)


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("reverse-transformer", "abcdefghijklmnopqrstuvwxyzabcd"),
        ("reverse-dot-hx", "abcdefghijklmnopqrstuvwxyzabcd"),
        ("reverse-additive", "abcdefghijklmnopqrstuvwxyzabcd"),
        ("reverse-none", "abcdefghijklmnopqrstuvwxyzabcd"),
        ("g2p-additive", "pronunciation"),
        ("dates-transformer", "the twenty-third of september nineteen ninety-nine"),
    ],
)
def test_every_live_line_fits_beside_the_heatmap(name, source):
    t = shipped_trace(name, source)
    heads = [None, (0, 0), (2, 3)] if t.attention_kind == "transformer" else [None]
    for i in range(1, len(t.steps) + 1):
        for head in heads:
            for f in step_formulas(t, i, head=head):
                assert max(visible_widths(f.live)) <= LINE_WIDTH, (f.name, f.live)


def test_the_width_estimate_counts_symbols():
    assert visible_widths(r"\bar\alpha_{2,1} = 0.50\ (\text{``a''})") == [17]  # ᾱ2,1 = 0.50 (“a”)
    assert visible_widths(r"\begin{gathered}x = 1 \\ y = 22\end{gathered}") == [6, 7]
