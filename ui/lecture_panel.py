"""Lecture mode's widgets: the sidebar's Lecture section, and the presenter's join panel.

    not in a room    Start a lecture · Join a lecture (a code)
    presenting       the room code, End the lecture (the join panel on Home: link, QR code)
    following        "Following the lecture K7M3PX" · Explore on my own
    exploring        Back to the lecture · Leave

The logic is ui/lecture.py's; this module only draws and calls it.
"""

from __future__ import annotations

import base64

import streamlit as st

from . import lecture
from .lecture import current


def _start() -> None:
    lecture.start(st.session_state, lecture.content_of(st.session_state, 0, 0))
    st.session_state.lecture_panel_open = True


def _join() -> None:
    note = lecture.join(st.session_state, st.session_state.get("lecture_code", ""))
    st.session_state.lecture_note = note


def sidebar_section() -> None:
    """The sidebar's Lecture section (Home's sidebar)."""
    ss = st.session_state
    room = current()
    st.markdown("**Lecture**")
    if note := ss.pop("lecture_note", None):
        st.caption(f":orange[{note}]")
    if room is None:
        st.button(
            "▶ Start a lecture",
            on_click=_start,
            width="stretch",
            help="Lead your students' screens: they follow your steps, and you can ask "
            "them where the decoder will look before each reveal",
        )
        with st.form("join_lecture", border=False):
            st.text_input(
                "Join a lecture", key="lecture_code", max_chars=12, placeholder="code, like K7M3PX"
            )
            st.form_submit_button("Join", on_click=_join)
    elif room["role"] == "presenter":
        st.markdown(f"Presenting · room **{room['code']}**")
        st.button("■ End the lecture", on_click=lecture.end, args=(ss,), width="stretch")
    elif room["following"]:
        st.markdown(f"Following the lecture **{room['code']}**")
        st.button(
            "Explore on my own",
            on_click=lecture.set_following,
            args=(ss, False),
            width="stretch",
            help="Step and type yourself; come back any time",
        )
    else:
        st.markdown(f"Exploring on your own · lecture **{room['code']}**")
        st.button(
            "↩ Back to the lecture",
            on_click=lecture.set_following,
            args=(ss, True),
            width="stretch",
            type="primary",
        )
        st.button("Leave the lecture", on_click=lecture.leave, args=(ss,), width="stretch")


def join_panel(code: str) -> None:
    """The presenter's panel on Home: the code to read aloud, the link, its QR code."""
    link, reachable = lecture.student_link(code, st.context.url)
    with st.expander(
        f"Students join: **{code}**", expanded=bool(st.session_state.get("lecture_panel_open"))
    ):
        cols = st.columns([3, 2])
        with cols[0]:
            st.markdown(
                f"<div class='lecture-code' aria-label='Room code'>{code}</div>",
                unsafe_allow_html=True,
            )
            st.code(link, language=None)  # its copy button copies the link
            if not reachable:
                st.caption(
                    ":orange[This address is this computer's own (localhost): students' "
                    "devices cannot open it. Start the app with S2S_PUBLIC_URL set to the "
                    "address the class reaches, or open it here by that address.]"
                )
        with cols[1]:
            # an <img> with its alternative text (st.image writes none): the code said in words
            png = base64.b64encode(lecture.qr_png(link)).decode("ascii")
            st.markdown(
                f"<img src='data:image/png;base64,{png}' width='220' "
                f"alt='QR code of the link that joins lecture {code}'>",
                unsafe_allow_html=True,
            )
            st.caption("Scan to join")
