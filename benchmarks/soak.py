"""A 30-minute soak through a hall (make bench-long): students come and go all lecture long.

    python -m benchmarks.soak [--minutes 30] [--sessions 100] [--replicas 2]

A hall of --replicas replicas behind HAProxy (serving/hall.py). First the replicas warm up
(students type 600 distinct inputs, so that every cache is as full as a lecture leaves it)
and the sessions leave; each replica's resident memory then is its warm baseline. Then for
--minutes a presenter leads one room (a step every 2 s, a question every 45 s, a new input
every 60 s) while --sessions students come and go: each joins (the room's link: its page
and its event stream), follows, answers the questions asked while it is there, types an input
of its own now and then (a third of them), and leaves after 1-3 minutes, to come back 5-20 s
later. At the end every session leaves; after Streamlit has dropped the disconnected sessions,
each replica's memory must be back within 10% of its warm baseline.

    errors       pages with an exception, refused posts, failed connections, a follower's
                 page that is not the room's content
    memory       each replica's RSS: warm baseline, peak, and after the sessions left
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
from .classroom import Load, Plan, classroom, random_input
from .lecture_hall import Follower, Presenter, random_word
from .processes import ServerWatch, status_kb, tree
from .ws_client import StreamlitSession

RESULTS = Path(__file__).with_name("soak.json")
DROPPED_AFTER_S = 150  # Streamlit keeps a disconnected session ~2 min for a reconnect


def rss_mb(pid: int) -> float:
    return sum(status_kb(p, "VmRSS") for p in tree(pid)) / 1024


async def presenter_loop(p: Presenter, until: float, hall_: lecture_hall.Hall, rng) -> None:
    """A step every 2 s, a question every 45 s (revealed 15 s later), an input every 60 s."""
    step, asked, typed = 0, time.monotonic(), time.monotonic()
    while time.monotonic() < until:
        step = (step % 20) + 1
        if await p.post("state", {"step": step, "playing": False}) != 204:
            hall_.errors.append("presenter: a step was refused")
        now = time.monotonic()
        if now - asked > 45:
            await p.post("question", {"action": "ask"})
            await asyncio.sleep(15)
            await p.post("question", {"action": "reveal"})
            asked = time.monotonic()
        if now - typed > 60:
            await p.type(random_word(rng, 12), hall_)
            typed = time.monotonic()
        await asyncio.sleep(2)


async def student(k: int, url: str, p: Presenter, until: float, hall_, rng) -> None:
    """Join, follow (answer what is asked, type now and then), leave; again, until the end."""
    while time.monotonic() < until:
        f = Follower(k, url, p.code, rng)
        try:
            await f.open(hall_)
            listening = asyncio.create_task(f.listen([], hall_))
            stay = time.monotonic() + rng.uniform(60, 180)
            while time.monotonic() < min(stay, until):
                await asyncio.sleep(rng.uniform(5, 15))
                if f.question and not f.question.get("revealed"):
                    await f.answer(0, [], hall_)
                if k % 3 == 0:  # this student also types an input of their own
                    async with StreamlitSession(url, "task=reverse", timeout=120) as own:
                        await own.open()
                        await own.type("Input", random_input(rng, (5, 20)))
            listening.cancel()
        except Exception as err:
            hall_.errors.append(f"student {k}: {err!r}")
        finally:
            await f.close()
        await asyncio.sleep(rng.uniform(5, 20))


async def lecture_soak(url: str, minutes: float, sessions: int) -> lecture_hall.Hall:
    hall_, rng = lecture_hall.Hall(), random.Random(3)
    p = Presenter(url, random_word(rng, 12))
    await p.start()
    listening = asyncio.create_task(p.listen())
    until = time.monotonic() + 60 * minutes
    try:
        await asyncio.gather(
            presenter_loop(p, until, hall_, rng),
            *(student(k, url, p, until, hall_, random.Random(k)) for k in range(sessions)),
        )
    finally:
        listening.cancel()
        await p.close()
    hall_.errors += lecture_hall.stale_views(hall_, p.keys)
    return hall_


def run(
    minutes: float = 30.0,
    sessions: int = 100,
    replicas: int = 2,
    settle: float = DROPPED_AFTER_S,
    warm_seconds: float = 60.0,
) -> dict:
    """The soak's metrics; `settle`: seconds left for Streamlit to drop the sessions that
    left, before each memory reading."""
    with tempfile.TemporaryDirectory() as tmp, hall(replicas, free_port(), Path(tmp)) as h:
        pids = [r.proc.pid for r in h.replicas]
        warm = Load()
        asyncio.run(classroom(h.url, Plan(60, warm_seconds, every=6, ramp=10), warm))
        time.sleep(settle)
        baseline = [rss_mb(pid) for pid in pids]
        watches = [ServerWatch(pid) for pid in pids]
        for w in watches:
            w.start()
        soaked = asyncio.run(lecture_soak(h.url, minutes, sessions))
        peaks = [w.stop() for w in watches]
        time.sleep(settle)
        after = [rss_mb(pid) for pid in pids]
    growth = [a / b - 1 for a, b in zip(after, baseline, strict=True)]
    return {
        "soak_minutes": minutes,
        "soak_sessions": sessions,
        "soak_replicas": replicas,
        "soak_warmup_errors": len(warm.errors),
        "soak_pages_opened": len(soaked.open_ms),
        "soak_answers": sum(soaked.answer_statuses.values()),
        "soak_errors": len(soaked.errors),
        "soak_rss_baseline_mb": baseline,
        "soak_rss_peak_mb": peaks,
        "soak_rss_after_mb": after,
        "soak_rss_growth_max": max(growth),
        "runs": {"soak_error_samples": soaked.errors[:10] + warm.errors[:5]},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.soak",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--sessions", type=int, default=100)
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument("--settle", type=float, default=DROPPED_AFTER_S)
    ap.add_argument("--warm-seconds", type=float, default=60.0)
    args = ap.parse_args(argv)
    out = run(args.minutes, args.sessions, args.replicas, args.settle, args.warm_seconds)
    RESULTS.write_text(json.dumps(out, indent=2))
    print(json.dumps({k: v for k, v in out.items() if k != "runs"}, indent=1))
    return 0 if out["soak_errors"] == 0 and out["soak_rss_growth_max"] <= 0.10 else 1


if __name__ == "__main__":
    raise SystemExit(main())
