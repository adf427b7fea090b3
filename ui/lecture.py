"""Lecture mode in the app: start a room, join one, follow it, present to it.

    st.session_state.lecture = None, or
        {"code": "K7M3PX", "role": "presenter", "key": <presenter key>, "following": True}
        {"code": "K7M3PX", "role": "follower", "voter": <voter token>, "following": True}

The room itself lives in lecture/ (store.py: one store per server process; routes.py: what
the browsers talk to). The presenter's page runs write what it shows into the room
(`publish`); a follower's page runs read it before the sidebar is drawn (`sync`), so the
follower's task, model, input, decoding and heatmap are the presenter's. Steps, questions
and answers never run a page: the step views talk to the room directly (routes.py).

Only the presenter's session and link hold the key: a follower's page, link and step view
never receive it (a test reads them all).
"""

from __future__ import annotations

import functools
import io
import os
from collections.abc import Callable, MutableMapping
from typing import ParamSpec, TypeVar
from urllib.parse import urlencode, urlsplit

import segno
import streamlit as st

from lecture import codes
from lecture.room import Content, Room, public, with_content
from lecture.store import RoomStore, StoreUnavailable, default_store
from s2s_core.store import StoreError

from . import models
from .navigation import home_url

P = ParamSpec("P")
APPLIED = "_lecture_applied"  # the room this run's sync applied (a follower's)
PUBLIC_URL = "S2S_PUBLIC_URL"  # the address students reach the app at (else the browser's)
LOOPBACK = {"localhost", "127.0.0.1", "::1", "0.0.0.0", ""}


UNAVAILABLE = (
    "The lecture rooms cannot be reached just now: the room waits, and this page goes on as "
    "usual. It follows the lecture again once they can be (reload, or change a step)."
)
T = TypeVar("T")


def rooms() -> RoomStore:
    return default_store()


def guarded(default: object) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """A call that needs the rooms' store: if the store cannot be reached (a hall's Redis is
    down), a note for the page and `default`, never a traceback; the session keeps its room."""

    def wrap(call: Callable[P, T]) -> Callable[P, T]:
        @functools.wraps(call)
        def guarded_call(*args: P.args, **kwargs: P.kwargs) -> T:
            try:
                return call(*args, **kwargs)
            except StoreUnavailable:
                st.session_state["lecture_note"] = UNAVAILABLE
                return default  # type: ignore[return-value]

        return guarded_call

    return wrap


def current(ss: MutableMapping | None = None) -> dict | None:
    ss = st.session_state if ss is None else ss
    return ss.get("lecture")


def following(ss: MutableMapping | None = None) -> bool:
    """A student whose view the presenter leads now (not exploring on their own)."""
    room = current(ss)
    return room is not None and room["role"] == "follower" and room["following"]


def presenting(ss: MutableMapping | None = None) -> bool:
    room = current(ss)
    return room is not None and room["role"] == "presenter"


# --- joining: a link, the Join box, Start --------------------------------------------------


@guarded(UNAVAILABLE)
def join(ss: MutableMapping, text: object, key: object = None) -> str | None:
    """Enter the room `text` names, as its presenter if `key` opens it; returns a note
    when that cannot be done (a code that is not one, a room that is not running)."""
    code = codes.parse_code(text)
    if code is None:
        return f"{_quoted(text)} is not a lecture code (6 letters and digits, like K7M3PX)"
    room = rooms().get(code)
    if room is None:
        return f"no lecture {code} is running here (it may have ended)"
    if key is not None and codes.key_matches(key, room.key_digest):
        ss["lecture"] = {"code": code, "role": "presenter", "key": key, "following": True}
        return None
    voter = rooms().join(code)
    if voter is None:
        return f"lecture {code} is full"
    ss["lecture"] = {"code": code, "role": "follower", "voter": voter, "following": True}
    _apply(ss, room.content)
    return None if key is None else f"that presenter key does not open {code}: following it"


def _quoted(text: object) -> str:
    s = str(text)
    s = s if len(s) <= 24 else s[:24] + "…"
    return repr(s) if s.isprintable() else ascii(s)


def read_link(ss: MutableMapping, params: MutableMapping) -> list[str]:
    """The link's `lecture` (and a presenter's `presenter`), once per session."""
    if ss.get("_lecture_read"):
        return []
    ss["_lecture_read"] = True
    text = params.get("lecture")
    if text is None:
        return [] if params.get("presenter") is None else ["a presenter key without a lecture"]
    note = join(ss, text, params.get("presenter"))
    return [] if note is None else [note]


@guarded(None)
def start(ss: MutableMapping, content: Content) -> None:
    """Open a room showing `content`; this session presents it."""
    room, key = rooms().create(content)
    ss["lecture"] = {"code": room.code, "role": "presenter", "key": key, "following": True}


@guarded(None)
def end(ss: MutableMapping) -> None:
    room = current(ss)
    if room is not None and room["role"] == "presenter":
        rooms().end(room["code"], room["key"])
    ss["lecture"] = None


def leave(ss: MutableMapping) -> None:
    ss["lecture"] = None


def set_following(ss: MutableMapping, on: bool) -> None:
    room = current(ss)
    if room is not None and room["role"] == "follower":
        ss["lecture"] = {**room, "following": on}


# --- the room's content: written by the presenter, read by the followers -------------------


def _apply(ss: MutableMapping, content: Content) -> None:
    """Show what the presenter shows: the sidebar's and Home's choices (a model the
    presenter trained is opened from the model store, as a shared link opens it)."""
    model = content.model
    if content.model_id is not None:
        try:
            model = models.open_stored(content.model_id)
        except StoreError as err:
            ss["lecture_note"] = f"The presenter's model cannot be opened here: {err}"
            model = models.default_model(content.task)
    ss["task"], ss["model"], ss["input"] = content.task, model, content.source
    ss["decoding"], ss["beam_width"] = content.decoding, content.beam_width
    ss["heat_view"], ss["head"] = content.heat_view, content.head
    ss["force"] = {}


@guarded(None)
def sync(ss: MutableMapping) -> Room | None:
    """A follower's run starts here: the room now (its content applied), or None when the
    room has ended (the session leaves it, with a note for the page)."""
    ss[APPLIED] = None
    room_state = current(ss)
    if room_state is None:
        return None
    room = rooms().get(room_state["code"])
    if room is None:
        ss["lecture"] = None
        ss["lecture_note"] = f"Lecture {room_state['code']} has ended."
        return None
    if following(ss):
        _apply(ss, room.content)
        ss[APPLIED] = room
    return room


def applied(ss: MutableMapping) -> Room | None:
    """The room as this run's `sync` read it, the one whose content the page shows: its
    content_version is the one the follower's view may claim (a second read could be newer
    than the content shown, and the view would never ask for the newer one)."""
    return ss.get(APPLIED)


@guarded(None)
def publish(ss: MutableMapping, content: Content) -> Room | None:
    """The presenter's run ends here: the room shows what this page shows."""
    room_state = current(ss)
    if room_state is None or room_state["role"] != "presenter":
        return None
    room = rooms().update(room_state["code"], room_state["key"], lambda r: with_content(r, content))
    if room is None:  # ended or expired
        ss["lecture"] = None
        ss["lecture_note"] = f"Lecture {room_state['code']} has ended."
    return room


@guarded(None)
def view_data(ss: MutableMapping, room: Room | None) -> dict | None:
    """What the step view needs to present or follow (None: on its own). A follower's has
    its voter token and never the key."""
    room_state = current(ss)
    if room_state is None or room is None or not (presenting(ss) or following(ss)):
        return None
    code, key = room.code, room_state.get("key")
    presenter = room_state["role"] == "presenter"
    base = f"_lecture/{code}/"
    return {
        "role": room_state["role"],
        "code": code,
        "events": base + "events" + (f"?{urlencode({'key': key})}" if presenter else ""),
        "post": base,
        "key": key if presenter else None,
        "voter": None if presenter else room_state["voter"],
        "content_version": room.content_version,
        "state": public(room, rooms().counts(code), presenter),
    }


# --- what the presenter gives the class: the link, its QR code ------------------------------


def student_link(code: str, browser_url: str | None) -> tuple[str, bool]:
    """The link students open, and whether the class can reach it: S2S_PUBLIC_URL if set,
    else the address this browser used, unless that is a loopback one (False)."""
    configured = os.environ.get(PUBLIC_URL, "").strip()
    base = configured or home_url(browser_url or "")
    host = urlsplit(base).hostname or ""
    return f"{base.rstrip('/')}/?lecture={code}", bool(configured) or host not in LOOPBACK


def qr_png(link: str) -> bytes:
    """The link as a QR code (PNG), for phones."""
    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="png", scale=8, border=2)
    return out.getvalue()


def content_of(ss: MutableMapping, positions: int, steps: int) -> Content:
    """What this page shows now, as a room's content."""
    head = ss.get("head")
    return Content(
        task=ss["task"],
        model=ss["model"],
        source=ss.get("input", ""),
        decoding=ss.get("decoding", "greedy"),
        beam_width=int(ss.get("beam_width", 3)),
        heat_view=ss.get("heat_view", "attention"),
        head=(int(head[0]), int(head[1])) if isinstance(head, (tuple, list)) else None,
        positions=positions,
        steps=steps,
        model_id=models.stored_ids().get(ss["model"]),
    )
