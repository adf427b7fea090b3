"""The numbers task: a number from 0 to 9999 spelled out by num2words -> its digits.

"vierundzwanzig" -> "24"        (English, German, French)
"""

from __future__ import annotations

import functools
import random

from num2words import num2words

from s2s_core.tasks.base import Example, Task, normalize

NUMBER_LANGS = ("en", "de", "fr")
MAX_NUMBER = 9999


@functools.cache  # num2words takes ~0.1 ms a call; there are only 30k examples to remember
def number_example(n: int, lang: str) -> Example:
    """`n` spelled out by num2words in `lang` -> its digits."""
    return Example(normalize(num2words(n, lang=lang)), str(n))


@functools.cache
def _number_examples() -> dict[str, Example]:
    """Every numbers example by its source: 0..MAX_NUMBER in every language (about 2.5 s).

    30k examples, 29,999 sources: English and French both write 6 as "six".
    """
    examples = (number_example(n, lang) for lang in NUMBER_LANGS for n in range(MAX_NUMBER + 1))
    return {ex.source: ex for ex in examples}


class NumbersTask(Task):
    def alphabets(self) -> tuple[str, str]:
        return "".join(sorted(set().union(*_number_examples()))), "0123456789"

    def sample(self, rng: random.Random, length: int | None = None) -> Example:
        self._no_length(length)
        return number_example(rng.randint(0, MAX_NUMBER), rng.choice(NUMBER_LANGS))

    def solve(self, source: str) -> Example | None:
        return _number_examples().get(self.normalize(source))
