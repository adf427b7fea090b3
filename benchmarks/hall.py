"""The load benchmark through a hall: N replicas behind HAProxy (serving/hall.py, `make hall`).

    python -m benchmarks.hall [--replicas 2] [--sessions 300] [--seconds 60] [--with-training]

The same classroom as benchmarks/load.py (students who open Home, then type a new input every
~5 s each; websocket clients speaking Streamlit's protocol), sent to HAProxy's port instead of
one server: each student's websocket lands on one replica (round robin) and stays there.

    input latency, errors, opening   as load.py
    CPU per input                    the replicas' CPU seconds while typing (all of them,
                                     Redis and HAProxy left out: they are small) / inputs
    peak RSS                         the largest of the replicas' resident memories

Then a lecture through the hall: a presenter opens a room, 300 students open its link within
30 s (each at its own moment: the first view's time), and the presenter steps 2 x 20 times
(each step's time from the presenter's POST to every follower's event stream, whichever
replica holds the follower: the rooms are in Redis).

Writes benchmarks/hall.json; prints a table.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
from pathlib import Path

from harness.servers import free_port
from serving.hall import hall

from . import lecture_hall
from .classroom import Load, Plan, classroom
from .lecture import guard, stepping
from .lecture_hall import Action, Follower, Presenter, random_word
from .load import ROWS, cell, percentile, summary
from .processes import ServerWatch, cpu_seconds, start_training, stop_training, tree_cpu_seconds

RESULTS = Path(__file__).with_name("hall.json")
REPLICAS = 2


def measure(plan: Plan, replicas: int = REPLICAS) -> Load:
    """A fresh hall, `plan.sessions` students for `plan.seconds` (and training if asked)."""
    load = Load()
    with tempfile.TemporaryDirectory() as tmp, hall(replicas, free_port(), Path(tmp)) as h:
        pids = [r.proc.pid for r in h.replicas]
        watches = [ServerWatch(pid) for pid in pids]
        for w in watches:
            w.start()
        trainer = start_training(tmp, plan.ramp + plan.seconds + 60) if plan.training else None
        try:
            cpu = lambda: sum(cpu_seconds(pid) for pid in pids)  # noqa: E731
            asyncio.run(classroom(h.url, plan, load, cpu=cpu))
        finally:
            load.peak_rss_mb = max(w.stop() for w in watches)
            if trainer is not None:
                load.training = stop_training(trainer, tmp)
    return load


# --- a lecture through the hall: the class opens the room's link, then follows -------------


async def arrive_over(followers: list[Follower], seconds: float, hall: lecture_hall.Hall) -> list:
    """Each follower opens the room's link at its own moment within `seconds` (as a class
    does when the code is on the screen); those whose page and stream opened."""
    rng = random.Random(7)

    async def one(f: Follower) -> Follower | None:
        await asyncio.sleep(rng.uniform(0, seconds))
        try:
            await f.open(hall)
            return f
        except Exception as err:
            hall.errors.append(f"follower {f.who}: opening: {err!r}")
            return None

    return [f for f in await asyncio.gather(*(one(f) for f in followers)) if f is not None]


async def room(url: str, plan: lecture_hall.Plan, within: float, cpu) -> lecture_hall.Hall:
    """The presenter opens a room; plan.followers open its link within `within` seconds;
    then the presenter steps (benchmarks/lecture.py's rounds)."""
    hall, rng = lecture_hall.Hall(), random.Random(plan.seed)
    presenter = Presenter(url, random_word(rng, plan.length))
    followers: list[Follower] = []
    tasks: list[asyncio.Task] = []
    actions: list[Action] = []
    try:
        await presenter.start()
        tasks.append(asyncio.create_task(presenter.listen()))
        everyone = [
            Follower(k, url, presenter.code, random.Random(k)) for k in range(plan.followers)
        ]
        followers = await arrive_over(everyone, within, hall)
        tasks += [asyncio.create_task(guard(f, f.listen(actions, hall), hall)) for f in followers]
        await asyncio.wait_for(asyncio.gather(*(f.connected.wait() for f in followers)), 60)
        await stepping(presenter, len(followers), plan, actions, hall, cpu)
    finally:
        for task in tasks:
            task.cancel()
        closing = [f.close() for f in followers] + [presenter.close()]
        await asyncio.wait_for(asyncio.gather(*closing, return_exceptions=True), 60)
    return hall


def measure_room(followers: int = 300, within: float = 30.0, replicas: int = REPLICAS) -> dict:
    """A fresh hall; `followers` students open the room's link within `within` seconds; the
    presenter steps 2 x 20 times: first views, step latency, errors."""
    plan = lecture_hall.Plan(followers=followers, actions=20, rounds=2)
    with tempfile.TemporaryDirectory() as tmp, hall(replicas, free_port(), Path(tmp)) as h:
        pids = [r.proc.pid for r in h.replicas]
        cpu = lambda: sum(tree_cpu_seconds(pid) for pid in pids)  # noqa: E731
        room_hall = asyncio.run(room(h.url, plan, within, cpu))
    steps, opens = room_hall.step_ms, room_hall.open_ms
    return {
        "hall_room_followers": followers,
        "hall_room_opened": len(opens),
        "hall_room_open_within_s": within,
        "hall_room_open_p50_ms": percentile(opens, 50),
        "hall_room_open_p95_ms": percentile(opens, 95),
        "hall_room_open_max_ms": max(opens, default=None),
        "hall_room_step_p50_ms": percentile(steps, 50),
        "hall_room_step_p95_ms": percentile(steps, 95),
        "hall_room_steps_missed": room_hall.steps_expected - len(steps),
        "hall_room_errors": len(room_hall.errors),
        "runs": {"hall_room_error_samples": room_hall.errors[:10]},
    }


def run(
    sessions: int = 300, seconds: float = 60.0, training: bool = True, replicas: int = REPLICAS
) -> dict:
    """The hall alone, then (if `training`) beside a training job (suffix "_training")."""
    out: dict = {"hall_replicas": replicas, "hall_sessions": sessions, "hall_seconds": seconds}
    errors: dict = {}
    for suffix in ["", "_training"] if training else [""]:
        load = measure(Plan(sessions, seconds, training=suffix == "_training"), replicas)
        out |= {f"hall_{k}": v for k, v in summary(load, suffix).items()}
        errors[f"hall_error_samples{suffix}"] = load.errors[:10]
    followers = measure_room(sessions, replicas=replicas)
    errors |= followers.pop("runs")
    return out | followers | {"runs": errors}


def table(out: dict, suffixes: list[str]) -> str:
    heads = {"": "alone", "_training": "+ training"}
    lines = [f"{'metric (through HAProxy)':<28}" + "".join(f"{heads[s]:>14}" for s in suffixes)]
    for row in ROWS:
        values = "".join(f"{cell(out['hall_' + row + s]):>14}" for s in suffixes)
        lines.append(f"{row:<28}{values}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.hall",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--replicas", type=int, default=REPLICAS)
    ap.add_argument("--sessions", type=int, default=300)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--with-training", action="store_true")
    args = ap.parse_args(argv)
    results = run(args.sessions, args.seconds, args.with_training, args.replicas)
    out = {"date": time.strftime("%Y-%m-%d")} | results.pop("runs") | results
    RESULTS.write_text(json.dumps(out, indent=2))
    print(table(out, ["", "_training"] if args.with_training else [""]))
    print("\n".join(f"{k:<40}{cell(v):>12}" for k, v in out.items() if k.startswith("hall_room")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
