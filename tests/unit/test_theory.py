"""The Theory page's core, without Streamlit: the seed's sections as data
(presentation.theory), their formulas from the registry (presentation.formulas), the live
numbers each section shows (analysis.examples, analysis.limits) as LaTeX
(presentation.theory_latex), and where attention looked (analysis.agreement).

(The page through AppTest: tests/pages/test_theory.py; in Chromium:
tests/browser/test_explorer_theory.py.)
"""

from __future__ import annotations

import math

import pytest

from analysis import agreement, examples, limits
from presentation import theory
from presentation import theory_latex as written
from presentation.formulas import FORMULAS
from s2s_core.model.attention import SCORES
from s2s_core.shipped import capacity_names, read_metrics
from s2s_core.tasks import get_task
from s2s_core.trace import Step, Trace
from tests.support.latex import assert_wellformed_latex
from tests.support.models import trace_of

SEED_SECTIONS = [1, 2, 4, 5, 6, 7, 8, 9, 10]  # §3 (the overview) has no section of its own


def section_latex(s: theory.Section) -> list[str]:
    """All the LaTeX a section shows: its formulas (from the registry), then its statements."""
    return [FORMULAS[key].latex for key in s.formulas] + list(s.statements)


# --- the sections ----------------------------------------------------------------------------


def test_sections_cover_the_seed_and_point_to_pages():
    assert [s.number for s in theory.SECTIONS] == SEED_SECTIONS
    pages = {theory.HOME, theory.EXPLORER, theory.BOTTLENECK, theory.TRAIN}
    for s in theory.SECTIONS:
        assert s.title and len(s.text) > 100 and section_latex(s) and s.shown_on
        assert s.text.isprintable(), s.number  # e.g. no "\a" from an unescaped "\alpha"
        assert all(key in FORMULAS for key in s.formulas)
        assert all(p.page in pages and p.label for p in s.shown_on)
    assert theory.section(7).title == "Attention"
    with pytest.raises(KeyError):
        theory.section(3)


def test_formulas_are_wellformed_latex_with_the_design_symbols():
    for s in theory.SECTIONS:
        for formula in section_latex(s):
            assert_wellformed_latex(formula)
    design = {  # DESIGN.md §1, written as LaTeX
        2: r"P(Y \mid X) = \prod_{t=1}^{T'} P(y_t \mid y_1, \ldots, y_{t-1}, X)",
        4: r"h_t = f(x_t, h_{t-1})",
        5: r"s_i = g(y_{i-1}, s_{i-1}, c_i)",  # the registry's one decoder step ...
        7: r"c_i = \sum_{j=1}^{T} \alpha_{ij} h_j",
    }
    for number, formula in design.items():
        assert formula in section_latex(theory.section(number))
    # ... whose note gives the seed's §5 form, c_i = c without attention
    assert r"s_t = g(y_{t-1}, s_{t-1}, c)" in FORMULAS["decoder_step"].deviation
    seven = " ".join(section_latex(theory.section(7)))
    for piece in (
        r"e_{ij} = a(s_{i-1}, h_j)",
        r"s_i = g(y_{i-1}, s_{i-1}, c_i)",
        *(FORMULAS[kind].latex for kind in SCORES),
    ):
        assert piece in seven
    assert r"O(1)" in " ".join(section_latex(theory.section(9)))


def test_limitations_are_the_seed_table_each_with_a_number():
    assert [lim.name for lim in theory.LIMITATIONS] == [
        "Sequential constraints",
        "Long-range decay",
        "Bottleneck",
    ]
    trace = trace_of("reverse-additive", "attention")
    numbers = written.limitation_lines(limits.limitation_numbers(trace))
    assert numbers[0].startswith("this input: 9 encoder steps") and "10 decoder" in numbers[0]
    fixed = read_metrics("reverse-none", missing_ok=True)
    first = fixed["buckets"][0]
    assert f"1–5: {100 * first['exact_match']:.0f}%" in numbers[1]
    for d, name in ((32, "reverse-none-d32"), (64, "reverse-none"), (256, "reverse-none-d256")):
        exact = read_metrics(name, missing_ok=True)["in_training_range"]["exact_match"]
        assert f"d = {d}: {100 * exact:.0f}%" in numbers[2]


# --- live numbers equal the trace's ----------------------------------------------------------


def test_sequence_example_is_the_product_of_the_step_probabilities(tiny_traces):
    trace = tiny_traces["additive"]
    ex = examples.sequence_example(trace)
    probs = [s.prob for s in trace.steps]
    assert ex.step_probs == probs and (ex.T, ex.T_out) == (9, len(trace.steps))
    assert ex.probability == pytest.approx(math.prod(probs), rel=1e-12)
    assert ex.log_probability == pytest.approx(sum(map(math.log, probs)))
    assert math.exp(ex.log_probability) == pytest.approx(ex.probability)
    product_line = written.sequence_latex(ex)[1]
    assert f"{ex.probability:.4g}" in product_line and f"{probs[0]:.4f}" in product_line
    for line in written.sequence_latex(ex):
        assert_wellformed_latex(line)


def test_encoder_example_is_the_traces_norms(tiny_traces):
    trace = tiny_traces["none"]
    ex = examples.encoder_example(trace)
    lines, squeeze = written.encoder_latex(ex), written.squeeze_latex(ex)
    assert ex.norms == trace.encoder_norms and ex.fixed_norm == trace.fixed_context_norm
    assert (ex.T, ex.d) == (9, 16)  # tiny models have d = 16
    assert f"{max(ex.norms):.2f}" in lines[0] and f"{ex.fixed_norm:.2f}" in lines[1]
    assert "144" in squeeze  # 9 states of 16 numbers
    for line in [*lines, squeeze]:
        assert_wellformed_latex(line)


def test_decoder_example_is_one_step_of_the_trace(tiny_traces):
    trace = tiny_traces["none"]
    ex = examples.decoder_example(trace, 3)
    step = trace.steps[2]
    assert (ex.t, ex.token, ex.prob, ex.state_norm) == (3, step.token, step.prob, step.state_norm)
    assert ex.previous == trace.steps[1].token
    assert examples.decoder_example(trace, 1).previous == "<sos>"
    assert examples.decoder_example(trace, 999).t == len(trace.steps)  # clamped
    lines = written.decoder_latex(ex)
    assert f"{step.state_norm:.2f}" in lines[0] and f"{step.prob:.3f}" in lines[1]


def test_attention_example_is_one_row_of_alpha(tiny_traces):
    trace = tiny_traces["additive"]
    ex = examples.attention_example(trace, 2)
    step = trace.steps[1]
    assert ex.alpha == step.attention and ex.scores == step.scores
    assert ex.context_norm == step.context_norm and ex.alpha_sum == pytest.approx(1, abs=1e-5)
    assert [ex.alpha[j] for j in ex.top] == sorted(step.attention, reverse=True)[:3]
    lines = written.attention_latex(ex)
    j = ex.top[0]
    assert f"e_{{2,{j + 1}}} = {step.scores[j]:.2f}" in lines[0]
    assert f"\\alpha_{{2,{j + 1}}} = {step.attention[j]:.3f}" in lines[1]
    assert f"\\lVert c_{{2}} \\rVert = {step.context_norm:.2f}" in lines[2]
    with pytest.raises(ValueError):
        examples.attention_example(tiny_traces["none"], 1)


def _trace_looking_at(columns: list[int], T: int) -> Trace:
    """A hand-made trace whose step i puts all its weight on source position columns[i]."""
    steps = [
        Step(
            i + 1,
            "x",
            1.0,
            [("x", 1.0)],
            [float(j == c) for j in range(T)],
            [0.0] * T,
            [0.0],
            0.0,
            0.0,
        )
        for i, c in enumerate(columns)
    ]
    return Trace("abcd"[:T], list("abcd"[:T]), "additive", steps)


def test_alignment_agreement_counts_steps_on_the_gold_position():
    gold = get_task("reverse").solve("abcd")  # y_1 = 'd' comes from position 3, ...
    measured = agreement.alignment_agreement
    assert measured(_trace_looking_at([3, 2, 1, 0, 0], 4), gold) == (4, 4)
    assert measured(_trace_looking_at([3, 3, 3, 3, 0], 4), gold) == (1, 4)
    assert measured(_trace_looking_at([3], 4), None) is None
    no_gold = get_task("sort").solve("abcd")
    assert measured(_trace_looking_at([0, 1, 2, 3], 4), no_gold) is None


def test_sequential_depth_and_shipped_buckets():
    trace = trace_of("reverse-additive", "attention")
    assert examples.sequential_depth(trace) == (9, 10)
    metrics = read_metrics("reverse-none", missing_ok=True)
    assert limits.bucket_for(metrics, 9)["lengths"] == [6, 10]
    assert limits.bucket_for(metrics, 99) is None
    assert limits.longest_bucket(metrics)["lengths"] == [26, 30]  # within training lengths
    assert limits.longest_bucket(metrics, in_training=False)["lengths"] == [36, 40]
    assert limits.exact_by_length(metrics)[0] == (1, 5, metrics["buckets"][0]["exact_match"])
    ds = [
        d
        for d, _ in limits.capacity(
            [read_metrics(n, missing_ok=True) for n in capacity_names("reverse")]
        )
    ]
    assert ds == [32, 64, 128, 256]
    assert read_metrics("no-such-model", missing_ok=True) is None
    assert read_metrics("../checkpoints/reverse-none", missing_ok=True) is None
