"""A hall's Redis lost: rooms stop updating with a note, the app itself keeps working, and
they resume once Redis is back."""

from __future__ import annotations

import json

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from harness.redis_server import redis_server
from harness.servers import free_port
from lecture import store as store_module
from lecture.redis_store import RedisStore
from lecture.room import Content, with_step
from lecture.routes import Lecture
from lecture.store import StoreUnavailable
from tests.support.apptest import app, step_view

CONTENT = Content("reverse", "reverse-dot-hx", "knight", positions=6, steps=7)


def test_a_store_that_cannot_be_reached_says_so_and_the_routes_answer_503():
    dead = RedisStore(f"redis://127.0.0.1:{free_port()}/0")
    with pytest.raises(StoreUnavailable):
        dead.create(CONTENT)
    client = TestClient(Starlette(routes=Lecture(dead).routes()))
    body = json.dumps({"key": "k" * 22, "step": 1, "playing": False})
    assert client.post("/_lecture/K7M3PX/state", content=body).status_code == 503
    assert client.get("/_lecture/K7M3PX/events").status_code == 503


@pytest.fixture
def swapped_store():
    """The process's default store, replaced for the test."""
    before = store_module._default
    yield lambda s: setattr(store_module, "_default", s)
    store_module._default = before


def test_redis_lost_mid_lecture_then_back(swapped_store, tmp_path):
    port = free_port()
    with redis_server(port, data_dir=tmp_path) as url:
        swapped_store(RedisStore(url))
        presenter = app(task="reverse", input="knight")
        presenter.run()
        [start] = [b for b in presenter.button if b.label == "▶ Start a lecture"]
        start.click().run()
        room = presenter.session_state["lecture"]
        code, key = room["code"], room["key"]
        student = app(lecture=code)
        student.run()
        assert step_view(student)["lecture"]["role"] == "follower"
    # Redis is gone: both pages still run and decode, with a note; the sessions keep the room
    for at in (presenter, student):
        at.run()
        assert not at.exception
        assert step_view(at)["tokens"] and step_view(at)["lecture"] is None
        assert any("cannot be reached" in c.value for c in at.sidebar.caption)
        assert at.session_state["lecture"]["code"] == code
    # Redis is back with its data (make hall keeps it on disk): the lecture goes on
    with redis_server(port, data_dir=tmp_path):
        store = store_module.default_store()
        assert store.update(code, key, lambda r: with_step(r, 3, False)).step == 3
        student.run()
        data = step_view(student)["lecture"]
        assert data["role"] == "follower" and data["state"]["step"] == 3
