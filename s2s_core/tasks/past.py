"""The past task: an English verb -> its past tense, from lemminflect's inflection table.

    "walk" -> "walked"      regular: the -ed rule
    "sing" -> "sang"        irregular: learned one verb at a time

A network that learns "walk -> walked" also says "go -> goed": the over-regularisation at the
heart of the debate between Rumelhart & McClelland (1986) and Pinker & Prince (1988). The
data is lemminflect's table (MIT licence), shipped inside the package: lowercase a-z verbs
with a past form, the first one where it gives several.

A past form is *regular* when one of English's spelling rules makes it from the verb: add
-ed, add -d after an e, y -> -ied after a consonant, or double the last consonant and add -ed.
Every other past form is irregular.

Gold alignment, derived from the edit script: the letters the past form shares with the
start of the verb align letter to letter; the rest (the ending, or a changed stem) aligns
to the verb's last letters from where the two first differ.
"""

from __future__ import annotations

import functools
import gzip
import importlib.resources
import random
import string

from s2s_core.tasks.base import Example, Span, Task

VOWELS = frozenset("aeiou")
_LETTER_SET = frozenset(string.ascii_lowercase)


@functools.cache
def past_tenses() -> dict[str, str]:
    """verb -> past tense, for every lowercase a-z verb of lemminflect's table (read once)."""
    table = importlib.resources.files("lemminflect") / "resources" / "infl_lu.csv.gz"
    with gzip.open(str(table), "rt", encoding="utf-8") as f:
        rows = [line.rstrip("\n").split(",") for line in f]
    out: dict[str, str] = {}
    for row in rows:
        if len(row) < 3 or row[1] != "verb" or not row[2]:
            continue
        verb, past = row[0], row[2].split("/")[0]
        if set(verb) <= _LETTER_SET and set(past) <= _LETTER_SET and verb:
            out.setdefault(verb, past)
    return out


def regular_pasts(verb: str) -> set[str]:
    """What the regular spelling rules can make of `verb`: walk -> walked, bake -> baked,
    try -> tried, stop -> stopped."""
    forms = {verb + "ed"}
    if verb.endswith("e"):
        forms.add(verb + "d")
    if len(verb) > 1 and verb.endswith("y") and verb[-2] not in VOWELS:
        forms.add(verb[:-1] + "ied")
    if len(verb) > 1 and verb[-1] not in VOWELS | {"w", "x", "y"} and verb[-2] in VOWELS:
        forms.add(verb + verb[-1] + "ed")
    return forms


def is_regular(verb: str, past: str) -> bool:
    return past in regular_pasts(verb)


def past_alignment(verb: str, past: str) -> tuple[Span, ...]:
    """For each letter of `past`, the span of `verb` it comes from (see the module's text)."""
    k = 0
    while k < min(len(verb), len(past)) and verb[k] == past[k]:
        k += 1
    rest = (min(k, len(verb) - 1), len(verb))  # where the two differ, to the verb's end
    return tuple((j, j + 1) if j < k else rest for j in range(len(past)))


class PastTask(Task):
    """Verb -> past tense; `classify` tells regular from irregular verbs."""

    alignment_label = "Derived alignment"

    def alphabets(self) -> tuple[str, str]:
        return string.ascii_lowercase, string.ascii_lowercase

    def normalize(self, text: str) -> str:
        """Typed capitals are lowercased: "Walk" is "walk"."""
        return super().normalize(text).lower()

    @staticmethod
    @functools.cache
    def _verbs() -> tuple[str, ...]:
        return tuple(sorted(past_tenses()))

    def sample(self, rng: random.Random, length: int | None = None) -> Example:
        self._no_length(length)
        return self.example(rng.choice(self._verbs()))

    def example(self, verb: str) -> Example:
        past = past_tenses()[verb]
        return Example(verb, past, past_alignment(verb, past))

    def solve(self, source: str) -> Example | None:
        verb = self.normalize(source)
        return self.example(verb) if verb in past_tenses() else None

    def classify(self, example: Example) -> str | None:
        return "regular" if is_regular(example.source, example.target) else "irregular"
