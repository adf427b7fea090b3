"""What every task is made of: examples, the Task interface, and the seeded data sets.

Example            one (source, target) pair, with its gold alignment where known
Task               what the app, the trainer and the evaluation need to know of a task
normalize          typed text and library text made comparable (NFC, one kind of space)
test_examples      the held-out set: distinct sources, seeded
train_examples     training pairs, seeded, never a held-out source
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

Span = tuple[int, int]
"""A half-open range [start, end) of source positions."""


@dataclass(frozen=True)
class Example:
    """One (source, target) pair.

    `alignment`, for tasks that know it, has one entry per target token (a character; for
    g2p a phoneme): the span [start, end) of source positions it comes from, or None for a
    target token with no source (the '-' in an ISO date). It is None as a whole when the task
    has no alignment. `alternatives` are other targets that count as right too (g2p: the
    dictionary's other pronunciations of a word, "R IY D" beside "R EH D").
    """

    source: str
    target: str
    alignment: tuple[Span | None, ...] | None = None
    alternatives: tuple[str, ...] = ()

    def accepts(self, output: str) -> bool:
        """Is `output` a right answer: the target, or one of its alternatives?"""
        return output == self.target or output in self.alternatives


def normalize(text: str) -> str:
    """Unicode NFC, and every space separator (NBSP, U+202F, ...; category Zs) becomes ' '.

    What the app applies to typed input, and what the tasks apply to the text the libraries
    write, so that both meet in the same alphabet. It keeps case and surrounding spaces.
    """
    if text.isascii():  # nothing to do: the common case, kept fast
        return text
    text = unicodedata.normalize("NFC", text)
    return "".join(" " if unicodedata.category(ch) == "Zs" else ch for ch in text)


@dataclass(frozen=True)
class Task:
    """A seq2seq task: what the app, the trainer and the evaluation need to know about it.

    Subclasses implement `sample` and `alphabets`.
    """

    alignment_label: ClassVar[str] = "Gold alignment"  # "Derived alignment" where it is inferred
    reports_error_rates: ClassVar[bool] = False  # also score WER and PER (g2p)

    name: str
    title: str
    description: str
    max_source_len: int  # the longest input the app/CLI accept
    max_target_len: int  # the longest target the task can produce
    train_lengths: tuple[int, int] | None  # (min, max) source length in training; None: no knob
    eval_lengths: tuple[int, int] | None  # (min, max) source length in evaluation
    default_input: str
    has_alignment: bool
    teaching_inputs: tuple[str, ...] = ()  # inputs that show the lesson: "knight", "phoenix"

    @property
    def source_alphabet(self) -> str:
        """Every character that can occur in a source, sorted."""
        return self.alphabets()[0]

    @property
    def target_alphabet(self) -> str:
        """Every character that can occur in a target, sorted."""
        return self.alphabets()[1]

    def alphabets(self) -> tuple[str, str]:
        """(source alphabet, target alphabet)."""
        raise NotImplementedError

    @property
    def scored_on_training(self) -> bool:
        """True for a task whose scores are on its training examples (a teacher's file too
        small to hold pairs out): training then excludes nothing."""
        return False

    def training_pool(self) -> Sequence[str]:
        """Held-out sources that training may see all the same: none, except where a
        task is scored on its training examples (`scored_on_training`: all of them)."""
        return self.held_out_pool() or () if self.scored_on_training else ()

    def source_symbols(self) -> list[str]:
        """The input tokens: the source alphabet's characters (a teacher's pairs: words)."""
        return list(self.source_alphabet)

    def target_symbols(self) -> list[str]:
        """The output tokens: the target alphabet's characters (g2p: its phonemes)."""
        return list(self.target_alphabet)

    def held_out_pool(self) -> Sequence[str] | None:
        """The sources held out from training, for a task whose split is fixed in advance
        (g2p: 5% of the dictionary's words); None for a task that draws its held-out set."""
        return None

    def sample(self, rng: random.Random, length: int | None = None) -> Example:
        """One random example; `length` (source length) only for tasks with `train_lengths`."""
        raise NotImplementedError

    def normalize(self, text: str) -> str:
        """Typed input, made comparable with the task's sources (see `normalize`)."""
        return normalize(text)

    def typed_source(self, text: str) -> str:
        """The source a typed text stands for: normalized, and without the spaces a student
        may type around it ("  abc " is "abc"). What the app and the CLI decode."""
        return self.normalize(text).strip()

    def solve(self, source: str) -> Example | None:
        """The example for `source` (normalized first) if the task could have generated it.

        The right answer to a typed input: its target and, for tasks that know it, its
        alignment, exactly as `sample` would give them. None for any other string.
        """
        raise NotImplementedError

    def about(self, source: str) -> str | None:
        """Where a source's answer comes from, when the task can say (g2p: "in the
        dictionary, a held-out word"); None for tasks that have nothing to add."""
        return None

    def legend(self) -> dict[str, tuple[str, str]] | None:
        """Output symbol -> (what it stands for, an example), for tasks whose symbols need a
        key (g2p's ARPAbet phonemes); None otherwise."""
        return None

    def classify(self, example: Example) -> str | None:
        """The class of an example the evaluation scores apart (past: regular or irregular);
        None for tasks without classes."""
        return None

    def _no_length(self, length: int | None) -> None:
        if length is not None:
            raise ValueError(f"task {self.name!r} has no source length to choose")


# --- data sets -----------------------------------------------------------------------------


def _rng(task: Task, split: str, seed: int) -> random.Random:
    # A string seed is hashed with SHA-512: the same stream in every process (unlike hash()).
    return random.Random(f"{task.name}-{split}-{seed}")


def test_examples(task: Task, n: int, seed: int = 0) -> list[Example]:
    """The held-out set: `n` examples with distinct sources, the same for the same arguments.

    For tasks with `eval_lengths` the source lengths cycle through the whole range, so every
    length has (nearly) the same number of examples. A task with a fixed held-out pool gives
    a seeded sample of it (all of it when `n` is larger).
    """
    rng = _rng(task, "test", seed)
    pool = task.held_out_pool()
    if pool is not None:
        chosen = rng.sample(list(pool), min(n, len(pool)))
        return [e for e in map(task.solve, chosen) if e is not None]
    lengths = (
        None if task.eval_lengths is None else range(task.eval_lengths[0], task.eval_lengths[1] + 1)
    )
    examples: list[Example] = []
    seen: set[str] = set()
    misses = 0
    while len(examples) < n:
        length = None if lengths is None else lengths[len(examples) % len(lengths)]
        example = task.sample(rng, length)
        if example.source in seen:
            misses += 1
            if misses > 100 * n + 1000:
                raise ValueError(f"cannot draw {n} distinct sources for task {task.name!r}")
            continue
        seen.add(example.source)
        examples.append(example)
    return examples


test_examples.__test__ = False  # type: ignore[attr-defined]  # tell pytest: not a test


def held_out_sources(task: Task, n: int, seed: int = 0) -> set[str]:
    """The sources of `test_examples(task, n, seed)`: what training must never see."""
    return {e.source for e in test_examples(task, n, seed)}


def train_examples(
    task: Task, n: int, seed: int = 0, exclude: set[str] | None = None
) -> list[Example]:
    """`n` training examples, the same for the same arguments, none with a source in `exclude`.

    Source lengths are uniform over `train_lengths`. Sources may repeat (short ones do).
    """
    rng = _rng(task, "train", seed)
    exclude = exclude or set()
    examples: list[Example] = []
    misses = 0
    while len(examples) < n:
        example = task.sample(rng)
        if example.source in exclude:
            misses += 1
            if misses > 100 * n + 1000:
                raise ValueError(f"`exclude` leaves too few sources for task {task.name!r}")
            continue
        examples.append(example)
    return examples
