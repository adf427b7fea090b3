"""Lecture mode in AppTest: one presenter and three students in one process (one store).

Steps, questions and answers travel through lecture/routes.py in the browser; here the
store is changed as those routes change it (the routes' own tests: test_routes.py), and
each student's page run shows the result.
"""

from __future__ import annotations

import json

import pytest

from lecture.room import asking, revealing, with_step
from lecture.store import default_store
from tests.support.apptest import app, step_view


def start_lecture(text: str = "knight", task: str = "reverse"):
    presenter = app(task=task, input=text)
    presenter.run()
    [start] = [b for b in presenter.button if b.label == "▶ Start a lecture"]
    start.click().run()
    room = presenter.session_state["lecture"]
    assert room["role"] == "presenter"
    return presenter, room["code"], room["key"]


def student(code: str):
    at = app(lecture=code)
    at.run()
    assert not at.exception
    return at


def lecture_data(at) -> dict:
    return step_view(at)["lecture"]


def test_students_follow_the_presenters_input_and_step():
    presenter, code, key = start_lecture("knight")
    students = [student(code) for _ in range(3)]
    for at in students:
        data = step_view(at)
        assert at.session_state["input"] == "knight"
        assert data["lecture"]["role"] == "follower"
        assert data["lecture"]["key"] is None and data["lecture"]["voter"]
        assert len(data["guess"]["sources"]) == 6
    # the presenter types another input: the room's content changes, each student's next
    # run (their view asks for it) shows it
    presenter.text_input(key="input").set_value("attention").run()
    room = default_store().get(code)
    assert room.content.source == "attention" and room.content.steps == 10
    # the presenter steps (its view POSTs the step: the route applies with_step)
    default_store().update(code, key, lambda r: with_step(r, 3, False))
    for at in students:
        at.run()
        data = step_view(at)
        assert at.session_state["input"] == "attention"
        assert data["step"] == 3 and data["lecture"]["state"]["step"] == 3
        assert data["lecture"]["content_version"] == room.content_version


def test_ask_answer_reveal_gives_the_exact_histogram():
    presenter, code, key = start_lecture("knight")
    store = default_store()
    voters = []
    for _ in range(3):
        at = student(code)
        voters.append(at.session_state["lecture"]["voter"])
    store.update(code, key, lambda r: with_step(r, 2, False))
    room = store.update(code, key, asking)
    q = room.question
    assert (q.step, q.positions, q.revealed) == (2, 6, False)
    for voter, position in zip(voters, [3, 3, 0], strict=True):
        assert store.answer(code, voter, q.id, position)
    assert store.answer(code, voters[2], q.id, 1)  # a change replaces the answer
    assert store.counts(code) == [0, 1, 0, 2, 0, 0]
    presenter.run()
    assert lecture_data(presenter)["state"]["counts"] == [0, 1, 0, 2, 0, 0]
    follower = student(code)
    assert lecture_data(follower)["state"]["counts"] is None  # not before the reveal
    store.update(code, key, revealing)
    follower.run()
    assert lecture_data(follower)["state"]["counts"] == [0, 1, 0, 2, 0, 0]


def test_a_student_cannot_change_the_room():
    _presenter, code, key = start_lecture("knight")
    at = student(code)
    voter = at.session_state["lecture"]["voter"]
    store = default_store()
    before = store.get(code)
    for forged in (voter, "", None, code, key[:-1] + ("A" if key[-1] != "A" else "B")):
        assert store.update(code, forged, lambda r: with_step(r, 4, True)) is None
        assert not store.end(code, forged)
    assert store.get(code) == before
    # the student's own session holds no key, and its link none either
    assert "presenter" not in at.query_params
    assert key not in json.dumps(at.session_state["lecture"])
    assert key not in json.dumps(step_view(at), ensure_ascii=False)


def test_a_room_ends_and_its_students_are_told():
    presenter, code, _key = start_lecture("knight")
    at = student(code)
    [end] = [b for b in presenter.button if b.label == "■ End the lecture"]
    end.click().run()
    assert presenter.session_state["lecture"] is None
    assert default_store().get(code) is None
    at.run()
    assert at.session_state["lecture"] is None
    assert step_view(at)["lecture"] is None
    assert any("has ended" in c.value for c in at.sidebar.caption)


def test_explore_on_my_own_and_back():
    _presenter, code, _key = start_lecture("knight")
    at = student(code)
    [explore] = [b for b in at.sidebar.button if b.label == "Explore on my own"]
    explore.click().run()
    assert step_view(at)["lecture"] is None
    at.sidebar.text_input(key="input").set_value("queen").run()
    assert step_view(at)["tokens"]  # decoding their own input
    [back] = [b for b in at.sidebar.button if b.label == "↩ Back to the lecture"]
    back.click().run()
    assert at.session_state["input"] == "knight"
    assert step_view(at)["lecture"]["role"] == "follower"


@pytest.mark.parametrize(
    "code", ["", "ABC", "K7M3PX0", "../etc", "a" * 10_000, "K7M\x003PX", "<b>x</b>"]
)
def test_a_hostile_code_in_the_link_gets_a_note_and_the_normal_app(code):
    at = app(lecture=code)
    at.run()
    assert not at.exception
    assert "lecture" not in at.session_state or at.session_state["lecture"] is None
    assert step_view(at)["lecture"] is None
    assert any("lecture" in w.value for w in at.warning)


def test_a_student_joins_by_typing_the_code():
    _presenter, code, _key = start_lecture("knight")
    at = app()
    at.run()
    at.sidebar.text_input(key="lecture_code").set_value(f" {code[:3].lower()}-{code[3:]} ")
    [join] = [b for b in at.sidebar.button if b.label == "Join"]
    join.click().run()
    assert at.session_state["lecture"]["code"] == code
    assert at.session_state["input"] == "knight"
    assert step_view(at)["lecture"]["role"] == "follower"
    assert at.query_params["lecture"] == code and "presenter" not in at.query_params


@pytest.mark.parametrize("forged", ["", "x" * 22, "../" * 8, "A" * 10_000, "<img src=x>", "\x00"])
def test_a_forged_presenter_key_in_a_link_follows_as_a_student(forged):
    _presenter, code, key = start_lecture("knight")
    at = app(lecture=code, presenter=forged)
    at.run()
    assert not at.exception
    assert at.session_state["lecture"]["role"] == "follower"
    assert any("does not open" in w.value for w in at.warning)
    assert key not in json.dumps(step_view(at), ensure_ascii=False)


def test_a_presenters_reload_takes_the_room_back():
    _presenter, code, key = start_lecture("knight")
    again = app(lecture=code, presenter=key)
    again.run()
    assert again.session_state["lecture"] == {
        "code": code,
        "role": "presenter",
        "key": key,
        "following": True,
    }
    assert lecture_data(again)["key"] == key


def test_followers_share_one_decoding():
    _presenter, code, _key = start_lecture("phoenix")
    from ui.shared import shared

    before = shared().computed
    first = student(code)
    per_room = shared().computed - before  # the traces (this model's, the fixed one's), the view
    assert per_room == 3
    others = [student(code) for _ in range(3)]
    assert shared().computed - before == per_room  # the other followers compute nothing
    assert all(step_view(s)["tokens"] == step_view(first)["tokens"] for s in others)
