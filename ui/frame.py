"""The frame around every page: what app.py runs before the page, in this order.

    the page config             wide, the tab's icon (first: see `draw`), then the page's title
    the navigation              st.navigation: Home, Attention explorer, Bottleneck, Train, Theory
    the link                    read once per browser session (task, model, input, step, the
                                session's stored models), every value checked
    a finished training job     handed to the session that started it (the Train page), and
                                models a link waits for (training in another tab) opened
    a lecture                   the link's room joined once; a follower's task, model and
                                input set to the presenter's (ui/lecture.py)
    the shared sidebar          task, model and input where the page uses them, Classroom
                                mode, figure format: the same values on every page

Streamlit still knows its legacy pages/ folder: until st.navigation has been called once in
a server process (its very first run), and in every AppTest run, it looks a page file up by
its address and runs it alone, without app.py. So each page's address is its file's name
(the file is found: no "page not found") and each page starts with `ensure()`: run alone,
it draws this frame itself, then goes on as if app.py had run it. Either way the frame's
widgets are drawn as app.py's (`_as_entrypoint`), so they keep their state from run to run.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from . import lecture, lost, models, navigation, session, sidebar, training_jobs
from .style import ACCESSIBLE_CSS

# Everything imported by now (Streamlit, torch, pandas, Plotly, Altair, Captum: some 330,000
# objects) lives as long as the server. A full garbage collection would walk them all, about
# 130 ms holding the GIL while every session waits, each time enough new objects have
# survived; frozen (gc.freeze), they are out of its sight and a collection walks only what
# the runs made since. Measured in BENCHMARKS.md (load group).
gc.freeze()

_FRAMED: ContextVar[bool] = ContextVar("framed", default=False)  # this run has its frame


@contextmanager
def _as_entrypoint() -> Iterator[None]:
    """Streamlit tells widgets apart by the script that draws them: draw these as app.py's,
    also when Streamlit runs a page file alone, so their ids (and state) never change."""
    ctx = get_script_run_ctx()
    if ctx is None:  # not inside a Streamlit run (bare mode)
        yield
        return
    with ctx.run_with_active_hash(ctx.pages_manager.main_script_hash):
        yield


RUNS_AT_ONCE = 2  # page runs one server process lets go on at the same time


@st.cache_resource
def _run_slots() -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(RUNS_AT_ONCE)


@contextmanager
def run_slot() -> Iterator[None]:
    """Wait for one of RUNS_AT_ONCE slots, then run the page (app.py).

    Streamlit runs every session's script in its own thread, but Python runs one thread at
    a time (the GIL). Sixty sessions' runs at once do not finish sooner than one after the
    other; they cost more: each tensor operation of a decoding hands the GIL to another
    thread and waits to get it back. Measured with 300 sessions typing an input every ~5 s
    (benchmarks/load.py): 63 ms of server CPU per new input with every run at once, 35 ms
    with two at a time, and twice the inputs served per second. Two, not one: a long run
    (a complete integration of a 30-letter input) then holds up only half the server.
    """
    with _run_slots():
        yield


def draw() -> st.Page:
    """Everything around the page; returns the page the student is on."""
    with _as_entrypoint():
        # The tab's icon before the navigation: else the browser takes the page's Material
        # icon for it, an image Streamlit fetches from Google's font server (the navigation
        # itself draws its icons with the font Streamlit ships). Nothing comes from outside.
        st.set_page_config(page_icon="🔍", layout="wide")
        page = st.navigation(navigation.st_pages())
        spec = navigation.current(page)
        title = "Seq2Seq Attention Lab"  # the browser tab: "Theory · Seq2Seq Attention Lab"
        st.set_page_config(page_title=title if spec.key == "home" else f"{spec.title} · {title}")
        st.markdown(ACCESSIBLE_CSS, unsafe_allow_html=True)  # contrast, formulas on phones
        first = not st.session_state.get("_url_read")  # this run reads the link
        notes = session.init_from_url(claim=training_jobs.claim)
        notes += lecture.read_link(st.session_state, st.query_params)
        if first:  # the models the link opened: one whose training was cut off says so
            notes += lost.lost_training_notes()
        lecture.sync(st.session_state)  # a follower shows what the presenter shows
        training_jobs.deliver(st.session_state)
        training_jobs.open_waiting()
        sidebar.draw(spec)
        if notes:  # one box, whatever the link got wrong
            st.warning(
                "**Part of this link could not be used:**\n"
                + "\n".join(f"- {note}" for note in notes),
                icon=":material/link_off:",
            )
        if spec.uses_model and not models.model_names(st.session_state.task):
            no_model_yet()  # your own pairs, before a model was trained on them
    return page


def no_model_yet() -> None:
    """A page that decodes, on a task with no model yet: where to train one; the page stops."""
    st.info(
        "This task has no model yet: train one on the **Train** page (the sidebar's task is "
        "the one it trains), then come back.",
        icon=":material/model_training:",
    )
    navigation.link("train", "Train a model on these pairs")
    st.stop()


def run(page: st.Page) -> None:
    """Run the page inside the frame just drawn (app.py's last line)."""
    framed = _FRAMED.set(True)
    try:
        page.run()
    finally:
        _FRAMED.reset(framed)


def ensure() -> None:
    """A page's first call: if Streamlit ran the page alone, draw the frame here."""
    if not _FRAMED.get():
        draw()
