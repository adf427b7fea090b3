"""The lecture the lecture benchmark plays: a presenter and its followers on one server.

    Plan       what one run does (followers, actions, pace, the phases' lengths)
    Hall       what it measured (latencies, CPU, errors)
    Presenter  a Home page that started a lecture (its code and key), and its event stream
    Follower   a Home page opened by `?lecture=<code>`, and its own event stream: records
               when each step arrives, answers questions, and reruns its page when the room's
               content changes (as its browser's step view asks Streamlit to)

Every page is a websocket client of Streamlit's (benchmarks/ws_client.py); every event
stream and POST goes through benchmarks/sse.py, as a browser's EventSource and fetch do.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from dataclasses import dataclass, field

from .classroom import LETTERS
from .sse import EventStream, post_json
from .ws_client import Run, SessionError, StreamlitSession

START = "▶ Start a lecture"  # the sidebar's button (ui/lecture_panel.py)


@dataclass
class Plan:
    followers: int = 100
    actions: int = 20  # presenter steps per stepping round (steps 1..actions)
    gap: float = 0.5  # seconds between two steps
    rounds: int = 2  # stepping rounds, each from step 0
    idle_seconds: float = 6.0  # followers connected, nothing happening: the idle cost
    answer_window: float = 2.0  # every follower answers within this many seconds
    answer_timeout: float = 10.0  # all answers counted within this, or it failed
    typing_seconds: float = 40.0  # stepping on while the presenter types new inputs
    type_every: float = 10.0
    length: int = 24  # letters of the presenter's inputs (reverse: length + 1 steps)
    seed: int = 0


@dataclass
class Hall:
    """What one run measured (times in ms unless named otherwise)."""

    open_ms: list[float] = field(default_factory=list)  # each follower's first page
    step_ms: list[float] = field(default_factory=list)  # POST sent -> a follower's stream
    step_round_p95_ms: list[float] = field(default_factory=list)
    steps_expected: int = 0
    steps_merged: int = 0  # steps a follower's stream skipped: a later one came with them
    stepping_s: float = 0.0  # the stepping rounds' length, their server CPU
    stepping_cpu_s: float = 0.0
    idle_s: float = 0.0
    idle_cpu_s: float = 0.0
    answers_counted_ms: float | None = None  # first answer sent -> all counted (presenter)
    answers_after_last_ms: float | None = None  # last answer sent -> all counted
    answer_statuses: dict[int, int] = field(default_factory=dict)
    answers_cpu_s: float = 0.0  # the server's CPU from asking to the answers counted
    typing_step_ms: list[float] = field(default_factory=list)
    typing_steps_expected: int = 0
    typing_steps_merged: int = 0
    input_ms: list[float] = field(default_factory=list)  # typed -> a follower's rerun done
    inputs_expected: int = 0
    presenter_input_ms: list[float] = field(default_factory=list)  # the presenter's own run
    views: list[tuple[int, int, str]] = field(default_factory=list)  # follower, version, trace
    client_cpu_s: float = 0.0
    errors: list[str] = field(default_factory=list)


@dataclass
class Action:
    """A step the presenter sent: which, and when (perf_counter)."""

    step: int
    sent: float
    typing: bool = False


def random_word(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(LETTERS) for _ in range(length))


def step_view(run: Run) -> dict:
    """The step view's data in this run ({}: none drawn)."""
    for name, data in run.components.items():
        if name.endswith("stepview"):
            return json.loads(data)
    return {}


def stale_views(hall: Hall, keys: dict[int, str]) -> list[str]:
    """Follower pages whose step view claims a content version but shows another trace
    than the presenter's page showed at that version (`keys`: version -> trace key)."""
    return [
        f"follower {who}: its page claims content version {version} but shows another trace"
        for who, version, key in hall.views
        if version in keys and keys[version] != key
    ]


class Presenter:
    def __init__(self, url: str, source: str) -> None:
        query = f"task=reverse&model=reverse-additive&input={source}"
        self.session = StreamlitSession(url, query, timeout=120)
        self.url = url
        self.code = self.key = ""
        self.content_version = 0
        self.stream: EventStream | None = None
        self.keys: dict[int, str] = {}  # content version -> its step view's trace key
        self.target = 0  # answers expected for the open question
        self.full_at: float | None = None  # when its stream first counted them all
        self.counted = 0  # answers its stream counts now

    async def start(self) -> None:
        """Open Home, click Start, open the presenter's event stream (with the key)."""
        await self.session.__aenter__()
        await self.session.open()
        view = step_view(await self.session.click(START))
        data = view.get("lecture")
        if data is None or data["role"] != "presenter":
            raise SessionError(f"Start a lecture gave no presenter's step view: {data}")
        self.code, self.key = data["code"], data["key"]
        self.content_version = data["content_version"]
        self.keys[self.content_version] = view["key"]
        self.stream = await EventStream(f"{self.url}/{data['events']}").open()

    async def listen(self) -> None:
        assert self.stream is not None
        async for at, state in self.stream:
            counts = state.get("counts") or []
            self.counted = sum(counts)
            if self.target and self.full_at is None and sum(counts) >= self.target:
                self.full_at = at

    async def post(self, path: str, body: dict) -> int:
        return await post_json(f"{self.url}/_lecture/{self.code}/{path}", {"key": self.key, **body})

    async def type(self, word: str, hall: Hall) -> None:
        """Type a new input (the sidebar's Input box): the room's content changes."""
        began = time.perf_counter()
        run = await self.session.type("Input", word)
        hall.presenter_input_ms.append(1000 * (time.perf_counter() - began))
        view = step_view(run)
        data = view.get("lecture")
        if data is None or data["content_version"] != self.content_version + 1:
            hall.errors.append(f"presenter: typing {word!r} gave the step view {data}")
        self.content_version = data["content_version"] if data else self.content_version + 1
        self.keys[self.content_version] = view.get("key", "")

    async def close(self) -> None:
        if self.stream is not None:
            self.stream.close()
        await self.session.__aexit__()


class Follower:
    def __init__(self, who: int, url: str, code: str, rng: random.Random) -> None:
        self.who, self.url, self.code, self.rng = who, url, code, rng
        self.session = StreamlitSession(url, f"lecture={code}", timeout=120)
        self.stream: EventStream | None = None
        self.voter = ""
        self.shown_version = 0  # the content version of the page it shows
        self.wanted_version = 0  # the newest its stream announced
        self.wanted = asyncio.Event()
        self.next_action = 0  # the first action whose step it has not seen yet
        self.question: dict | None = None
        self.connected = asyncio.Event()

    async def open(self, hall: Hall) -> None:
        """The page, then its event stream (the step view opens it once mounted)."""
        await self.session.__aenter__()
        began = time.perf_counter()
        view = step_view(await self.session.open())
        hall.open_ms.append(1000 * (time.perf_counter() - began))
        data = view.get("lecture")
        if data is None or data["role"] != "follower" or data["key"] is not None:
            raise SessionError(f"follower {self.who}: not a follower's step view: {data}")
        self.voter, self.shown_version = data["voter"], data["content_version"]
        hall.views.append((self.who, self.shown_version, view["key"]))
        self.wanted_version = self.shown_version
        self.stream = await EventStream(f"{self.url}/{data['events']}").open()

    async def listen(self, actions: list[Action], hall: Hall) -> None:
        """Each message: the steps it delivers (against the presenter's actions), the
        question, and a new content version (the page must rerun)."""
        assert self.stream is not None
        async for at, state in self.stream:
            self.connected.set()
            if state.get("ended"):
                hall.errors.append(f"follower {self.who}: the lecture ended")
                return
            self.question = state.get("question")
            for k in range(self.next_action, len(actions)):
                action = actions[k]
                if action.sent < at and action.step == state["step"]:
                    (hall.typing_step_ms if action.typing else hall.step_ms).append(
                        1000 * (at - action.sent)
                    )
                    for skipped in actions[self.next_action : k]:  # sent before, never seen
                        if skipped.typing:
                            hall.typing_steps_merged += 1
                        else:
                            hall.steps_merged += 1
                    self.next_action = k + 1
                    break
            if state["content_version"] > self.wanted_version:
                self.wanted_version = state["content_version"]
                self.wanted.set()

    async def follow(self, typed: dict[int, tuple[float, str]], hall: Hall) -> None:
        """Rerun the page whenever the room's content is newer than the page's: the time
        from the presenter's typing to the rerun's end, its step view checked."""
        while True:
            await self.wanted.wait()
            self.wanted.clear()
            version = self.wanted_version
            if version <= self.shown_version:
                continue
            run = await self.session.rerun()
            done = time.perf_counter()
            view = step_view(run)
            shown = view.get("lecture", {}).get("content_version", 0)
            hall.views.append((self.who, shown, view.get("key", "")))
            if version in typed:
                hall.input_ms.append(1000 * (done - typed[version][0]))
                if shown < version:
                    hall.errors.append(f"follower {self.who}: rerun shows {shown}, not {version}")
            self.shown_version = max(shown, self.shown_version)

    async def answer(self, delay: float, sent: list[float], hall: Hall) -> None:
        await asyncio.sleep(delay)
        question = self.question
        if question is None:
            hall.errors.append(f"follower {self.who}: no question to answer")
            return
        body = {
            "voter": self.voter,
            "question": question["id"],
            "position": self.rng.randrange(question["positions"]),
        }
        sent.append(time.perf_counter())
        status = await post_json(f"{self.url}/_lecture/{self.code}/answer", body)
        hall.answer_statuses[status] = hall.answer_statuses.get(status, 0) + 1

    async def close(self) -> None:
        if self.stream is not None:
            self.stream.close()
        await self.session.__aexit__()
