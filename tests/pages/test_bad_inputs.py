"""Bad input through every page's Input (the sidebar's): a message, never a traceback.

The corpus (tests/support/bad_inputs.py) on Home, the Attention explorer and Theory; a few
inputs on the explorer and Theory checked for their exact message. Nothing is half-drawn
below a message.
"""

import pytest

from tests.support.apptest import EXPLORER, THEORY, app
from tests.support.bad_inputs import BAD_INPUTS, WRONG_FORMAT

# --- Home ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def home():
    at = app()
    at.run()
    return at


@pytest.mark.parametrize(("name", "task", "text"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_home_page_shows_a_message(home, name, task, text):
    # A browser cannot send a lone surrogate: it arrives as U+FFFD, so send what it sends.
    typed = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if home.selectbox(key="task").value != task:
        home.selectbox(key="task").set_value(task).run()
    home.text_input(key="input").set_value(typed).run()
    assert not home.exception, name
    errors = [e.value for e in home.error]
    assert len(errors) == 1 and "can't be decoded" in errors[0], name
    assert not home.get("plotly_chart")  # nothing half-drawn below the message


@pytest.mark.parametrize(("name", "task", "text"), WRONG_FORMAT, ids=[b[0] for b in WRONG_FORMAT])
def test_home_page_says_when_there_is_no_known_answer(home, name, task, text):
    if home.selectbox(key="task").value != task:
        home.selectbox(key="task").set_value(task).run()
    home.text_input(key="input").set_value(text).run()
    assert not home.exception and not home.error
    assert any("no known answer" in c.value for c in home.caption), name


# --- the Attention explorer and Theory ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("a" * 41, "has 41 symbols; this model accepts at most 40"),
        ("Hello", "unknown symbol 'H'"),
        ("<b>x</b>", "unknown symbols"),
    ],
)
@pytest.mark.parametrize("path", [EXPLORER, THEORY])
def test_bad_input_gets_an_inline_message(path, text, message):
    at = app(path, input=text)
    at.run()
    assert not at.exception
    (error,) = at.error
    assert "can't be decoded" in error.value and message in error.value.replace("\\", "")
    assert not at.get("plotly_chart") and not at.get("latex")


@pytest.fixture(scope="module", params=[EXPLORER, THEORY])
def running(request):
    at = app(request.param)
    at.run()
    return at


@pytest.mark.parametrize(("name", "task", "text"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_the_bad_input_corpus_gets_a_message_on_both_pages(running, name, task, text):
    typed = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")  # as browsers do
    if running.selectbox(key="task").value != task:
        running.selectbox(key="task").set_value(task).run()
    running.text_input(key="input").set_value(typed).run()
    assert not running.exception, name
    assert len(running.error) == 1 and "can't be decoded" in running.error[0].value, name


@pytest.mark.parametrize(("name", "task", "text"), WRONG_FORMAT, ids=[b[0] for b in WRONG_FORMAT])
def test_a_wrong_format_is_decoded_with_no_known_answer(running, name, task, text):
    if running.selectbox(key="task").value != task:
        running.selectbox(key="task").set_value(task).run()
    running.text_input(key="input").set_value(text).run()
    assert not running.exception and not running.error, name
    assert any("no known answer" in m.value for m in running.markdown), name
