"""Every bad input of the corpus through the CLI and the home page: a message, no traceback."""

import pytest

from s2s_core import decode
from s2s_core.zoo import CHECKPOINT_DIR
from tests.apptest import app
from tests.bad_inputs import BAD_INPUTS, WRONG_FORMAT


def test_the_corpus_is_big_enough():
    assert len(BAD_INPUTS) >= 60


@pytest.mark.parametrize(("name", "task", "text"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_cli_gives_one_clean_line(name, task, text, capsys):
    rc = decode.main(["--checkpoint", str(CHECKPOINT_DIR / f"{task}-additive"), "--input", text])
    err = capsys.readouterr().err
    assert rc != 0, name
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert any(word in err for word in ("empty", "at most", "unknown symbol"))


@pytest.mark.parametrize(("name", "task", "text"), WRONG_FORMAT, ids=[b[0] for b in WRONG_FORMAT])
def test_cli_says_when_there_is_no_known_answer(name, task, text, capsys):
    rc = decode.main(["--checkpoint", str(CHECKPOINT_DIR / f"{task}-additive"), "--input", text])
    assert rc == 0
    assert "no known answer" in capsys.readouterr().out


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
