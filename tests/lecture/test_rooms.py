"""Room codes, keys and the store: what a room lets happen, and to whom."""

from __future__ import annotations

import threading
import time

import pytest

from lecture import codes
from lecture.room import (
    IDLE_SECONDS,
    MAX_VOTERS,
    Content,
    asking,
    closing,
    public,
    revealing,
    with_content,
    with_step,
)
from lecture.store import MemoryStore

CONTENT = Content("reverse", "reverse-dot-hx", "knight", positions=6, steps=7)


def test_codes_are_read_aloud_and_typed_back():
    made = {codes.new_code() for _ in range(200)}
    assert len(made) == 200
    for code in made:
        assert len(code) == codes.CODE_LENGTH and set(code) <= set(codes.ALPHABET)
        assert codes.parse_code(code.lower()) == code
        assert codes.parse_code(f" {code[:3]}-{code[3:]} ") == code
    assert not set("0O1IL2Z5S8B6G") & set(codes.ALPHABET)  # no look-alikes


@pytest.mark.parametrize(
    "text",
    [
        "",
        "K7M3P",
        "K7M3PXX",
        "K7M3P0",
        "KOM3PX",
        "../../",
        "K7M\x003PX",
        "<script>",
        "K" * 10_000,
        "ＫＭ７３ＰＸ",
        None,
        123456,
        ["K7M3PX"],
        "K7M3PX\n",
        "K 7 M 3 P X X",
    ],
)
def test_anything_else_is_no_code(text):
    assert codes.parse_code(text) is None


def test_a_key_has_128_bits_and_opens_only_its_room():
    key = codes.new_key()
    assert len(key) == 22 and codes.parse_key(key) == key
    digest = codes.key_digest(key)
    assert codes.key_matches(key, digest)
    other = codes.new_key()
    for wrong in (
        other,
        key[:-1],
        key + "A",
        key.upper() if key.upper() != key else key.lower(),
        "",
        None,
        22,
        "../" * 8,
        "\x00" * 22,
    ):
        assert not codes.key_matches(wrong, digest)


def test_the_presenter_steps_within_the_trace_and_an_open_question_holds_the_step(make_store):
    store = make_store()
    room, key = store.create(CONTENT)
    assert store.update(room.code, key, lambda r: with_step(r, 99, False)).step == 7
    store.update(room.code, key, lambda r: with_step(r, 3, False))
    asked = store.update(room.code, key, asking)
    assert asked.question.step == 3 and asked.question.positions == 6
    assert store.update(room.code, key, lambda r: with_step(r, 5, True)).step == 3
    shown = store.update(room.code, key, revealing)
    assert shown.question.revealed
    assert store.update(room.code, key, lambda r: with_step(r, 4, False)).step == 4
    assert store.update(room.code, key, closing).question is None


def test_no_question_at_the_last_step_and_new_content_drops_the_question(make_store):
    store = make_store()
    room, key = store.create(CONTENT)
    store.update(room.code, key, lambda r: with_step(r, 7, False))
    assert store.update(room.code, key, asking).question is None  # nothing comes next
    store.update(room.code, key, lambda r: with_step(r, 1, False))
    assert store.update(room.code, key, asking).question is not None
    moved = store.update(room.code, key, lambda r: with_content(r, Content("reverse", "m", "ab")))
    assert moved.question is None and moved.step == 0 and moved.content_version == 2


def test_one_answer_per_student_and_question_and_only_where_it_can_be(make_store):
    store = make_store()
    room, key = store.create(CONTENT)
    alice, bob = store.join(room.code), store.join(room.code)
    assert not store.answer(room.code, alice, 1, 2)  # no question yet
    q = store.update(room.code, key, asking).question
    assert store.answer(room.code, alice, q.id, 2)
    for _ in range(1000):
        store.answer(room.code, alice, q.id, 4)
    assert store.answer(room.code, bob, q.id, 4)
    for position in (-1, 6, 10**9):
        assert not store.answer(room.code, bob, q.id, position)
    assert not store.answer(room.code, bob, q.id + 1, 1)  # another question
    assert not store.answer(room.code, codes.new_voter(), q.id, 1)  # never joined
    assert not store.answer("ACDEFH", alice, q.id, 1)  # another room
    assert store.counts(room.code) == [0, 0, 0, 0, 2, 0]
    store.update(room.code, key, revealing)
    assert not store.answer(room.code, bob, q.id, 1)  # closed by the reveal
    assert store.counts(room.code) == [0, 0, 0, 0, 2, 0]
    store.update(room.code, key, lambda r: with_step(r, 2, False))
    q2 = store.update(room.code, key, asking).question
    assert q2.id == q.id + 1 and store.counts(room.code) == [0] * 6


def test_what_a_follower_receives_never_holds_the_key_or_the_answers_before_the_reveal(make_store):
    store = make_store()
    room, key = store.create(CONTENT)
    voter = store.join(room.code)
    q = store.update(room.code, key, asking).question
    store.answer(room.code, voter, q.id, 1)
    room = store.get(room.code)
    follower = public(room, store.counts(room.code))
    assert follower["counts"] is None and follower["answers"] == 1
    assert public(room, store.counts(room.code), presenter=True)["counts"] == [0, 1, 0, 0, 0, 0]
    text = repr(follower)
    assert key not in text and room.key_digest not in text and voter not in text
    room = store.update(room.code, key, revealing)
    assert public(room, store.counts(room.code))["counts"] == [0, 1, 0, 0, 0, 0]


def test_rooms_expire_when_idle_and_stay_apart():
    now = [1000.0]
    store = MemoryStore(clock=lambda: now[0])
    a, _key_a = store.create(CONTENT)
    _b, key_b = store.create(CONTENT)
    assert store.update(a.code, key_b, closing) is None  # one room's key opens only it
    assert not store.end(a.code, key_b)
    now[0] += IDLE_SECONDS - 1
    assert store.get(a.code) is not None
    now[0] += 2
    assert store.get(a.code) is None and store.join(a.code) is None


def test_a_room_issues_at_most_max_voters(make_store):
    store = make_store()
    room, _ = store.create(CONTENT)
    voters = [store.join(room.code) for _ in range(MAX_VOTERS)]
    assert all(voters) and len(set(voters)) == MAX_VOTERS
    assert store.join(room.code) is None


def eventually(check, timeout: float = 3.0):
    """A shared store tells its subscribers from a listener thread: wait for it."""
    deadline = time.time() + timeout
    while not check() and time.time() < deadline:
        time.sleep(0.01)
    assert check()


def test_subscribers_hear_every_change_of_their_room_only(make_store):
    store = make_store()
    a, key_a = store.create(CONTENT)
    b, key_b = store.create(CONTENT)
    heard: list = []
    stop = store.subscribe(a.code, heard.append)
    store.update(a.code, key_a, lambda r: with_step(r, 2, False))
    eventually(lambda: len(heard) == 1)
    store.update(b.code, key_b, lambda r: with_step(r, 5, False))
    voter = store.join(a.code)  # joining is not a change anyone sees
    q = store.update(a.code, key_a, asking).question
    eventually(lambda: len(heard) == 2)
    store.answer(a.code, voter, q.id, 3)  # an answer wakes the presenter's stream
    eventually(lambda: len(heard) == 3)
    assert [r.step for r in heard] == [2, 2, 2]
    assert heard[-1].question.id == q.id
    store.end(a.code, key_a)
    eventually(lambda: len(heard) == 4)
    assert heard[-1] is None
    stop()
    store.create(CONTENT)
    time.sleep(0.2)
    assert len(heard) == 4


def test_the_store_counts_right_under_threads(make_store):
    store = make_store()
    room, key = store.create(CONTENT)
    q = store.update(room.code, key, asking).question
    voters = [store.join(room.code) for _ in range(300)]

    def vote(chunk):
        for i, voter in chunk:
            store.answer(room.code, voter, q.id, i % 6)

    chunks = [list(enumerate(voters))[k::4] for k in range(4)]
    threads = [threading.Thread(target=vote, args=(c,)) for c in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.counts(room.code) == [50] * 6
