"""This browser session's decoding state, its trace cache, and the shareable link.

State lives in st.session_state (one per browser tab, never shared). The link's query
parameters mirror task, model, input, step, decoding, a Transformer's head, Home's
heatmap (attention, attribution or both, and the attribution method) and the store ids of
the session's own models (`model_id`), so a copied link, or a reload, reopens the same
view with the same models: `init_from_url` reads them once per session (ui/frame.py calls
it), checking each, and `write_url` keeps them current.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Collection, MutableMapping
from typing import Final, TypeVar
from urllib.parse import urlencode

import streamlit as st

from presentation.text import escape_markdown
from s2s_core import store, tasks
from s2s_core.attribution import METHODS, QUICK_S, Attribution, AttributionMethod, attribute
from s2s_core.model.decoding import (
    Hypothesis,
    Trace,
    beam_search,
    encode_source,
    greedy_trace,
    new_trace,
)
from s2s_core.training.checkpoints import Checkpoint

from . import models
from .models import default_model
from .navigation import home_url

MAX_CACHED_TRACES = 32
BEAM_WIDTHS = range(2, 9)
HEAT_VIEWS = ("attention", "attribution", "both")  # Home's heatmap: alpha, a_ij or both
KEEP: Final = "session"  # persist_state: a page's widget keeps its value while another page shows
T = TypeVar("T")


def max_steps(task_name: str) -> int:
    return tasks.get_task(task_name).max_target_len + 1


MAX_LINK_INPUT = 200  # characters a link's input may have (a task's inputs are far shorter)
MAX_LINKED = models.MAX_OWN_MODELS  # stored models one link may open
_STEP = re.compile(r"[0-9]{1,3}")
_HEAD = re.compile(r"[1-9][0-9]?\.[1-9][0-9]?")  # "3.2": layer 3, head 2


def shown(value: str, limit: int = 40) -> str:
    """A value from the link, quoted for a note: short, escapes for what cannot be seen (NUL,
    an RTL override), and no Markdown, HTML or math (it is shown literally)."""
    cut = value if len(value) <= limit else value[:limit] + "…"
    return escape_markdown(repr(cut) if cut.isprintable() else ascii(cut))


def init_from_url(claim: Callable[[str], str] = lambda _id: "no job") -> list[str]:
    """Fill the state from the link once per session; returns notes about refused values.

    Every value is checked before it is used (anyone can type a link): a value the app
    cannot use is replaced by its default, with a short note. Model ids (`model_id`, one per
    stored model) come first: `claim(id)` (training_jobs.claim) takes over the job on the
    board that trains the model, or waits for it; with no such job the model is opened from
    the store."""
    ss = st.session_state
    if ss.get("_url_read"):
        return []
    ss["_url_read"] = True
    qp = st.query_params
    notes: list[str] = []
    opened = _open_linked_models(qp.get_all("model_id"), claim, notes)
    first = models.trained_models()[opened[0]] if opened else None

    task = qp.get("task", first.task if first else "reverse")
    if task not in tasks.TASKS:
        notes.append(f"unknown task {shown(task)} in the link; showing reverse")
        task = "reverse"
    ss["task"] = task
    names = models.model_names(task)
    fallback = opened[0] if opened and opened[0] in names else default_model(task)
    model = qp.get("model", fallback)
    if model not in names:
        notes.append(f"model {shown(model)} is not available here; showing {fallback}")
        model = fallback
    ss["model"] = model
    ss["input"] = _link_input(qp.get("input"), task, notes)
    if (decoding := qp.get("decoding", "greedy")) not in ("greedy", "beam"):
        notes.append(f"unknown decoding {shown(decoding)} in the link; decoding greedily")
    ss["decoding"] = "beam" if decoding == "beam" else "greedy"
    ss["beam_width"] = 3
    if (beam := qp.get("beam")) is not None:
        if beam in {str(width) for width in BEAM_WIDTHS}:
            ss["beam_width"] = int(beam)
        else:
            widths = f"{BEAM_WIDTHS[0]}–{BEAM_WIDTHS[-1]}"
            notes.append(f"beam width {shown(beam)} is not {widths}; using 3")
    ss["step"] = 0
    if (step := qp.get("step")) is not None:
        if _STEP.fullmatch(step) and int(step) <= max_steps(task):
            ss["step"] = int(step)
        else:
            notes.append(f"step {shown(step)} is not a step of this task; showing step 0")
    if (head := qp.get("head")) is not None:
        if (found := _head(head, model)) is not None:
            ss["head"] = found  # Home's picker shows this head
        else:
            notes.append(f"{model} has no head {shown(head)}; showing the mean of its heads")
    if (view := qp.get("view")) is not None:
        if view in HEAT_VIEWS:
            ss["heat_view"] = view
        else:
            notes.append(f"unknown view {shown(view)} in the link; showing attention")
    if (method := qp.get("attribution")) is not None:
        if method in METHODS:
            ss["attribution_method"] = method
        else:
            notes.append(f"unknown attribution method {shown(method)}; using integrated gradients")
    return notes


def _open_linked_models(ids: list[str], claim: Callable[[str], str], notes: list[str]) -> list[str]:
    """The link's stored models (`model_id`): each id checked, then claimed (the job on the
    board trains it) or opened from the store. The names of those opened."""
    if len(ids) > MAX_LINKED:
        notes.append(f"the link names {len(ids)} stored models; opening the first {MAX_LINKED}")
    opened = []
    for model_id in ids[:MAX_LINKED]:
        try:
            outcome = claim(store.check_id(model_id))
            if outcome == "another tab":
                notes.append(
                    f"model id {shown(model_id)} is still training in another tab; it "
                    "becomes your model here when its training ends"
                )
            elif outcome == "no job":
                opened.append(models.open_stored(model_id))
        except store.StoreError as err:
            notes.append(f"model id {shown(model_id)}: {err}")
    return opened


def _head(text: str, model: str) -> tuple[int, int] | None:
    """Layer and head of a link's "3.2" as (2, 1), counted from 0, if `model` is a
    Transformer with that head; else None."""
    if not _HEAD.fullmatch(text):
        return None
    layer, head = (int(part) - 1 for part in text.split("."))
    cfg = models.get_model(model).model.cfg
    return (layer, head) if cfg.is_transformer and layer < cfg.layers and head < cfg.heads else None


def _link_input(text: str | None, task_name: str, notes: list[str]) -> str:
    """The link's input, as if typed (the page says what it can't decode), unless it is too
    long to be one: then the task's default input, with a note."""
    task = tasks.get_task(task_name)
    if text is None:
        return task.default_input
    if len(text) > MAX_LINK_INPUT:
        notes.append(
            f"the link's input {shown(text)} has {len(text):,} characters, far more than "
            f"an input of this task ({task.max_source_len} at most); showing the default input"
        )
        return task.default_input
    return text


def write_url() -> None:
    """Mirror the state into the query parameters (the shareable link)."""
    ss = st.session_state
    params: dict[str, str | list[str]] = {
        "task": ss["task"],
        "model": ss["model"],
        "input": ss.get("input", ""),
        "step": str(ss.get("step", 0)),
    }
    if ss.get("decoding") == "beam":
        params |= {"decoding": "beam", "beam": str(ss.get("beam_width", 3))}
    if isinstance(head := ss.get("head"), tuple):  # a Transformer's head on Home: "layer.head"
        params["head"] = f"{head[0] + 1}.{head[1] + 1}"
    if (view := ss.get("heat_view", "attention")) != "attention":
        params["view"] = view
        params["attribution"] = ss.get("attribution_method", "ig")
    if ids := models.link_ids():  # a reload brings this session's stored models back
        params["model_id"] = ids
    now = {key: st.query_params.get_all(key) for key in st.query_params}
    if now != {k: v if isinstance(v, list) else [v] for k, v in params.items()}:
        st.query_params.from_dict(params)


def share_link(name: str) -> str:
    """The link that opens the stored model `name` on Home for anyone who has it (its task,
    and its id: whoever opens it names the model themselves)."""
    ckpt = models.trained_models()[name]
    query = urlencode({"task": ckpt.task, "model_id": models.stored_ids()[name]})
    return f"{home_url(st.context.url or '')}?{query}"


def restart() -> None:
    """A new input, model or decoding: Home's step and what-if start over."""
    ss = st.session_state
    ss.step, ss.force = 0, {}


def force_token(
    ss: MutableMapping, event: object, key: str, n: int, vocab: Collection[str]
) -> bool:
    """A what-if of Home's step view, `event` = {"step": i, "token": t, "key": trace key}:
    force y_i = t (keeping the what-ifs before step i), decode greedily on, open at step i.
    Ignored (False) unless it is about the trace shown (`key`), 1 <= i <= n and t is a
    token of the model's vocabulary `vocab`: the browser sends it, so it is checked."""
    if not isinstance(event, dict) or event.get("key") != key:
        return False
    i, token = event.get("step"), event.get("token")
    if type(i) is not int or not 1 <= i <= n or not isinstance(token, str) or token not in vocab:
        return False
    ss["force"] = {k: t for k, t in ss.get("force", {}).items() if k < i} | {i: token}
    ss["step"] = i
    return True


def on_task_change() -> None:
    """A new task: its default input and its additive model (or the first one there is)."""
    ss = st.session_state
    ss.model = default_model(ss.task)
    ss.input = tasks.get_task(ss.task).default_input
    restart()


# --- the traces of this session (a small cache: Next/Back never recompute) ---------------


def cached(key: tuple, compute: Callable[[], T]) -> T:
    """compute() once per key in this session (an LRU cache of MAX_CACHED_TRACES entries)."""
    cache: OrderedDict = st.session_state.setdefault("_traces", OrderedDict())
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    value = cache[key] = compute()
    if len(cache) > MAX_CACHED_TRACES:
        cache.popitem(last=False)
    return value


def greedy(name: str, ckpt: Checkpoint, source: str, force: dict[int, str]) -> Trace:
    key = ("greedy", name, id(ckpt), source, tuple(sorted(force.items())))
    return cached(
        key,
        lambda: greedy_trace(
            ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, source, max_steps(ckpt.task), force=force
        ),
    )


def beam(name: str, ckpt: Checkpoint, source: str, width: int) -> list[Hypothesis]:
    key = ("beam", name, id(ckpt), source, width)
    return cached(
        key,
        lambda: beam_search(
            ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, source, width, max_steps(ckpt.task)
        ),
    )


def attribution(
    name: str, ckpt: Checkpoint, trace: Trace, method: AttributionMethod, complete: bool = False
) -> Attribution:
    """The attribution of every step of `trace`, computed once per trace and method (only
    when a view asks for it: integrated gradients costs a few hundred forward passes).
    Integrated gradients refines its rows while that fits in QUICK_S seconds, or (`complete`)
    until each row is within the tolerance, however long that takes."""
    tokens = tuple(s.token for s in trace.steps)
    key = ("attribution", name, id(ckpt), trace.source, tokens, method, complete)
    budget = None if complete else QUICK_S
    return cached(
        key,
        lambda: attribute(
            ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, trace.source, trace, method, budget_s=budget
        ),
    )


def hypothesis_trace(ckpt: Checkpoint, source: str, hyp: Hypothesis) -> Trace:
    """A beam hypothesis shown like a greedy trace (its own steps and attention)."""
    enc = encode_source(ckpt.model, ckpt.src_vocab, source)
    trace = new_trace(ckpt.model, source, enc, ckpt.tgt_vocab.separator)
    trace.steps = hyp.steps
    return trace
