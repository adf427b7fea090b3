"""Sessions stay apart: one session's input, model, step and what-if never reach another.

(The same with two browser contexts in real Chromium: tests/browser/test_sessions.py.)
"""

from tests.support.apptest import app, heatmaps, step_label


def test_two_apptest_sessions_keep_their_own_state():
    a, b = app(), app()
    a.run()
    b.run()
    a.text_input(key="input").set_value("hello").run()
    a.selectbox(key="model").set_value("reverse-dot").run()
    for _ in range(3):
        a.button(key="next").click().run()
    a.button_group(key="what-if").set_value(a.button_group(key="what-if").options[0]).run()
    b.button(key="next").click().run()
    assert step_label(a).startswith("### step 3 of") and heatmaps(a)[0].shape == (3, 5)
    assert a.session_state["force"] and not b.session_state["force"]
    assert b.text_input(key="input").value == "attention"
    assert b.selectbox(key="model").value == "reverse-additive"
    assert step_label(b) == "### step 1 of 10" and heatmaps(b)[0].shape == (1, 9)
    b.run()
    a.run()
    assert step_label(a).startswith("### step 3 of") and step_label(b) == "### step 1 of 10"
    assert a.text_input(key="input").value == "hello"
