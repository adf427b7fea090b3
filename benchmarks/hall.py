"""The load benchmark through a hall: N replicas behind HAProxy (serving/hall.py, `make hall`).

    python -m benchmarks.hall [--replicas 2] [--sessions 300] [--seconds 60] [--with-training]

The same classroom as benchmarks/load.py (students who open Home, then type a new input every
~5 s each; websocket clients speaking Streamlit's protocol), sent to HAProxy's port instead of
one server: each student's websocket lands on one replica (round robin) and stays there.

    input latency, errors, opening   as load.py
    CPU per input                    the replicas' CPU seconds while typing (all of them,
                                     Redis and HAProxy left out: they are small) / inputs
    peak RSS                         the largest of the replicas' resident memories

Writes benchmarks/hall.json; prints a table. In make bench as the group "hall" (60 s of
typing, alone and beside a training job).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

from harness.servers import free_port
from serving.hall import hall

from .classroom import Load, Plan, classroom
from .load import ROWS, cell, summary
from .processes import ServerWatch, cpu_seconds, start_training, stop_training

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
    return out | {"runs": errors}


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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
