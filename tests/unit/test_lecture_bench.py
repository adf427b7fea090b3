"""The lecture benchmark's pure parts: the event-stream parser, the chunked-body decoder, the
HTTP client against a small local server, how a follower matches steps to the presenter's
actions, and the summary's arithmetic. (The benchmark itself: python -m benchmarks.lecture.)"""

from __future__ import annotations

import asyncio
import json
import random

from benchmarks import lecture
from benchmarks.lecture_hall import Action, Follower, Hall, Plan, stale_views
from benchmarks.load import percentile
from benchmarks.sse import Dechunker, EventParser, EventStream, post_json

STREAM = (
    b"retry: 1000\n\n"
    b'data: {"step":1}\n\n'
    b": keep-alive\n\n"
    b'data: {"step":\r\ndata: 2}\r\n\r\n'
    b"event: x\ndata:3\n\n"
)


def test_the_parser_gives_each_event_s_data_however_the_bytes_are_split():
    whole = EventParser().feed(STREAM)
    assert whole == ['{"step":1}', '{"step":\n2}', "3"]
    for size in (1, 2, 5, 7):
        parser = EventParser()
        pieces = [STREAM[i : i + size] for i in range(0, len(STREAM), size)]
        assert [e for piece in pieces for e in parser.feed(piece)] == whole


def test_an_event_without_its_blank_line_waits():
    parser = EventParser()
    assert parser.feed(b"data: 1\n") == []
    assert parser.feed(b"\n") == ["1"]


def chunked(body: bytes, sizes: list[int]) -> bytes:
    out, i = b"", 0
    for size in sizes:
        out += f"{size:x};ext=1\r\n".encode() + body[i : i + size] + b"\r\n"
        i += size
    return out + b"0\r\n\r\n"


def test_the_dechunker_gives_the_body_back_however_the_bytes_are_split():
    body = STREAM * 3
    raw = chunked(body, [13, 1, 40, len(body) - 54])
    for size in (1, 3, 64, len(raw)):
        d = Dechunker()
        got = b"".join(d.feed(raw[i : i + size]) for i in range(0, len(raw), size))
        assert got == body and d.done


async def serve(handler) -> tuple[asyncio.Server, str]:
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    return server, f"http://127.0.0.1:{port}"


def test_the_stream_reads_events_from_a_chunked_response_and_post_sends_json():
    received: list[bytes] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        if head.startswith(b"POST"):
            length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
            received.append(await reader.readexactly(length))
            writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
        else:
            writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            writer.write(chunked(STREAM, [20, len(STREAM) - 20]))
        await writer.drain()
        writer.close()

    async def go() -> list[dict]:
        server, url = await serve(handler)
        async with server:
            assert await post_json(f"{url}/_lecture/X/answer", {"position": 3}) == 204
            stream = await EventStream(f"{url}/_lecture/X/events").open()
            states = []
            async for _, data in stream:
                states.append(data)
            stream.close()
            return states

    assert asyncio.run(go()) == [{"step": 1}, {"step": 2}, 3]
    assert json.loads(received[0]) == {"position": 3}


class FakeStream:
    """What a follower's EventStream yields: (arrival time, state) pairs."""

    def __init__(self, messages: list[tuple[float, dict]]) -> None:
        self.messages = messages

    async def __aiter__(self):
        for message in self.messages:
            yield message


def state(step: int, version: int = 1, **more) -> dict:
    return {"step": step, "content_version": version, "question": None, **more}


def test_a_follower_times_each_step_against_the_action_that_sent_it():
    follower = Follower(0, "http://x", "ABCDEF", random.Random(0))
    actions = [Action(1, 10.0), Action(2, 10.5), Action(3, 11.0), Action(1, 20.0, typing=True)]
    follower.stream = FakeStream(  # type: ignore[assignment]
        [
            (9.0, state(0)),  # before any action: nothing
            (10.06, state(1)),
            (10.56, state(2, question={"id": 1})),
            (11.2, state(2)),  # the same step again (an answer counted): nothing new
            (15.0, state(0, version=2)),  # new content: the page must rerun
            (20.1, state(1, version=2)),  # step 3 never arrived: missed
        ]
    )
    hall = Hall()
    asyncio.run(follower.listen(actions, hall))
    assert [round(ms) for ms in hall.step_ms] == [60, 60]
    assert [round(ms) for ms in hall.typing_step_ms] == [100]
    assert hall.steps_merged == 1 and hall.typing_steps_merged == 0  # step 3, skipped
    assert follower.wanted_version == 2 and follower.wanted.is_set()
    assert follower.question is None  # the latest message's


def test_a_page_claiming_a_content_version_with_another_trace_is_stale():
    hall = Hall(views=[(0, 2, "a"), (1, 3, "b"), (2, 3, "a"), (3, 9, "z")])
    keys = {2: "a", 3: "b"}  # the presenter's trace at each version; 9: not known
    assert stale_views(hall, keys) == [
        "follower 2: its page claims content version 3 but shows another trace"
    ]


def test_the_summary_divides_the_cpu_by_followers_times_actions():
    plan = Plan(followers=10, actions=20, rounds=2)
    hall = Hall(step_ms=[50.0] * 399 + [900.0], steps_expected=400, stepping_s=20.0)
    hall.stepping_cpu_s, hall.idle_s, hall.idle_cpu_s = 2.0, 5.0, 0.05
    hall.input_ms, hall.inputs_expected = [300.0, 700.0], 3
    out = lecture.summary(hall, plan, followers=10)
    assert out["lecture_actions"] == 40
    assert out["lecture_step_p50_ms"] == 50.0 and out["lecture_step_max_ms"] == 900.0
    assert out["lecture_steps_missed"] == 0 and out["lecture_inputs_missed"] == 1
    assert out["lecture_server_cpu_ms_per_follower_action"] == 5.0  # 2000 ms / (10 x 40)
    assert out["lecture_idle_server_cpu_ms_per_s"] == 10.0
    assert out["lecture_server_cpu_ms_per_follower_action_net"] == 4.5  # less 10 ms/s x 20 s
    assert out["lecture_answers_counted_ms"] is None  # not measured: no number made up


def test_percentiles_are_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0 and percentile(values, 95) == 95.0
    assert percentile([], 95) is None
