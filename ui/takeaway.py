"""Home's take-away buttons: the decoding on screen as an offline page or an animation.

The files are made only when a button is clicked (s2s_lab: html.page, animation.encode),
from the decoding Home shows: its trace (a picked head, a beam hypothesis, a what-if as
shown), its heatmaps and its attribution.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import streamlit as st

from s2s_lab import animation, html
from s2s_lab.decoding import Decoding


def file_stem(text: str, longest: int = 40) -> str:
    """A file name's part from what the user typed: letters, digits and dashes only."""
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:longest] or "input"


def downloads(make: Callable[[], Decoding], stem: str) -> None:
    """The page and animation buttons for the decoding `make()` returns; files `stem`.*"""
    st.download_button(
        "Download this decoding (HTML, works offline)",
        lambda: html.page(make()).encode(),
        file_name=f"{stem}.html",
        mime="text/html",
        help="One file with the step view of every step, its heatmaps, formulas and "
        "controls (Next, Back, Play, the keys, Classroom mode): it opens in any browser "
        "with no network and no app. About 2–3 MB.",
    )
    size = st.radio("Animation size", list(animation.SIZES), key="animation_size", horizontal=True)
    width, height = animation.SIZES[size]
    gif, mp4 = st.columns(2)
    gif.download_button(
        "Download as animation (GIF)",
        lambda: animation.encode(make(), "gif", width, height),
        file_name=f"{stem}.gif",
        mime="image/gif",
        help="The decoding growing step by step, for slides: one frame per step "
        f"({animation.FRAME_MS / 1000:g} s each) and a pause at the end.",
    )
    mp4.download_button(
        "Download as video (MP4)",
        lambda: animation.encode(make(), "mp4", width, height),
        file_name=f"{stem}.mp4",
        mime="video/mp4",
    )
