"""This browser session's decoding state and the shareable link (its traces: ui/traces.py).

State lives in st.session_state (one per browser tab, never shared). The link's query
parameters mirror task, model, input, step, decoding, a Transformer's head, Home's
heatmap (attention, attribution or both, and the attribution method), Classroom mode and the
store ids of the session's own models (`model_id`), so a copied link, or a reload, reopens
the same view with the same models: `init_from_url` reads them once per session (ui/frame.py
calls it), checking each against its row of LINK_PARAMETERS, and `write_url` keeps them
current.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, MutableMapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlencode

import streamlit as st

from presentation.text import escape_markdown, token_text
from s2s_core import store, tasks
from s2s_core.attribution import METHODS
from s2s_core.model.vocab import NEVER_WRITTEN

from . import models
from .models import default_model
from .navigation import home_url

BEAM_WIDTHS = range(2, 9)
HEAT_VIEWS = ("attention", "attribution", "both")  # Home's heatmap: alpha, a_ij or both
KEEP: Final = "session"  # persist_state: a page's widget keeps its value while another page shows


def max_steps(task_name: str) -> int:
    return tasks.get_task(task_name).max_target_len + 1


MAX_LINK_INPUT = 200  # characters a link's input may have (a task's inputs are far shorter)
MAX_LINKED = models.MAX_OWN_MODELS  # stored models one link may open
_STEP = re.compile(r"[0-9]{1,3}")
_HEAD = re.compile(r"[1-9][0-9]?\.[1-9][0-9]?")  # "3.2": layer 3, head 2
_BEAMS = {str(width) for width in BEAM_WIDTHS}  # "2" .. "8": no "03", no "+3"


def shown(value: str, limit: int = 40) -> str:
    """A value from the link, quoted for a note: short, escapes for what cannot be seen (NUL,
    an RTL override), and no Markdown, HTML or math (it is shown literally)."""
    cut = value if len(value) <= limit else value[:limit] + "…"
    return escape_markdown(repr(cut) if cut.isprintable() else ascii(cut))


@dataclass
class Reading:
    """A link being read: the state filled so far (its task, its model) and the stored
    models it opened, by name."""

    state: MutableMapping
    opened: list[str]

    def task(self) -> tasks.Task:
        return tasks.get_task(self.state["task"])

    def note(self, template: str, text: str, default: object) -> str:
        """A refusal's note: `template` with {value} (the link's value, quoted), {length},
        {default}, {model} and {task} (the task read so far)."""
        task = models.own_tasks().get(self.state.get("task", "")) or tasks.TASKS.get(
            self.state.get("task", "")
        )
        model = self.state.get("model")
        return template.format(
            value=shown(text), length=len(text), default=default, model=model, task=task
        )


@dataclass(frozen=True)
class LinkParameter:
    """One query parameter of the link: the state `key` it fills; `check(text, reading)`, the
    value to keep or None to refuse it; `default(reading)`, what stands when it is absent or
    refused (None: nothing, the page's own default); the `note` a refusal gets."""

    name: str
    key: str
    check: Callable[[str, Reading], object]
    default: Callable[[Reading], object] | None
    note: str  # a format string, see Reading.note


def _one_of(options: Collection[str]) -> Callable[[str, Reading], str | None]:
    return lambda text, _reading: text if text in options else None


def _always(value: object) -> Callable[[Reading], object]:
    return lambda _reading: value


def _shipped_or_own(text: str, reading: Reading) -> str | None:
    """A model of the task read: shipped, or one of this session's own."""
    return text if text in models.model_names(reading.state["task"]) else None


def _known_task(text: str, _reading: Reading) -> str | None:
    """A shipped task, or one of this session's own (its models, opened first, brought it)."""
    return text if text in models.task_names() else None


def _task(reading: Reading) -> str:
    """The task of the first stored model the link opened, or reverse."""
    return models.trained_models()[reading.opened[0]].task if reading.opened else "reverse"


def _model(reading: Reading) -> str:
    """The first stored model the link opened, if it is one of this task, else its default."""
    task, opened = reading.state["task"], reading.opened
    return opened[0] if opened and opened[0] in models.model_names(task) else default_model(task)


def _step(text: str, reading: Reading) -> int | None:
    ok = _STEP.fullmatch(text) and int(text) <= max_steps(reading.state["task"])
    return int(text) if ok else None


def _head(text: str, reading: Reading) -> tuple[int, int] | None:
    """Layer and head of a link's "3.2" as (2, 1), counted from 0, if the model read is a
    Transformer with that head; else None."""
    if not _HEAD.fullmatch(text):
        return None
    layer, head = (int(part) - 1 for part in text.split("."))
    cfg = models.get_model(reading.state["model"]).model.cfg
    return (layer, head) if cfg.is_transformer and layer < cfg.layers and head < cfg.heads else None


# Read in this order (a model is checked against the task read before it, a step against the
# task's length, a head against the model): name, state key, check, default, note.
LINK_PARAMETERS = (
    LinkParameter(
        "task", "task", _known_task, _task, "unknown task {value} in the link; showing {default}"
    ),
    LinkParameter(
        "model",
        "model",
        _shipped_or_own,
        _model,
        "model {value} is not available here; showing {default}",
    ),
    LinkParameter(  # anything short enough is taken as typed: the page says what it can't decode
        "input",
        "input",
        lambda text, _r: text if len(text) <= MAX_LINK_INPUT else None,
        lambda r: r.task().default_input,
        "the link's input {value} has {length:,} characters, far more than an input of this "
        "task ({task.max_source_len} at most); showing the default input",
    ),
    LinkParameter(
        "decoding",
        "decoding",
        _one_of(("greedy", "beam")),
        _always("greedy"),
        "unknown decoding {value} in the link; decoding greedily",
    ),
    LinkParameter(
        "beam",
        "beam_width",
        lambda text, _r: int(text) if text in _BEAMS else None,
        _always(3),
        f"beam width {{value}} is not {BEAM_WIDTHS[0]}–{BEAM_WIDTHS[-1]}; using {{default}}",
    ),
    LinkParameter(
        "step", "step", _step, _always(0), "step {value} is not a step of this task; showing step 0"
    ),
    LinkParameter(  # Home's picker shows this head
        "head", "head", _head, None, "{model} has no head {value}; showing the mean of its heads"
    ),
    LinkParameter(
        "view",
        "heat_view",
        _one_of(HEAT_VIEWS),
        None,
        "unknown view {value} in the link; showing attention",
    ),
    LinkParameter(
        "attribution",
        "attribution_method",
        _one_of(METHODS),
        None,
        "unknown attribution method {value}; using integrated gradients",
    ),
    LinkParameter(  # a projector's link: written only when on
        "classroom",
        "classroom",
        lambda text, _r: {"1": True, "0": False}.get(text),
        None,
        "classroom {value} in the link is neither 1 nor 0; Classroom mode stays off",
    ),
)


def init_from_url(claim: Callable[[str], str] = lambda _id: "no job") -> list[str]:
    """Fill the state from the link once per session; returns notes about refused values.

    Every value is checked before it is used (anyone can type a link): a value the app
    cannot use is replaced by its default, with a short note (LINK_PARAMETERS, in the order
    read). Model ids (`model_id`, one per stored model) come first: `claim(id)`
    (training_jobs.claim) takes over the job on the board that trains the model, or waits
    for it; with no such job the model is opened from the store."""
    ss = st.session_state
    if ss.get("_url_read"):
        return []
    ss["_url_read"] = True
    notes: list[str] = []
    reading = Reading(ss, _open_linked_models(st.query_params.get_all("model_id"), claim, notes))
    for param in LINK_PARAMETERS:
        text = st.query_params.get(param.name)
        value = None if text is None else param.check(text, reading)
        if value is None:  # absent or refused: the default
            value = None if param.default is None else param.default(reading)
            if text is not None:
                notes.append(reading.note(param.note, text, value))
        if value is not None:
            ss[param.key] = value
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
    if ss.get("classroom"):  # a projector's link opens in Classroom mode
        params["classroom"] = "1"
    if ids := models.link_ids():  # a reload brings this session's stored models back
        params["model_id"] = ids
    if room := ss.get("lecture"):  # a reload rejoins; only the presenter's holds the key
        params["lecture"] = room["code"]
        if room["role"] == "presenter":
            params["presenter"] = room["key"]
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
    The browser sends it, so it is checked: ignored (False) unless it is about the trace
    shown (`key`) and 1 <= i <= n; refused (False, with a note) unless t is a token the model
    may write, one of its vocabulary `vocab` and never <pad>, <sos> or <unk>."""
    if not isinstance(event, dict) or event.get("key") != key:
        return False
    i, token = event.get("step"), event.get("token")
    if type(i) is not int or not 1 <= i <= n:
        return False
    if not isinstance(token, str) or token not in vocab or token in NEVER_WRITTEN:
        st.toast(refused_what_if(token), icon="🚫")
        return False
    ss["force"] = {k: t for k, t in ss.get("force", {}).items() if k < i} | {i: token}
    ss["step"] = i
    return True


def refused_what_if(token: object) -> str:
    """The note a what-if token the model may not write gets."""
    return (
        f"What-if refused: {shown(token_text(str(token)))} is not a token this model writes "
        "(its output symbols, and ‹eos› to end); the output is unchanged"
    )


def on_task_change() -> None:
    """A new task: its default input and its additive model (or the first one there is)."""
    ss = st.session_state
    ss.model = default_model(ss.task)
    ss.input = tasks.get_task(ss.task).default_input
    restart()
