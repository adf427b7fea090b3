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

from presentation import stepping
from presentation.figures import heatmap
from presentation.guess import guess_data
from presentation.heads import with_head
from presentation.verdicts import OVER_REGULARISED, over_regularised
from s2s_core.attribution import METHODS
from s2s_core.shipped import ModelName
from s2s_lab.decoding import Decoding, metrics_of
from ui import (
    frame,
    lecture,
    lecture_panel,
    models,
    session,
    sidebar,
    stepview,
    takeaway,
    traces,
    views,
)

frame.ensure()  # Streamlit may run this page alone: then draw the frame here

ss = st.session_state
ss.setdefault("force", {})
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
        disabled=lecture.following(),  # the presenter chooses
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
            disabled=lecture.following(),
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
    st.toggle(
        "Quiz me",
        key="quiz",
        disabled=ss.get("lecture") is not None,
        help="Before each step is shown, guess where the decoder will look: click a source "
        "position. A running score counts the guesses where the model looked.",
    )

if lecture.presenting():  # the projector's screen is the class's: the join panel, the view
    lecture_panel.join_panel(ss.lecture["code"])
else:
    st.title("Seq2Seq Attention Lab")
st.caption(f"**{task.title}.** {task.description}")
ckpt = models.get_model(choice.model)
source = choice.source
views.source_or_stop(source, ckpt.src_vocab, task.max_source_len)

# --- the trace (computed once per model, input and decoding; kept in this session) --------

if ss.decoding == "beam":
    hyps = traces.beam(choice.model, ckpt, source, ss.beam_width)
    pick = views.beam_picker(
        hyps,
        "Beam hypotheses (best first): pick one to inspect",
        "beam_choice",
        on_change=lambda: go_to(0),
    )
    trace = traces.hypothesis_trace(ckpt, source, hyps[pick])
else:
    pick = -1  # no beam hypothesis
    trace = traces.greedy(choice.model, ckpt, source, ss.force)
n = len(trace.steps)
ss.step = max(0, min(int(ss.get("step", 0)), n))
expected = task.solve(source)
fixed_name = str(ModelName(task.name, "none"))
fixed = (
    traces.greedy(fixed_name, models.get_model(fixed_name), source, {})
    if fixed_name in models.model_names(task.name)
    else None
)


# --- the step view: the whole trace, stepped through in the browser ----------------------
# Next, Back, Play and the keys run in the browser (ui/stepview.py): the page runs again
# only when the trace or what it shows changes.

# A Transformer: one layer's head, or all heads' mean (the export below follows it too)
head = views.head_picker(trace, "head", disabled=lecture.following())
shown = with_head(trace, head)
view = st.radio(
    "Heatmap",
    list(views.HEAT_VIEWS),
    key="heat_view",
    disabled=lecture.following(),
    format_func=views.HEAT_VIEWS.__getitem__,
    horizontal=True,
    help="Attention α: where the decoder looks. Attribution: how much each x_j moved "
    "log P(y_i), from the model's gradients. Both: side by side, same rows and columns.",
    persist_state=session.KEEP,
)
attribution_key = (ss.attribution_method, ss.attribution_complete)
attribution = (
    traces.attribution(choice.model, ckpt, trace, *attribution_key, what_if=bool(ss.force))
    if view != "attention"
    else None
)
trace_key = stepping.trace_key(
    choice.model, source, ss.decoding, ss.get("beam_width"), pick, sorted(ss.force.items())
)


# A lecture: the presenter's page says what it shows; a follower's opens at the room's step
room = None
if lecture.presenting():
    room = lecture.publish(ss, lecture.content_of(ss, len(trace.source_tokens), n))
elif lecture.following():
    room = lecture.applied(ss)  # the room whose content this run shows
lecture_data = lecture.view_data(ss, room)
if lecture_data is not None and lecture.following():
    ss.step = min(lecture_data["state"]["step"], n)
quiz = bool(ss.get("quiz")) and lecture_data is None


def force_token() -> None:
    """A what-if button of the step view was pressed (its event: ss.stepview.force)."""
    event = ss.stepview.force if "stepview" in ss else None
    session.force_token(ss, event, trace_key, n, ckpt.tgt_vocab.stoi)


params = stepping.StepViewParams(
    shown,
    trace_key,
    ss.step,
    view,  # type: ignore[arg-type]  # one of HEAT_VIEWS: the radio's options
    expected,
    attribution=attribution,
    fixed_norm=fixed.fixed_context_norm if fixed else None,
    large=large,
    image_format=fmt,
    what_if=ss.decoding == "greedy",
    rnn=ckpt.model.cfg.rnn,
    head=head,
)
# Drawn once per trace and view: for every session (a shipped model's, no what-if), for
# every follower of a lecture, else for this run; the session's own parts go beside it.
view_key = (id(ckpt), trace_key, view, large, fmt, head, *attribution_key)


def draw_view() -> bytes:
    return stepview.encode(stepping.step_view(params))


stepview.step_view(
    traces.step_view(view_key, draw_view, not ss.force and traces.shipped(choice.model)),
    max(0, min(ss.step, n)),
    on_force=force_token,
    extra={
        "quiz": quiz,
        "lecture": lecture_data,
        "guess": guess_data(shown, attribution) if quiz or lecture_data else None,
    },
)
if ss.force and st.button("↩ Undo what-if", key="unforce"):
    ss.force = {}
    st.rerun()
if attribution is not None:
    st.caption(views.attribution_caption(attribution))

# The seed's §8 diagram of each step: drawn for every step at once when opened (the step
# view shows the current one).
diagrams = st.expander("The model as a diagram", key="diagram_open", on_change="rerun")
if diagrams.open:
    with diagrams:
        for i in range(n + 1):
            with st.container(key=stepping.step_key(i, "diagram")):
                views.diagram_view(shown, i, large, head)
session.write_url()

# --- the whole output, against the answer and the fixed-context model ------------------------

st.divider()
# While the class guesses, the whole output must not give the next step away: the step view
# hides this container (stepview.CARDS) while a question or a quiz asks.
cards = st.container(key=stepview.CARDS)
cols = cards.columns(3)
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
                (models.LOOKS_NEXT_DOOR, models.looks_next_door(choice.model)),
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
            lambda: heatmap.attention_frame(shown).to_csv(index=False),  # made when clicked
            file_name=f"attention-{choice.model}"
            + ("" if head is None else f"-layer{head[0] + 1}-head{head[1] + 1}")
            + ".csv",
            mime="text/csv",
        )
    takeaway.downloads(
        lambda: Decoding(
            ckpt,
            source,
            shown,
            view,  # type: ignore[arg-type]  # one of HEAT_VIEWS
            head,
            attribution,
            expected,
            fixed.fixed_context_norm if fixed else None,
            metrics_of(ckpt),
        ),
        f"decoding-{choice.model}-{takeaway.file_stem(source)}",
    )
    st.markdown(
        "The address bar holds this view (task, model, input, step, decoding, a "
        "Transformer's head, the heatmap shown): copy it to share. "
        "Each figure's camera icon downloads it as PNG or SVG (sidebar)."
    )
