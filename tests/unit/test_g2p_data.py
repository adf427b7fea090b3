"""The g2p task's data (CMUdict, no stress, split by word) and the error rates it will report."""

import pytest

from s2s_core.tasks.g2p import ARPABET, is_held_out, pronunciations, split, without_stress
from s2s_core.training.evaluation import edit_distance, error_rates


def test_the_dictionary_without_stress_in_39_phonemes():
    prons = pronunciations()
    assert len(prons) > 100_000
    assert prons["knight"] == (("N", "AY", "T"),)  # the k and the gh silent
    assert prons["phoenix"] == (("F", "IY", "N", "IH", "K", "S"),)
    assert prons["read"] == (("R", "EH", "D"), ("R", "IY", "D"))  # both, in order
    used = {p for ps in prons.values() for pron in ps for p in pron}
    assert used == set(ARPABET) and len(ARPABET) == 39
    assert all(w.isalpha() and w.isascii() and w.islower() for w in prons)
    assert without_stress("AY1") == "AY" and without_stress("NG") == "NG"


def test_the_split_is_by_word_seeded_and_about_five_percent():
    train, held = split()
    assert not set(train) & set(held)
    assert len(train) + len(held) == len(pronunciations())
    assert 0.045 < len(held) / (len(train) + len(held)) < 0.055
    assert split() == (train, held) and is_held_out(held[0]) and not is_held_out(train[0])


@pytest.mark.parametrize(
    ("a", "b", "d"),
    [("", "", 0), ("abc", "abc", 0), ("abc", "", 3), ("kitten", "sitting", 3), ("NAYT", "NIT", 2)],
)
def test_edit_distance(a, b, d):
    assert edit_distance(list(a), list(b)) == d == edit_distance(list(b), list(a))


def test_word_and_phoneme_error_rates():
    refs = [[("N", "AY", "T")], [("R", "EH", "D"), ("R", "IY", "D")], [("F", "IY", "N")]]
    outputs = [("N", "AY", "T"), ("R", "IY", "D"), ("F", "EY", "N", "S")]
    wer, per = error_rates(outputs, refs)
    assert wer == pytest.approx(1 / 3)  # "read" matches its second pronunciation
    assert per == pytest.approx(2 / 9)  # one substitution and one insertion over 3 + 3 + 3
    assert error_rates([], []) == (0.0, 0.0)
