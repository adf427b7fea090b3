"""The home page (pages/home.py, in the frame app.py) through Streamlit's AppTest: stepping,
state, links, bad input."""

import pytest

from tests.support.apptest import app, heatmaps, step_label


@pytest.fixture
def home():
    at = app()
    at.run()
    assert not at.exception
    return at


def test_first_view_shows_the_controls_and_step_zero(home):
    assert [b.label for b in home.sidebar.button][:1] == ["Random example"]  # under Input
    labels = " ".join(b.label for b in home.button)
    for word in ("Reset", "Back", "Next", "Play"):
        assert word in labels
    assert step_label(home) == "### step 0 of 10"  # "attention": 9 letters + <eos>
    assert home.sidebar.text_input(key="input").value == "attention"


def test_stepping_grows_the_heatmap_one_row_per_step(home):
    home.text_input(key="input").set_value("sequence").run()
    for _ in range(3):
        home.button(key="next").click().run()
    assert step_label(home) == "### step 3 of 9"
    (z,) = heatmaps(home)
    assert z.shape == (3, 8)  # rows: steps so far; columns: source positions
    assert z.sum(axis=1) == pytest.approx([1, 1, 1], abs=1e-4)
    home.button(key="back").click().run()
    assert step_label(home) == "### step 2 of 9" and heatmaps(home)[0].shape == (2, 8)
    home.button(key="reset").click().run()
    assert step_label(home) == "### step 0 of 9"
    assert not home.exception


def test_repeated_letters_are_separate_columns(home):
    home.button(key="next").click().run()
    assert heatmaps(home)[0].shape == (1, 9)  # "attention" repeats t and n: still 9 columns


def test_play_advances_and_pause_stops(home):
    home.button(key="play").click().run()
    assert home.session_state["playing"] is True
    assert home.session_state["step"] >= 1
    assert "Pause" in home.button(key="play").label
    home.button(key="play").click().run()
    assert home.session_state["playing"] is False
    stopped = home.session_state["step"]
    home.run()
    assert home.session_state["step"] == stopped


def test_a_link_restores_task_model_input_and_step():
    at = app(task="reverse", model="reverse-dot", input="hello", step="3")
    at.run()
    assert not at.exception
    assert at.text_input(key="input").value == "hello"
    assert at.selectbox(key="model").value == "reverse-dot"
    assert step_label(at) == "### step 3 of 6"
    assert heatmaps(at)[0].shape == (3, 5)


def test_state_is_written_back_into_the_link(home):
    home.button(key="next").click().run()
    assert home.query_params["step"] == ["1"] or home.query_params["step"] == "1"
    assert "attention" in str(home.query_params["input"])


def test_changing_task_resets_input_and_model(home):
    home.selectbox(key="task").set_value("numbers").run()
    assert home.text_input(key="input").value == "vierundzwanzig"
    assert home.selectbox(key="model").value == "numbers-additive"
    home.button(key="next").click().run()
    assert not home.exception


def test_random_example_comes_from_the_held_out_set(home):
    home.sidebar.button[0].click().run()
    text = home.text_input(key="input").value
    assert text.isalpha() and text.islower() and 3 <= len(text) <= 40
    assert step_label(home).startswith("### step 0 of")


def test_what_if_forces_a_token_and_can_be_undone(home):
    home.button(key="next").click().run()
    pills = home.button_group(key="what-if")
    assert "n" not in pills.options and len(pills.options) == 4  # the top 5 but the greedy "n"
    pills.set_value(pills.options[0]).run()
    assert not home.exception
    ((forced_step, forced_token),) = home.session_state["force"].items()
    assert forced_step == 1 and forced_token != "n"
    assert "what-if active" in [c.value for c in home.caption]  # under this model's output
    assert home.session_state["step"] == 1  # still at the step that was changed
    assert home.button_group(key="what-if").value is None  # ready for another choice
    output = next(m.value for m in home.markdown if m.value.startswith("**Output so far:**"))
    # y_1 is the forced token now, and wrong: marked red (not in a code span, which keeps
    # its own colours)
    assert output == f"**Output so far:** :red-background[:red[**{forced_token}**]]"
    home.button(key="unforce").click().run()
    assert home.session_state["force"] == {}


def test_beam_search_lists_hypotheses(home):
    home.radio(key="decoding").set_value("beam").run()
    assert not home.exception
    assert len(home.radio(key="beam_choice").options) == 3
    home.button(key="next").click().run()
    assert heatmaps(home)[0].shape == (1, 9)


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


def test_formulas_or_context_vectors_only_the_open_tab_is_drawn(home):
    home.button(key="next").click().run()
    assert len(home.latex) == 12  # six formulas, each general and with this step's numbers
    assert sum(r"\Rightarrow" in x.value for x in home.latex) == 6
    assert any(r"\alpha_{1," in x.value for x in home.latex)
    home.session_state["detail_tab"] = "Context vectors: c_i against the one fixed c"
    home.run()
    assert not home.exception and len(home.latex) == 0
    assert len(home.get("plotly_chart")) == 2  # the heatmap (with its source strip), c_i


def test_spaces_around_the_input_are_not_a_bad_symbol(home):
    home.text_input(key="input").set_value("  attention  ").run()
    assert not home.error and step_label(home).startswith("### step 0 of 10")
    home.button(key="next").click().run()
    assert heatmaps(home)[0].shape == (1, 9)  # the nine letters, no space among them
