"""The Attention explorer and the Theory page: their core (theory.py, figures_explorer.py),
the pages through AppTest, and one load of each in real Chromium with screenshots."""

from __future__ import annotations

import functools
import math
import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from s2s_core import figures_explorer, theory
from s2s_core.checkpoints import Checkpoint, load
from s2s_core.decoding import Hypothesis, Step, Trace, beam_search, greedy_trace
from s2s_core.formulas import SCORE_FORMULAS
from s2s_core.tasks import TASKS, get_task
from s2s_core.zoo import CHECKPOINT_DIR
from tests.apptest import ROOT, heatmaps, plotly_figures
from tests.bad_inputs import BAD_INPUTS, WRONG_FORMAT
from tests.conftest import tiny_checkpoint

EXPLORER, THEORY = "pages/1_Attention_explorer.py", "pages/4_Theory.py"
SEED_SECTIONS = [1, 2, 4, 5, 6, 7, 9, 10]


# --- helpers -------------------------------------------------------------------------------


def page(path: str, query: dict[str, str] | None = None, **state) -> AppTest:
    """A page as `streamlit run app.py` serves it (so st.page_link resolves), opened with
    these URL query parameters (task, input: a shared link) and session state."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page(path)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in state.items():
        at.session_state[key] = value
    return at


@functools.cache
def shipped(name: str) -> Checkpoint:
    return load(CHECKPOINT_DIR / name)


def trace_of(name: str, source: str) -> Trace:
    """What a page should show for `name` on `source`, computed without the page."""
    ckpt = shipped(name)
    return greedy_trace(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, source,
                        get_task(ckpt.task).max_target_len + 1)


def shipped_kinds(task: str) -> list[str]:
    return [k for k in ("none", "additive", "dot", "general")
            if (CHECKPOINT_DIR / f"{task}-{k}").is_dir()]


def latex_bodies(at: AppTest) -> list[str]:
    """The LaTeX of every st.latex on the page, without Streamlit's $$ wrapping."""
    return [el.proto.body.strip().removeprefix("$$").removesuffix("$$").strip()
            for el in at.get("latex")]


KATEX_COMMANDS = {
    "alpha", "cdots", "exp", "frac", "hat", "in", "langle", "ldots", "log", "longmapsto",
    "lVert", "mathbb", "mathrm", "max", "mid", "neq", "overleftarrow", "overrightarrow",
    "prod", "quad", "rangle", "Rightarrow", "rVert", "sim", "sum", "tanh", "text",
    "textbackslash", "times", "to", "top",
}


def assert_wellformed_latex(formula: str) -> None:
    """Non-empty, braces balanced (escaped \\{ \\} aside), only commands KaTeX knows."""
    assert formula.strip()
    depth = 0
    for token in re.findall(r"\\[{}]|[{}]", formula):
        if token in "{}":
            depth += 1 if token == "{" else -1
            assert depth >= 0, formula
    assert depth == 0, formula
    for cmd in re.findall(r"\\([A-Za-z]+)", formula):
        assert cmd in KATEX_COMMANDS, f"\\{cmd} in {formula}"


# --- theory.py: the sections -----------------------------------------------------------------


def test_sections_cover_the_seed_and_point_to_pages():
    assert [s.number for s in theory.SECTIONS] == SEED_SECTIONS
    pages = {theory.HOME, theory.EXPLORER, theory.BOTTLENECK, theory.TRAIN}
    for s in theory.SECTIONS:
        assert s.title and len(s.text) > 100 and s.formulas and s.shown_on
        assert all(p.page in pages and p.label for p in s.shown_on)
    assert theory.section(7).title == "Attention"
    with pytest.raises(KeyError):
        theory.section(3)


def test_formulas_are_wellformed_latex_with_the_design_symbols():
    for s in theory.SECTIONS:
        for formula in s.formulas:
            assert_wellformed_latex(formula)
    design = {  # DESIGN.md §1, written as LaTeX
        2: r"P(Y \mid X) = \prod_{t=1}^{T'} P(y_t \mid y_1, \ldots, y_{t-1}, X)",
        4: r"h_t = f(x_t, h_{t-1})",
        5: r"s_t = g(y_{t-1}, s_{t-1}, c)",
        7: r"c_i = \sum_{j=1}^{T} \alpha_{ij} h_j",
    }
    for number, formula in design.items():
        assert formula in theory.section(number).formulas
    seven = " ".join(theory.section(7).formulas)
    for piece in (r"e_{ij} = a(s_{i-1}, h_j)", r"s_i = g(y_{i-1}, s_{i-1}, c_i)",
                  *SCORE_FORMULAS.values()):
        assert piece in seven
    assert r"O(1)" in " ".join(theory.section(9).formulas)


def test_limitations_are_the_seed_table_each_with_a_number():
    assert [lim.name for lim in theory.LIMITATIONS] == [
        "Sequential constraints", "Long-range decay", "Bottleneck"]
    trace = trace_of("reverse-additive", "attention")
    numbers = theory.limitation_numbers(trace)
    assert numbers[0].startswith("this input: 9 encoder steps") and "10 decoder" in numbers[0]
    fixed = theory.shipped_metrics("reverse-none")
    first = fixed["buckets"][0]
    assert f"1–5: {100 * first['exact_match']:.0f}%" in numbers[1]
    for d, name in ((32, "reverse-none-d32"), (64, "reverse-none"), (256, "reverse-none-d256")):
        exact = theory.shipped_metrics(name)["in_training_range"]["exact_match"]
        assert f"d = {d}: {100 * exact:.0f}%" in numbers[2]


# --- theory.py: live numbers equal the trace's ---------------------------------------------


@pytest.fixture(scope="module")
def tiny_traces() -> dict[str, Trace]:
    out = {}
    for kind in ("none", "additive"):
        ckpt = tiny_checkpoint(kind)
        out[kind] = greedy_trace(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, "attention", 12)
    return out


def test_sequence_example_is_the_product_of_the_step_probabilities(tiny_traces):
    trace = tiny_traces["additive"]
    ex = theory.sequence_example(trace)
    probs = [s.prob for s in trace.steps]
    assert ex.step_probs == probs and (ex.T, ex.T_out) == (9, len(trace.steps))
    assert ex.probability == pytest.approx(math.prod(probs), rel=1e-12)
    assert ex.log_probability == pytest.approx(sum(map(math.log, probs)))
    assert math.exp(ex.log_probability) == pytest.approx(ex.probability)
    product_line = ex.latex()[1]
    assert f"{ex.probability:.4g}" in product_line and f"{probs[0]:.4f}" in product_line
    for line in ex.latex():
        assert_wellformed_latex(line)


def test_encoder_example_is_the_traces_norms(tiny_traces):
    trace = tiny_traces["none"]
    ex = theory.encoder_example(trace)
    assert ex.norms == trace.encoder_norms and ex.fixed_norm == trace.fixed_context_norm
    assert (ex.T, ex.d) == (9, 16)  # tiny models have d = 16
    assert f"{max(ex.norms):.2f}" in ex.latex()[0] and f"{ex.fixed_norm:.2f}" in ex.latex()[1]
    assert "144" in ex.squeeze_latex()  # 9 states of 16 numbers
    for line in [*ex.latex(), ex.squeeze_latex()]:
        assert_wellformed_latex(line)


def test_decoder_example_is_one_step_of_the_trace(tiny_traces):
    trace = tiny_traces["none"]
    ex = theory.decoder_example(trace, 3)
    step = trace.steps[2]
    assert (ex.t, ex.token, ex.prob, ex.state_norm) == (3, step.token, step.prob,
                                                         step.state_norm)
    assert ex.previous == trace.steps[1].token
    assert theory.decoder_example(trace, 1).previous == "<sos>"
    assert theory.decoder_example(trace, 999).t == len(trace.steps)  # clamped
    assert f"{step.state_norm:.2f}" in ex.latex()[0] and f"{step.prob:.3f}" in ex.latex()[1]


def test_attention_example_is_one_row_of_alpha(tiny_traces):
    trace = tiny_traces["additive"]
    ex = theory.attention_example(trace, 2)
    step = trace.steps[1]
    assert ex.alpha == step.attention and ex.scores == step.scores
    assert ex.context_norm == step.context_norm and ex.alpha_sum == pytest.approx(1, abs=1e-5)
    assert [ex.alpha[j] for j in ex.top] == sorted(step.attention, reverse=True)[:3]
    lines = ex.latex()
    j = ex.top[0]
    assert f"e_{{2,{j + 1}}} = {step.scores[j]:.2f}" in lines[0]
    assert f"\\alpha_{{2,{j + 1}}} = {step.attention[j]:.3f}" in lines[1]
    assert f"\\lVert c_{{2}} \\rVert = {step.context_norm:.2f}" in lines[2]
    with pytest.raises(ValueError):
        theory.attention_example(tiny_traces["none"], 1)


def _trace_looking_at(columns: list[int], T: int) -> Trace:
    """A hand-made trace whose step i puts all its weight on source position columns[i]."""
    steps = [Step(i + 1, "x", 1.0, [("x", 1.0)], [float(j == c) for j in range(T)],
                  [0.0] * T, [0.0], 0.0, 0.0) for i, c in enumerate(columns)]
    return Trace("abcd"[:T], list("abcd"[:T]), "additive", steps)


def test_alignment_agreement_counts_steps_on_the_gold_position():
    gold = get_task("reverse").solve("abcd")  # y_1 = 'd' comes from position 3, ...
    assert theory.alignment_agreement(_trace_looking_at([3, 2, 1, 0, 0], 4), gold) == (4, 4)
    assert theory.alignment_agreement(_trace_looking_at([3, 3, 3, 3, 0], 4), gold) == (1, 4)
    assert theory.alignment_agreement(_trace_looking_at([3], 4), None) is None
    no_gold = get_task("sort").solve("abcd")
    assert theory.alignment_agreement(_trace_looking_at([0, 1, 2, 3], 4), no_gold) is None


def test_sequential_depth_and_shipped_buckets():
    trace = trace_of("reverse-additive", "attention")
    assert theory.sequential_depth(trace) == (9, 10)
    metrics = theory.shipped_metrics("reverse-none")
    assert theory.bucket_for(metrics, 9)["lengths"] == [6, 10]
    assert theory.bucket_for(metrics, 99) is None
    assert theory.longest_bucket(metrics)["lengths"] == [26, 30]  # within training lengths
    assert theory.longest_bucket(metrics, in_training=False)["lengths"] == [36, 40]
    assert theory.exact_by_length(metrics)[0] == (1, 5, metrics["buckets"][0]["exact_match"])
    ds = [d for d, _ in theory.capacity([theory.shipped_metrics(n)
                                         for n in theory.capacity_names()])]
    assert ds == [32, 64, 128, 256]
    assert theory.shipped_metrics("no-such-model") is None
    assert theory.shipped_metrics("../checkpoints/reverse-none") is None


# --- figures_explorer.py --------------------------------------------------------------------


def test_grid_puts_fewer_heatmaps_per_row_as_inputs_grow():
    per_row = [figures_explorer.grid_columns(4, T) for T in (3, 9, 20, 30, 40, 50)]
    assert per_row[0] >= 3 and per_row[-1] == 1
    assert per_row == sorted(per_row, reverse=True)
    assert figures_explorer.grid_columns(2, 3) == 2  # never more than there are figures
    assert all(figures_explorer.grid_columns(4, T, large=True)
               <= figures_explorer.grid_columns(4, T) for T in range(1, 51))


def test_grid_heatmap_writes_values_only_where_they_fit(tiny_traces):
    trace = tiny_traces["additive"]  # 9 source positions, 12 steps
    roomy = figures_explorer.grid_heatmap(trace, per_row=1)
    assert roomy.data[0].texttemplate == "%{z:.2f}"
    assert np.allclose(roomy.data[0].z, trace.attention_matrix())
    crowded = figures_explorer.grid_heatmap(trace, per_row=4, large=True)
    assert crowded.data[0].texttemplate is None
    assert roomy.layout.xaxis.tickangle == crowded.layout.xaxis.tickangle == 0
    assert figures_explorer.cell_width(9, 1) > figures_explorer.cell_width(9, 2)


def test_beam_frame_lists_log_p_and_p_best_first():
    hyps = [Hypothesis([], -0.1), Hypothesis([], -2.0)]
    frame = figures_explorer.beam_frame(hyps, get_task("reverse").solve("ab"))
    assert list(frame.index) == [1, 2]
    assert list(frame["log P(Y|X)"]) == [-0.1, -2.0]
    assert list(frame["P(Y|X)"]) == pytest.approx([math.exp(-0.1), math.exp(-2.0)])
    assert list(frame["correct"]) == [False, False]  # empty outputs are not "ba"
    assert "correct" not in figures_explorer.beam_frame(hyps, None)


def test_encoder_norm_chart_keeps_repeated_symbols_apart():
    fig = figures_explorer.encoder_norm_chart(list("attention"), [float(j) for j in range(9)],
                                              fixed_norm=2.5)
    bar = fig.data[0]
    assert list(bar.x) == list(range(1, 10)) and list(bar.y) == [float(j) for j in range(9)]
    assert list(bar.customdata) == list("attention")  # x_j in the hover
    assert list(fig.layout.xaxis.ticktext) == list("attention")  # both t's, both n's
    (line,) = fig.layout.shapes
    assert line.y0 == line.y1 == 2.5


def test_length_chart_marks_this_input_and_the_lengths_beyond_training():
    metrics = theory.shipped_metrics("reverse-none")
    fig = figures_explorer.length_chart({"none": theory.exact_by_length(metrics)}, length=12,
                                        train_max=30)
    assert list(fig.data[0].y) == pytest.approx([100 * b["exact_match"]
                                                 for b in metrics["buckets"]])
    assert list(fig.layout.xaxis.ticktext)[:2] == ["1–5", "6–10"]
    marker, shade = fig.layout.shapes
    assert marker.x0 == 2  # the bucket 11–15 holds length 12
    assert (shade.x0, shade.x1) == (5.5, 7.5)  # 31–35 and 36–40


# --- the Attention explorer through AppTest ----------------------------------------------------


@pytest.mark.parametrize("task", list(TASKS))
def test_explorer_shows_every_model_with_its_full_heatmap(task):
    at = page(EXPLORER, {"task": task, "input": TASKS[task].default_input})
    at.run()
    assert not at.exception
    source = TASKS[task].default_input
    kinds = shipped_kinds(task)
    expected = [trace_of(f"{task}-{k}", source) for k in kinds if k != "none"]
    maps = heatmaps(at)
    assert len(maps) == len(expected) + 3 + 1  # the models, 3 beam hypotheses, the full one
    for z, trace in zip(maps, expected):
        assert z.shape == (len(trace.steps), len(source))  # rows: steps i; columns: positions j
        assert np.allclose(z, trace.attention_matrix(), atol=1e-6)
    assert sum("no attention" in i.value for i in at.info) == 1  # the none model's note
    outputs = [c.value for c in at.code]
    for k in kinds:
        assert trace_of(f"{task}-{k}", source).output in outputs
    aligned = [c.value for c in at.caption if c.value.startswith("Gold alignment")]
    assert len(aligned) == (len(expected) if TASKS[task].has_alignment else 0)


def test_explorer_scores_each_model_against_the_answer():
    at = page(EXPLORER, {"input": "abcdefghijklmnopqrstuvwxy"})  # 25 letters
    at.run()
    verdicts = [m.value for m in at.markdown if "correct" in m.value or "wrong" in m.value]
    none_out = trace_of("reverse-none", "abcdefghijklmnopqrstuvwxy").output
    assert none_out != "yxwvutsrqponmlkjihgfedcba"  # the bottleneck: the fixed c fails here
    assert verdicts[0].startswith(":red[✘ wrong")
    assert verdicts[1] == ":green[✔ correct]"  # additive attention
    hits = trace_of("reverse-additive", "abcdefghijklmnopqrstuvwxy")
    agreement = theory.alignment_agreement(hits, get_task("reverse").solve(hits.source))
    aligned = [c.value for c in at.caption if c.value.startswith("Gold alignment")]
    assert f"**{agreement[0]}/{agreement[1]}**" in aligned[0]  # the additive model's


def test_a_right_output_with_attention_elsewhere_is_pointed_out():
    at = page(EXPLORER)
    at.run()
    notes = [c.value for c in at.caption if c.value.startswith("Right output, attention")]
    dot = trace_of("reverse-dot", "attention")
    hits, total = theory.alignment_agreement(dot, get_task("reverse").solve("attention"))
    assert dot.output == "noitnetta" and hits < total / 2  # dot looks next door, yet is right
    assert len(notes) >= 1


@pytest.mark.parametrize("path", [EXPLORER, THEORY])
def test_a_new_input_here_is_the_new_input_everywhere(path):
    at = page(path, step=3, force={2: "x"})  # Home was at step 3 of a what-if
    at.run()
    at.text_input(key="input").set_value("world").run()
    assert not at.exception
    assert at.session_state["shared_input"] == "world"  # what every page recall()s
    assert at.session_state["step"] == 0 and at.session_state["force"] == {}  # Home restarts


def test_beam_hypotheses_number_the_width_and_are_sorted_by_score():
    at = page(EXPLORER)
    at.run()
    at.slider(key="explorer_beam_width").set_value(5).run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 5
    scores = list(table["log P(Y|X)"])
    assert scores == sorted(scores, reverse=True)
    assert list(table["P(Y|X)"]) == pytest.approx([math.exp(s) for s in scores])
    ckpt = shipped("reverse-additive")
    hyps = beam_search(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, "attention", 5, 41)
    assert list(table["output"]) == [h.output for h in hyps]
    maps = heatmaps(at)[3:]  # after the three attention models: one per hypothesis + full
    assert [z.shape[0] for z in maps[:5]] == [len(h.steps) for h in hyps]
    at.radio(key="explorer_beam_pick").set_value(3).run()
    assert heatmaps(at)[-1].shape == (len(hyps[3].steps), 9)  # the one inspected, full size
    assert f"`{hyps[3].output}`" in " ".join(m.value for m in at.markdown)


def test_beam_search_of_the_fixed_context_model_has_no_heatmaps():
    at = page(EXPLORER)
    at.run()
    at.selectbox(key="explorer_beam_model").set_value("reverse-none").run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 3
    assert len(heatmaps(at)) == 3  # the three attention models' cards only
    assert any("no α_ij to show" in i.value for i in at.info)


def test_a_model_trained_in_this_session_gets_its_own_card():
    mine = tiny_checkpoint("additive")
    at = page(EXPLORER, trained_models={"mine": mine})
    at.run()
    assert not at.exception
    assert any("mine \\(trained here\\)" in m.value for m in at.markdown)
    assert heatmaps(at)[3].shape == (41, 9)  # the untrained tiny model runs to the cap


def test_classroom_mode_draws_large_figures():
    at = page(EXPLORER, classroom=True)
    at.run()
    assert not at.exception
    sizes = {fig["layout"]["font"]["size"] for fig in plotly_figures(at)}
    assert sizes == {22}


@pytest.mark.parametrize(("text", "message"), [
    ("", "empty"), ("   ", "empty"), ("a" * 41, "has 41 symbols; this model accepts at most 40"),
    ("Hello", "unknown symbol 'H'"), ("<b>x</b>", "unknown symbols"),
])
@pytest.mark.parametrize("path", [EXPLORER, THEORY])
def test_bad_input_gets_an_inline_message(path, text, message):
    at = page(path, {"input": text})
    at.run()
    assert not at.exception
    (error,) = at.error
    assert "can't be decoded" in error.value and message in error.value.replace("\\", "")
    assert not at.get("plotly_chart") and not at.get("latex")


@pytest.fixture(scope="module", params=[EXPLORER, THEORY])
def running(request):
    at = page(request.param)
    at.run()
    return at


@pytest.mark.parametrize(("name", "task", "text"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_the_bad_input_corpus_gets_a_message_on_both_pages(running, name, task, text):
    typed = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")  # as browsers do
    if running.selectbox(key="task").value != task:
        running.selectbox(key="task").set_value(task).run()
    running.text_input(key="input").set_value(typed).run()
    assert not running.exception, name
    assert len(running.error) == 1 and "can't be decoded" in running.error[0].value, name


@pytest.mark.parametrize(("name", "task", "text"), WRONG_FORMAT, ids=[b[0] for b in WRONG_FORMAT])
def test_a_wrong_format_is_decoded_with_no_known_answer(running, name, task, text):
    if running.selectbox(key="task").value != task:
        running.selectbox(key="task").set_value(task).run()
    running.text_input(key="input").set_value(text).run()
    assert not running.exception and not running.error, name
    assert any("no known answer" in m.value for m in running.markdown), name


# --- the Theory page through AppTest ------------------------------------------------------------


@pytest.mark.parametrize("task", list(TASKS))
def test_theory_shows_every_section_with_formulas_and_live_numbers(task):
    source = TASKS[task].default_input
    at = page(THEORY, {"task": task, "input": source})
    at.run()
    assert not at.exception
    assert [h.value for h in at.header] == [f"{s.number}. {s.title}" for s in theory.SECTIONS]
    bodies = latex_bodies(at)
    for s in theory.SECTIONS:
        for formula in s.formulas:
            assert formula in bodies, (s.number, formula)
    att, fixed = trace_of(f"{task}-additive", source), trace_of(f"{task}-none", source)
    live = [*theory.sequence_example(att).latex(), *theory.encoder_example(fixed).latex(),
            *theory.decoder_example(fixed, 1).latex(), *theory.attention_example(att, 1).latex(),
            theory.encoder_example(fixed).squeeze_latex()]
    for line in live:
        assert line in bodies
    for body in bodies:
        assert_wellformed_latex(body)


def test_theory_follows_the_step_and_the_score_function():
    at = page(THEORY)
    at.run()
    at.selectbox(key="theory_kind").set_value("dot").run()
    at.select_slider(key="theory_step").set_value(4).run()
    assert not at.exception
    bodies = latex_bodies(at)
    dot, fixed = trace_of("reverse-dot", "attention"), trace_of("reverse-none", "attention")
    for line in [*theory.attention_example(dot, 4).latex(),
                 *theory.decoder_example(fixed, 4).latex(),
                 *theory.sequence_example(dot).latex()]:
        assert line in bodies
    assert rf"\text{{this model scores with }} {SCORE_FORMULAS['dot']}" in bodies


def test_theory_links_to_the_pages_that_exist():
    at = page(THEORY)
    at.run()
    links = [el.proto.label for el in at.get("page_link")]
    captions = [c.value for c in at.caption]
    for s in theory.SECTIONS:
        for pointer in s.shown_on:
            if (ROOT / pointer.page).exists():
                assert pointer.label in links
            else:  # a page still being written: its name, no broken link
                assert f"➡️ {pointer.label}" in captions


def test_theory_limitations_table_has_the_measurements():
    at = page(THEORY)
    at.run()
    (table,) = at.table
    frame = table.value
    assert list(frame["Limitation"]) == [lim.name for lim in theory.LIMITATIONS]
    assert list(frame["Numbers"]) == theory.limitation_numbers(trace_of("reverse-additive",
                                                                        "attention"))


# --- both pages in real Chromium ------------------------------------------------------------------


@pytest.fixture(scope="module")
def server():
    from tests.browser import app_server

    with app_server("app.py") as url:
        yield url


def full_screenshot(tab, name: str) -> None:
    """A screenshot of the whole page: Streamlit scrolls inside its own container, so the
    window is first made as tall as the page's content."""
    from tests.browser import ARTIFACTS

    height = tab.evaluate(
        "document.querySelector('[data-testid=\"stMainBlockContainer\"]').scrollHeight")
    tab.set_viewport_size({"width": 1400, "height": min(int(height) + 120, 12_000)})
    tab.wait_for_timeout(500)  # let Plotly redraw at the new size
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / name))


@pytest.mark.browser
def test_both_pages_load_in_chromium(server):
    from tests.browser import browser, heatmap_z, wait_for_app

    with browser() as b:
        tab = b.new_page(viewport={"width": 1400, "height": 1000})
        tab.goto(f"{server}/Attention_explorer")
        tab.wait_for_selector("text=Beam search: the k best outputs", timeout=90_000)
        tab.wait_for_function(
            """() => [...document.querySelectorAll('.js-plotly-plot')].filter(
                   p => p._fullData && p._fullData[0] && p._fullData[0].type === 'heatmap'
               ).length >= 7""", timeout=60_000)  # 3 models + 3 beam hypotheses + full size
        wait_for_app(tab)
        z = heatmap_z(tab)
        assert len(z) == 10 and all(len(row) == 9 for row in z)  # "attention": 10 steps x 9
        body = tab.inner_text("body")
        assert "Traceback" not in body and "noitnetta" in body
        full_screenshot(tab, "explorer.png")
        tab.set_viewport_size({"width": 1400, "height": 1000})

        box = tab.get_by_label("Input", exact=True)
        box.fill("hello")
        box.press("Enter")
        tab.wait_for_function(
            """() => [...document.querySelectorAll('.js-plotly-plot')].some(
                   p => p._fullData && p._fullData[0] && p._fullData[0].z
                        && p._fullData[0].z.length === 6 && p._fullData[0].z[0].length === 5)""",
            timeout=60_000)  # "hello": 6 steps x 5 positions
        tab.locator("[data-testid='stSidebarNavLink']", has_text="Theory").click()
        tab.wait_for_selector("text=10. Conclusion", timeout=90_000)
        assert tab.get_by_label("Input", exact=True).input_value() == "hello"  # came along
        tab.wait_for_function("() => document.querySelectorAll('.katex').length >= 32",
                              timeout=60_000)
        wait_for_app(tab)
        assert tab.locator(".katex-error").count() == 0  # every formula parsed by KaTeX
        assert tab.locator("[data-testid='stPageLink']").count() >= 5
        body = tab.inner_text("body")
        assert "Traceback" not in body and "Sequential constraints" in body
        assert "olleh" in body  # the live examples decode the input that came along
        full_screenshot(tab, "theory.png")
        tab.set_viewport_size({"width": 1400, "height": 1000})

        tab.locator("[data-testid='stSidebarNavLink']", has_text="app").click()
        tab.wait_for_selector("text=step 0 of 6", timeout=90_000)  # Home: "hello" + <eos>
        assert tab.get_by_label("Input", exact=True).input_value() == "hello"
