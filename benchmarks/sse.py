"""A small HTTP client for the lecture benchmark: server-sent events and JSON POSTs, over
asyncio's own streams (no HTTP library: a hundred streams in one process stay cheap).

    EventParser   bytes of an event stream -> the data of each complete event (pure)
    Dechunker     an HTTP/1.1 chunked body -> its bytes (pure)
    EventStream   GET an event stream and read its events: (arrival time, JSON) each
    post_json     POST a JSON object; the response's status

Only what the lecture routes send is handled: HTTP/1.1 on plain TCP, a chunked or
unframed body, `data:` lines carrying JSON; comments (keep-alives) and `retry:` skipped.
"""

from __future__ import annotations

import asyncio
import json
import time
from urllib.parse import urlsplit


class EventParser:
    """Feed it a stream's bytes in pieces of any size; get the data of every event that a
    blank line completed (its `data:` lines joined by newlines), as the EventSource does."""

    def __init__(self) -> None:
        self._buffer = b""
        self._data: list[str] = []

    def feed(self, chunk: bytes) -> list[str]:
        self._buffer += chunk
        events: list[str] = []
        while True:
            cut = self._buffer.find(b"\n")
            if cut < 0:
                return events
            line = self._buffer[:cut].rstrip(b"\r").decode("utf-8", errors="replace")
            self._buffer = self._buffer[cut + 1 :]
            if not line:  # an event ends: dispatch it if it had data
                if self._data:
                    events.append("\n".join(self._data))
                self._data = []
            elif line.startswith("data"):
                field, _, value = line.partition(":")
                if field == "data":
                    self._data.append(value[1:] if value.startswith(" ") else value)
            # comments (":"), "retry:", "event:", "id:": not needed here


class Dechunker:
    """An HTTP/1.1 chunked body, fed in pieces of any size: the body's bytes so far."""

    def __init__(self) -> None:
        self._buffer = b""
        self._left = 0  # bytes of the current chunk still to come
        self._crlf = False  # the CRLF after a chunk's data is still to come
        self.done = False  # the last (zero-size) chunk arrived

    def feed(self, chunk: bytes) -> bytes:
        self._buffer += chunk
        out = bytearray()
        while self._buffer and not self.done:
            if self._left:
                take = self._buffer[: self._left]
                out += take
                self._left -= len(take)
                self._buffer = self._buffer[len(take) :]
                self._crlf = self._left == 0
            elif self._crlf:
                if len(self._buffer) < 2:
                    break
                self._buffer, self._crlf = self._buffer[2:], False
            else:
                cut = self._buffer.find(b"\r\n")
                if cut < 0:
                    break
                size = int(self._buffer[:cut].split(b";")[0], 16)
                self._buffer = self._buffer[cut + 2 :]
                self._left, self.done = size, size == 0
        return bytes(out)


def _request(method: str, url: str, body: bytes = b"") -> tuple[str, int, bytes]:
    """(host, port, the request's bytes) for `url`."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    head = [f"{method} {path or '/'} HTTP/1.1", f"Host: {parts.netloc}"]
    if method == "GET":
        head += ["Accept: text/event-stream", "Cache-Control: no-store"]
    else:
        head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        head += ["Connection: close"]
    raw = ("\r\n".join(head) + "\r\n\r\n").encode() + body
    return parts.hostname or "127.0.0.1", parts.port or 80, raw


async def _response_head(reader: asyncio.StreamReader) -> tuple[int, dict[str, str]]:
    """The status and headers (lower-case names) of the response `reader` carries."""
    raw = await reader.readuntil(b"\r\n\r\n")
    lines = raw.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name:
            headers[name.strip().lower()] = value.strip()
    return status, headers


async def post_json(url: str, body: dict, timeout: float = 10.0) -> int:
    """POST `body` as JSON (one connection, closed after); the response's status."""
    host, port, raw = _request("POST", url, json.dumps(body).encode())

    async def go() -> int:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            writer.write(raw)
            status, _ = await _response_head(reader)
            return status
        finally:
            writer.close()

    return await asyncio.wait_for(go(), timeout)


class EventStream:
    """One open event stream: `async for at, state in stream` (at: time.perf_counter())."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._parser = EventParser()
        self._chunks: Dechunker | None = None
        self._pending: list[tuple[float, dict]] = []

    async def open(self, timeout: float = 10.0) -> EventStream:
        host, port, raw = _request("GET", self.url)
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
        self._reader, self._writer = reader, writer
        writer.write(raw)
        status, headers = await asyncio.wait_for(_response_head(reader), timeout)
        if status != 200:
            raise ConnectionError(f"GET {self.url}: {status}")
        chunked = headers.get("transfer-encoding", "").lower() == "chunked"
        self._chunks = Dechunker() if chunked else None
        return self

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()

    def __aiter__(self) -> EventStream:
        return self

    async def __anext__(self) -> tuple[float, dict]:
        assert self._reader is not None, "open() first"
        while not self._pending:
            chunk = await self._reader.read(65536)
            at = time.perf_counter()
            if not chunk:
                raise StopAsyncIteration
            body = chunk if self._chunks is None else self._chunks.feed(chunk)
            self._pending = [(at, json.loads(data)) for data in self._parser.feed(body)]
        return self._pending.pop(0)
