"""The shared sidebar (drawn by the frame, app.py): its Task, Model and Input are the same on
every page, so a change on one page is the change on all of them."""

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
