"""Attention explorer: one input through every model of a task, side by side, and beam search.

For each model its whole attention matrix alpha_ij (row i: output step, column j: source
position; seed §7), below it the attribution a_ij of each step's log-probability to each
source position (s2s_core/attribution.py), its output and whether it is right; the model
without attention uses one fixed c instead (seed §6), its attribution still shows what it
used. Below, beam search with the sidebar's model: the k best
outputs by log P(Y | X), each with its own alignment. The page is thin: the numbers come
from s2s_core, the figures from presentation/.
"""

from __future__ import annotations

import streamlit as st

from analysis.agreement import alignment_agreement, attribution_agreement, head_agreement
from presentation.figures import explorer as figures
from presentation.figures.heatmap import NO_ATTENTION
from presentation.text import escape_markdown, number, sentence, token_text
from presentation.verdicts import OVER_REGULARISED, over_regularised
from s2s_core.attribution import METHODS
from s2s_core.model.decoding import Trace
from s2s_core.tasks import Example
from ui import frame, models, session, sidebar, traces, views

frame.ensure()  # Streamlit may run this page alone: then draw the frame here

ss = st.session_state
choice = sidebar.choices()
task, large, fmt = choice.task, choice.large, choice.fig_format

st.title("Attention explorer")
st.caption(
    "One input through every model of the task: where each one looks (α_ij), what it "
    "writes, and the k best outputs of beam search."
)

names = models.model_names(task.name)
source = choice.source
views.source_or_stop(source, models.get_model(names[0]).src_vocab, task.max_source_len)
expected = task.solve(source)


# --- every model, side by side ---------------------------------------------------------------


def model_card(name: str, trace: Trace, expected: Example | None, per_row: int) -> None:
    """One model: its heatmap (or the fixed-context note), its attribution heatmap on the
    same columns, then its output card."""
    st.markdown(f"#### {escape_markdown(models.label(name))}")
    if not trace.has_attention:
        st.info(NO_ATTENTION + f" (‖c‖ = {trace.fixed_context_norm:.2f}).")
    else:
        views.plotly(
            figures.grid_heatmap(
                trace,
                per_row,
                large,
                title="Transformer: ᾱ_ij, the mean of its heads"
                if trace.attention_kind == "transformer"
                else f"{trace.attention_kind}: α_ij",
            ),
            key=f"explorer-{name}",
            fmt=fmt,
        )
    if ss.explorer_attribution:
        attribution_card(name, trace, expected, per_row)
    right_elsewhere = None
    agreement = alignment_agreement(trace, expected)
    if (
        agreement
        and agreement[0] < agreement[1] / 2
        and expected
        and expected.accepts(trace.output)
    ):
        right_elsewhere = (
            "Right output, its mean attention mostly elsewhere: each head has its own job "
            "(the grid of every layer × head, below)."
            if trace.attention_kind == "transformer"
            else "Right output, attention mostly elsewhere: each h_j of the "
            "bidirectional encoder also carries its neighbours, so looking next "
            "door can be enough."
        )
    if over_regularised(task, expected, trace.output):
        right_elsewhere = OVER_REGULARISED
    views.output_card(
        None, trace, expected, caption=right_elsewhere, alignment_label=task.alignment_label
    )


def attribution_card(name: str, trace: Trace, expected: Example | None, per_row: int) -> None:
    """The model's attribution a_ij on its attention's rows and columns, and how often each
    one's largest value falls on the gold position, on this input."""
    method = ss.explorer_attribution_method
    complete = bool(ss.get("attribution_complete", False))  # Home's switch, if set there
    attribution = traces.attribution(name, models.get_model(name), trace, method, complete)
    views.plotly(
        figures.grid_attribution(
            trace, attribution.rows, per_row, large, title=f"{METHODS[method]}: a_ij"
        ),
        key=f"explorer-attribution-{name}",
        fmt=fmt,
    )
    att = alignment_agreement(trace, expected)
    attr = attribution_agreement(trace, attribution.argmax(), expected)
    gap = attribution.completeness_gap
    how_complete = "" if gap is None else f" Its rows miss their sums by {gap:.1%}."
    if attr is not None:
        looks = "" if att is None else f"α's largest weight {att[0]} of {att[1]} steps, "
        st.caption(
            f"On the {task.alignment_label.lower()}, this input: {looks}the largest "
            f"attribution {attr[0]} of {attr[1]}.{how_complete}"
        )
    elif how_complete:
        st.caption(how_complete.strip())


st.subheader("Every model of this task on this input")
ss.setdefault("explorer_attribution", True)
ss.setdefault("explorer_attribution_method", "ig")
with sidebar.page_section():
    st.toggle(
        "Attribution under each heatmap",
        key="explorer_attribution",
        help="Below each model's α_ij, how much each x_j moved log P(y_i) (from the model's "
        "gradients): where the two disagree, the heatmap does not show what the model used.",
        persist_state=session.KEEP,
    )
    st.radio(
        "Attribution method",
        list(METHODS),
        key="explorer_attribution_method",
        format_func=METHODS.__getitem__,
        disabled=not ss.explorer_attribution,
        persist_state=session.KEEP,
    )
if expected is not None:
    st.markdown(
        f"The task's answer: `{expected.target}`"
        + "".join(f" (or `{a}`)" for a in expected.alternatives)
    )
if about := task.about(source):
    st.caption(sentence(about))
views.legend_view(task)
per_row = figures.grid_columns(len(names), len(source), large)
for start in range(0, len(names), per_row):
    for col, name in zip(st.columns(per_row), names[start : start + per_row]):
        with col:
            model_card(
                name, traces.greedy(name, models.get_model(name), source, {}), expected, per_row
            )


# --- a Transformer's heads, one by one ------------------------------------------------------

for name in names:
    ckpt_t = models.get_model(name)
    if not ckpt_t.model.cfg.is_transformer:
        continue
    trace = traces.greedy(name, ckpt_t, source, {})
    st.divider()
    st.subheader(f"Every head of {models.label(name)}: layer × head")
    agreement = head_agreement(trace, expected)
    st.caption(
        "Its heatmap above is the mean of these "
        f"{ckpt_t.model.cfg.layers} × {ckpt_t.model.cfg.heads} cross-attention heads. Each "
        "head has its own queries and keys, so each can look somewhere else: some follow the "
        "alignment, others spread out or rest on one fixed letter."
        + (
            f" {task.alignment_label}: each title says how often that head's largest weight "
            "falls on it, for this input."
            if agreement
            else ""
        )
    )
    views.plotly(figures.head_grid(trace, agreement, large), key=f"explorer-heads-{name}", fmt=fmt)


# --- beam search -------------------------------------------------------------------------------

st.divider()
st.subheader(f"Beam search: the k best outputs of {models.label(choice.model)}")
st.caption(
    "Beam search keeps the k most likely partial outputs at every step and ranks the "
    "finished ones by log P(Y | X) = Σ_i log P(y_i | y_<i, X). The model is the "
    "sidebar's."
)
ss.setdefault("explorer_beam_width", 3)
st.slider("Beam width k", 2, 8, key="explorer_beam_width", persist_state=session.KEEP)
ckpt = models.get_model(choice.model)
hyps = traces.beam(choice.model, ckpt, source, ss.explorer_beam_width)
st.dataframe(
    figures.beam_frame(hyps, expected),
    width="stretch",
    column_config={
        "log P(Y|X)": st.column_config.NumberColumn(format="%.3f"),
        "P(Y|X)": st.column_config.NumberColumn(format="%.4f"),
    },
)
beams = [traces.hypothesis_trace(ckpt, source, h) for h in hyps]
if not ckpt.model.cfg.has_attention:
    st.info(NO_ATTENTION + ": its hypotheses have no α_ij to show.")
else:
    per_row = figures.grid_columns(len(beams), len(source), large)
    for start in range(0, len(beams), per_row):
        for k, col in zip(range(start, start + per_row), st.columns(per_row)):
            if k < len(beams):
                with col:
                    title = f"#{k + 1}: log P = {number(hyps[k].score)}"
                    fig = figures.grid_heatmap(beams[k], per_row, large, title=title)
                    views.plotly(fig, key=f"explorer-beam-{k}", fmt=fmt)

pick = views.beam_picker(hyps, "Inspect one hypothesis in full size", "explorer_beam_pick")
chosen = beams[pick]
st.markdown(
    " · ".join(
        part
        for part in (
            f"**#{pick + 1}:** `{chosen.output or '(empty)'}`",
            f"log P = {number(hyps[pick].score, 3)}",
            views.verdict_markdown(chosen.output, expected, chosen.separator),
        )
        if part
    )
)
st.caption(
    "P(y_i | y_<i, X) at each step: "
    + " · ".join(f"{token_text(s.token)} {s.prob:.3f}" for s in chosen.steps)
)
if chosen.has_attention:
    views.plotly(
        figures.grid_heatmap(chosen, 1, large, title=f"hypothesis #{pick + 1}: α_ij in full size"),
        key="explorer-beam-full",
        fmt=fmt,
    )
session.write_url()
