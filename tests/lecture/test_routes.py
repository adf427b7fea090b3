"""The routes the browsers talk to: a hostile request changes nothing but its own answer."""

from __future__ import annotations

import asyncio
import json
import threading

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from lecture import codes
from lecture.room import Content, with_step
from lecture.routes import ANSWERS_PER_SECOND, Lecture

CONTENT = Content("reverse", "reverse-dot-hx", "knight", positions=6, steps=7)


@pytest.fixture
def lab(make_store):
    store = make_store()
    lecture = Lecture(store)
    client = TestClient(Starlette(routes=lecture.routes()))
    room, key = store.create(CONTENT)
    other, other_key = store.create(CONTENT)
    return store, lecture, client, room.code, key, other.code, other_key


def post(client, code, what, body):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(f"/_lecture/{code}/{what}", content=data)


def test_the_presenter_steps_asks_and_reveals(lab):
    store, _, client, code, key, *_ = lab
    assert post(client, code, "state", {"key": key, "step": 3, "playing": True}).status_code == 204
    assert (store.get(code).step, store.get(code).playing) == (3, True)
    assert post(client, code, "question", {"key": key, "action": "ask"}).status_code == 204
    q = store.get(code).question
    assert (q.step, q.revealed) == (3, False)
    voter = store.join(code)
    r = post(client, code, "answer", {"voter": voter, "question": q.id, "position": 5})
    assert r.status_code == 204 and store.counts(code) == [0, 0, 0, 0, 0, 1]
    assert post(client, code, "question", {"key": key, "action": "reveal"}).status_code == 204
    assert store.get(code).question.revealed


FORGED_KEYS = [
    "",
    "x",
    "A" * 22,
    "A" * 21,
    "../" * 10,
    "\x00" * 22,
    "<b>" * 8,
    None,
    7,
    [1],
    {"k": 1},
]


@pytest.mark.parametrize("forged", FORGED_KEYS)
@pytest.mark.parametrize("what", ["state", "question"])
def test_a_forged_presenter_action_changes_nothing(lab, forged, what):
    store, _, client, code, _key, _other, other_key, *_ = (*lab, None)
    before = store.get(code)
    body = {"key": forged, "step": 4, "playing": False, "action": "ask"}
    assert post(client, code, what, body).status_code in (400, 403)
    body["key"] = other_key  # another room's presenter key
    assert post(client, code, what, body).status_code == 403
    assert store.get(code) == before


HOSTILE_BODIES = [
    b"",
    b"null",
    b"[]",
    b"42",
    b"not json",
    b"{",
    b'{"step": "3"}',
    b"\xff\xfe",
    json.dumps({"pad": "x" * 5000}).encode(),
    b'{"step": 1e400, "playing": false}',
    b'{"step": -1, "playing": false}',
    b'{"step": true, "playing": false}',
    b'{"step": 3, "playing": "yes"}',
]


@pytest.mark.parametrize("body", HOSTILE_BODIES)
def test_a_hostile_state_body_is_refused(lab, body):
    store, _, client, code, key, *_ = lab
    if body.startswith(b"{") and b"step" in body:  # with the right key: still refused
        parsed = body.replace(b"{", b'{"key": "' + key.encode() + b'", ', 1)
        body = parsed if parsed.count(b"{") == 1 else body
    before = store.get(code)
    assert post(client, code, "state", body).status_code == 400
    assert store.get(code) == before


HOSTILE_CODES = ["ABCDEF", "K7M3P", "..%2F..%2Fetc", "%00%00%00%00%00%00", "k" * 3000, "%3Cb%3E"]


@pytest.mark.parametrize("code", HOSTILE_CODES)
def test_a_hostile_code_is_no_room(lab, code):
    _, _, client, *_ = lab
    assert client.get(f"/_lecture/{code}/events").status_code in (404, 400)
    for what in ("state", "question", "answer"):
        assert post(client, code, what, {"step": 1, "playing": False}).status_code in (400, 404)


ANSWERS = [
    ({"position": 6}, 409),
    ({"position": -1}, 400),
    ({"position": 10**12}, 400),
    ({"position": "1"}, 400),
    ({"position": 1.0}, 400),
    ({"position": True}, 400),
    ({"question": 99}, 409),
    ({"question": 0}, 400),
    ({"voter": "x"}, 400),
    ({"voter": codes.new_voter()}, 409),
    ({"voter": None}, 400),
    ({"voter": "../" * 6}, 400),
]


@pytest.mark.parametrize(("change", "status"), ANSWERS)
def test_an_answer_that_cannot_be_counted_changes_nothing(lab, change, status):
    store, _, client, code, key, *_ = lab
    voter = store.join(code)
    post(client, code, "question", {"key": key, "action": "ask"})
    q = store.get(code).question
    body = {"voter": voter, "question": q.id, "position": 2} | change
    assert post(client, code, "answer", body).status_code == status
    assert store.counts(code) == [0] * 6


def test_an_answer_to_another_room_or_a_closed_question_is_not_counted(lab):
    store, _, client, code, key, other, other_key = lab
    voter = store.join(code)
    post(client, other, "question", {"key": other_key, "action": "ask"})
    q = store.get(other).question
    assert (
        post(client, other, "answer", {"voter": voter, "question": q.id, "position": 1}).status_code
        == 409
    )
    post(client, code, "question", {"key": key, "action": "ask"})
    post(client, code, "question", {"key": key, "action": "close"})
    assert (
        post(client, code, "answer", {"voter": voter, "question": 1, "position": 1}).status_code
        == 409
    )
    assert store.counts(other) == [0] * 6


def test_thousands_of_answers_from_one_student_count_once_and_are_slowed(lab):
    store, _, client, code, key, *_ = lab
    voter = store.join(code)
    post(client, code, "question", {"key": key, "action": "ask"})
    q = store.get(code).question
    statuses = [
        post(
            client, code, "answer", {"voter": voter, "question": q.id, "position": i % 6}
        ).status_code
        for i in range(60)
    ]
    assert statuses.count(204) <= 2 * ANSWERS_PER_SECOND  # at most two seconds' worth
    assert 429 in statuses
    assert sum(store.counts(code)) == 1


def test_the_event_stream_pushes_each_change_and_ends_with_the_room(lab):
    store, lecture, _, code, key, *_ = lab

    class Request:
        async def is_disconnected(self):
            return False

    async def read():
        stream = lecture._stream(Request(), code, presenter=False)
        assert await anext(stream) == b"retry: 1000\n\n"
        first = json.loads((await anext(stream))[6:])
        changer = threading.Timer(
            0.05, lambda: store.update(code, key, lambda r: with_step(r, 4, False))
        )
        changer.start()
        second = json.loads((await asyncio.wait_for(anext(stream), 2))[6:])
        threading.Timer(0.05, lambda: store.end(code, key)).start()
        last = json.loads((await asyncio.wait_for(anext(stream), 2))[6:])
        return first, second, last

    first, second, last = asyncio.run(read())
    assert (first["step"], second["step"]) == (0, 4)
    assert second["version"] > first["version"]
    assert last == {"code": code, "ended": True}
    text = json.dumps([first, second])
    assert key not in text and "digest" not in text
