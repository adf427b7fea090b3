"""Sessions stay apart in real Chromium: one browser context's input, model and step never
reach another's."""

import pytest

from harness.chromium import browser
from harness.servers import app_server

pytestmark = pytest.mark.browser


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
        assert one.get_by_role("textbox", name="Input").input_value() == "hello"
        assert two.get_by_role("textbox", name="Input").input_value() == "attention"
        assert "step 3 of 10" in two.inner_text("body")
        assert "general attention" in one.inner_text("body")
