"""The past task: lemminflect's verbs, regular and irregular, their alignment and the lesson."""

import pytest

from presentation.verdicts import over_regularised
from s2s_core import tasks
from s2s_core.model.vocab import UnknownSymbolError, Vocab
from s2s_core.tasks.past import is_regular, past_alignment, past_tenses, regular_pasts
from s2s_core.training.evaluation import Prediction, scores_by_length

PAST = tasks.get_task("past")


def test_the_table_is_lemminflects_lowercase_verbs():
    table = past_tenses()
    assert len(table) > 6000
    assert all(
        v.isalpha() and v.islower() and p.isalpha() and p.islower() for v, p in table.items()
    )
    assert table["walk"] == "walked" and table["go"] == "went" and table["sing"] == "sang"
    assert max(map(len, table)) <= PAST.max_source_len
    assert max(map(len, table.values())) <= PAST.max_target_len


@pytest.mark.parametrize(
    ("verb", "past"),
    [
        ("walk", "walked"),
        ("bake", "baked"),
        ("try", "tried"),
        ("stop", "stopped"),
        ("play", "played"),
    ],
)
def test_regular_verbs_follow_a_spelling_rule(verb, past):
    assert is_regular(verb, past)


@pytest.mark.parametrize(
    ("verb", "past"),
    [("go", "went"), ("sing", "sang"), ("be", "was"), ("bring", "brought"), ("cut", "cut")],
)
def test_irregular_verbs_do_not(verb, past):
    assert not is_regular(verb, past)


def test_irregular_verbs_are_in_both_training_and_held_out():
    held_out = {e.source for e in tasks.test_examples(PAST, 2000)}
    irregular = {v for v, p in past_tenses().items() if not is_regular(v, p)}
    assert 150 < len(irregular) < 400
    assert irregular & held_out and irregular - held_out


@pytest.mark.parametrize("verb", ["walk", "sing", "go", "try", "stop", "bring", "compartmentalise"])
def test_alignment_covers_every_letter_in_order(verb):
    past = past_tenses()[verb]
    spans = past_alignment(verb, past)
    assert len(spans) == len(past)
    starts = [lo for lo, _ in spans]
    assert starts == sorted(starts)  # monotone: the alignment never goes back
    assert all(0 <= lo < hi <= len(verb) for lo, hi in spans)


def test_alignment_copies_the_stem_and_gives_the_ending_to_the_last_letter():
    assert past_alignment("walk", "walked") == ((0, 1), (1, 2), (2, 3), (3, 4), (3, 4), (3, 4))
    assert past_alignment("sing", "sang") == ((0, 1), (1, 4), (1, 4), (1, 4))


def test_typed_capitals_are_lowercased_and_other_symbols_named():
    assert PAST.solve("Walk") == PAST.example("walk")
    assert PAST.typed_source("  Sing ") == "sing"
    with pytest.raises(UnknownSymbolError, match="'3'"):
        Vocab(list(PAST.source_alphabet)).encode(PAST.typed_source("walk3"))
    assert PAST.solve("xyzzy") is None


def test_evaluation_scores_regular_and_irregular_apart():
    examples = [PAST.example(v) for v in ("walk", "stop", "sing", "go")]
    outputs = ["walked", "stoped", "singed", "went"]  # one of each class wrong
    preds = [Prediction(e, o, None) for e, o in zip(examples, outputs)]
    classes = scores_by_length(PAST, preds)["classes"]
    assert classes["regular"]["n"] == 2 and classes["regular"]["exact_match"] == 0.5
    assert classes["irregular"]["n"] == 2 and classes["irregular"]["exact_match"] == 0.5
    reverse = tasks.get_task("reverse")
    assert "classes" not in scores_by_length(
        reverse, [Prediction(reverse.example("ab"), "ba", None)]
    )


def test_over_regularisation_is_named():
    sing = PAST.example("sing")
    assert over_regularised(PAST, sing, "singed") and "singed" in regular_pasts("sing")
    assert not over_regularised(PAST, sing, "sang")
    assert not over_regularised(PAST, PAST.example("walk"), "walked")  # regular: no lesson
    assert not over_regularised(tasks.get_task("reverse"), None, "x")
