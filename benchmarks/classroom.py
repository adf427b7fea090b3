"""The lecture hall the load benchmark plays: students who open the page, then type inputs.

    Plan       what one measured run does (sessions, seconds, pace, ramp)
    Load       what the sessions measured (opening and input times, errors)
    classroom  the students arrive over the ramp; once every page is open, each types a new
               input every ~plan.every seconds until the clock runs out
    burst      the teacher opens the page, then BURST students open it at the same moment

Each student is a websocket client (benchmarks/ws_client.py) that checks every page it gets:
exceptions shown, and a step view that is not its input's trace, are errors.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode

from .ws_client import Run, SessionError, StreamlitSession, timed

LETTERS = "abcdefghijklmnopqrstuvwxyz"
STEP_VIEW = "stepview"  # Home's step view component (ui/stepview.py)
STEPS = re.compile(rb'"n":(\d+)')  # its number of steps, n (read without parsing it all)
MAX_INPUTS = 100_000  # per session: a bound besides the clock
MAX_RECONNECTS = 3  # per session
BURST = 30  # sessions opening at once


@dataclass
class Plan:
    """What one measured run does."""

    sessions: int = 300
    seconds: float = 60.0  # how long the students type (after every page is open)
    every: float = 5.0  # mean seconds between one student's inputs
    ramp: float = 30.0  # the students arrive over this many seconds
    lengths: tuple[int, int] = (10, 30)  # input lengths, uniformly at random
    slow: float = 10.0  # an input slower than this many seconds counts as an error
    training: bool = False  # a training job beside the server
    seed: int = 0
    hard_timeout: float = 120.0  # a run that never finishes: the student reloads the page


@dataclass
class Load:
    """What the sessions measured in one run."""

    open_ms: list[float] = field(default_factory=list)  # first full page run
    input_ms: list[float] = field(default_factory=list)  # each new input
    errors: list[str] = field(default_factory=list)
    peak_rss_mb: float = 0.0
    seconds: float = 0.0  # how long the typing lasted
    server_cpu_s: float = 0.0  # the server's CPU time (user + system) while typing
    client_cpu_s: float = 0.0  # this process's (all the students'): small, or we measure us
    training: str = ""  # the training job's last progress line, if one ran

    def error(self, who: int, what: str) -> None:
        self.errors.append(f"session {who}: {what}")


def random_input(rng: random.Random, lengths: tuple[int, int]) -> str:
    return "".join(rng.choice(LETTERS) for _ in range(rng.randint(*lengths)))


def query(source: str) -> str:
    """The home page's address for `source`."""
    return urlencode({"task": "reverse", "model": "reverse-additive", "input": source})


def steps_shown(run: Run) -> int | None:
    """n of the step view the run drew (None: it drew none)."""
    data = run.components.get(STEP_VIEW)
    if data is None:
        return None
    m = STEPS.search(data if isinstance(data, bytes) else data.encode())
    return int(m.group(1)) if m else None


def check(who: int, run: Run, source: str, load: Load) -> None:
    """Record the page's exceptions and a step view that is not `source`'s trace (the
    reverse task writes one symbol per input symbol, then <eos>: n = len + 1)."""
    for text in run.exceptions:
        load.error(who, f"exception on the page: {text}")
    n = steps_shown(run)
    if n is None:
        load.error(who, "the page drew no step view")
    elif n != len(source) + 1:
        load.error(who, f"a step view of {n} steps for an input of {len(source)} letters")


# --- one student ------------------------------------------------------------------------------


@dataclass
class Gate:
    """Students wait here until every page is open; then the clock starts."""

    arrived: int = 0
    deadline: float = float("inf")
    open: asyncio.Event = field(default_factory=asyncio.Event)


async def student(who: int, url: str, plan: Plan, gate: Gate, load: Load) -> None:
    """Arrive (at a random moment of the ramp), open the page, wait at the gate, then type
    a new input every ~plan.every seconds until the deadline.

    A lost connection counts as an error; the student then reloads the page (the link
    holds the input), at most MAX_RECONNECTS times.
    """
    rng = random.Random(plan.seed * 100_003 + who)
    source = random_input(rng, plan.lengths)
    await asyncio.sleep(rng.uniform(0, plan.ramp))
    s, opened = StreamlitSession(url, query(source), plan.hard_timeout), False
    for _ in range(MAX_RECONNECTS + 1):
        try:
            async with s:
                ms, run = await timed(s.open())
                check(who, run, source, load)
                if not opened:
                    opened = True
                    load.open_ms.append(ms)
                    gate.arrived += 1
                    await gate.open.wait()
                    await asyncio.sleep(rng.uniform(0, plan.every))  # out of step
                await type_until(who, s, rng, gate.deadline, plan, load)
                return
        except SessionError as err:
            load.error(who, f"{'' if opened else 'opening the page: '}{err}")
            if not opened:
                gate.arrived += 1
                return
            if time.perf_counter() >= gate.deadline:
                return
            s = StreamlitSession(url, s.query_string, plan.hard_timeout)


async def type_until(
    who: int, s: StreamlitSession, rng: random.Random, deadline: float, plan: Plan, load: Load
) -> None:
    """A new input, then the trace is stepped through in the browser (no server run), then
    the next input ~plan.every seconds after the last: each input timed, each page checked."""
    for _ in range(MAX_INPUTS):
        began = time.perf_counter()
        if began >= deadline:
            return
        source = random_input(rng, plan.lengths)
        ms, run = await timed(s.type("Input", source))
        load.input_ms.append(ms)
        if ms > 1000 * plan.slow:
            load.error(who, f"an input took {ms / 1000:.1f} s (> {plan.slow:g} s)")
        check(who, run, source, load)
        if parse_qs(s.query_string).get("input") != [source]:
            load.error(who, "the link does not hold the new input")
        pause = rng.uniform(0.5, 1.5) * plan.every
        await asyncio.sleep(max(0.0, began + pause - time.perf_counter()))


async def classroom(url: str, plan: Plan, load: Load, cpu=lambda: 0.0) -> None:
    """The students arrive over the ramp; the clock starts once every page is open."""
    gate = Gate()
    tasks = [asyncio.create_task(student(k, url, plan, gate, load)) for k in range(plan.sessions)]
    while gate.arrived < plan.sessions:
        await asyncio.sleep(0.05)
    began, cpu_began, client_began = time.perf_counter(), cpu(), time.process_time()
    gate.deadline = began + plan.seconds
    gate.open.set()
    await asyncio.wait_for(
        asyncio.gather(*tasks), plan.seconds + 2 * (MAX_RECONNECTS + 1) * plan.hard_timeout
    )
    load.seconds = time.perf_counter() - began
    load.server_cpu_s = cpu() - cpu_began
    load.client_cpu_s = time.process_time() - client_began


async def burst(url: str, sessions: int = BURST, seed: int = 1) -> tuple[list[float], list[str]]:
    """The teacher opens the page, then `sessions` students open it at the same moment:
    each one's time to its first page, and the errors."""
    rng = random.Random(seed)
    async with StreamlitSession(url, query("attention"), timeout=120) as teacher:
        await teacher.open()
    errors: list[str] = []

    async def one(k: int, source: str) -> float:
        async with StreamlitSession(url, query(source), timeout=120) as s:
            ms, run = await timed(s.open())
        errors.extend(f"burst {k}: {e}" for e in run.exceptions)
        if steps_shown(run) != len(source) + 1:
            errors.append(f"burst {k}: not the trace of its input")
        return ms

    sources = [random_input(rng, (10, 30)) for _ in range(sessions)]
    results = await asyncio.gather(
        *(one(k, src) for k, src in enumerate(sources)), return_exceptions=True
    )
    times = [r for r in results if isinstance(r, float)]
    errors += [f"burst: {r}" for r in results if isinstance(r, BaseException)]
    return times, errors
