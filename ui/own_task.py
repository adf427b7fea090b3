"""The Train page's own pairs: upload a file or paste pairs, see what was kept, train on them.

The pairs are read and checked by s2s_core/tasks/pairs_file.py; what was kept and refused
is shown as tables (presentation/pairs.py: never as Markdown or HTML). "Use these pairs"
makes them a task (s2s_core/tasks/pairs.py) for this session: the sidebar lists it, the
Train page trains on it, and the model carries the pairs into the model store, so its link
brings both back.
"""

from __future__ import annotations

import hashlib
import re

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from presentation import pairs as tables
from s2s_core.tasks.pairs import PairsTask
from s2s_core.tasks.pairs_file import LIMITS, PairsError, PairsFile, Tokens, read_pairs

from . import models, session

TOKEN_CHOICES: tuple[Tokens, Tokens] = ("chars", "words")
FORMAT = (
    "One pair per line: `source`, a tab, `target` (or a CSV file: `source,target`); a first "
    f"line `source⇥target` is read as a header. Limits: {LIMITS}."
)


def _title(name: str) -> str:
    """A task's title from a file's name: letters, digits, spaces and dashes, 40 at most."""
    kept = re.sub(r"[^\w -]+", " ", name.rsplit(".", 1)[0], flags=re.UNICODE).strip()
    return (kept or "my pairs")[:40]


def _input() -> tuple[bytes, str] | None:
    """The uploaded file's bytes, else the pasted text's; with a name for the task."""
    upload: UploadedFile | None = st.file_uploader(
        "A CSV or TSV file of pairs", type=["csv", "tsv", "txt"], key="pairs_file"
    )
    text = st.text_area(
        "…or paste pairs, one `source⇥target` per line",
        key="pairs_text",
        height=140,
        placeholder="twenty-four\tvierundzwanzig\nthirty-one\teinunddreißig",
    )
    if upload is not None:
        return upload.getvalue(), upload.name
    if text.strip():
        return text.encode("utf-8", "surrogatepass"), "pasted pairs"
    return None


def _tokens(data: bytes) -> tuple[Tokens, Tokens]:
    """The symbols each side is cut into: the suggestion for new data, then the choice."""
    ss = st.session_state
    digest = hashlib.sha256(data).hexdigest()
    if ss.get("pairs_digest") != digest:  # new data: start from the suggestion
        ss.pairs_digest = digest
        suggested = read_pairs(data).suggested
        ss.pairs_source_tokens, ss.pairs_target_tokens = suggested
    cols = st.columns(2)
    for col, side in zip(cols, ("source", "target")):
        col.radio(
            f"{side.title()} symbols",
            TOKEN_CHOICES,
            key=f"pairs_{side}_tokens",
            format_func=tables.TOKEN_NAMES.__getitem__,
            horizontal=True,
            help="Characters: every letter is one position of the heatmap. Words: split "
            "at spaces (suggested where every line of this side has one).",
        )
    return ss.pairs_source_tokens, ss.pairs_target_tokens


def _read(data: bytes, name: str) -> tuple[PairsFile, PairsTask]:
    """The pairs and their task, read once per file, choice of symbols and name (the page
    reruns every second while a model trains: a 2 MB file is not parsed again each time)."""
    ss = st.session_state
    tokens = _tokens(data)
    key = (ss.pairs_digest, tokens, name)
    kept = ss.get("pairs_read")
    if kept is None or kept[0] != key:
        read = read_pairs(data, tokens)
        kept = ss.pairs_read = (key, read, PairsTask.of(read, _title(name)))
    return kept[1], kept[2]


def _summary(read: PairsFile, task: PairsTask) -> None:
    st.success(tables.headline(read, len(task.held), len(task.training)))
    st.dataframe(tables.lengths(read), hide_index=True, width="stretch")
    cols = st.columns(2)
    for side, name in enumerate(("Source", "Target")):
        cols[side].caption(f"{name} symbols")
        cols[side].code(tables.vocabulary(read, side), language=None, wrap_lines=True)
    st.caption("The first ten pairs")
    st.dataframe(tables.examples(read), hide_index=True, width="stretch")
    if read.refused:
        st.caption(f"Lines refused ({len(read.refused):,}): fix them in the file to keep them")
        st.dataframe(tables.refused(read), hide_index=True, width="stretch")


def use(task: PairsTask) -> None:
    """The Use button: the task joins the session's and becomes the sidebar's."""
    name = models.add_own_task(task)
    st.session_state.task = name
    session.on_task_change()


def section() -> None:
    """The whole section: input, the symbols' choice, the summary, the Use button."""
    with st.expander("Your own pairs: upload a file or paste them", icon=":material/upload:"):
        st.caption(FORMAT)
        given = _input()
        if given is None:
            return
        data, name = given
        try:
            read, task = _read(data, name)
        except PairsError as err:
            st.error(f"**These pairs can't be used:** {err}.", icon=":material/block:")
            return
        _summary(read, task)
        if task.name == st.session_state.get("task"):
            st.info("These pairs are the sidebar's task: train a model on them below.")
            return
        st.button(
            f"Use these pairs as the task “{task.title}”",
            on_click=use,
            args=(task,),
            type="primary",
            key="pairs_use",
        )
