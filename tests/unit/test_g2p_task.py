"""The g2p task: phonemes as tokens, the derived alignment, the split, the scores, bad words."""

import collections
import math
import random

import pytest
import torch

from presentation import bottleneck
from presentation.verdicts import token_marks, verdict
from s2s_core import tasks
from s2s_core.model.config import ModelConfig
from s2s_core.model.data import encode_padded
from s2s_core.model.decoding import Step, Trace, beam_search, check_source, forced_tokens
from s2s_core.model.rnn import Seq2Seq
from s2s_core.model.vocab import EOS, InputError, UnknownSymbolError, Vocab
from s2s_core.tasks import aligner
from s2s_core.tasks.g2p import ARPABET, pronunciations, split
from s2s_core.training.evaluation import Prediction, held_out, scores_by_length

G2P = tasks.get_task("g2p")
PHONEMES = Vocab(G2P.target_symbols())


# --- phonemes are tokens: a vocabulary of words -------------------------------------------


def test_a_vocabulary_of_phonemes_reads_and_writes_words():
    assert PHONEMES.separator == " " and Vocab(list("abc")).separator == ""
    assert len(PHONEMES.symbols) == 39 and PHONEMES.symbols == sorted(ARPABET)
    ids = PHONEMES.encode("N AY T", eos=True)
    assert len(ids) == 4 and PHONEMES.decode(ids) == "N AY T"
    assert [PHONEMES.itos[i] for i in ids[:3]] == ["N", "AY", "T"]
    with pytest.raises(UnknownSymbolError, match="'XX'"):
        PHONEMES.encode("N XX T")


def test_a_batch_of_pronunciations_is_padded_per_phoneme():
    ids, lengths = encode_padded(["N AY T", "F IY N IH K S"], PHONEMES)
    assert lengths.tolist() == [3, 6] and ids.shape == (2, 6)
    assert ids[0, 3:].tolist() == [0, 0, 0]  # <pad>
    assert ids[1].tolist() == PHONEMES.encode("F IY N IH K S")


def test_forcing_a_pronunciation_forces_one_phoneme_per_step():
    assert forced_tokens(PHONEMES, None, "N AY T") == {1: "N", 2: "AY", 3: "T", 4: EOS}


def _trace(tokens: list[str]) -> Trace:
    steps = [Step(i, t, 0.9, [], None, None, [], 0.0, 0.0) for i, t in enumerate(tokens, 1)]
    return Trace("knight", list("knight"), "none", steps, separator=" ")


def test_a_trace_writes_its_phonemes_with_spaces_and_is_judged_per_phoneme():
    expected = G2P.solve("knight")
    right, wrong = _trace(["N", "AY", "T", EOS]), _trace(["K", "N", "AY", "T", EOS])
    assert right.output == "N AY T" and verdict(right.output, expected, " ") == 0
    assert verdict(wrong.output, expected, " ") == 1  # the k said: wrong from phoneme 1
    assert token_marks(_trace(["N", "EY", "T", EOS]), expected) == [True, False, True, True]


def test_any_pronunciation_of_the_dictionary_is_right():
    read = G2P.solve("read")
    assert read.target == "R EH D" and read.alternatives == ("R IY D",)
    assert read.accepts("R IY D") and not read.accepts("R AY D")
    assert verdict("R IY D", read, " ") == 0
    assert verdict("R IY T", read, " ") == 3  # right as far as "R IY D" goes: to symbol 3
    assert token_marks(_trace(["R", "IY", "D", EOS]), read) == [True] * 4


# --- the task ----------------------------------------------------------------------------


def test_typed_capitals_are_lowercased_and_the_answer_says_where_it_comes_from():
    assert G2P.typed_source(" Knight ") == "knight"
    assert G2P.solve("Knight").target == "N AY T"
    assert G2P.solve("zorblax") is None
    assert G2P.about("zorblax") == "not in the dictionary: the model's own guess"
    train, held = split()
    assert "held out" in G2P.about(held[0]) and "training" in G2P.about(train[0])


def test_the_held_out_words_are_never_drawn_for_training():
    held = set(G2P.held_out_pool())
    rng = random.Random(0)
    drawn = {G2P.sample(rng).source for _ in range(20_000)}
    assert not drawn & held
    evaluation = held_out(G2P)
    assert {e.source for e in evaluation} == held and len(held) == 5925
    assert tasks.test_examples(G2P, 100, seed=1) != tasks.test_examples(G2P, 100, seed=2)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kn1ght", r"unknown symbol '1'"),
        ("café", r"unknown symbol 'é'"),
        ("k\N{GRINNING FACE}", "unknown symbol"),
        ("a" * 5000, r"has 5000 symbols; this model accepts at most 30"),
        ("   ", "the input is empty"),
    ],
)
def test_bad_words_get_a_one_line_message(text, message):
    src = Vocab(list(G2P.source_alphabet))
    with pytest.raises(InputError, match=message):
        check_source(G2P.typed_source(text), src, G2P.max_source_len)


# --- the derived alignment -----------------------------------------------------------------


def test_em_on_a_few_thousand_words_learns_silent_letters_and_two_letter_sounds():
    train, _ = split()
    prons = pronunciations()
    words = [(w, prons[w][0]) for w in train[::40]]  # 2,790 words, from a to z
    p = aligner.learn(words, iterations=5)
    assert aligner.viterbi("phone", ("F", "OW", "N"), p)[0] == (0, 2)  # ph -> F
    assert aligner.viterbi("ship", ("SH", "IH", "P"), p) == [(0, 2), (2, 3), (3, 4)]
    night = aligner.viterbi("night", ("N", "AY", "T"), p)
    assert night[-1] == (4, 5) and all(hi <= 3 for _, hi in night[:2])  # g, h: silent
    assert aligner.viterbi("w", ("D", "AH", "B"), p) is None  # more than 2 phonemes a letter


@pytest.mark.parametrize("word", ["knight", "phoenix", "through", "xerox", "colonel", "w", "fyi"])
def test_the_shipped_alignment_covers_every_phoneme_in_order(word):
    example = G2P.solve(word)
    spans = example.alignment
    assert len(spans) == len(PHONEMES.tokens(example.target))
    assert all(0 <= lo < hi <= len(word) for lo, hi in spans)
    assert [lo for lo, _ in spans] == sorted(lo for lo, _ in spans)


def test_knight_keeps_gh_silent_and_phoenix_reads_ph_as_f():
    knight = G2P.solve("knight")
    letters = [knight.source[lo:hi] for lo, hi in knight.alignment]
    assert letters == ["kn", "i", "t"]  # N from "kn" (k silent in that chunk); gh: no phoneme
    phoenix = G2P.solve("phoenix")
    assert phoenix.source[slice(*phoenix.alignment[0])] == "ph"
    assert [phoenix.source[slice(*s)] for s in phoenix.alignment[-2:]] == ["x", "x"]


def test_every_held_out_word_has_a_monotone_alignment_of_every_phoneme():
    for e in held_out(G2P):
        spans = e.alignment
        assert len(spans) == len(e.target.split()), e.source
        assert all(0 <= lo < hi <= len(e.source) for lo, hi in spans), e.source
        assert list(spans) == sorted(spans), e.source  # never back along the word


def _every_cut(word, phonemes):
    """All cuts of (word, phonemes) into SHAPES chunk pairs, by brute force."""
    if not word and not phonemes:
        return [[]]
    return [
        [(word[:a], " ".join(phonemes[:b])), *rest]
        for a, b in aligner.SHAPES
        if a <= len(word) and b <= len(phonemes)
        for rest in _every_cut(word[a:], phonemes[b:])
    ]


def test_forward_backward_counts_and_viterbi_match_brute_force():
    p = {("a", "A"): 0.3, ("b", "B"): 0.2, ("ab", "A"): 0.1, ("b", ""): 0.15, ("a", "A B"): 0.05}
    word, phonemes = "abb", ("A", "B")
    cuts = _every_cut(word, phonemes)
    prob = [math.prod(p.get(pair, aligner.FLOOR) for pair in cut) for cut in cuts]
    expected: dict = collections.defaultdict(float)
    for cut, pr in zip(cuts, prob):
        for pair in cut:
            expected[pair] += pr / sum(prob)
    counts: dict = collections.defaultdict(float)
    assert aligner.expected_counts(word, phonemes, p, counts)
    assert counts.keys() == expected.keys()
    for pair, c in expected.items():
        assert counts[pair] == pytest.approx(c, rel=1e-9), pair
    best = cuts[max(range(len(cuts)), key=prob.__getitem__)]
    assert best == [("ab", "A"), ("b", "B")]  # 0.1 x 0.2 beats a, b, b: 0.3 x 0.2 x 0.15
    assert aligner.viterbi(word, phonemes, p) == [(0, 2), (2, 3)]


def test_a_word_with_no_cut_spreads_its_phonemes_evenly():
    assert aligner.viterbi("w", ("D", "AH", "B"), {}) is None  # 3 phonemes from 1 letter
    assert aligner.align("ab", ("D", "AH", "B", "AH", "L"), {}) == [
        (0, 1),
        (0, 1),
        (0, 1),
        (1, 2),
        (1, 2),
    ]


# --- the scores --------------------------------------------------------------------------


def test_wer_and_per_by_length_count_any_pronunciation_as_right():
    read, knight, phoenix = (G2P.solve(w) for w in ("read", "knight", "phoenix"))
    preds = [
        Prediction(read, "R IY D", [0, 1, 2], " "),  # the second pronunciation: right
        Prediction(knight, "N EY T", [0, 3, 5], " "),  # one substitution in 3
        Prediction(phoenix, "F IY N IH K S", None, " "),
    ]
    scores = scores_by_length(G2P, preds)
    overall = scores["overall"]
    assert overall["wer"] == pytest.approx(1 / 3) and overall["exact_match"] == pytest.approx(2 / 3)
    assert overall["per"] == pytest.approx(1 / 12)  # 1 edit over 3 + 3 + 6 phonemes
    assert overall["token_accuracy"] == pytest.approx(11 / 12)  # R IY D: right, so 3/3
    by_length = {tuple(b["lengths"]): b for b in scores["buckets"]}
    assert by_length[(1, 5)]["wer"] == 0.0 and by_length[(6, 10)]["wer"] == pytest.approx(1 / 2)
    assert "wer" not in scores_by_length(tasks.get_task("past"), [])["overall"]


def test_the_dictionary_and_the_table_are_read_once_per_process():
    for read in (pronunciations, aligner.shipped_table):
        read()
        misses = read.cache_info().misses
        read()
        assert read.cache_info().misses == misses == 1, read.__name__


def test_beam_search_writes_phonemes_with_spaces():
    torch.manual_seed(0)
    src = Vocab(list(G2P.source_alphabet))
    model = Seq2Seq(ModelConfig(len(src), len(PHONEMES), "additive", hidden=16, embedding=8))
    with torch.no_grad():  # untrained: keep it off <pad>, <sos>, <unk>
        model.decoder.W_o.bias[[0, 1, 3]] = -20.0
    hyps = beam_search(model.eval(), src, PHONEMES, "knight", width=3, max_steps=5)
    assert len(hyps) == 3
    for h in hyps:
        tokens = [s.token for s in h.steps if s.token != EOS]
        assert h.output == " ".join(tokens) and all(t in ARPABET for t in tokens)


def test_a_phoneme_error_rate_above_one_gets_no_band():
    metrics = {
        "attention": "none",
        "buckets": [
            {"lengths": [1, 5], "n": 2, "extrapolation": False, "exact_match": 0.0}
            | {"token_accuracy": 0.1, "wer": 1.0, "per": 2.5, "alignment": None}
        ],
    }
    rows = {r["metric"]: r for r in bottleneck.bucket_rows("none", metrics)}
    assert (rows["phoneme error rate"]["low"], rows["phoneme error rate"]["high"]) == (2.5, 2.5)
    assert rows["word error rate"]["low"] < 1.0 == rows["word error rate"]["high"]
    low, high = bottleneck.wilson(1.3, 5)  # clamped to 1: never a math domain error
    assert 0 < low < high == 1.0
