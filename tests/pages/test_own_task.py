"""Your own pairs on the Train page (ui/own_task.py) through AppTest: upload or paste,
the summary, the task in the sidebar, every page on it, and every hostile file."""

from __future__ import annotations

from pathlib import Path

import pytest

from s2s_core import tasks
from tests.support.apptest import BOTTLENECK, EXPLORER, HOME, THEORY, TRAIN, app, step_view
from tests.support.hostile_pairs import GOOD, cases, tsv, with_line
from tests.support.jobs import wait_until

ROOT = Path(__file__).resolve().parents[2]
NUMBERS = (ROOT / "examples" / "en-de-numbers.tsv").read_bytes()


def upload(at, name: str, data: bytes):
    at.file_uploader(key="pairs_file").upload(name, data, "text/csv")
    return at.run()


def texts(at) -> str:
    """Every message, caption and markdown the page wrote."""
    parts = [*at.success, *at.error, *at.info, *at.warning, *at.caption, *at.markdown]
    return "\n".join(str(p.value) for p in parts)


def test_an_upload_is_summarised_then_becomes_the_sidebars_task(free_board):
    at = app(TRAIN)
    at.run()
    upload(at, "en-de-numbers.tsv", NUMBERS)
    assert not at.exception and not at.error
    assert "1,000 pairs kept" in texts(at) and "100 sources held out" in texts(at)
    lengths = at.dataframe[0].value
    assert list(lengths["side"]) == ["source", "target"]
    assert list(lengths["longest"]) == [31, 29]  # "seven hundred and seventy-seven" ...
    examples = at.dataframe[1].value
    assert examples.iloc[4].tolist() == ["four", "vier"] and len(examples) == 10
    read = at.session_state["pairs_read"][1]
    at.run()  # a rerun (every second while a model trains) reads the file no more
    assert at.session_state["pairs_read"][1] is read
    at.button(key="pairs_use").click().run()
    assert not at.exception
    name = at.session_state["task"]
    assert name.startswith("own") and tasks.get_task(name).title == "en-de-numbers"
    assert "Your pairs: en-de-numbers" in at.selectbox(key="task").options
    assert "These pairs are the sidebar's task" in texts(at)


def test_refused_lines_are_listed_with_their_numbers(free_board):
    at = app(TRAIN)
    at.run()
    data = with_line(b"a\tb\tc") + b"\tempty source\n" + "x\u202eevil\ty\n".encode()
    upload(at, "mixed.tsv", data)
    assert not at.exception
    refused = at.dataframe[-1].value
    assert refused["line"].tolist() == [13, 14, 15]
    assert "a third column" in refused["why"][0] and "empty source" in refused["why"][1]
    assert "U+202E" in refused["why"][2]


def test_pasted_pairs_and_the_choice_of_words(free_board):
    at = app(TRAIN)
    at.run()
    pasted = "\n".join(f"the {w}\tle {w}" for w in "abcdefghijklmnop")
    at.text_area(key="pairs_text").set_value(pasted).run()
    assert not at.exception
    assert at.radio(key="pairs_source_tokens").value == "words"  # every source has a space
    at.radio(key="pairs_source_tokens").set_value("chars").run()
    assert at.dataframe[0].value["symbols"].tolist() == ["characters", "words"]


@pytest.mark.parametrize("markup", ["<script>alert(1)</script>", "**bold** [x](javascript:1)"])
def test_markup_in_pairs_stays_text(free_board, markup):
    at = app(TRAIN)
    at.run()
    upload(at, "markup.tsv", tsv([*GOOD, (markup, markup)]))
    assert not at.exception
    assert markup in at.dataframe[1].value.to_string() or markup not in texts(at)
    assert "alert(1)</script>" not in "".join(m.value for m in at.markdown)


def test_a_page_that_decodes_says_to_train_first(free_board):
    at = app(TRAIN)
    at.run()
    upload(at, "en-de-numbers.tsv", NUMBERS)
    at.button(key="pairs_use").click().run()
    at.switch_page(HOME).run()
    assert not at.exception
    assert "This task has no model yet" in texts(at)


def test_every_hostile_file_gets_its_message_on_the_page(free_board):
    """The whole corpus through one session: each file its message, never a traceback, and
    the shipped tasks keep working after it."""
    at = app(TRAIN)
    at.run()
    for name, data, expect in cases():
        upload(at, "pairs.csv", data)
        assert not at.exception, name
        kind, _, words = expect.partition(" ")
        if kind == "error:":
            assert len(at.error) == 1 and words in at.error[0].value, name
        elif kind == "kept":
            assert f"{int(words):,} pairs kept" in texts(at), name
        else:
            assert at.dataframe[-1].value["line"].tolist() == [13], name
    at.file_uploader(key="pairs_file").set_value(None).run()
    at.switch_page(HOME).run()
    assert not at.exception and at.session_state["task"] == "reverse"


def test_a_trained_model_on_own_pairs_decodes_on_home(free_board):
    at = app(TRAIN)
    at.run()
    upload(at, "en-de-numbers.tsv", NUMBERS)
    at.button(key="pairs_use").click().run()
    at.select_slider(key="train_hidden").set_value("16")
    at.slider(key="train_seconds").set_value(5)
    at.button(key="train_start").click().run()
    wait_until(lambda: at.session_state["trained_models"], poll=at.run)
    assert not at.exception
    (name,) = at.session_state["trained_models"]
    assert name.startswith(at.session_state["task"] + "-additive-d16 (trained ")
    at.switch_page(HOME).run()
    assert not at.exception
    assert at.session_state["model"] == name
    view = step_view(at)
    assert view["n"] >= 1 and view["what_if"]  # stepping, and the what-if, on own pairs
    for page in (EXPLORER, BOTTLENECK, THEORY):  # every page works on it
        at.switch_page(page).run()
        assert not at.exception, page
        assert not at.error, (page, [e.value for e in at.error])
        if page == BOTTLENECK:  # scored on the pairs held out, and said so
            assert "Your pairs held out from training (100 sources" in texts(at)
    assert "train a fixed-context model (attention: none)" in texts(at)  # Theory says which

    # a lecture on it: a student's session (as on another replica: the task unknown to the
    # process until the model brings its pairs from the store) follows the presenter
    at.switch_page(HOME).run()
    [start] = [b for b in at.button if b.label == "▶ Start a lecture"]
    start.click().run()
    code = at.session_state["lecture"]["code"]
    tasks.OWN_TASKS.pop(at.session_state["task"])
    student = app(lecture=code)
    student.run()
    assert not student.exception
    assert student.session_state["task"] == at.session_state["task"]
    assert step_view(student)["tokens"] == step_view(at)["tokens"]
