"""What ships in checkpoints/: where it lives, what its models are called, their metrics.

A small module on purpose: a page that only reads a shipped model's metrics.json imports
this and never the training code.

    CHECKPOINT_DIR            the folder of the shipped models
    ModelName                 "reverse-additive", "reverse-none-d32", "reverse-dot-hx" (its
                              attention reads h_j + W_x E x_j), and a model trained in the
                              browser, "reverse-additive-d64 (trained 14:03)"
    shipped_names(task)       the task's main models, in the order none, additive, dot, general,
                              transformer, then the "-hx" ones
    capacity_names(task)      its fixed-context models of every size d, smallest d first
    default_name(task)        the model the task opens with (DEFAULT_MODELS)
    read_metrics(name)        checkpoints/<name>/metrics.json (written by the evaluation)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast, overload

from s2s_core.model.attention import ATTENTION_KINDS, AttentionKind
from s2s_core.model.config import MemoryKind

CHECKPOINT_DIR = Path(__file__).resolve().parents[1] / "checkpoints"

# The model a task opens with. Where the task knows its gold alignment, one whose largest
# alpha_ij falls on the source position the output comes from on >= 95% of steps
# (metrics.json: in_training_range.alignment; on reverse also "fresh", 200 new inputs of
# lengths 5-30): the "-hx" models, whose attention reads h_j + W_x E x_j. Over h_j alone a
# bidirectional encoder's attention may look next to the symbol it writes (reverse's
# additive on 71% of steps on the letter, dot and general 6%: one position past it; past's
# additive 93.5%): those stay listed. Elsewhere the additive model (g2p's, d = 512: 89.0%,
# short of 95%; training/recipes.py lists what was tried).
DEFAULT_MODELS: dict[str, str] = {
    "reverse": "reverse-dot-hx",
    "past": "past-dot-hx",
    "g2p": "g2p-additive-d512",  # wider than g2p-additive: word error rate 28.3% (30.3%)
}

_NAME = re.compile(
    r"(?P<task>[a-z0-9]+)-(?P<attention>[a-z]+)(?P<hx>-hx)?(?:-d(?P<hidden>[0-9]+))?"
    r"(?: \(trained (?P<trained>[^()]+)\)(?: #(?P<copy>[0-9]+))?)?"
)


@dataclass(frozen=True)
class ModelName:
    """A model's name: '<task>-<attention>' for a task's main shipped model,
    '<task>-<attention>-d<hidden>' for one that differs from it only in its size d,
    '<task>-<attention>-hx' for one whose attention reads h_j + W_x E x_j (memory "h+x"; its
    recipe may have its own steps or size: past-dot-hx trains 8,000 steps), and
    '<task>-<attention>-d<hidden> (trained <when>)' for one trained in the browser (' #2', ' #3'
    after it for more trained at the same minute)."""

    task: str
    attention: AttentionKind
    hidden: int | None = None
    trained: str | None = None  # trained in the browser: when ("14:03")
    copy: int | None = None  # the second, third... trained at the same minute
    memory: MemoryKind = "h"  # "h+x": its attention reads h_j + W_x E x_j ("-hx")

    @property
    def has_attention(self) -> bool:
        return self.attention != "none"

    def __str__(self) -> str:
        size = ("-hx" if self.memory == "h+x" else "") + (
            "" if self.hidden is None else f"-d{self.hidden}"
        )
        trained = "" if self.trained is None else f" (trained {self.trained})"
        copy = "" if self.copy is None else f" #{self.copy}"
        return f"{self.task}-{self.attention}{size}{trained}{copy}"

    @classmethod
    def parse(cls, name: str) -> ModelName | None:
        """The parts of `name`, or None for anything that is not such a name (a path, an
        unknown attention kind)."""
        match = _NAME.fullmatch(name)
        if match is None or match["attention"] not in ATTENTION_KINDS:
            return None
        hidden = None if match["hidden"] is None else int(match["hidden"])
        attention = cast(AttentionKind, match["attention"])
        copy = None if match["copy"] is None else int(match["copy"])
        memory: MemoryKind = "h+x" if match["hx"] else "h"
        return cls(match["task"], attention, hidden, match["trained"], copy, memory)


@overload
def read_metrics(name: str, directory: Path = ..., missing_ok: Literal[False] = ...) -> dict: ...
@overload
def read_metrics(name: str, directory: Path = ..., *, missing_ok: bool) -> dict | None: ...


def read_metrics(
    name: str, directory: Path = CHECKPOINT_DIR, missing_ok: bool = False
) -> dict | None:
    """checkpoints/<name>/metrics.json as a dict.

    A missing file, or a `name` that is not a plain folder name (never a path: no '/' or
    '..'), raises FileNotFoundError naming the file; with missing_ok=True it gives None.
    """
    path = Path(directory) / name / "metrics.json"
    if Path(name).name != name or name in ("", ".", "..") or not path.is_file():
        if missing_ok:
            return None
        raise FileNotFoundError(f"{path}: missing (python -m s2s_core evaluate writes it)")
    return json.loads(path.read_text(encoding="utf-8"))


def shipped_names(
    task: str, directory: Path = CHECKPOINT_DIR, with_metrics: bool = False
) -> list[str]:
    """The task's shipped main models, in the order none, additive (and a default of another
    size), dot, general, transformer, then the "-hx" ones: those with a checkpoint
    (config.json), or with_metrics=True those whose metrics.json is there too."""
    names = [str(ModelName(task, kind)) for kind in ATTENTION_KINDS] + [
        str(ModelName(task, kind, memory="h+x")) for kind in ATTENTION_KINDS
    ]
    if (default := DEFAULT_MODELS.get(task)) and default not in names:  # a wider default
        names.insert(2, default)  # after its own kind's model of the task's size
    needed = ("config.json", "metrics.json") if with_metrics else ("config.json",)
    return [n for n in names if all((Path(directory) / n / f).is_file() for f in needed)]


def default_name(task: str) -> str:
    """The name of the model `task` opens with: DEFAULT_MODELS', else '<task>-additive'."""
    return DEFAULT_MODELS.get(task, f"{task}-additive")


def capacity_names(task: str = "reverse", directory: Path = CHECKPOINT_DIR) -> list[str]:
    """Every shipped fixed-context model of `task` (any size d), smallest d first."""
    found = [p.parent.name for p in Path(directory).glob(f"{task}-none*/metrics.json")]
    parsed = [(n, ModelName.parse(n)) for n in found]
    hidden = {
        n: read_metrics(n, directory)["hidden"]
        for n, m in parsed
        if m is not None and m.task == task and m.attention == "none" and not m.trained
    }
    return sorted(hidden, key=hidden.__getitem__)
