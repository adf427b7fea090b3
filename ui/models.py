"""Which models a page can use, loaded once per server process.

Shipped checkpoints are read from checkpoints/ once (st.cache_resource: every session
shares the same read-only model). Models trained in the browser live in this session's
state only, so no other session ever sees them.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
import torch

from s2s_core.checkpoints import Checkpoint, load
from s2s_core.model import ATTENTION_KINDS, pick_device
from s2s_core.zoo import CHECKPOINT_DIR

TRAINED = "trained_models"  # session_state key: {name: Checkpoint} of this session's models


@st.cache_resource(show_spinner="Loading model…")
def load_shipped(name: str) -> Checkpoint:
    return load(CHECKPOINT_DIR / name, device())


@st.cache_resource
def device() -> torch.device:
    return pick_device("auto")


def shipped_names(task: str) -> list[str]:
    """The shipped main models of a task, in the order none, additive, dot, general."""
    return [f"{task}-{k}" for k in ATTENTION_KINDS if (CHECKPOINT_DIR / f"{task}-{k}").is_dir()]


def trained_models() -> dict[str, Checkpoint]:
    return st.session_state.setdefault(TRAINED, {})


def model_names(task: str) -> list[str]:
    """Every model this session can pick for `task`: shipped first, then its own."""
    own = [name for name, c in trained_models().items() if c.task == task]
    return shipped_names(task) + own


def get_model(name: str) -> Checkpoint:
    """A shipped checkpoint by name, or one this session trained."""
    own = trained_models()
    if name in own:
        return own[name]
    if not (CHECKPOINT_DIR / name).is_dir() or Path(name).name != name:
        raise KeyError(name)
    return load_shipped(name)


def label(name: str) -> str:
    """A readable label: 'reverse-additive' -> 'additive attention'.

    Reads no session state (a selectbox may call it outside a script run)."""
    if not (CHECKPOINT_DIR / name).is_dir():  # trained on the Train page, in this session
        return name if "(trained" in name else f"{name} (trained here)"
    kind = name.split("-", 1)[1]
    return "none (fixed context c)" if kind == "none" else f"{kind} attention"
