"""This browser session's decoding state, its trace cache, and the shareable link.

State lives in st.session_state (one per browser tab, never shared). The link's query
parameters mirror task, model, input, step, decoding, a Transformer's head and Home's
heatmap (attention, attribution or both, and the attribution method), so a copied
link reopens the same view: `init_from_url` reads them once per session (ui/frame.py calls it), and
`write_url` keeps them current.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Collection, MutableMapping
from typing import Final, TypeVar

import streamlit as st

from s2s_core import tasks
from s2s_core.attribution import METHODS, QUICK_S, Attribution, AttributionMethod, attribute
from s2s_core.model.decoding import (
    Hypothesis,
    Trace,
    beam_search,
    encode_source,
    greedy_trace,
    new_trace,
)
from s2s_core.shipped import ModelName
from s2s_core.training.checkpoints import Checkpoint

from .models import default_model, model_names

MAX_CACHED_TRACES = 32
BEAM_WIDTHS = range(2, 9)
HEAT_VIEWS = ("attention", "attribution", "both")  # Home's heatmap: alpha, a_ij or both
KEEP: Final = "session"  # persist_state: a page's widget keeps its value while another page shows
T = TypeVar("T")


def max_steps(task_name: str) -> int:
    return tasks.get_task(task_name).max_target_len + 1


def init_from_url() -> list[str]:
    """Fill the state from the link once per session; returns notes about ignored values."""
    ss = st.session_state
    if ss.get("_url_read"):
        return []
    ss["_url_read"] = True
    qp, notes = st.query_params, []
    task = qp.get("task", "reverse")
    if task not in tasks.TASKS:
        notes.append(f"unknown task {task!r} in the link; showing reverse")
        task = "reverse"
    ss["task"] = task
    model = qp.get("model", str(ModelName(task, "additive")))
    if model not in model_names(task):
        if "model" in qp:
            notes.append(f"model {model!r} is not available here; showing {default_model(task)}")
        model = default_model(task)
    ss["model"] = model
    ss["input"] = qp.get("input", tasks.get_task(task).default_input)
    ss["decoding"] = "beam" if qp.get("decoding") == "beam" else "greedy"
    beam = qp.get("beam", "3")
    ss["beam_width"] = int(beam) if beam.isdigit() and int(beam) in BEAM_WIDTHS else 3
    step = qp.get("step", "0")
    ss["step"] = int(step) if step.isdigit() and len(step) < 4 else 0
    if re.fullmatch(r"[1-9]\d?\.[1-9]\d?", head := qp.get("head", "")):  # "3.2": layer 3, head 2
        layer, h = (int(x) - 1 for x in head.split("."))
        ss["head"] = (layer, h)  # Home's picker keeps it only if the model has that head
    if (view := qp.get("view")) in HEAT_VIEWS:
        ss["heat_view"] = view
    if (method := qp.get("attribution")) in METHODS:
        ss["attribution_method"] = method
    return notes


def write_url() -> None:
    """Mirror the state into the query parameters (the shareable link)."""
    ss = st.session_state
    params = {
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
    if dict(st.query_params) != params:
        st.query_params.from_dict(params)


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
