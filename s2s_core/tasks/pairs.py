"""A task made of a teacher's own pairs (pairs_file.py reads and checks them).

    PairsTask.of(file, title)   the task: its name from its content ("own" + 12 hex digits:
                                the same pairs, the same task), a seeded held-out split
    task.to_json() / from_json  what travels with its models (task.json beside config.json)

The held-out split is by source: HELD_OUT_SHARE of the distinct sources (at least
MIN_HELD_OUT) never reach training. A file too small to spare them is trained and scored
on its training pairs, and says so (`scored_on_training`) wherever a score is shown.
A source given with several targets keeps the first as its target and the others as
alternatives that count as right too. No gold alignment: attribution stands beside α.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from s2s_core.tasks.base import Example, Task
from s2s_core.tasks.pairs_file import PairsFile, Tokens, symbols

HELD_OUT_SHARE = 0.1
MIN_HELD_OUT = 20
MIN_TRAINING = 20  # distinct training sources a split must leave, else no held-out set
PREFIX = "own"  # task names "own" + 12 hex digits: a model name's task part is [a-z0-9]+


def task_name(pairs: Sequence[tuple[str, str]], tokens: tuple[Tokens, Tokens]) -> str:
    """The name of the task these pairs make: a digest of them (and how they are cut)."""
    digest = hashlib.sha256(json.dumps([list(tokens), list(pairs)]).encode()).hexdigest()
    return PREFIX + digest[:12]


def split(name: str, sources: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(training sources, held-out sources), seeded by the task's name; no held-out set when
    the file cannot spare MIN_HELD_OUT sources and keep MIN_TRAINING."""
    distinct = sorted(set(sources))
    held = max(MIN_HELD_OUT, round(HELD_OUT_SHARE * len(distinct)))
    if len(distinct) - held < MIN_TRAINING:
        return tuple(distinct), ()
    random.Random(f"{name}-split").shuffle(distinct)
    return tuple(sorted(distinct[held:])), tuple(sorted(distinct[:held]))


@dataclass(frozen=True)
class PairsTask(Task):
    """A task of uploaded pairs: `targets` maps each source to its targets (the first is the
    target, the others alternatives); `training` and `held` split the sources."""

    tokens: tuple[Tokens, Tokens] = ("chars", "chars")
    pairs: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # as given, each once
    targets: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)
    training: tuple[str, ...] = field(default=(), repr=False)
    held: tuple[str, ...] = field(default=(), repr=False)

    @property
    def scored_on_training(self) -> bool:  # the file was too small to hold pairs out
        return not self.held

    @classmethod
    def of(cls, file: PairsFile, title: str) -> PairsTask:
        targets: dict[str, tuple[str, ...]] = {}
        for source, target in file.pairs:
            targets[source] = (*targets.get(source, ()), target)
        name = task_name(file.pairs, file.tokens)
        training, held = split(name, list(targets))
        first = (held or training)[0]
        longest = max(len(s) for s in targets)
        words = max(len(symbols(t, file.tokens[1])) for ts in targets.values() for t in ts)
        kind = " / ".join("words" if t == "words" else "characters" for t in file.tokens)
        return cls(
            name=name,
            title=title,
            description=f"Your own pairs: {len(file.pairs):,} of them ({kind}), "
            + (f"{len(held):,} sources held out." if held else "too few to hold any out."),
            max_source_len=longest + 10,
            max_target_len=words + 5,
            train_lengths=None,
            eval_lengths=None,
            default_input=first,
            has_alignment=False,
            teaching_inputs=tuple((held or training)[:5]),
            tokens=file.tokens,
            pairs=tuple(file.pairs),
            targets=targets,
            training=training,
            held=held,
        )

    def _symbols(self, side: int) -> list[str]:
        texts = self.targets if side == 0 else [t for ts in self.targets.values() for t in ts]
        return sorted({s for text in texts for s in symbols(text, self.tokens[side])})

    def alphabets(self) -> tuple[str, str]:
        return "".join(self._symbols(0)), "".join(self._symbols(1))

    def source_symbols(self) -> list[str]:
        return self._symbols(0)

    def target_symbols(self) -> list[str]:
        return self._symbols(1)

    def typed_source(self, text: str) -> str:
        text = self.normalize(text).strip()
        return " ".join(text.split()) if self.tokens[0] == "words" else text

    def held_out_pool(self) -> Sequence[str] | None:
        return self.held or self.training  # too small a file: scored on its training pairs

    def sample(self, rng: random.Random, length: int | None = None) -> Example:
        self._no_length(length)
        example = self.solve(rng.choice(self.training))
        assert example is not None  # a training source always has its pair
        return example

    def solve(self, source: str) -> Example | None:
        found = self.targets.get(self.typed_source(source))
        if not found:
            return None
        return Example(self.typed_source(source), found[0], None, found[1:])

    def about(self, source: str) -> str | None:
        source = self.typed_source(source)
        if source in self.held and source in self.targets:
            return "one of your held-out pairs: the model never trained on it"
        if source in self.targets:
            return "one of your training pairs"
        return "not in your pairs: the model's own guess"

    def to_json(self) -> dict:
        """Everything the task is, as JSON (it travels beside its models: task.json)."""
        return {
            "name": self.name,
            "title": self.title,
            "tokens": list(self.tokens),
            "pairs": [list(p) for p in self.pairs],
        }

    @classmethod
    def from_json(cls, data: dict) -> PairsTask:
        """The task `to_json` wrote; ValueError if the pairs are not the ones its name says."""
        pairs = [(str(s), str(t)) for s, t in data["pairs"]]
        tokens: tuple[Tokens, Tokens] = (data["tokens"][0], data["tokens"][1])
        task = cls.of(PairsFile(pairs, tokens=tokens), str(data["title"]))
        if task.name != data["name"]:
            raise ValueError(f"task.json names {data['name']!r} but holds other pairs")
        return task
