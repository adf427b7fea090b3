"""The cache followers share: one computation per value, however many sessions ask at once."""

from __future__ import annotations

import contextlib
import threading
import time

from ui.shared import SharedCache


def test_many_sessions_asking_at_once_compute_once():
    cache = SharedCache()
    calls = []

    def slow():
        calls.append(1)
        time.sleep(0.1)
        return "trace"

    got = []
    threads = [threading.Thread(target=lambda: got.append(cache.get("k", slow))) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == ["trace"] * 50 and len(calls) == 1 and cache.computed == 1


def test_a_failed_computation_leaves_the_next_session_to_try_again():
    cache = SharedCache()

    def fail():
        raise ValueError("no")

    with contextlib.suppress(ValueError):
        cache.get("k", fail)
    assert cache.get("k", lambda: 3) == 3


def test_it_keeps_the_most_recent_values():
    cache = SharedCache(size=2)
    for k in "abc":
        cache.get(k, lambda k=k: k.upper())
    assert cache.get("a", lambda: "again") == "again"  # "a" was dropped
    assert cache.get("c", lambda: "x") == "C"
