"""Attention explorer: one input through every model of a task, side by side, and beam search.

For each model its whole attention matrix alpha_ij (row i: output step, column j: source
position; seed §7), its output and whether it is right; the model without attention uses
one fixed c instead (seed §6). Below, beam search: the k best outputs by log P(Y | X),
each with its own alignment. The page is thin: the numbers come from s2s_core.
"""

from __future__ import annotations

import streamlit as st

from s2s_core import figures, figures_explorer, tasks, theory
from s2s_core.decoding import Trace
from s2s_core.formulas import number
from s2s_core.tasks import Example
from ui import models, session, views

st.set_page_config(page_title="Attention explorer · Seq2Seq Attention Lab", page_icon="🔍",
                   layout="wide")
ss = st.session_state
notes = session.init_from_url()

large, fmt = session.classroom_toggle(), session.figure_format()

st.title("Attention explorer")
st.caption("One input through every model of the task: where each one looks (α_ij), what it "
           "writes, and the k best outputs of beam search.")
for note in notes:
    st.warning(note)
col_task, col_in = st.columns([1.5, 3])
col_task.selectbox("Task", list(tasks.TASKS), key="task", on_change=session.on_task_change,
                   format_func=lambda name: tasks.TASKS[name].title, persist_state=session.KEEP)
task = tasks.get_task(ss.task)
col_in.text_input("Input", key="input", on_change=session.restart, persist_state=session.KEEP,
                  help=f"Up to {task.max_source_len} symbols from the task's alphabet")
session.remember()

names = models.model_names(task.name)
source = task.typed_source(ss.input)
views.source_or_stop(source, models.get_model(names[0]).src_vocab, task.max_source_len)
expected = task.solve(source)


# --- every model, side by side ---------------------------------------------------------------

def model_card(name: str, trace: Trace, expected: Example | None) -> None:
    """One model: its heatmap (or the fixed-context note), output, verdict, alignment."""
    st.markdown(f"#### {views.escape_markdown(models.label(name))}")
    if trace.attention_kind == "none":
        st.info(figures.NO_ATTENTION + f" (‖c‖ = {trace.fixed_context_norm:.2f}).")
    else:
        views.plotly(figures_explorer.grid_heatmap(trace, per_row, large,
                                                   title=f"{trace.attention_kind}: α_ij"),
                     key=f"explorer-{name}", fmt=fmt)
    st.code(trace.output or "(empty)", language=None)
    st.markdown(views.verdict(trace.output, expected)
                or ":gray[no known answer: the task would not write this input]")
    agreement = theory.alignment_agreement(trace, expected)
    if agreement is not None:
        hits, total = agreement
        st.caption(f"Gold alignment: the largest α_ij falls on the right source position at "
                   f"**{hits}/{total}** steps ({hits / total:.0%}).")
        if hits < total / 2 and expected is not None and trace.output == expected.target:
            st.caption("Right output, attention mostly elsewhere: each h_j of the "
                       "bidirectional encoder also carries its neighbours, so looking next "
                       "door can be enough.")


st.subheader("Every model of this task on this input")
if expected is not None:
    st.markdown(f"The task's answer: `{expected.target}`")
per_row = figures_explorer.grid_columns(len(names), len(source), large)
for start in range(0, len(names), per_row):
    for col, name in zip(st.columns(per_row), names[start : start + per_row]):
        with col:
            model_card(name, session.greedy(name, models.get_model(name), source, {}), expected)


# --- beam search -------------------------------------------------------------------------------

st.divider()
st.subheader("Beam search: the k best outputs")
st.caption("Beam search keeps the k most likely partial outputs at every step and ranks the "
           "finished ones by log P(Y | X) = Σ_i log P(y_i | y_<i, X).")
preferred = ss.get("model") if ss.get("model") in names else f"{task.name}-additive"
if ss.get("explorer_beam_model") not in names:
    ss.explorer_beam_model = preferred if preferred in names else names[-1]
ss.setdefault("explorer_beam_width", 3)
col_model, col_width = st.columns([1, 2])
col_model.selectbox("Model", names, key="explorer_beam_model", format_func=models.label)
col_width.slider("Beam width k", 2, 8, key="explorer_beam_width")
beam_name = ss.explorer_beam_model
ckpt = models.get_model(beam_name)
hyps = session.beam(beam_name, ckpt, source, ss.explorer_beam_width)
st.dataframe(figures_explorer.beam_frame(hyps, expected), width="stretch",
             column_config={"log P(Y|X)": st.column_config.NumberColumn(format="%.3f"),
                            "P(Y|X)": st.column_config.NumberColumn(format="%.4f")})
beams = [session.hypothesis_trace(ckpt, source, h) for h in hyps]
if ckpt.model.cfg.attention == "none":
    st.info(figures.NO_ATTENTION + ": its hypotheses have no α_ij to show.")
else:
    per_row = figures_explorer.grid_columns(len(beams), len(source), large)
    for start in range(0, len(beams), per_row):
        for k, col in zip(range(start, start + per_row), st.columns(per_row)):
            if k < len(beams):
                with col:
                    title = f"#{k + 1}: log P = {number(hyps[k].score)}"
                    fig = figures_explorer.grid_heatmap(beams[k], per_row, large, title=title)
                    views.plotly(fig, key=f"explorer-beam-{k}", fmt=fmt)

if ss.get("explorer_beam_pick", 0) >= len(hyps):
    ss.explorer_beam_pick = 0
pick = st.radio("Inspect one hypothesis in full size", range(len(hyps)), horizontal=True,
                key="explorer_beam_pick",
                format_func=lambda k: f"#{k + 1} “{hyps[k].output}”")
chosen = beams[pick]
st.markdown(" · ".join(part for part in (
    f"**#{pick + 1}:** `{chosen.output or '(empty)'}`", f"log P = {number(hyps[pick].score, 3)}",
    views.verdict(chosen.output, expected)) if part))
st.caption("P(y_i | y_<i, X) at each step: " + " · ".join(
    f"{views.token_text(s.token)} {s.prob:.3f}" for s in chosen.steps))
if chosen.attention_kind != "none":
    views.plotly(figures_explorer.grid_heatmap(chosen, 1, large,
                                               title=f"hypothesis #{pick + 1}: α_ij in full size"),
                 key="explorer-beam-full", fmt=fmt)
session.write_url()
