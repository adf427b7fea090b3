"""Seq2Seq Attention Lab: type an input, step through decoding, watch attention work.

The page is thin: widgets and layout. The model, the decoding trace and the figures
come from s2s_core; ui/ holds the Streamlit helpers the pages share.
"""

from __future__ import annotations

import random

import streamlit as st
import torch

from s2s_core import figures, tasks
from s2s_core.evaluation import Prediction, held_out
from s2s_core.formulas import number
from ui import models, session, training_jobs, views

st.set_page_config(page_title="Seq2Seq Attention Lab", page_icon="🔍", layout="wide")
ss = st.session_state
training_jobs.deliver(ss)  # a model this session trained on the Train page, now finished
notes = session.init_from_url()
ss.setdefault("force", {})
ss.setdefault("playing", False)
ss.setdefault("speed", 0.8)


# --- callbacks: they change the state before the rerun draws it ---------------------------

@st.cache_data(show_spinner=False)
def held_out_sources(task_name: str) -> list[str]:
    return [e.source for e in held_out(tasks.get_task(task_name))]


def random_example() -> None:
    ss.input = random.choice(held_out_sources(ss.task))
    session.restart()


def go_to(step: int) -> None:
    ss.step = step


# --- sidebar ---------------------------------------------------------------------------------

with st.sidebar:
    st.selectbox("Task", list(tasks.TASKS), key="task", on_change=session.on_task_change,
                 format_func=lambda name: tasks.TASKS[name].title)
    names = models.model_names(ss.task)
    if ss.get("model") not in names:
        ss.model = names[0]
    st.selectbox("Model", names, key="model", format_func=models.label, on_change=session.restart,
                 help="none: one fixed context vector c for every step (seed §4–6); "
                      "additive, dot, general: attention's score functions (seed §7)")
    st.radio("Decoding", ["greedy", "beam"], key="decoding", horizontal=True,
             on_change=session.restart)
    if ss.decoding == "beam":
        st.slider("Beam width k", 2, 8, key="beam_width", on_change=session.restart)
    st.caption(f"Device: **{models.device()}** · torch {torch.__version__} · "
               f"{torch.get_num_threads()} CPU threads")

large = session.classroom_toggle()
session.figure_format()

# --- input -----------------------------------------------------------------------------------

task = tasks.get_task(ss.task)
st.title("Seq2Seq Attention Lab")
st.caption(f"**{task.title}.** {task.description}")
for note in notes:
    st.warning(note)

col_in, col_btn = st.columns([4, 1], vertical_alignment="bottom")
col_in.text_input("Input", key="input", on_change=session.restart,
                  help=f"Up to {task.max_source_len} symbols from the task's alphabet")
col_btn.button("Random example", on_click=random_example, width="stretch",
               help="A random input from this task's held-out set (never seen in training)")

session.remember()
ckpt = models.get_model(ss.model)
source = task.typed_source(ss.input)
views.source_or_stop(source, ckpt.src_vocab, task.max_source_len)

# --- the trace (computed once per model, input and decoding; kept in this session) --------

if ss.decoding == "beam":
    hyps = session.beam(ss.model, ckpt, source, ss.beam_width)
    choice = st.radio("Beam hypotheses (best first): pick one to inspect",
                      range(len(hyps)), horizontal=True, key="beam_choice",
                      format_func=lambda k: f"#{k + 1} “{hyps[k].output}” "
                                            f"(log P = {number(hyps[k].score)})",
                      on_change=go_to, args=(0,))
    trace = session.hypothesis_trace(ckpt, source, hyps[min(choice or 0, len(hyps) - 1)])
else:
    trace = session.greedy(ss.model, ckpt, source, ss.force)
n = len(trace.steps)
ss.step = max(0, min(int(ss.get("step", 0)), n))
expected = task.solve(source) if hasattr(task, "solve") else None
fixed_name = f"{task.name}-none"
fixed = (session.greedy(fixed_name, models.get_model(fixed_name), source, {})
         if fixed_name in models.shipped_names(task.name) else None)


# --- the step-by-step view: a fragment, so Next/Back rerun only this part --------------------

def stepper(playing: bool) -> None:
    if ss.playing != playing:  # Play/Pause changes the timer: rebuild the whole page
        st.rerun()
    if playing:
        if ss.step < n:
            ss.step += 1
        else:
            ss.playing = False
            st.rerun()
    step = ss.step
    c = st.columns([1.2, 1.2, 1.2, 1.3, 2.2, 2] if large else [1, 1, 1, 1.2, 2.5, 2],
                   vertical_alignment="center")
    c[0].button("⟲ Reset", key="reset", on_click=go_to, args=(0,), disabled=step == 0)
    c[1].button("◀ Back", key="back", on_click=go_to, args=(max(0, step - 1),),
                disabled=step == 0)
    c[2].button("Next ▶", key="next", on_click=go_to, args=(min(n, step + 1),),
                disabled=step >= n, type="primary")
    if c[3].button("⏸ Pause" if playing else "▶ Play", key="play", disabled=step >= n
                   and not playing):
        ss.playing = not playing
        st.rerun()
    c[4].select_slider("Play speed (s per step)", [2.0, 1.2, 0.8, 0.5, 0.3], key="speed",
                       format_func=lambda s: f"{s:g} s",
                       persist_state=session.KEEP)  # kept while a bad input hides it
    c[5].markdown(f"### step {step} of {n}")

    left, right = (st.container(), st.container()) if large else st.columns([3, 2])
    with left:
        views.attention_view(trace, step, large, ss.fig_format, "main")
    with right:
        st.markdown("**Output so far:** " + views.output_tokens(trace, step, expected))
        if step:
            current = trace.steps[step - 1]
            views.topk_view(current, large)
            if ss.decoding == "greedy":
                what_if(current)
    # Lazy tabs: only the open one is computed and drawn at each step (a step stays cheap).
    formulas_tab, context_tab = st.tabs(["The formulas at this step",
                                         "Context vectors: c_i against the one fixed c"],
                                        key="detail_tab", on_change="rerun")
    if formulas_tab.open:
        with formulas_tab:
            views.formulas_view(trace, step, ckpt.model.cfg.rnn)
    if context_tab.open:
        with context_tab:
            views.context_view(trace, step, fixed.fixed_context_norm if fixed else None, large,
                               ss.fig_format, "main")
    session.write_url()


def what_if(current) -> None:
    """Force another top-k token at this step and decode greedily from there."""
    key = "what-if"
    token = st.pills(f"What if step {current.index} had chosen another token?",
                     [tok for tok, _ in current.topk if tok != current.token], key=key,
                     format_func=lambda tok: views.escape_markdown(views.token_text(tok)),
                     help=f"Force y_{current.index} to this token and decode greedily on")
    if token is not None:
        ss.force = {i: t for i, t in ss.force.items() if i < current.index}
        ss.force[current.index] = token
        del ss[key]  # the choice is made: the next run shows the buttons unselected
        st.rerun()  # the whole page: the trace (outside this fragment) changes
    if ss.force and st.button("↩ Undo what-if", key="unforce"):
        ss.force = {}
        st.rerun()


st.fragment(stepper, run_every=ss.speed if ss.playing else None)(ss.playing)

# --- the whole output, against the answer and the fixed-context model ------------------------

st.divider()
cols = st.columns(3)
with cols[0]:
    st.markdown("**Expected**")
    if expected is None:
        st.caption("This input is not one the task generates, so there is no known answer.")
    else:
        st.code(expected.target, language=None)
        if expected.alignment and trace.attention_kind != "none":
            argmax = [max(range(len(s.attention)), key=s.attention.__getitem__)
                      for s in trace.steps]
            hits, total = Prediction(expected, trace.output, argmax).alignment_hits()
            if total:
                st.caption(f"Attention on the gold source position: **{hits}/{total}** steps")
with cols[1]:
    st.markdown(f"**This model ({models.label(ss.model)})**")
    st.code(trace.output or "(empty)", language=None)
    st.markdown(views.verdict(trace.output, expected) + (" · what-if active" if ss.force
                                                         else ""))
with cols[2]:
    if fixed is not None and ss.model != fixed_name:
        st.markdown("**Fixed-context model (no attention)**")
        st.code(fixed.output or "(empty)", language=None)
        st.markdown(views.verdict(fixed.output, expected))
        st.caption("One vector c for the whole input (seed §6): long inputs overflow it.")

with st.expander("Export and share"):
    if trace.attention_kind != "none":
        st.download_button("Download the attention matrix (CSV)",
                           figures.attention_frame(trace).to_csv(index=False),
                           file_name=f"attention-{ss.model}.csv", mime="text/csv")
    st.markdown("The address bar holds this view (task, model, input, step): copy it to share. "
                "Each figure's camera icon downloads it as PNG or SVG (sidebar).")
