"""The home page (pages/home.py, in the frame app.py) through Streamlit's AppTest: stepping,
state, links, bad input."""

import pytest

from tests.support.apptest import app, go_to, heatmaps, latex_bodies, step_label, step_view
from tests.support.latex import assert_wellformed_latex
from ui import session


@pytest.fixture
def home():
    at = app()
    at.run()
    assert not at.exception
    return at


def test_first_view_sends_the_whole_trace_and_opens_at_step_zero(home):
    assert [b.label for b in home.sidebar.button][:1] == ["Random example"]  # under Input
    assert step_label(home) == "step 0 of 10"  # "attention": 9 letters + <eos>
    view = step_view(home)
    assert view["tokens"] == list("noitnetta") + ["‹eos›"] and all(view["marks"])
    assert heatmaps(home, 10)[0].shape == (10, 9)  # every step is there, for the browser
    assert home.sidebar.text_input(key="input").value == "attention"


def test_each_step_grows_the_heatmap_by_one_row(home):
    home.text_input(key="input").set_value("sequence").run()
    assert step_label(home) == "step 0 of 9"
    for i in range(10):
        (z,) = heatmaps(home, i)
        assert z.shape == (i, 8)  # rows: steps so far; columns: source positions
        assert z.sum(axis=1) == pytest.approx([1] * i, abs=1e-4)
    go_to(home, 3)
    assert step_label(home) == "step 3 of 9" and heatmaps(home)[0].shape == (3, 8)
    assert not home.exception


def test_repeated_letters_are_separate_columns(home):
    assert heatmaps(home, 1)[0].shape == (1, 9)  # "attention" repeats t and n: still 9 columns


def test_a_link_restores_task_model_input_and_step():
    at = app(task="reverse", model="reverse-dot", input="hello", step="3")
    at.run()
    assert not at.exception
    assert at.text_input(key="input").value == "hello"
    assert at.selectbox(key="model").value == "reverse-dot"
    assert step_label(at) == "step 3 of 6"
    assert heatmaps(at)[0].shape == (3, 5)


def test_state_is_written_back_into_the_link(home):
    go_to(home, 1)
    assert home.query_params["step"] == ["1"] or home.query_params["step"] == "1"
    assert "attention" in str(home.query_params["input"])


def test_changing_task_resets_input_and_model(home):
    home.selectbox(key="task").set_value("numbers").run()
    assert home.text_input(key="input").value == "vierundzwanzig"
    assert home.selectbox(key="model").value == "numbers-additive"
    assert step_label(home) == "step 0 of 3" and not home.exception


def test_random_example_comes_from_the_held_out_set(home):
    home.sidebar.button[0].click().run()
    text = home.text_input(key="input").value
    assert text.isalpha() and text.islower() and 3 <= len(text) <= 40
    assert step_label(home).startswith("step 0 of")


def test_what_if_forces_a_token_and_can_be_undone(home):
    view = step_view(home)
    choices = [tok for _, tok in view["what_if"][0]]
    assert "n" not in choices and len(choices) == 4  # the top 5 but the greedy "n"
    event = {"step": 1, "token": choices[0], "key": view["key"]}
    # what the step view's what-if button sends (its callback: session.force_token)
    assert session.force_token(home.session_state, event, view["key"], 10, choices)
    home.run()
    assert not home.exception
    ((forced_step, forced_token),) = home.session_state["force"].items()
    assert forced_step == 1 and forced_token == choices[0]
    assert "what-if active" in [c.value for c in home.caption]  # under this model's output
    forced = step_view(home)
    assert forced["key"] != view["key"] and forced["step"] == 1  # opens at the changed step
    assert forced["tokens"][0] == forced_token and forced["marks"][0] is False  # drawn red
    home.button(key="unforce").click().run()
    assert home.session_state["force"] == {}


@pytest.mark.parametrize(
    "event",
    [
        None,
        "force",
        {"step": 1, "token": "x"},  # no key: not about this trace
        {"step": 1, "token": "x", "key": "other"},
        {"step": 0, "token": "x", "key": "k"},
        {"step": 11, "token": "x", "key": "k"},
        {"step": "1", "token": "x", "key": "k"},
        {"step": True, "token": "x", "key": "k"},
        {"step": 1, "token": "X", "key": "k"},  # not a token of the model
        {"step": 1, "token": ["x"], "key": "k"},
    ],
)
def test_a_what_if_event_is_checked_before_it_counts(event):
    state = {"force": {}, "step": 0}
    assert not session.force_token(state, event, "k", 10, {"x": 1, "y": 2})
    assert state == {"force": {}, "step": 0}
    assert session.force_token(state, {"step": 2, "token": "y", "key": "k"}, "k", 10, {"y": 2})
    assert state == {"force": {2: "y"}, "step": 2}


def test_beam_search_lists_hypotheses(home):
    home.radio(key="decoding").set_value("beam").run()
    assert not home.exception
    assert len(home.radio(key="beam_choice").options) == 3
    assert heatmaps(home, 1)[0].shape == (1, 9)
    assert all(choices == [] for choices in step_view(home)["what_if"])  # greedy only


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("    ", "empty"),
        ("x" * 100, "at most 40"),
        ("Hello", "unknown symbol 'H'"),
        ("<script>alert(1)</script>", "unknown symbols"),
        ("12345", "unknown symbols"),
        ("😀", "unknown symbol"),
    ],
)
def test_bad_input_gets_a_message_and_no_traceback(home, text, message):
    home.text_input(key="input").set_value(text).run()
    assert not home.exception
    errors = " ".join(e.value for e in home.error)
    assert message in errors
    if "unknown" in message:
        assert "this model accepts: abcdefghijklmnopqrstuvwxyz" in errors


def test_the_step_view_carries_every_steps_formulas_the_diagrams_only_when_opened(home):
    assert len(home.latex) == 0  # the browser typesets them (KaTeX), step by step
    assert latex_bodies(home, 0) == []  # a hint instead, until step 1
    step1 = latex_bodies(home, 1)
    # six formulas and their numbers; the default (an "-hx" model) also m_j = h_j + W_x E x_j
    assert len(step1) == 14 and sum(r"\Rightarrow" in x for x in step1) == 7
    assert any(r"\alpha_{1," in x for x in step1) and not any(r"\alpha_{2," in x for x in step1)
    assert any(r"\alpha_{2," in x for x in latex_bodies(home, 2))
    for i in range(11):
        for body in latex_bodies(home, i):
            assert_wellformed_latex(body)
    assert step_view(home)["katex"].startswith("static/js/katex.")  # Streamlit's own copy
    assert not home.get("graphviz_chart")  # the diagrams: drawn when their expander opens
    home.session_state["diagram_open"] = True
    home.run()
    assert not home.exception
    assert len(home.get("graphviz_chart")) == 11  # one per step 0..10


def test_spaces_around_the_input_are_not_a_bad_symbol(home):
    home.text_input(key="input").set_value("  attention  ").run()
    assert not home.error and step_label(home).startswith("step 0 of 10")
    assert heatmaps(home, 1)[0].shape == (1, 9)  # the nine letters, no space among them


def test_the_task_opens_on_its_default_and_a_shifted_model_says_why_it_looks_next_door(home):
    """reverse opens with reverse-dot-hx (attention on the letter it writes); reverse-dot,
    one click away, looks one position past the letter, and its card says why."""
    assert home.selectbox(key="model").value == "reverse-dot-hx"
    assert not any("next to the symbol" in c.value for c in home.caption)
    home.selectbox(key="model").set_value("reverse-dot").run()
    assert any("one position off still finds x_j" in c.value for c in home.caption)
    assert not home.exception
