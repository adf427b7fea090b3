"""The sidebar every page shares, drawn once by the frame (app.py).

    Task                  on every page
    Model, Input          on the pages that decode one input (PageSpec.uses_model/uses_input),
                          and "Share this model" under a model kept in the model store
    Lecture               on Home: start, join, follow or present a lecture (ui/lecture_panel.py)
    Classroom mode        large text and figures for a projector
    Figure download       PNG or SVG from each figure's camera icon

The widgets live in the frame, so their values hold on every page: a task chosen on one
page is the task on all of them. A page reads them with `choices()`.
"""

from __future__ import annotations

import random
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Literal

import streamlit as st
import torch
from streamlit.delta_generator import DeltaGenerator

from s2s_core import tasks
from s2s_core.tasks import Task
from s2s_core.training.evaluation import held_out

from . import lecture, lecture_panel, models, session, views
from .navigation import PageSpec
from .style import CLASSROOM_CSS

FigureFormat = Literal["png", "svg"]
# Where a page puts sidebar widgets of its own (Home's decoding choice): below the input,
# above Classroom mode. One per script run (each session's run has its own thread).
_PAGE_SECTION: ContextVar[DeltaGenerator] = ContextVar("page_section")


@dataclass(frozen=True)
class Choices:
    """What the sidebar says, read by the pages."""

    task: Task
    model: str  # a name from models.model_names(task.name)
    text: str  # the Input box as typed
    large: bool  # Classroom mode
    fig_format: FigureFormat

    @property
    def source(self) -> str:
        """The source the typed input stands for (Task.typed_source)."""
        return self.task.typed_source(self.text)


def page_section() -> DeltaGenerator:
    """The sidebar's place for this page's own widgets: `with sidebar.page_section(): ...`."""
    return _PAGE_SECTION.get()


def choices() -> Choices:
    ss = st.session_state
    task = tasks.get_task(ss.task)
    return Choices(
        task,
        ss.get("model") or models.default_model(task.name),
        ss.get("input", task.default_input),
        bool(ss.get("classroom")),
        ss.get("fig_format", "png"),
    )


@st.cache_data(show_spinner=False)
def held_out_inputs(task_name: str) -> list[str]:
    task = tasks.get_task(task_name)
    pool = task.held_out_pool()  # g2p: the held-out words themselves, nothing to solve
    return list(pool) if pool is not None else [e.source for e in held_out(task)]


def random_example() -> None:
    """A random input from the task's held-out set (never seen in training)."""
    st.session_state.input = random.choice(held_out_inputs(st.session_state.task))
    session.restart()


def try_input() -> None:
    """One of the task's teaching inputs ("knight", "phoenix"), picked from the Try pills."""
    ss = st.session_state
    if ss.get("try_input"):
        ss.input = ss.try_input
        ss.try_input = None  # the pills show no selection again
        session.restart()


def _model_choice() -> None:
    """The Model choice among this task's models (its default one, shipped.DEFAULT_MODELS, if
    the last is not there)."""
    ss = st.session_state
    names = models.model_names(ss.task)
    if ss.get("model") not in names:
        ss.model = models.default_model(ss.task)
    st.selectbox(
        "Model",
        names,
        key="model",
        disabled=lecture.following(),
        format_func=models.label,
        on_change=session.restart,
        persist_state=session.KEEP,
        help="none: one fixed context vector c for every step (seed §4–6); "
        "additive, dot, general: attention's score functions (seed §7)",
    )
    if ss.model in models.stored_ids():  # trained here or opened from a link: it has a link
        views.share_button(ss.model, key="share_sidebar")


def _input_box() -> None:
    """The Input box, and a Random example from the held-out set under it."""
    task = tasks.get_task(st.session_state.task)
    locked = lecture.following()  # the presenter chooses
    st.text_input(
        "Input",
        key="input",
        disabled=locked,
        on_change=session.restart,
        persist_state=session.KEEP,
        help=f"Up to {task.max_source_len} symbols from the task's alphabet",
    )
    st.button(
        "Random example",
        on_click=random_example,
        width="stretch",
        disabled=locked,
        help="A random input from this task's held-out set (never seen in training)",
    )
    if task.teaching_inputs:
        st.pills(
            "Try",
            task.teaching_inputs,
            key="try_input",
            on_change=try_input,
            disabled=locked,
            help="Inputs that show this task's lesson",
        )


def draw(page: PageSpec) -> None:
    """The shared sidebar for `page` (the page reads it with `choices()`)."""
    with st.sidebar:
        names = models.task_names()
        if st.session_state.get("task") not in names:  # a task this session no longer has
            st.session_state.task = "reverse"
            session.on_task_change()
        st.selectbox(
            "Task",
            names,
            key="task",
            on_change=session.on_task_change,
            disabled=lecture.following(),
            format_func=models.task_label,
        )
        if page.uses_model:
            _model_choice()
        if page.uses_input:
            _input_box()
        _PAGE_SECTION.set(st.container())
        if page.key == "home":  # the page that steps: a lecture leads it
            lecture_panel.sidebar_section()
        large = st.toggle(
            "Classroom mode", key="classroom", help="Large fonts and figures for a projector"
        )
        st.radio("Figure download (camera icon)", ["png", "svg"], key="fig_format", horizontal=True)
        st.caption(
            f"Device: **{models.device()}** · torch {torch.__version__} · "
            f"{torch.get_num_threads()} CPU threads"
        )
    if large:
        st.markdown(CLASSROOM_CSS, unsafe_allow_html=True)
