"""This browser session's decoding state, its trace cache, and the shareable URL.

State lives in st.session_state (one per browser tab, never shared). The URL's query
parameters mirror task, model, input, step and decoding, so a copied link reopens the
same view: `init_from_url` reads them once per session, `write_url` keeps them current.
"""

from __future__ import annotations

from collections import OrderedDict

import streamlit as st

from s2s_core import tasks
from s2s_core.checkpoints import Checkpoint
from s2s_core.decoding import Hypothesis, Trace, beam_search, encode_source, greedy_trace, new_trace

from .models import model_names

MAX_CACHED_TRACES = 32
BEAM_WIDTHS = range(2, 9)


def max_steps(task_name: str) -> int:
    return tasks.get_task(task_name).max_target_len + 1


def init_from_url() -> list[str]:
    """Fill the state from the URL once per session; returns notes about ignored values."""
    ss = st.session_state
    if ss.get("_url_read"):
        for key, value in recall().items():  # back from another page: restore the choices
            ss.setdefault(key, value)
        return []
    ss["_url_read"] = True
    qp, notes = st.query_params, []
    task = qp.get("task", "reverse")
    if task not in tasks.TASKS:
        notes.append(f"unknown task {task!r} in the link; showing reverse")
        task = "reverse"
    ss["task"] = task
    model = qp.get("model", f"{task}-additive")
    names = model_names(task)
    if model not in names:
        if "model" in qp:
            notes.append(f"model {model!r} is not available here; showing {task}-additive")
        model = f"{task}-additive" if f"{task}-additive" in names else names[0]
    ss["model"] = model
    ss["input"] = qp.get("input", tasks.get_task(task).default_input)
    ss["decoding"] = "beam" if qp.get("decoding") == "beam" else "greedy"
    beam = qp.get("beam", "3")
    ss["beam_width"] = int(beam) if beam.isdigit() and int(beam) in BEAM_WIDTHS else 3
    step = qp.get("step", "0")
    ss["step"] = int(step) if step.isdigit() and len(step) < 4 else 0
    return notes


SHARED = ("task", "model", "input")  # what every page works on


def remember() -> None:
    """Copy the choices into keys no widget owns: Streamlit forgets a widget's key on a
    page that does not draw that widget, so the other pages read these copies."""
    for key in SHARED:
        if key in st.session_state:
            st.session_state[f"shared_{key}"] = st.session_state[key]


def recall() -> dict[str, str]:
    """The task, model and input chosen last on any page (defaults: reverse, additive)."""
    ss = st.session_state
    task = ss.get("shared_task", "reverse")
    return {"task": task, "model": ss.get("shared_model", f"{task}-additive"),
            "input": ss.get("shared_input", tasks.get_task(task).default_input)}


def write_url() -> None:
    """Mirror the state into the query parameters (the shareable link)."""
    ss = st.session_state
    params = {"task": ss["task"], "model": ss["model"], "input": ss.get("input", ""),
              "step": str(ss.get("step", 0))}
    if ss.get("decoding") == "beam":
        params |= {"decoding": "beam", "beam": str(ss.get("beam_width", 3))}
    if dict(st.query_params) != params:
        st.query_params.from_dict(params)


def _cache() -> OrderedDict:
    return st.session_state.setdefault("_traces", OrderedDict())


def cached(key: tuple, compute):
    """compute() once per key in this session (a small LRU cache: Next/Back never recompute)."""
    cache = _cache()
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    value = cache[key] = compute()
    if len(cache) > MAX_CACHED_TRACES:
        cache.popitem(last=False)
    return value


def greedy(name: str, ckpt: Checkpoint, source: str, force: dict[int, str]) -> Trace:
    key = ("greedy", name, id(ckpt), source, tuple(sorted(force.items())))
    return cached(key, lambda: greedy_trace(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, source,
                                            max_steps(ckpt.task), force=force))


def beam(name: str, ckpt: Checkpoint, source: str, width: int) -> list[Hypothesis]:
    key = ("beam", name, id(ckpt), source, width)
    return cached(key, lambda: beam_search(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, source,
                                           width, max_steps(ckpt.task)))


def hypothesis_trace(ckpt: Checkpoint, source: str, hyp: Hypothesis) -> Trace:
    """A beam hypothesis shown like a greedy trace (its own steps and attention)."""
    trace = new_trace(ckpt.model, source, encode_source(ckpt.model, ckpt.src_vocab, source))
    trace.steps = hyp.steps
    return trace


CLASSROOM_CSS = ("<style>[data-testid='stMarkdownContainer'] p, [data-testid='stCaptionContainer'],"
                 " [data-testid='stWidgetLabel'] p, button p, input "
                 "{ font-size: 1.3rem !important; } "
                 "h1, h1 * { font-size: 3rem !important; } "
                 "h2, h2 * { font-size: 2.3rem !important; } "
                 "h3, h3 * { font-size: 1.9rem !important; } "
                 # outputs and formulas: the answers must not be the smallest text
                 "[data-testid='stCode'] code, [data-testid='stMarkdownContainer'] code "
                 "{ font-size: 1.3rem !important; } "
                 ".katex-display .katex { font-size: 1.5em !important; } "
                 # a slider's value above its thumb, clear of the track
                 "[data-testid='stSliderThumbValue'] { margin-top: -0.45rem; }</style>")
KEEP = "session"  # persist_state: a widget's value follows the student to other pages and back


def restart() -> None:
    """A new input, model or decoding: Home's step and what-if start over."""
    ss = st.session_state
    ss.step, ss.force, ss.playing = 0, {}, False


def on_task_change() -> None:
    """A new task: its default input and its additive model (or the first one there is)."""
    ss = st.session_state
    task = tasks.get_task(ss.task)
    names = model_names(task.name)
    ss.model = f"{task.name}-additive" if f"{task.name}-additive" in names else names[0]
    ss.input = task.default_input
    restart()


def figure_format() -> str:
    """The sidebar's choice of download format for the figures' camera icon."""
    return st.sidebar.radio("Figure download (camera icon)", ["png", "svg"], key="fig_format",
                            horizontal=True, persist_state=KEEP)


def classroom_toggle() -> bool:
    """The sidebar's Classroom mode switch, the same on every page (it follows the student
    from page to page); when on, larger text via our own fixed CSS (no user text in it)."""
    on = st.sidebar.toggle("Classroom mode", key="classroom", persist_state=KEEP,
                           help="Large fonts and figures for a projector")
    if on:
        st.markdown(CLASSROOM_CSS, unsafe_allow_html=True)
    return on
