"""The HTTP side of a lecture room: what the step view in each browser talks to.

    GET  /_lecture/{code}/events[?key=]    the room as server-sent events: the state now,
                                           then after every change (a presenter's key adds
                                           the answers as they arrive)
    POST /_lecture/{code}/state            {key, step, playing}: the presenter stepped
    POST /_lecture/{code}/question         {key, action: ask | reveal | close}
    POST /_lecture/{code}/answer           {voter, question, position}: a student's answer

How a follower learns of a change: pushed. Its browser holds one event stream open (one
HTTP connection; the browser reconnects by itself); a change wakes every stream of the room,
and each sends the room's state as one small JSON message (~250 bytes). Changes that come
faster than a stream sends are merged: it sends the latest state. No follower polls, and
no page of the app runs for a step, a question or a reveal; only new content (another
input, model or task) makes a follower's page run, to decode it.

Everything a request sends is checked: the code, the key, the voter and numbers, a body of
at most 1 KB. A wrong key changes nothing (403); a student's answer changes at most that
student's own single answer, and a student answering more than ANSWERS_PER_SECOND times a
second is refused (429) until the second is over. While the rooms' store cannot be reached
(a hall's Redis is down) the routes answer 503 and the event streams wait, then go on.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from . import codes
from .room import Room, asking, closing, public, revealing, with_step
from .store import RoomStore, StoreUnavailable

MAX_BODY = 1024  # bytes a POST may carry
ANSWERS_PER_SECOND = 5  # per voter
KEEPALIVE_S = 15.0  # a comment line this often keeps proxies from closing a quiet stream
MIN_GAP_S = 0.05  # a stream sends at most this often: changes in between are merged
QUESTION_ACTIONS: dict[str, Callable[[Room], Room]] = {
    "ask": asking,
    "reveal": revealing,
    "close": closing,
}


def _refuse(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def _body(request: Request) -> dict[str, Any] | None:
    """The request's JSON object, or None (too long, not JSON, not an object)."""
    if int(request.headers.get("content-length") or 0) > MAX_BODY:
        return None
    raw = await request.body()
    if len(raw) > MAX_BODY:
        return None
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


def _int(value: object, low: int, high: int) -> int | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
    return value if ok else None  # type: ignore[return-value]


def _or_503(
    endpoint: Callable[[Request], Awaitable[Response]],
) -> Callable[[Request], Awaitable[Response]]:
    """The endpoint, answering 503 while the rooms' store cannot be reached."""

    async def endpoint_or_503(request: Request) -> Response:
        try:
            return await endpoint(request)
        except StoreUnavailable:
            return _refuse(503, "the lecture rooms cannot be reached just now")

    return endpoint_or_503


def _sse(state: dict) -> bytes:
    return f"data: {json.dumps(state, separators=(',', ':'))}\n\n".encode()


class Lecture:
    """The routes of one store (`routes()`), and the answer rate of each voter."""

    def __init__(self, store: RoomStore) -> None:
        self.store = store
        self._recent: dict[str, tuple[float, int]] = {}  # voter -> (second, answers in it)

    def routes(self) -> list[Route]:
        return [
            Route("/_lecture/{code}/events", _or_503(self.events), methods=["GET"]),
            Route("/_lecture/{code}/state", _or_503(self.state), methods=["POST"]),
            Route("/_lecture/{code}/question", _or_503(self.question), methods=["POST"]),
            Route("/_lecture/{code}/answer", _or_503(self.answer), methods=["POST"]),
        ]

    def _state(self, code: str, presenter: bool) -> dict:
        room = self.store.get(code)
        if room is None:
            return {"code": code, "ended": True}
        return public(room, self.store.counts(code), presenter)

    async def events(self, request: Request) -> Response:
        code = codes.parse_code(request.path_params["code"])
        room = None if code is None else self.store.get(code)
        if code is None or room is None:
            return _refuse(404, "no such lecture")
        presenter = codes.key_matches(request.query_params.get("key"), room.key_digest)
        return StreamingResponse(
            self._stream(request, code, presenter),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    async def _stream(self, request: Request, code: str, presenter: bool) -> AsyncIterator[bytes]:
        loop = asyncio.get_running_loop()
        woken = asyncio.Event()

        def wake(_room: Room | None) -> None:  # in the thread that changed the room
            loop.call_soon_threadsafe(woken.set)

        unsubscribe = self.store.subscribe(code, wake)
        try:
            yield b"retry: 1000\n\n"
            sent = 0.0  # when the last state went out (loop clock)
            while True:
                # changes within MIN_GAP_S of the last message are merged into the next one
                await asyncio.sleep(max(0.0, sent + MIN_GAP_S - loop.time()))
                woken.clear()  # what changes from here on wakes the next message
                try:
                    state = self._state(code, presenter)
                except StoreUnavailable:  # Redis is down: keep the stream, try again soon
                    yield b": the rooms cannot be reached\n\n"
                    await asyncio.sleep(1)
                    continue
                yield _sse(state)
                sent = loop.time()
                if state["ended"]:
                    return
                while not woken.is_set():  # until the room changes: a comment now and then
                    try:
                        await asyncio.wait_for(woken.wait(), KEEPALIVE_S)
                    except TimeoutError:
                        yield b": keep-alive\n\n"
                        if await request.is_disconnected():
                            return
        finally:
            unsubscribe()

    async def state(self, request: Request) -> Response:
        code = codes.parse_code(request.path_params["code"])
        body = await _body(request)
        if code is None or body is None:
            return _refuse(400, "not a lecture request")
        step = _int(body.get("step"), 0, 10_000)
        playing = body.get("playing")
        if step is None or not isinstance(playing, bool):
            return _refuse(400, "step and playing expected")
        room = self.store.update(code, str(body.get("key")), lambda r: with_step(r, step, playing))
        return _refuse(403, "not the presenter") if room is None else Response(status_code=204)

    async def question(self, request: Request) -> Response:
        code = codes.parse_code(request.path_params["code"])
        body = await _body(request)
        if code is None or body is None:
            return _refuse(400, "not a lecture request")
        action = QUESTION_ACTIONS.get(str(body.get("action")))
        if action is None:
            return _refuse(400, "action: ask, reveal or close")
        room = self.store.update(code, str(body.get("key")), action)
        return _refuse(403, "not the presenter") if room is None else Response(status_code=204)

    def _too_fast(self, voter: str) -> bool:
        second = int(time.monotonic())
        start, count = self._recent.get(voter, (second, 0))
        count = count + 1 if start == second else 1
        if len(self._recent) > 10_000:  # forget the past seconds
            self._recent = {v: s for v, s in self._recent.items() if s[0] == second}
        self._recent[voter] = (second, count)
        return count > ANSWERS_PER_SECOND

    async def answer(self, request: Request) -> Response:
        code = codes.parse_code(request.path_params["code"])
        body = await _body(request)
        voter = None if body is None else codes.parse_voter(body.get("voter"))
        question = None if body is None else _int(body.get("question"), 1, 1_000_000)
        position = None if body is None else _int(body.get("position"), 0, 10_000)
        if code is None or voter is None or question is None or position is None:
            return _refuse(400, "voter, question and position expected")
        if self._too_fast(voter):
            return _refuse(429, "one answer at a time")
        if not self.store.answer(code, voter, question, position):
            return _refuse(409, "that answer cannot be counted")
        return Response(status_code=204)
