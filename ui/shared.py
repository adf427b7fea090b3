"""Caches every session of this server process shares, computing each value once.

    shared()  a lecture room's: its followers all show the presenter's input (the
              presenter's own model's too, which the room opens for each of them): the
              first follower's run decodes it and draws its step view, the others take it
    public()  everyone's: shipped models' traces (public_views(): their step views'
              bytes), which every session may see (a class typing the same suggested
              words decodes each once); never a session's own model or a what-if

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
# Everyone's: a class of 300 typing a word every few seconds must find the words of the last
# minutes still there (a new input adds two traces and a step view).
PUBLIC_TRACES = 1024  # traces, beams, attributions: ~20-120 KB each in memory
PUBLIC_VIEW_BYTES = 64 * 2**20  # step views' JSON: 50-250 KB each


def _one(_value: object) -> int:
    return 1


class SharedCache:
    """Values by key, the least recently used dropped once their weights (`weigh`: 1 each
    unless told) add up to more than `size`."""

    def __init__(self, size: int = SIZE, weigh: Callable[[Any], int] = _one) -> None:
        self._size, self._weigh, self._weight = size, weigh, 0
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
                self._weight += self._weigh(value)
                while self._weight > self._size and len(self._items) > 1:
                    self._weight -= self._weigh(self._items.popitem(last=False)[1])
            return value
        finally:
            with self._lock:
                self._pending.pop(key).set()


_cache = SharedCache()
_public = SharedCache(PUBLIC_TRACES)
_views = SharedCache(PUBLIC_VIEW_BYTES, weigh=len)


def shared() -> SharedCache:
    return _cache


def public() -> SharedCache:
    """Everyone's traces, beams and attributions (shipped models' only)."""
    return _public


def public_views() -> SharedCache:
    """Everyone's step views, as their JSON bytes (shipped models' only)."""
    return _views
