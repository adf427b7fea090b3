"""Sessions stay apart: one browser tab's input, model, step and what-if never reach another."""

import pytest

from tests.apptest import app, heatmaps, step_label
from tests.browser import app_server, browser


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


@pytest.mark.browser
def test_two_browser_contexts_keep_their_own_state():
    with app_server() as url, browser() as chromium:
        one, two = chromium.new_context().new_page(), chromium.new_context().new_page()
        one.goto(f"{url}/?task=reverse&model=reverse-general&input=hello&step=2")
        two.goto(url)
        one.wait_for_selector("text=step 2 of 6", timeout=90_000)
        two.wait_for_selector("text=step 0 of 10", timeout=90_000)
        for i in (1, 2, 3):
            two.get_by_role("button", name="Next ▶").click()
            two.wait_for_selector(f"text=step {i} of 10")
        one.get_by_role("button", name="Next ▶").click()
        one.wait_for_selector("text=step 3 of 6")
        assert one.get_by_label("Input", exact=True).input_value() == "hello"
        assert two.get_by_label("Input", exact=True).input_value() == "attention"
        assert "step 3 of 10" in two.inner_text("body")
        assert "general attention" in one.inner_text("body")
