"""Lecture rooms in Redis: one store for every replica of the app (`make hall`).

Same interface as store.MemoryStore (store.RoomStore). Per room, all expiring together
IDLE_SECONDS after its last change:

    lecture:<code>:room              the room, JSON (room.to_json), without its voters
    lecture:<code>:voters            a set: the voter tokens the room issued
    lecture:<code>:answers:<q>       a hash: voter -> position, for question q
    lecture:<code>                   a channel: a message after every change

A change is optimistic: WATCH the room, read it, apply the pure change, write it in a
MULTI (again if another replica wrote first). Each process runs one listener thread that
hears every room's channel and tells that process's subscribers (its event streams).

When Redis cannot be reached, every call raises store.StoreUnavailable: the page says so
and goes on, the routes answer 503, and the listener tries again each second; once Redis is
back, every stream is told to read its room again.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import redis

from . import codes
from .room import IDLE_SECONDS, MAX_VOTERS, Content, Room, expired, from_json, to_json
from .store import Change, Listeners, StoreUnavailable, Subscriber

PREFIX = "lecture"
TTL = IDLE_SECONDS


def _key(code: str, *parts: object) -> str:
    return ":".join([PREFIX, code, *map(str, parts)])


@contextmanager
def _reachable() -> Iterator[None]:
    try:
        yield
    except (redis.ConnectionError, redis.TimeoutError) as err:
        raise StoreUnavailable(str(err)) from err


class RedisStore:
    def __init__(self, url: str, client: Any = None) -> None:
        self.redis = client or redis.Redis.from_url(
            url, socket_timeout=2, socket_connect_timeout=2, decode_responses=True
        )
        self._listeners = Listeners()
        self._lock = threading.Lock()
        self._listener: threading.Thread | None = None
        self._listening = threading.Event()  # the listener has subscribed

    # --- reading and writing rooms ----------------------------------------------------

    def _room(self, code: str, pipe: Any = None) -> Room | None:
        text = (pipe or self.redis).get(_key(code, "room"))
        room = None if text is None else from_json(json.loads(text))
        return None if room is None or expired(room, time.time()) else room

    def _write(self, pipe: Any, room: Room) -> None:
        pipe.set(_key(room.code, "room"), json.dumps(to_json(room)), ex=TTL)
        pipe.expire(_key(room.code, "voters"), TTL)
        if room.question is not None:
            pipe.expire(_key(room.code, "answers", room.question.id), TTL)
        pipe.publish(_key(room.code), room.version)

    def create(self, content: Content) -> tuple[Room, str]:
        key = codes.new_key()
        with _reachable():
            while True:
                room = Room(codes.new_code(), codes.key_digest(key), content)
                text = json.dumps(to_json(room))
                if self.redis.set(_key(room.code, "room"), text, ex=TTL, nx=True):
                    return room, key

    def get(self, code: str) -> Room | None:
        with _reachable():
            return self._room(code)

    def update(self, code: str, key: str, change: Change) -> Room | None:
        with _reachable(), self.redis.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(_key(code, "room"))
                    room = self._room(code, pipe)
                    if room is None or not codes.key_matches(key, room.key_digest):
                        pipe.reset()
                        return None
                    new = change(room)
                    if new is room:
                        pipe.reset()
                        return room
                    pipe.multi()
                    self._write(pipe, new)
                    pipe.execute()
                    return new
                except redis.WatchError:
                    continue  # another replica changed the room first: read it again

    def join(self, code: str) -> str | None:
        voter = codes.new_voter()
        with _reachable():
            if self._room(code) is None or self.redis.scard(_key(code, "voters")) >= MAX_VOTERS:
                return None
            with self.redis.pipeline() as pipe:
                pipe.sadd(_key(code, "voters"), voter)
                pipe.expire(_key(code, "voters"), TTL)
                pipe.execute()
        return voter

    def answer(self, code: str, voter: str, question: int, position: int) -> bool:
        with _reachable():
            room = self._room(code)
            asked = None if room is None else room.question
            if (
                asked is None
                or asked.revealed
                or asked.id != question
                or not 0 <= position < asked.positions
                or not self.redis.sismember(_key(code, "voters"), voter)
            ):
                return False
            answers = _key(code, "answers", question)
            if self.redis.hget(answers, voter) == str(position):
                return True
            with self.redis.pipeline() as pipe:
                pipe.hset(answers, voter, position)
                pipe.expire(answers, TTL)
                pipe.publish(_key(code), "answer")
                pipe.execute()
        return True

    def counts(self, code: str) -> list[int] | None:
        with _reachable():
            room = self._room(code)
            if room is None or room.question is None:
                return None
            out = [0] * room.question.positions
            for position in self.redis.hvals(_key(code, "answers", room.question.id)):
                if 0 <= int(position) < len(out):
                    out[int(position)] += 1
        return out

    def end(self, code: str, key: str) -> bool:
        with _reachable():
            room = self._room(code)
            if room is None or not codes.key_matches(key, room.key_digest):
                return False
            answers = [_key(code, "answers", q) for q in range(1, room.questions + 1)]
            self.redis.delete(_key(code, "room"), _key(code, "voters"), *answers)
            self.redis.publish(_key(code), "end")
        return True

    # --- telling this process's event streams ---------------------------------------------

    def subscribe(self, code: str, callback: Subscriber) -> Callable[[], None]:
        unsubscribe = self._listeners.add(code, callback)
        with self._lock:
            if self._listener is None:
                self._listener = threading.Thread(target=self._listen, daemon=True)
                self._listener.start()
        self._listening.wait(2)  # a change made after this returns is heard
        return unsubscribe

    def _tell(self, codes_: list[str]) -> None:
        for code in codes_:
            listeners = self._listeners.of(code)
            if not listeners:
                continue
            try:
                room = self._room(code)
            except (redis.ConnectionError, redis.TimeoutError):
                continue
            for callback in listeners:
                callback(room)

    def _listen(self) -> None:
        """Hear every room's channel, for as long as the process lives; after Redis was
        lost, tell every stream to read its room again."""
        lost = False
        while True:
            try:
                pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
                pubsub.psubscribe(f"{PREFIX}:*")
                pubsub.get_message(timeout=1)  # the confirmation: subscribed from here on
                self._listening.set()
                if lost:  # back after Redis was lost: every stream reads its room again
                    self._tell(self._listeners.rooms())
                    lost = False
                for message in pubsub.listen():
                    channel = message.get("channel", "")
                    parts = channel.split(":")
                    if message.get("type") == "pmessage" and len(parts) == 2:
                        self._tell([parts[1]])
            except (redis.ConnectionError, redis.TimeoutError, OSError):
                self._listening.clear()
                lost = True
                time.sleep(1)
