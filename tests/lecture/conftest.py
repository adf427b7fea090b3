"""The room stores the lecture tests run against: in memory, and in a real Redis."""

from __future__ import annotations

import pytest

from harness.redis_server import redis_server
from lecture.redis_store import RedisStore
from lecture.store import MemoryStore


@pytest.fixture(scope="session")
def redis_url():
    with redis_server() as url:
        yield url


@pytest.fixture(params=["memory", "redis"])
def make_store(request):
    """A function making an empty store of each kind (Redis: flushed first)."""
    if request.param == "memory":
        return MemoryStore
    url = request.getfixturevalue("redis_url")

    def fresh() -> RedisStore:
        store = RedisStore(url)
        store.redis.flushdb()
        return store

    return fresh
