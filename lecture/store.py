"""Where lecture rooms live: one narrow interface, and the default for one server process.

    create(content)                   -> (room, presenter key)
    get(code)                         -> the room, or None (unknown, ended or expired)
    update(code, key, change)         -> the changed room, or None (no room, wrong key)
    join(code)                        -> a voter token for one student session, or None
    answer(code, voter, question, position) -> counted?  (one per voter and question)
    counts(code)                      -> answers per source position for the open question
    end(code, key)                    -> ended?
    subscribe(code, callback)         -> unsubscribe; callback(room or None) after each change

`change` is one of room.py's pure functions (Room -> Room), so a store only keeps, swaps
and tells: MemoryStore here (a dict behind a lock: one process), a shared store for
several replicas behind the same interface. A subscriber is called in the thread that made
the change, outside the lock: it must only hand the news on (routes.py wakes the room's
event streams with it).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Protocol

from . import codes
from .room import Content, Room, expired, joined

Change = Callable[[Room], Room]


class StoreUnavailable(Exception):
    """The rooms' store cannot be reached now (a shared store's server is down)."""


Subscriber = Callable[[Room | None], None]


class RoomStore(Protocol):
    def create(self, content: Content) -> tuple[Room, str]: ...
    def get(self, code: str) -> Room | None: ...
    def update(self, code: str, key: str, change: Change) -> Room | None: ...
    def join(self, code: str) -> str | None: ...
    def answer(self, code: str, voter: str, question: int, position: int) -> bool: ...
    def counts(self, code: str) -> list[int] | None: ...
    def end(self, code: str, key: str) -> bool: ...
    def subscribe(self, code: str, callback: Subscriber) -> Callable[[], None]: ...


class Listeners:
    """Each room's subscribers in this process (its event streams), for any store."""

    def __init__(self) -> None:
        self._by_room: dict[str, list[Subscriber]] = {}
        self._lock = threading.Lock()

    def add(self, code: str, callback: Subscriber) -> Callable[[], None]:
        """Subscribe `callback` to room `code`; returns the unsubscribe."""
        with self._lock:
            self._by_room.setdefault(code, []).append(callback)

        def remove() -> None:
            with self._lock:
                listeners = self._by_room.get(code, [])
                if callback in listeners:
                    listeners.remove(callback)
                if not listeners:
                    self._by_room.pop(code, None)

        return remove

    def of(self, code: str) -> list[Subscriber]:
        with self._lock:
            return list(self._by_room.get(code, ()))

    def rooms(self) -> list[str]:
        with self._lock:
            return list(self._by_room)


def _question_id(room: Room) -> int | None:
    return None if room.question is None else room.question.id


class MemoryStore:
    """Rooms in this process's memory (the default: one server process)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._rooms: dict[str, Room] = {}
        self._answers: dict[str, dict[str, int]] = {}  # code -> voter -> position
        self._listeners = Listeners()
        self._lock = threading.Lock()
        self._clock = clock

    def _live(self, code: str) -> Room | None:
        """The room under this code, if alive (held lock); an expired one is removed."""
        room = self._rooms.get(code)
        if room is not None and expired(room, self._clock()):
            self._drop(code)
            return None
        return room

    def _drop(self, code: str) -> None:
        self._rooms.pop(code, None)
        self._answers.pop(code, None)

    def _tell(self, code: str, room: Room | None) -> None:
        for callback in self._listeners.of(code):
            callback(room)

    def create(self, content: Content) -> tuple[Room, str]:
        key = codes.new_key()
        with self._lock:
            for code in [c for c, r in self._rooms.items() if expired(r, self._clock())]:
                self._drop(code)
            code = codes.new_code()
            while code in self._rooms:
                code = codes.new_code()
            room = Room(code, codes.key_digest(key), content, touched=self._clock())
            self._rooms[code] = room
            self._answers[code] = {}
        return room, key

    def get(self, code: str) -> Room | None:
        with self._lock:
            return self._live(code)

    def update(self, code: str, key: str, change: Change) -> Room | None:
        with self._lock:
            room = self._live(code)
            if room is None or not codes.key_matches(key, room.key_digest):
                return None
            new = change(room)
            if new is room:
                return room
            self._rooms[code] = new
            if _question_id(new) != _question_id(room):  # another question: no answers yet
                self._answers[code] = {}
        self._tell(code, new)
        return new

    def join(self, code: str) -> str | None:
        voter = codes.new_voter()
        with self._lock:
            room = self._live(code)
            if room is None:
                return None
            new = joined(room, voter)
            if new is room:
                return None  # the room is full
            self._rooms[code] = new
        return voter

    def answer(self, code: str, voter: str, question: int, position: int) -> bool:
        with self._lock:
            room = self._live(code)
            asked = None if room is None else room.question
            if (
                room is None
                or asked is None
                or asked.revealed
                or asked.id != question
                or voter not in room.voters
                or not 0 <= position < asked.positions
            ):
                return False
            answers = self._answers[code]
            if answers.get(voter) == position:
                return True  # the same answer again: nothing changes
            answers[voter] = position
        self._tell(code, room)
        return True

    def counts(self, code: str) -> list[int] | None:
        with self._lock:
            room = self._live(code)
            if room is None or room.question is None:
                return None
            out = [0] * room.question.positions
            for position in self._answers[code].values():
                out[position] += 1
        return out

    def end(self, code: str, key: str) -> bool:
        with self._lock:
            room = self._live(code)
            if room is None or not codes.key_matches(key, room.key_digest):
                return False
            self._drop(code)
        self._tell(code, None)
        return True

    def subscribe(self, code: str, callback: Subscriber) -> Callable[[], None]:
        return self._listeners.add(code, callback)


_default: RoomStore | None = None
_default_lock = threading.Lock()


REDIS_URL = "S2S_REDIS_URL"  # set: the rooms live in that Redis (make hall), shared by replicas


def default_store() -> RoomStore:
    """The store every session and route of this process shares: in its memory, or in the
    Redis that S2S_REDIS_URL names."""
    global _default
    with _default_lock:
        if _default is None:
            url = os.environ.get(REDIS_URL, "").strip()
            if url:
                from .redis_store import RedisStore  # only a hall needs the client

                _default = RedisStore(url)
            else:
                _default = MemoryStore()
        return _default
