"""Load benchmark: a lecture hall of sessions typing inputs on one app server.

    python -m benchmarks.load [--sessions 300] [--seconds 60] [--every 5] [--with-training]

Starts the app (app.py) on a free loopback port. Each of N sessions opens the home page
with its own random input (?task=reverse&model=reverse-additive&input=<10-30 letters>);
the sessions arrive over --ramp seconds, as a class does. Once every page is open, each
session types a new random input every --every seconds (each pause drawn uniformly from
0.5x to 1.5x of it), for --seconds. Between inputs a student steps through the trace:
that happens in the browser (Home's step view, presentation/stepview/) and sends the
server nothing, so it costs the server nothing here either.

    input latency  from sending the new input until the server's script_finished message
                   for that run: the server's whole share of showing the new trace
    errors         exceptions shown on the page, a step view that is not the new input's
                   (its n is not len(input) + 1), failed or closed connections, and inputs
                   slower than --slow (10 s)
    opening        the first page run of each session (while the others arrive)
    burst          then, on a fresh server that has served one page (the teacher's), 30
                   sessions opening at once: the time each takes to its first page
    peak RSS       the largest resident memory of the server process (and any children)
    CPU per input  the server's CPU seconds while typing / inputs (robust to a busy machine)

The sessions are websocket clients that speak the Streamlit frontend's protocol
(benchmarks/ws_client.py), not browsers: 300 Chromium tabs would measure Chromium.
--with-training measures twice: alone, then while `python -m s2s_core train` trains a
model on the same machine (one thread). Writes benchmarks/load.json; prints a table.

    benchmarks/classroom.py   the students (the load client) and the burst
    benchmarks/processes.py   the server's memory and CPU, the training job beside it
    this file                 one measured run, the summary and table, `run` for make bench
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from harness.servers import streamlit_server

from .classroom import BURST, Load, Plan, burst, classroom
from .processes import ServerWatch, cpu_seconds, start_training, stop_training

RESULTS = Path(__file__).with_name("load.json")


# --- one measured run -------------------------------------------------------------------------


def measure(plan: Plan) -> Load:
    """A fresh server, `plan.sessions` students for `plan.seconds` (and training if asked)."""
    load = Load()
    with streamlit_server() as server, tempfile.TemporaryDirectory() as tmp:
        url, pid = server.url, server.pid
        watch = ServerWatch(pid)
        watch.start()
        trainer = start_training(tmp, plan.ramp + plan.seconds + 60) if plan.training else None
        try:
            asyncio.run(classroom(url, plan, load, cpu=lambda: cpu_seconds(pid)))
        finally:
            load.peak_rss_mb = watch.stop()
            if trainer is not None:
                load.training = stop_training(trainer, tmp)
                print(f"training beside the server: {load.training}")
    return load


def measure_burst(sessions: int = BURST) -> tuple[list[float], list[str]]:
    """A fresh server: the teacher's page, then `sessions` students opening at once."""
    with streamlit_server() as server:
        return asyncio.run(burst(server.url, sessions))


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (nearest rank); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q / 100 * len(ordered)) - 1))]


def summary(load: Load, suffix: str = "") -> dict:
    s = load.input_ms
    return {
        f"load_p50_ms{suffix}": percentile(s, 50),
        f"load_p95_ms{suffix}": percentile(s, 95),
        f"load_max_ms{suffix}": max(s, default=None),
        f"load_inputs{suffix}": len(s),
        f"load_inputs_per_s{suffix}": len(s) / load.seconds if load.seconds else 0.0,
        f"load_errors{suffix}": len(load.errors),
        f"load_open_p50_ms{suffix}": percentile(load.open_ms, 50),
        f"load_open_max_ms{suffix}": max(load.open_ms, default=None),
        f"server_cpu_ms_per_input{suffix}": 1000 * load.server_cpu_s / len(s) if s else 0.0,
        f"client_cpu_ms_per_input{suffix}": 1000 * load.client_cpu_s / len(s) if s else 0.0,
        f"server_peak_rss_mb{suffix}": load.peak_rss_mb,
    }


ROWS = [
    "load_p50_ms",
    "load_p95_ms",
    "load_max_ms",
    "load_inputs",
    "load_inputs_per_s",
    "load_errors",
    "load_open_p50_ms",
    "load_open_max_ms",
    "server_cpu_ms_per_input",
    "client_cpu_ms_per_input",
    "server_peak_rss_mb",
]


def cell(value) -> str:
    if value is None:
        return "-"
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def table(out: dict, suffixes: list[str]) -> str:
    heads = {"": "alone", "_training": "+ training"}
    lines = [f"{'metric':<24}" + "".join(f"{heads[s]:>14}" for s in suffixes)]
    for row in ROWS:
        lines.append(f"{row:<24}" + "".join(f"{cell(out[row + s]):>14}" for s in suffixes))
    lines.append(
        f"{BURST} sessions opening at once: p50 {cell(out['load_burst_open_p50_ms'])} ms, "
        f"max {cell(out['load_burst_open_max_ms'])} ms, {out['load_burst_errors']} errors"
    )
    return "\n".join(lines)


def run(
    sessions: int = 300,
    seconds: float = 60.0,
    training: bool = True,
    every: float = 5.0,
    ramp: float = 30.0,
    slow: float = 10.0,
) -> dict:
    """The lecture hall alone, then (if `training`) beside a training job: the metrics of
    each (suffix "_training" for the second); then BURST sessions opening at once. Under
    "runs", a few of each one's errors."""
    out: dict = {
        "load_sessions": sessions,
        "load_seconds": seconds,
        "load_every_s": every,
        "load_ramp_s": ramp,
    }
    errors: dict = {}
    for suffix in ["", "_training"] if training else [""]:
        plan = Plan(sessions, seconds, every, ramp, slow=slow, training=suffix == "_training")
        load = measure(plan)
        out |= summary(load, suffix)
        errors[f"load_error_samples{suffix}"] = load.errors[:10]
        if load.training:
            out["load_training_progress"] = load.training  # the job's last progress line
    times, burst_errors = measure_burst()
    out |= {
        "load_burst_open_p50_ms": percentile(times, 50),
        "load_burst_open_max_ms": max(times, default=None),
        "load_burst_errors": len(burst_errors),
    }
    errors["load_burst_error_samples"] = burst_errors[:10]
    return out | {"runs": errors}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.load",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--sessions", type=int, default=300)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--every", type=float, default=5.0, help="mean seconds between inputs")
    ap.add_argument("--ramp", type=float, default=30.0, help="the sessions arrive over this")
    ap.add_argument(
        "--with-training",
        action="store_true",
        help="measure alone, then again while a model trains beside the server",
    )
    ap.add_argument("--slow", type=float, default=10.0, help="a slower input is an error")
    args = ap.parse_args(argv)
    suffixes = ["", "_training"] if args.with_training else [""]
    out: dict = {
        "cpus": os.cpu_count(),
        "date": time.strftime("%Y-%m-%d"),
        "loadavg_before": os.getloadavg()[0],
    }
    results = run(args.sessions, args.seconds, args.with_training, args.every, args.ramp, args.slow)
    out |= results.pop("runs") | results
    out["loadavg_after"] = os.getloadavg()[0]
    RESULTS.write_text(json.dumps(out, indent=2))
    print(
        f"{args.sessions} sessions x {args.seconds:g} s, an input every ~{args.every:g} s, on "
        f"{os.cpu_count()} CPUs (1-minute load average before: {out['loadavg_before']:.2f}, "
        f"after: {out['loadavg_after']:.2f})"
    )
    print(table(out, suffixes))
    for key in [f"load_error_samples{s}" for s in suffixes] + ["load_burst_error_samples"]:
        for err in out[key]:
            print(f"{key}: {err}")
    print(f"written to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
