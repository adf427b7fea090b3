"""Caches every session of this server process shares, computing each value once.

    shared()  a lecture room's: its followers all show the presenter's input (the
              presenter's own model's too, which the room opens for each of them): the
              first follower's run decodes it and draws its step view, the others take it
    public()  everyone's: shipped models' traces and step views, which every session may
              see (a class typing the same suggested words decodes each once). Never a
              session's own model, a what-if, or anything of a lecture's

Sessions arriving while the first computes a value wait for it (`single flight`), rather
than computing it again each.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")
SIZE = 64  # values kept (a few rooms' traces and step views)
PUBLIC_SIZE = 256  # traces (a few KB) and step views (50-250 KB of JSON each): at most ~60 MB


class SharedCache:
    def __init__(self, size: int = SIZE) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._pending: dict[Hashable, threading.Event] = {}
        self._lock = threading.Lock()
        self.computed = 0  # how many values were computed (the tests count them)

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value under `key`: computed once, by the first session that asks."""
        while True:
            with self._lock:
                if key in self._items:
                    self._items.move_to_end(key)
                    return self._items[key]
                waiting = self._pending.get(key)
                if waiting is None:
                    self._pending[key] = threading.Event()
                    break
            waiting.wait()  # another session computes it: take theirs (or compute, if it failed)
        try:
            value = compute()
            with self._lock:
                self.computed += 1
                self._items[key] = value
                if len(self._items) > self._size:
                    self._items.popitem(last=False)
            return value
        finally:
            with self._lock:
                self._pending.pop(key).set()


_cache = SharedCache()
_public = SharedCache(PUBLIC_SIZE)


def shared() -> SharedCache:
    return _cache


def public() -> SharedCache:
    return _public
