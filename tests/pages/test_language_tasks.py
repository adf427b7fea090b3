"""The language tasks in the app: g2p and past on Home, the explorer and Bottleneck."""

import json

import pytest

from presentation.verdicts import OVER_REGULARISED
from s2s_core import tasks
from tests.support.apptest import BOTTLENECK, EXPLORER, app, heatmaps, step_figure, step_label


def codes(at) -> list[str]:
    return [c.value for c in at.code]


def captions(at) -> str:
    return " ".join(c.value for c in at.caption)


@pytest.fixture
def knight():
    at = app(task="g2p", input="Knight")
    at.run()
    assert not at.exception
    return at


def test_knight_is_pronounced_one_phoneme_per_step(knight):
    n = int(step_label(knight).split()[-1])
    assert n == 4  # N AY T <eos>
    for step in range(1, n + 1):
        z = heatmaps(knight, step)[0]
        assert z.shape == (step, 6)  # a row per phoneme so far, a column per letter
    figure = step_figure(knight, "attention", n)
    rows = figure["layout"]["yaxis"]["ticktext"]
    assert [r.split(" · ")[1] for r in rows] == ["N", "AY", "T", "<eos>"]
    z = heatmaps(knight, n)[0]
    looks = [int(row.argmax()) for row in z[:3]]  # where N, AY, T look
    assert looks == sorted(looks) and looks[0] <= 1 and looks[2] >= 4  # along the word
    assert "N AY T" in codes(knight)  # expected and output, phonemes separated by spaces
    assert "In the dictionary, a training word" in captions(knight)


def test_a_word_not_in_the_dictionary_is_the_models_own_guess():
    at = app(task="g2p", input="zorblax")
    at.run()
    assert not at.exception and not at.error
    assert "Not in the dictionary: the model's own guess." in captions(at)


def test_the_arpabet_legend_has_39_phonemes_with_ipa(knight):
    (legend,) = [e for e in knight.expander if "ARPAbet" in e.label]
    table = legend.dataframe[0].value
    assert len(table) == 39 and list(table.columns) == ["ARPAbet", "IPA", "as in"]
    assert table.set_index("ARPAbet").loc["AY"].tolist() == ["aɪ", "hide"]


@pytest.mark.parametrize(
    ("typed", "named"), [("kn1ght", "'1'"), ("café", "'é'"), ("a" * 5000, "at most 30")]
)
def test_bad_words_get_a_message(knight, typed, named):
    knight.text_input(key="input").set_value(typed).run()
    assert not knight.exception
    assert len(knight.error) == 1 and named in knight.error[0].value


def test_try_pills_type_a_teaching_input(knight):
    knight.sidebar.pills(key="try_input").set_value("phoenix").run()
    assert knight.sidebar.text_input(key="input").value == "phoenix"
    assert knight.session_state["try_input"] is None and knight.session_state["step"] == 0
    assert "F IY N IH K S" in codes(knight)


def test_random_example_is_a_held_out_word(knight):
    knight.sidebar.button[0].click().run()
    word = knight.sidebar.text_input(key="input").value
    assert word in tasks.get_task("g2p").held_out_pool()
    assert "held out: the model never saw this word in training" in captions(knight)


def test_the_explorer_shows_both_g2p_models_and_the_dictionary():
    at = app(EXPLORER, task="g2p", input="phoenix")
    at.run()
    assert not at.exception
    assert any("`F IY N IH K S`" in m.value for m in at.markdown)
    assert "Derived alignment: the largest α_ij falls on" in captions(at)
    assert "In the dictionary, a training word" in captions(at)
    assert any("ARPAbet" in e.label for e in at.expander)


def test_bottleneck_shows_word_and_phoneme_error_rates_for_g2p():
    at = app(BOTTLENECK)
    at.selectbox(key="task").set_value("g2p")
    at.run()
    assert not at.exception
    options = at.radio(key="bn_metric").options
    assert options == ["exact match", "token accuracy", "word error rate", "phoneme error rate"]
    at.radio(key="bn_metric").set_value("word error rate").run()
    specs = [json.loads(el.proto.spec) for el in at.get("vega_lite_chart")]
    assert any(s["title"].startswith("word error rate by source length") for s in specs)
    assert "5,925 sources each" in captions(at)
    at.selectbox(key="task").set_value("reverse").run()  # no WER there: back to exact match
    assert not at.exception and at.radio(key="bn_metric").value == "exact match"


def test_past_names_an_over_regularised_answer():
    at = app(task="past", model="past-additive", input="throw")  # held out, irregular: threw
    at.run()
    assert not at.exception
    assert codes(at)[:2] == ["threw", "throwed"]  # expected, then this model's output
    assert OVER_REGULARISED in captions(at)
    assert "✘ wrong from symbol 4" in " ".join(m.value for m in at.markdown)
