"""Which models a page can use, loaded once per server process.

Shipped checkpoints are read from checkpoints/ once (st.cache_resource: every session
shares the same read-only model). Models trained in the browser live in this session's
state only, so no other session ever sees them.
"""

from __future__ import annotations

import streamlit as st
import torch

from s2s_core.device import pick_device
from s2s_core.shipped import CHECKPOINT_DIR, ModelName, read_metrics, shipped_names
from s2s_core.training.checkpoints import Checkpoint, load

TRAINED = "trained_models"  # session_state key: {name: Checkpoint} of this session's models


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


def model_names(task: str) -> list[str]:
    """Every model this session can pick for `task`: shipped first, then its own."""
    own = [name for name, c in trained_models().items() if c.task == task]
    return [*shipped(task), *own]


def default_model(task: str) -> str:
    """The task's additive attention model, or the first model it has."""
    names = model_names(task)
    additive = str(ModelName(task, "additive"))
    return additive if additive in names else names[0]


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
    if parsed is not None and parsed.trained:
        return name  # its name says that it was trained here
    if parsed is None or not (CHECKPOINT_DIR / name).is_dir():  # trained, with another name
        return f"{name} (trained here)"
    if parsed.attention == "transformer":
        return "Transformer (attention only)"
    if not parsed.has_attention:
        return "none (fixed context c)"
    return f"{parsed.attention} attention" + (", reads h_j + x_j" if parsed.memory == "h+x" else "")
