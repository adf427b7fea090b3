"""Which models a page can use, loaded once per server process.

Shipped checkpoints are read from checkpoints/ once (st.cache_resource: every session
shares the same read-only model). A session's own models (trained here, or opened from a
link) are in its state: no other session lists them. A model trained here is also kept in
the model store (s2s_core/store.py) under an unguessable id, which the link carries: the
link, and only the link, opens it again (after a reload, in another tab, on another
replica that shares the store's folder).
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import replace

import streamlit as st
import torch

from s2s_core import store, tasks
from s2s_core.device import pick_device
from s2s_core.shipped import CHECKPOINT_DIR, ModelName, default_name, read_metrics, shipped_names
from s2s_core.training.checkpoints import Checkpoint, load

TRAINED = "trained_models"  # session_state key: {name: Checkpoint} of this session's models
STORED = "stored_models"  # session_state key: {name: id in the model store} of those kept there
TRAINING = "training_id"  # session_state key: the store id of the model this session trains
WAITING = "waiting_ids"  # session_state key: store ids of models another tab still trains
OWN_TASKS = "own_tasks"  # session_state key: {name: task} of the pairs this session uploaded
MAX_OWN_MODELS = 5  # models one session may keep (each is a whole Seq2Seq in memory)


@st.cache_resource(show_spinner="Loading model…")
def load_shipped(name: str) -> Checkpoint:
    return load(CHECKPOINT_DIR / name, device())


@st.cache_resource
def device() -> torch.device:
    return pick_device("auto")


@st.cache_data(show_spinner=False)
def shipped_metrics(names: tuple[str, ...]) -> dict[str, dict]:
    """metrics.json of shipped checkpoints, those that have one (read-only files: safe to
    share between sessions; read once per server process)."""
    found = {name: read_metrics(name, missing_ok=True) for name in names}
    return {name: m for name, m in found.items() if m is not None}


@st.cache_resource(show_spinner=False)
def shipped(task: str) -> tuple[str, ...]:
    """The task's shipped models (checkpoints/ does not change while the server runs)."""
    return tuple(shipped_names(task))


def trained_models() -> dict[str, Checkpoint]:
    return st.session_state.setdefault(TRAINED, {})


def stored_ids() -> dict[str, str]:
    return st.session_state.setdefault(STORED, {})


def waiting_ids() -> list[str]:
    return st.session_state.setdefault(WAITING, [])


def link_ids() -> list[str]:
    """The store ids the link carries: this session's stored models, the one it trains and
    those it waits for."""
    ids = [stored_ids()[name] for name in trained_models() if name in stored_ids()]
    training = st.session_state.get(TRAINING)
    if training:
        ids.append(training)
    return list(dict.fromkeys(ids + waiting_ids()))  # each once, in this order


def model_store() -> store.ModelStore:
    """The model store the environment names (s2s_core/store.py: S2S_MODEL_STORE...)."""
    return store.configured()


@st.cache_resource(max_entries=64, show_spinner="Opening the model…")
def _load_stored(model_id: str, version: int) -> Checkpoint:
    """A stored model, read once per version (a class opening one link shares it)."""
    ckpt = model_store().get(model_id, device())
    ckpt.model.eval()
    return ckpt


def unique_name(name: str, taken: Container[str]) -> str:
    """`name`, or with ' #2', ' #3'... after it if `taken` has it already."""
    parsed = ModelName.parse(name)
    candidate, n = name, 2
    while candidate in taken:
        candidate = str(replace(parsed, copy=n)) if parsed else f"{name} #{n}"
        n += 1
    return candidate


def stored_name(ckpt: Checkpoint) -> str:
    """The name a stored model was trained under, if it is a well-formed trained name of
    its task (the store is on disk: its files are checked, never trusted)."""
    name = ckpt.info.get("name")
    parsed = ModelName.parse(name) if isinstance(name, str) and len(name) <= 80 else None
    clock = parsed.trained if parsed is not None else None
    if parsed and clock and re.fullmatch(r"[0-9:]{1,8}", clock) and parsed.task == ckpt.task:
        return str(replace(parsed, copy=None))
    return f"{ckpt.task}-model (from a link)"


def open_stored(model_id: str) -> str:
    """The stored model `model_id` joins this session's models, listed on every page; its
    name. StoreError (a message) for an id that is malformed, unknown or damaged."""
    store.check_id(model_id)
    for name, known in stored_ids().items():
        if known == model_id:
            return name
    ckpt = _load_stored(model_id, model_store().version(model_id))
    if ckpt.task not in tasks.TASKS and ckpt.task not in tasks.OWN_TASKS:  # no task.json
        raise store.StoreError("the stored model is for a task this app does not have")
    name = unique_name(stored_name(ckpt), trained_models())
    trained_models()[name] = ckpt
    stored_ids()[name] = model_id
    return name


def forget(name: str) -> None:
    """Drop one of this session's models (the store keeps it until its age limit: a
    shared link still opens it)."""
    trained_models().pop(name, None)
    stored_ids().pop(name, None)


def own_tasks() -> dict[str, tasks.Task]:
    """This session's own tasks: the pairs it uploaded, and the tasks of its own models
    (opened from a link: their pairs came with them). No other session's are listed."""
    found: dict[str, tasks.Task] = dict(st.session_state.get(OWN_TASKS, {}))
    for ckpt in trained_models().values():
        if ckpt.task not in tasks.TASKS and ckpt.task not in found:
            found[ckpt.task] = tasks.get_task(ckpt.task)
    return found


def add_own_task(task: tasks.Task) -> str:
    """A task of uploaded pairs joins this process's tasks and this session's list; its name."""
    task = tasks.register(task)
    st.session_state.setdefault(OWN_TASKS, {})[task.name] = task
    return task.name


def task_label(name: str) -> str:
    """A task as the sidebar lists it: its title; a teacher's own pairs say so."""
    title = tasks.get_task(name).title
    return title if name in tasks.TASKS else f"Your pairs: {title}"


def task_names() -> list[str]:
    """The tasks this session can pick: the shipped ones, then its own."""
    return [*tasks.TASKS, *own_tasks()]


def model_names(task: str) -> list[str]:
    """Every model this session can pick for `task`: shipped first, then its own."""
    own = [name for name, c in trained_models().items() if c.task == task]
    return [*shipped(task), *own]


def default_model(task: str) -> str:
    """The model the task opens with (shipped.DEFAULT_MODELS: attention that points where
    the output comes from), or the first model it has."""
    names = model_names(task)
    preferred = default_name(task)
    return preferred if preferred in names or not names else names[0]


LOOKS_NEXT_DOOR = (
    "This model's largest α_ij often falls next to the symbol it writes, not on it: "
    "attention weighs the encoder states h_j, not the symbols, and each h_j of a "
    "bidirectional encoder also carries its neighbours (the forward half of h_{j+1} read x_j "
    "one step before), so looking one position off still finds x_j. The -hx models' "
    "attention reads h_j + W_x E x_j, the symbol kept in view."
)


def looks_next_door(name: str) -> bool:
    """A shipped RNN attention model below the defaults' rule: its largest alpha_ij on the
    gold position on under 95% of held-out steps (metrics.json): reverse's additive, dot and
    general (one position past the letter), past's and g2p's additive."""
    parsed = ModelName.parse(name)
    if parsed is None or parsed.trained or parsed.attention in ("none", "transformer"):
        return False
    metrics = shipped_metrics((name,)).get(name)
    agreement = None if metrics is None else metrics["in_training_range"].get("alignment")
    return agreement is not None and agreement < 0.95


def get_model(name: str) -> Checkpoint:
    """A shipped checkpoint by name, or one this session trained."""
    own = trained_models()
    if name in own:
        return own[name]
    parsed = ModelName.parse(name)
    if parsed is None or not (CHECKPOINT_DIR / name / "config.json").is_file():
        raise KeyError(name)
    return load_shipped(name)


def label(name: str) -> str:
    """A readable label: 'reverse-additive' -> 'additive attention'.

    Reads no session state (a selectbox may call it outside a script run)."""
    parsed = ModelName.parse(name)
    if parsed is not None and parsed.trained and parsed.task not in tasks.TASKS:
        # a teacher's pairs: the task's name is a digest, and the sidebar names the task
        kind = {"transformer": "Transformer", "none": "no attention (fixed context c)"}.get(
            parsed.attention, f"{parsed.attention} attention"
        )
        return f"{kind}, d = {parsed.hidden} (trained {parsed.trained})" + (
            f" #{parsed.copy}" if parsed.copy else ""
        )
    if parsed is not None and parsed.trained:
        return name  # its name says that it was trained here
    if parsed is None or not (CHECKPOINT_DIR / name).is_dir():  # trained, with another name
        return f"{name} (trained here)"
    if parsed.attention == "transformer":
        return "Transformer (attention only)"
    if not parsed.has_attention:
        return "none (fixed context c)"
    size = "" if parsed.hidden is None else f", d = {parsed.hidden}"  # beside the task's size
    return (
        f"{parsed.attention} attention"
        + (", reads h_j + x_j" if parsed.memory == "h+x" else "")
        + size
    )
