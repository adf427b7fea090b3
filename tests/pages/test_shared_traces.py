"""Shipped models' traces and step views are computed once for every session (ui/traces.py);
a what-if and a session's own model never leave their session."""

from dataclasses import replace
from pathlib import Path

from s2s_core.store import ModelStore
from tests.support.apptest import app, step_view
from tests.support.models import shipped
from ui import session
from ui.shared import SharedCache, public, public_views


def typed(source: str, **query: str):
    at = app(**query)
    at.run()
    at.text_input(key="input").set_value(source).run()
    assert not at.exception
    return at


def public_names() -> set[str]:
    """The models of every trace, beam and attribution the public cache holds."""
    return {key[1] for key in list(public()._items)}


def test_a_second_session_typing_the_same_input_computes_nothing():
    first = typed("sharedinput")
    before = public().computed, public_views().computed
    second = typed("sharedinput")
    assert (public().computed, public_views().computed) == before  # the first session's
    assert step_view(second) == step_view(first)


def test_a_what_if_stays_in_its_session():
    a = typed("whatifonly")
    view = step_view(a)
    token = view["what_if"][1][0][1]  # a what-if at step 2
    event = {"step": 2, "token": token, "key": view["key"]}
    assert session.force_token(a.session_state, event, view["key"], view["n"], [token])
    a.run()
    forced = step_view(a)
    assert forced["tokens"][1] != view["tokens"][1]
    assert all(key[4] == () for key in list(public()._items) if key[0] == "greedy")
    b = typed("whatifonly")
    assert step_view(b)["tokens"] == view["tokens"] and step_view(b)["key"] == view["key"]


def test_a_sessions_own_model_stays_in_its_session(model_store):
    name = "reverse-additive-d64 (trained 11:00)"
    ckpt = replace(shipped("reverse-additive"), info={"name": name})
    model_id = ModelStore(Path(model_store)).put(ckpt)
    own = typed("ownmodelinput", model_id=model_id)
    assert own.session_state["model"] == name
    assert step_view(own)["n"] == len("ownmodelinput") + 1
    assert name not in public_names() and "reverse-none" in public_names()  # the fixed model


def test_a_weighed_cache_drops_the_least_recently_used_past_its_budget():
    cache = SharedCache(size=10, weigh=len)
    cache.get("a", lambda: b"1234")
    cache.get("b", lambda: b"1234")
    cache.get("a", lambda: b"never")  # "a" used last: "b" goes first
    cache.get("c", lambda: b"1234")
    assert list(cache._items) == ["a", "c"]
    cache.get("big", lambda: b"x" * 50)  # alone over the budget: kept, the others dropped
    assert list(cache._items) == ["big"]
