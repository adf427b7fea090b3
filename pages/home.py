"""Home: type an input, step through decoding, watch attention and the context vectors.

Beside attention, attribution: how much each source symbol moved the log-probability of
the token written (s2s_core/attribution.py), on the same rows and columns, so a student
can see where the heatmap tells the truth and where it does not.

The page is thin: widgets, state and calls. The trace (the whole decoding, recorded step
by step) comes from s2s_core, the figures and formulas from presentation/, the shared
pieces from ui/. Task, model and input are the sidebar's (app.py draws it).
"""

from __future__ import annotations

import streamlit as st

from presentation.figures import heatmap
from presentation.heads import Head, with_head
from presentation.text import escape_markdown, token_text
from presentation.verdicts import OVER_REGULARISED, over_regularised
from s2s_core.attribution import METHODS
from s2s_core.model.decoding import Step, Trace
from s2s_core.shipped import ModelName
from ui import frame, models, session, sidebar, views

frame.ensure()  # Streamlit may run this page alone: then draw the frame here

ss = st.session_state
ss.setdefault("force", {})
ss.setdefault("playing", False)
ss.setdefault("speed", 0.8)
ss.setdefault("heat_view", "attention")
ss.setdefault("attribution_method", "ig")
ss.setdefault("attribution_complete", False)
choice = sidebar.choices()
task, large, fmt = choice.task, choice.large, choice.fig_format


def go_to(step: int) -> None:
    ss.step = step


with sidebar.page_section():
    st.radio(
        "Decoding",
        ["greedy", "beam"],
        key="decoding",
        horizontal=True,
        on_change=session.restart,
        persist_state=session.KEEP,
    )
    if ss.decoding == "beam":
        st.slider(
            "Beam width k",
            2,
            8,
            key="beam_width",
            on_change=session.restart,
            persist_state=session.KEEP,
        )
    st.radio(
        "Attribution method",
        list(METHODS),
        key="attribution_method",
        format_func=METHODS.__getitem__,
        help="How the attribution heatmap measures what each source symbol contributed to "
        "log P(y_i): integrated gradients (complete: a row adds up to the change from an "
        "all-‹pad› source) or input × gradient (one backward pass).",
        persist_state=session.KEEP,
    )
    st.toggle(
        "Complete integration",
        key="attribution_complete",
        disabled=ss.attribution_method != "ig",
        help="Integrated gradients answers within a quarter of a second, refining the rows "
        "whose sum misses its target while that fits. Switch this on to refine every row "
        "until it is within 5% (up to 512 points; a few seconds on long inputs).",
        persist_state=session.KEEP,
    )

st.title("Seq2Seq Attention Lab")
st.caption(f"**{task.title}.** {task.description}")
ckpt = models.get_model(choice.model)
source = choice.source
views.source_or_stop(source, ckpt.src_vocab, task.max_source_len)

# --- the trace (computed once per model, input and decoding; kept in this session) --------

if ss.decoding == "beam":
    hyps = session.beam(choice.model, ckpt, source, ss.beam_width)
    pick = views.beam_picker(
        hyps,
        "Beam hypotheses (best first): pick one to inspect",
        "beam_choice",
        on_change=lambda: go_to(0),
    )
    trace = session.hypothesis_trace(ckpt, source, hyps[pick])
else:
    trace = session.greedy(choice.model, ckpt, source, ss.force)
n = len(trace.steps)
ss.step = max(0, min(int(ss.get("step", 0)), n))
expected = task.solve(source)
fixed_name = str(ModelName(task.name, "none"))
fixed = (
    session.greedy(fixed_name, models.get_model(fixed_name), source, {})
    if fixed_name in models.model_names(task.name)
    else None
)


# --- the step-by-step view: a fragment, so Next/Back rerun only this part --------------------


def controls(step: int, playing: bool) -> None:
    """Reset, Back, Next, Play/Pause, the play speed and "step i of n"."""
    c = st.columns(
        [1.2, 1.2, 1.2, 1.3, 2.2, 2] if large else [1, 1, 1, 1.2, 2.5, 2],
        vertical_alignment="center",
    )
    c[0].button("⟲ Reset", key="reset", on_click=go_to, args=(0,), disabled=step == 0)
    c[1].button("◀ Back", key="back", on_click=go_to, args=(max(0, step - 1),), disabled=step == 0)
    c[2].button(
        "Next ▶",
        key="next",
        on_click=go_to,
        args=(min(n, step + 1),),
        disabled=step >= n,
        type="primary",
    )
    if c[3].button(
        "⏸ Pause" if playing else "▶ Play", key="play", disabled=step >= n and not playing
    ):
        ss.playing = not playing
        st.rerun()
    c[4].select_slider(
        "Play speed (s per step)",
        [2.0, 1.2, 0.8, 0.5, 0.3],
        key="speed",
        format_func=lambda s: f"{s:g} s",
        persist_state=session.KEEP,
    )  # kept while a bad input hides it
    c[5].markdown(f"### step {step} of {n}")


def what_if(current: Step) -> None:
    """Force another top-k token at this step and decode greedily from there."""
    key = "what-if"
    token = st.pills(
        f"What if step {current.index} had chosen another token?",
        [tok for tok, _ in current.topk if tok != current.token],
        key=key,
        format_func=lambda tok: escape_markdown(token_text(tok)),
        help=f"Force y_{current.index} to this token and decode greedily on",
    )
    if token is not None:
        ss.force = {i: t for i, t in ss.force.items() if i < current.index}
        ss.force[current.index] = token
        del ss[key]  # the choice is made: the next run shows the buttons unselected
        st.rerun()  # the whole page: the trace (outside this fragment) changes
    if ss.force and st.button("↩ Undo what-if", key="unforce"):
        ss.force = {}
        st.rerun()


def details(trace: Trace, step: int, head: Head) -> None:
    """Lazy tabs: only the open one is computed and drawn at each step (a step stays cheap)."""
    formulas_tab, diagram_tab, context_tab = st.tabs(
        [
            "The formulas at this step",
            "The model as a diagram",
            "Context vectors: c_i against the one fixed c",
        ],
        key="detail_tab",
        on_change="rerun",
    )
    if formulas_tab.open:
        with formulas_tab:
            views.formulas_view(trace, step, ckpt.model.cfg.rnn, head)
    if diagram_tab.open:
        with diagram_tab:
            views.diagram_view(trace, step, large, head)
    if context_tab.open:
        with context_tab:
            views.context_view(
                trace, step, fixed.fixed_context_norm if fixed else None, large, fmt, "main"
            )


def output_so_far(step: int, topk: bool = True) -> None:
    """y_1 .. y_step against the answer, this step's top-k (unless `topk` is False) and its
    what-if buttons."""
    st.markdown("**Output so far:** " + views.output_tokens(trace, step, expected))
    if step:
        if topk:
            views.topk_view(trace.steps[step - 1], large)
        if ss.decoding == "greedy":
            what_if(trace.steps[step - 1])


def heatmaps(view: str, step: int) -> None:
    """Attention, attribution or both (two heatmaps on the same rows and columns)."""
    if view == "attention":
        views.attention_view(shown, step, large, fmt, "main")
        return
    attribution = session.attribution(
        choice.model, ckpt, trace, ss.attribution_method, ss.attribution_complete
    )
    if view == "attribution":
        views.attribution_view(shown, attribution, step, large, fmt, "main")
        return
    a, b = (st.container(), st.container()) if large else st.columns(2)
    with a:
        views.attention_view(shown, step, large, fmt, "main", title="attention α_ij")
    with b:
        views.attribution_view(
            shown, attribution, step, large, fmt, "main", title="attribution a_ij", formula=False
        )
    views.attribution_formula_view(shown, attribution, step)  # across the page: it is wide


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
    controls(step, playing)
    view = st.radio(
        "Heatmap",
        list(views.HEAT_VIEWS),
        key="heat_view",
        format_func=views.HEAT_VIEWS.__getitem__,
        horizontal=True,
        help="Attention α: where the decoder looks. Attribution: how much each x_j moved "
        "log P(y_i), from the model's gradients. Both: side by side, same rows and columns.",
        persist_state=session.KEEP,
    )
    if large or view == "both":  # the heatmaps across the page, the step's output below
        heatmaps(view, step)
        left, right = (st.container(), st.container()) if large else st.columns(2)
        with left:
            output_so_far(step, topk=False)
        with right:
            if step:
                views.topk_view(trace.steps[step - 1], large)
    else:
        left, right = st.columns([3, 2])
        with left:
            heatmaps(view, step)
        with right:
            output_so_far(step)
    details(shown, step, head)
    session.write_url()


# A Transformer: one layer's head, or all heads' mean (outside the fragment: the export
# below follows the choice too)
head = views.head_picker(trace, "head")
shown = with_head(trace, head)
st.fragment(stepper, run_every=ss.speed if ss.playing else None)(ss.playing)

# --- the whole output, against the answer and the fixed-context model ------------------------

st.divider()
cols = st.columns(3)
with cols[0]:
    st.markdown("**Expected**")
    views.answer_view(task, source, expected)
with cols[1]:
    views.output_card(
        f"This model ({models.label(choice.model)})",
        trace,
        expected,
        caption=" · ".join(
            note
            for note, shown in (
                ("what-if active", bool(ss.force)),
                (OVER_REGULARISED, over_regularised(task, expected, trace.output)),
            )
            if shown
        )
        or None,
        say_no_answer=False,  # the Expected column says it
        alignment_label=task.alignment_label,
    )
with cols[2]:
    if fixed is not None and choice.model != fixed_name:
        views.output_card(
            "Fixed-context model (no attention)",
            fixed,
            expected,
            caption="One vector c for the whole input (seed §6): long inputs overflow it.",
            say_no_answer=False,
        )

views.legend_view(task)

with st.expander("Export and share"):
    if trace.has_attention:
        st.download_button(
            "Download the attention matrix (CSV)",
            heatmap.attention_frame(shown).to_csv(index=False),
            file_name=f"attention-{choice.model}"
            + ("" if head is None else f"-layer{head[0] + 1}-head{head[1] + 1}")
            + ".csv",
            mime="text/csv",
        )
    st.markdown(
        "The address bar holds this view (task, model, input, step, decoding, a "
        "Transformer's head, the heatmap shown): copy it to share. "
        "Each figure's camera icon downloads it as PNG or SVG (sidebar)."
    )
