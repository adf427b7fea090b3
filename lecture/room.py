"""A lecture room's state, and every change to it as a pure function (old room -> new room).

    Content   what the presenter shows: task, model, input, decoding, heatmap, head. A
              follower's page run decodes it (once per content, cached, for every follower)
    Room      the content and where the presenter is in it (step, playing), the question
              asked, the voters the room has issued; `version` grows with every change,
              `content_version` only when the content does (a follower reloads the trace)
    Question  "where will the decoder look for y_{step+1}?", over `positions` source positions

Answers are kept apart from the room (store.py counts them): many students write them at
once, only the presenter writes the room. What a follower receives is `public(room)`: never
the key's digest or the voters, and the class's answers only once revealed.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field, replace
from typing import Literal

HeatView = Literal["attention", "attribution", "both"]
IDLE_SECONDS = 4 * 3600  # a room nobody changed for this long is gone
MAX_VOTERS = 2000  # voter tokens one room issues (a lecture hall is 300)
MAX_SOURCE = 200  # source positions a question may have (a link's input is at most 200)


@dataclass(frozen=True)
class Content:
    """What the presenter's page shows; a follower's page shows the same."""

    task: str
    model: str
    source: str
    decoding: Literal["greedy", "beam"] = "greedy"
    beam_width: int = 3
    heat_view: HeatView = "attention"
    head: tuple[int, int] | None = None  # a Transformer's (layer, head), None: their mean
    positions: int = 0  # source positions (the heatmap's columns)
    steps: int = 0  # output steps (rows): the presenter steps 0..steps
    model_id: str | None = None  # a model the presenter trained: its model store id


@dataclass(frozen=True)
class Question:
    id: int
    step: int  # asked at step `step`: the hidden row is y_{step+1}'s
    positions: int  # an answer is a source position 0..positions-1
    revealed: bool = False


@dataclass(frozen=True)
class Room:
    code: str
    key_digest: str
    content: Content
    version: int = 1
    content_version: int = 1
    step: int = 0
    playing: bool = False
    question: Question | None = None
    questions: int = 0  # questions asked so far (the next one's id)
    voters: frozenset[str] = field(default_factory=frozenset)
    touched: float = field(default_factory=time.time)


def _changed(room: Room, **changes: object) -> Room:
    return replace(room, version=room.version + 1, touched=time.time(), **changes)  # type: ignore[arg-type]


def with_content(room: Room, content: Content) -> Room:
    """The presenter shows something else: back to step 0, any question dropped."""
    if content == room.content:
        return room
    return _changed(
        room, content=content, content_version=room.content_version + 1, step=0, question=None
    )


def with_step(room: Room, step: int, playing: bool) -> Room:
    """The presenter stepped (Next, Back, Play, Reset): an open question stays at its step."""
    step = max(0, min(step, room.content.steps))
    if room.question is not None and not room.question.revealed:
        step = room.question.step
    if (step, playing) == (room.step, room.playing):
        return room
    return _changed(room, step=step, playing=playing)


def asking(room: Room) -> Room:
    """Ask the class where the decoder looks next; the room waits at this step."""
    if room.step >= room.content.steps or room.content.positions == 0:
        return room  # nothing comes next
    question = Question(room.questions + 1, room.step, room.content.positions)
    return _changed(room, question=question, questions=question.id, playing=False)


def revealing(room: Room) -> Room:
    """Show the answers and the model's row: the presenter may step on."""
    if room.question is None or room.question.revealed:
        return room
    return _changed(room, question=replace(room.question, revealed=True))


def closing(room: Room) -> Room:
    """The question leaves the screens."""
    return room if room.question is None else _changed(room, question=None)


def joined(room: Room, voter: str) -> Room:
    """A student joined: their voter token counts from now on (not a change followers see)."""
    if voter in room.voters or len(room.voters) >= MAX_VOTERS:
        return room
    return replace(room, voters=room.voters | {voter})


def expired(room: Room, now: float) -> bool:
    return now - room.touched > IDLE_SECONDS


def public(room: Room, counts: list[int] | None, presenter: bool = False) -> dict:
    """What a screen receives (JSON): the presenter's also the answers while they arrive."""
    question = room.question
    shown = question is not None and (presenter or question.revealed)
    return {
        "code": room.code,
        "version": room.version,
        "content_version": room.content_version,
        "step": room.step,
        "playing": room.playing,
        "question": None if question is None else asdict(question),
        "counts": counts if shown else None,
        "answers": None if counts is None or question is None else sum(counts),
        "ended": False,
    }


def to_json(room: Room) -> dict:
    """The room as plain data (a shared store keeps it so); its voters are kept apart."""
    out = asdict(room)
    out.pop("voters")
    return out


def from_json(data: dict) -> Room:
    content = dict(data["content"])
    if content.get("head") is not None:
        content["head"] = tuple(content["head"])
    question = data.get("question")
    return Room(
        **{k: v for k, v in data.items() if k not in ("content", "question")},
        content=Content(**content),
        question=None if question is None else Question(**question),
    )
