"""Lecture benchmark: a presenter leads 100 followers on one app server.

    python -m benchmarks.lecture [--followers 100] [--actions 20] [--rounds 2] [--seed 0]

Starts the app as `make run` does (lecture/asgi.py: Streamlit and the /_lecture routes) on a
free loopback port. The presenter opens Home on a 24-letter reverse input and clicks
"▶ Start a lecture"; the followers open `?lecture=<code>`, 10 at a time, and each holds the
room's event stream open (GET /_lecture/<code>/events), as their step views do. Then:

    idle        nothing happens for 6 s: the server's CPU per second (the cost of the
                connections alone)
    stepping    the presenter steps (POST /state, step 1..20, 0.5 s apart, as its step view
                does), `rounds` times from step 0: for every follower and step, the time from
                sending the POST to that follower's stream delivering the step (p50, p95,
                max), and the server's CPU per follower per step
    answers     the presenter asks (POST /question); every follower answers (POST /answer,
                a random source position) within 2 s: the time until the presenter's stream
                counts them all (from the first answer sent, and from the last)
    typing      40 s of stepping on while the presenter types a new input every 10 s: each
                follower reruns its page when its stream shows a new content version (as
                its browser does), and the time from the presenter's typing to each
                follower's rerun finished is the time an input takes to reach the class;
                the step times meanwhile

A step a follower never saw is "missed"; "merged" counts those its stream went past, showing
a later step instead: the server took the next step before this stream sent (routes.py
merges changes that come faster than a stream sends), or a new content's step 0 undid it.

Each page is a websocket client of Streamlit's (benchmarks/ws_client.py), each event stream
and POST a bare asyncio HTTP client (benchmarks/sse.py), all in this one process: its own
CPU is reported beside the server's. Prints a table; `make bench` runs it as the group
"lecture" (benchmarks/run.py). Whole run: about 2 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from collections.abc import Callable

from harness.servers import streamlit_server

from .lecture_hall import Action, Follower, Hall, Plan, Presenter, random_word, stale_views
from .load import cell, percentile
from .processes import tree_cpu_seconds

SCRIPT = "lecture/asgi.py"  # what `make run` starts
ARRIVING = 10  # followers opening their pages at once


async def arrive(followers: list[Follower], hall: Hall) -> list[Follower]:
    """Open every follower's page and stream, ARRIVING at a time; those that opened."""
    gate = asyncio.Semaphore(ARRIVING)

    async def one(f: Follower) -> bool:
        async with gate:
            try:
                await f.open(hall)
                return True
            except Exception as err:  # a page or stream that failed to open
                hall.errors.append(f"follower {f.who}: opening: {err!r}")
                return False

    opened = await asyncio.gather(*(one(f) for f in followers))
    return [f for f, ok in zip(followers, opened, strict=True) if ok]


async def idle(plan: Plan, hall: Hall, cpu: Callable[[], float]) -> None:
    await asyncio.sleep(1.0)  # the last arrivals settle
    began, cpu_began = time.perf_counter(), cpu()
    await asyncio.sleep(plan.idle_seconds)
    hall.idle_s, hall.idle_cpu_s = time.perf_counter() - began, cpu() - cpu_began


async def step_through(
    presenter: Presenter, steps: list[int], gap: float, actions: list[Action], typing: bool
) -> list[str]:
    """POST each step, `gap` seconds apart, noting when each was sent; the failures."""
    failed = []
    for step in steps:
        sent = time.perf_counter()
        actions.append(Action(step, sent, typing))
        status = await presenter.post("state", {"step": step, "playing": False})
        if status != 204:
            failed.append(f"presenter: step {step} answered {status}")
        await asyncio.sleep(max(0.0, sent + gap - time.perf_counter()))
    return failed


async def stepping(
    presenter: Presenter, n: int, plan: Plan, actions: list[Action], hall: Hall, cpu
) -> None:
    """`plan.rounds` rounds of steps 1..plan.actions, each from step 0 (not measured)."""
    for _ in range(plan.rounds):
        await presenter.post("state", {"step": 0, "playing": False})
        await asyncio.sleep(1.0)
        first = len(hall.step_ms)
        began, cpu_began = time.perf_counter(), cpu()
        steps = list(range(1, plan.actions + 1))
        hall.errors += await step_through(presenter, steps, plan.gap, actions, False)
        hall.stepping_s += time.perf_counter() - began
        hall.stepping_cpu_s += cpu() - cpu_began
        hall.steps_expected += n * plan.actions
        await asyncio.sleep(0.5)  # a late step still counts in its round
        hall.step_round_p95_ms.append(percentile(hall.step_ms[first:], 95) or 0.0)


async def answers(
    presenter: Presenter, followers: list[Follower], plan: Plan, hall: Hall, rng: random.Random, cpu
) -> None:
    """Ask; every follower answers within plan.answer_window seconds; wait for the count."""
    presenter.target, presenter.full_at = len(followers), None
    cpu_began = cpu()
    if (status := await presenter.post("question", {"action": "ask"})) != 204:
        hall.errors.append(f"presenter: asking answered {status}")
    deadline = time.perf_counter() + 10
    while any(f.question is None for f in followers) and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    sent: list[float] = []
    delays = [rng.uniform(0, plan.answer_window) for _ in followers]
    await asyncio.gather(*(f.answer(d, sent, hall) for f, d in zip(followers, delays, strict=True)))
    deadline = min(sent, default=time.perf_counter()) + plan.answer_timeout
    while presenter.full_at is None and time.perf_counter() < deadline:
        await asyncio.sleep(0.02)
    hall.answers_cpu_s = cpu() - cpu_began
    if presenter.full_at is None:
        hall.errors.append(f"answers: {presenter.counted} of {len(followers)} counted in time")
    elif sent:
        hall.answers_counted_ms = 1000 * (presenter.full_at - min(sent))
        hall.answers_after_last_ms = 1000 * (presenter.full_at - max(sent))
    for action in ("reveal", "close"):
        await presenter.post("question", {"action": action})
    await asyncio.sleep(1.0)


async def typing(
    presenter: Presenter,
    followers: list[Follower],
    plan: Plan,
    actions: list[Action],
    hall: Hall,
    rng: random.Random,
    typed: dict[int, tuple[float, str]],
) -> None:
    """Step on for plan.typing_seconds while the presenter types a new input every
    plan.type_every seconds (the first a fifth of that in, between two steps); the followers
    rerun. `typed`:
    content version -> (when its input was typed, the input), filled here."""
    began = time.perf_counter()

    async def typist() -> None:
        at = began + plan.type_every / 5 + plan.gap / 2
        while at < began + plan.typing_seconds:
            await asyncio.sleep(max(0.0, at - time.perf_counter()))
            word = random_word(rng, plan.length)
            typed[presenter.content_version + 1] = (time.perf_counter(), word)
            await presenter.type(word, hall)
            at += plan.type_every

    steps = [1 + k % plan.actions for k in range(int(plan.typing_seconds / plan.gap))]
    stepper = step_through(presenter, steps, plan.gap, actions, True)
    failed, _ = await asyncio.gather(stepper, typist())
    hall.errors += failed
    hall.typing_steps_expected = len(followers) * len(steps)
    hall.inputs_expected = len(followers) * len(typed)
    deadline = time.perf_counter() + 20  # the last input reaches everyone
    while time.perf_counter() < deadline:
        if all(f.shown_version >= presenter.content_version for f in followers):
            break
        await asyncio.sleep(0.1)
    hall.errors += stale_views(hall, presenter.keys)


async def lecture(url: str, plan: Plan, cpu: Callable[[], float]) -> Hall:
    """One lecture on the server at `url`: every phase in turn; everything closed after."""
    hall, rng = Hall(), random.Random(plan.seed)
    client_began = time.process_time()
    presenter = Presenter(url, random_word(rng, plan.length))
    followers: list[Follower] = []
    tasks: list[asyncio.Task] = []
    actions: list[Action] = []
    try:
        await presenter.start()
        tasks.append(asyncio.create_task(presenter.listen()))
        everyone = [
            Follower(k, url, presenter.code, random.Random(plan.seed * 100_003 + k))
            for k in range(plan.followers)
        ]
        followers = await arrive(everyone, hall)
        tasks += [asyncio.create_task(guard(f, f.listen(actions, hall), hall)) for f in followers]
        await asyncio.wait_for(asyncio.gather(*(f.connected.wait() for f in followers)), 30)
        await idle(plan, hall, cpu)
        await stepping(presenter, len(followers), plan, actions, hall, cpu)
        await answers(presenter, followers, plan, hall, rng, cpu)
        typed: dict[int, tuple[float, str]] = {}
        tasks += [asyncio.create_task(guard(f, f.follow(typed, hall), hall)) for f in followers]
        await typing(presenter, followers, plan, actions, hall, rng, typed)
    finally:
        hall.client_cpu_s = time.process_time() - client_began
        for task in tasks:
            task.cancel()
        closing = [f.close() for f in followers] + [presenter.close()]
        await asyncio.wait_for(asyncio.gather(*closing, return_exceptions=True), 30)
    return hall


async def guard(f: Follower, job, hall: Hall) -> None:
    """Run a follower's background job; its failure is an error of the run, not a crash."""
    try:
        await job
    except asyncio.CancelledError:
        raise
    except Exception as err:
        hall.errors.append(f"follower {f.who}: {err!r}")


# --- one measured run, its summary, the table ---------------------------------------------------


def measure(plan: Plan) -> Hall:
    """A fresh server (its whole process group stopped after, also on failure), one lecture."""
    with streamlit_server(SCRIPT) as server:
        return asyncio.run(lecture(server.url, plan, lambda: tree_cpu_seconds(server.pid)))


def latencies(values: list[float], prefix: str) -> dict:
    return {
        f"{prefix}_p50_ms": percentile(values, 50),
        f"{prefix}_p95_ms": percentile(values, 95),
        f"{prefix}_max_ms": max(values, default=None),
    }


def per(total: float, count: float) -> float | None:
    return total / count if count else None


def summary(hall: Hall, plan: Plan, followers: int) -> dict:
    """The group's metrics (ms unless named otherwise)."""
    actions = plan.actions * plan.rounds
    cpu_ms = per(1000 * hall.stepping_cpu_s, followers * actions)
    idle_ms_per_s = per(1000 * hall.idle_cpu_s, hall.idle_s)
    net = None  # the same, less what the connections cost while idle
    if cpu_ms is not None and idle_ms_per_s is not None:
        net = cpu_ms - idle_ms_per_s * hall.stepping_s / (followers * actions)
    return {
        "lecture_followers": followers,
        "lecture_actions": actions,
        "lecture_gap_s": plan.gap,
        **latencies(hall.step_ms, "lecture_step"),
        "lecture_steps_missed": hall.steps_expected - len(hall.step_ms),
        "lecture_steps_merged": hall.steps_merged,
        "lecture_server_cpu_ms_per_follower_action": cpu_ms,
        "lecture_server_cpu_ms_per_follower_action_net": net,
        "lecture_idle_server_cpu_ms_per_s": idle_ms_per_s,
        "lecture_answers_counted_ms": hall.answers_counted_ms,
        "lecture_answers_after_last_ms": hall.answers_after_last_ms,
        "lecture_answers_server_cpu_ms": 1000 * hall.answers_cpu_s,
        "lecture_answers_refused": sum(n for s, n in hall.answer_statuses.items() if s != 204),
        **latencies(hall.input_ms, "lecture_input"),
        "lecture_inputs_missed": hall.inputs_expected - len(hall.input_ms),
        "lecture_presenter_input_p50_ms": percentile(hall.presenter_input_ms, 50),
        **latencies(hall.typing_step_ms, "lecture_typing_step"),
        "lecture_typing_steps_missed": hall.typing_steps_expected - len(hall.typing_step_ms),
        "lecture_typing_steps_merged": hall.typing_steps_merged,
        "lecture_open_p50_ms": percentile(hall.open_ms, 50),
        "lecture_open_max_ms": max(hall.open_ms, default=None),
        "lecture_client_cpu_s": hall.client_cpu_s,
        "lecture_errors": len(hall.errors),
    }


def table(out: dict) -> str:
    def fmt(value) -> str:
        small = isinstance(value, float) and abs(value) < 1
        return f"{value:.3f}" if small else cell(value)

    rows = [key for key in out if key.startswith("lecture_")]
    return "\n".join(f"{key:<48}{fmt(out[key]):>12}" for key in rows)


def run(followers: int = 100, actions: int = 20, rounds: int = 2, seed: int = 0) -> dict:
    """One lecture (make bench's group "lecture"): its metrics, and under "runs" each
    stepping round's p95, the presenter's input times and a few errors."""
    plan = Plan(followers=followers, actions=actions, rounds=rounds, seed=seed)
    hall = measure(plan)
    opened = len(hall.open_ms)
    runs = {
        "lecture_step_round_p95_ms": hall.step_round_p95_ms,
        "lecture_presenter_input_ms": hall.presenter_input_ms,
        "lecture_error_samples": hall.errors[:10],
    }
    return summary(hall, plan, opened) | {"runs": runs}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.lecture",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--followers", type=int, default=100)
    ap.add_argument("--actions", type=int, default=20, help="steps per stepping round")
    ap.add_argument("--rounds", type=int, default=2, help="stepping rounds")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", action="store_true", help="print the results as JSON too")
    args = ap.parse_args(argv)
    started = time.time()
    out = run(args.followers, args.actions, args.rounds, args.seed)
    print(table(out))
    for err in out["runs"]["lecture_error_samples"]:
        print(f"error: {err}")
    print(f"{time.time() - started:.0f} s")
    if args.json:
        print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
