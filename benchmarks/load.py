"""Load benchmark: a lecture hall of sessions typing inputs on one app server.

    python -m benchmarks.load [--sessions 300] [--seconds 60] [--every 5] [--with-training]

Starts the app (app.py) on a free loopback port. Each of N sessions opens the home page
with its own random input (?task=reverse&model=reverse-additive&input=<10-30 letters>);
the sessions arrive over --ramp seconds, as a class does. Once every page is open, each
session types a new random input every --every seconds (each pause drawn uniformly from
0.5x to 1.5x of it), for --seconds. Between inputs a student steps through the trace:
that happens in the browser (Home's step view, ui/assets/stepview.js) and sends the
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
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlencode

from harness.servers import ROOT, app_server

from .ws_client import Run, SessionError, StreamlitSession, timed

RESULTS = Path(__file__).with_name("load.json")
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


# --- the server's memory ----------------------------------------------------------------------


def server_pid() -> int:
    """Our child process running `streamlit run` (started by tests.browser.app_server)."""
    me = str(os.getpid())
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if stat.rsplit(")", 1)[1].split()[1] == me and b"streamlit" in cmd:
            return int(pid)
    raise RuntimeError("no streamlit server among this process's children")


def tree(pid: int) -> list[int]:
    """pid and all its descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            todo += [int(c) for c in task.read_text().split()]
    return out


def status_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process `pid` so far (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class ServerWatch(threading.Thread):
    """Samples the server tree's resident memory (VmRSS, summed) until stopped."""

    def __init__(self, pid: int, every: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.pid, self.every, self.peak_kb = pid, every, 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.sample()
            self.done.wait(self.every)

    def sample(self) -> None:
        try:
            pids = tree(self.pid)
            rss = sum(status_kb(p, "VmRSS") for p in pids)
            self.peak_kb = max(self.peak_kb, rss, status_kb(self.pid, "VmHWM"))
        except (OSError, ValueError):
            pass  # a process ended between listing and reading

    def stop(self) -> float:
        """Stop; the peak in MB."""
        self.sample()
        self.done.set()
        self.join()
        return self.peak_kb / 1024


# --- a training job beside the server ---------------------------------------------------------


def start_training(out: str, seconds: float) -> subprocess.Popen:
    """`python -m s2s_core train` on reverse, one thread, for at most `seconds`.

    Its progress bar goes to out/train.log (a pipe nobody reads would fill and stall it).
    """
    cmd = [
        sys.executable,
        "-m",
        "s2s_core.cli.train",
        "--task",
        "reverse",
        "--threads",
        "1",
        "--max-seconds",
        str(seconds),
        "--max-steps",
        "1000000",
        "--out",
        f"{out}/model",
    ]
    with open(f"{out}/train.log", "w") as log:
        return subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)


def stop_training(proc: subprocess.Popen, out: str) -> str:
    """Interrupt it (it keeps its last checkpoint); its last progress line."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    text = Path(f"{out}/train.log").read_text(errors="replace")
    bars = [ln.strip() for ln in re.split(r"[\r\n]", text) if "tok_s=" in ln]
    return bars[-1].split("|")[-1].strip() if bars else text.strip()[-300:]


# --- one measured run -------------------------------------------------------------------------


def measure(plan: Plan) -> Load:
    """A fresh server, `plan.sessions` students for `plan.seconds` (and training if asked)."""
    load = Load()
    with app_server("app.py") as url, tempfile.TemporaryDirectory() as tmp:
        pid = server_pid()
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
    with app_server("app.py") as url:
        return asyncio.run(burst(url, sessions))


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
