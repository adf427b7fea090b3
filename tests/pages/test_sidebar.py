"""The shared sidebar (drawn by the frame, app.py): its Task, Model and Input are the same on
every page, so a change on one page is the change on all of them; Classroom mode is kept in
the link."""

from __future__ import annotations

import pytest

from tests.support.apptest import EXPLORER, THEORY, app


@pytest.mark.parametrize("path", [EXPLORER, THEORY])
def test_a_new_input_here_is_the_new_input_everywhere(path):
    at = app(path)
    at.session_state["step"] = 3  # Home was at step 3 of a what-if
    at.session_state["force"] = {2: "x"}
    at.run()
    at.text_input(key="input").set_value("world").run()
    assert not at.exception
    assert at.session_state["input"] == "world"  # the sidebar's Input: what every page reads
    assert at.session_state["step"] == 0 and at.session_state["force"] == {}  # Home restarts


def link_value(at, key: str) -> list[str]:
    """A query parameter's values in the session's link (AppTest keeps one or a list)."""
    value = at.query_params.get(key)
    return [] if value is None else value if isinstance(value, list) else [value]


def test_classroom_mode_is_kept_in_the_link():
    at = app(classroom="1")  # a teacher's link for the projector
    at.run()
    assert not at.exception and not at.warning
    assert at.toggle(key="classroom").value is True and at.session_state["classroom"] is True
    assert link_value(at, "classroom") == ["1"]  # still in the link: a reload keeps it
    at.toggle(key="classroom").set_value(False).run()
    assert link_value(at, "classroom") == []  # written only when on
    at.toggle(key="classroom").set_value(True).run()
    assert link_value(at, "classroom") == ["1"]
    reloaded = app(EXPLORER, **{k: link_value(at, k)[-1] for k in at.query_params})
    reloaded.run()
    assert reloaded.toggle(key="classroom").value is True and not reloaded.warning


@pytest.mark.parametrize(("value", "refused"), [("0", False), ("yes", True), ("true", True)])
def test_a_classroom_value_other_than_1_leaves_it_off(value, refused):
    at = app(classroom=value)
    at.run()
    assert not at.exception and at.toggle(key="classroom").value is False
    notes = [w.value for w in at.warning]
    if refused:  # with a note
        (note,) = notes
        assert f"classroom '{value}' in the link is neither 1 nor 0" in note
    else:
        assert not notes and link_value(at, "classroom") == []
