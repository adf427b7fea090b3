"""Tasks on random lowercase strings: reverse and sort.

reverse   "attention" -> "noitnetta"    every output letter comes from one input letter
sort      "sequence"  -> "ceeenqsu"     the model must count, not just point
"""

from __future__ import annotations

import functools
import random
import string

from s2s_core.tasks.base import Example, Span, Task

LETTERS = string.ascii_lowercase
_LETTER_SET = frozenset(LETTERS)


# Random bytes -> letters: byte b becomes LETTERS[b % 26]. Bytes 234..255 are dropped, so each
# letter has exactly 9 of the 234 kept byte values: uniform, and ~3x faster than rng.choices.
_BYTE_TO_LETTER = "".join(LETTERS[b % 26] for b in range(256)).encode()
_DROPPED_BYTES = bytes(range(234, 256))


def random_letters(rng: random.Random, k: int) -> str:
    """`k` lowercase letters, each uniform and independent."""
    out = b""
    while len(out) < k:  # draw 8 spare bytes: one round nearly always gives enough
        out += rng.randbytes(k + 8).translate(_BYTE_TO_LETTER, _DROPPED_BYTES)
    return out[:k].decode()


@functools.cache
def _reversed_alignment(n: int) -> tuple[Span, ...]:
    """Target char k of a reversed string of length n comes from source char n-1-k."""
    return tuple((n - 1 - k, n - k) for k in range(n))


class _LettersTask(Task):
    """A task on random lowercase strings; subclasses say what becomes of them."""

    def alphabets(self) -> tuple[str, str]:
        return LETTERS, LETTERS

    def sample(self, rng: random.Random, length: int | None = None) -> Example:
        if length is None:
            assert self.train_lengths is not None  # every letters task has a length range
            length = rng.randint(*self.train_lengths)
        return self.example(random_letters(rng, length))

    def solve(self, source: str) -> Example | None:
        source = self.normalize(source)
        if 0 < len(source) <= self.max_source_len and set(source) <= _LETTER_SET:
            return self.example(source)
        return None

    def example(self, source: str) -> Example:
        raise NotImplementedError


class ReverseTask(_LettersTask):
    def example(self, source: str) -> Example:
        return Example(source, source[::-1], _reversed_alignment(len(source)))


class SortTask(_LettersTask):
    def example(self, source: str) -> Example:
        # No alignment: in "sequence" -> "ceeenqsu" each 'e' could come from any of three 'e's.
        return Example(source, "".join(sorted(source)))
