"""Load benchmark: a classroom of sessions stepping through decoding on one app server.

    python -m benchmarks.load [--sessions 30] [--seconds 60] [--with-training] [--think 0]

Starts the app (app.py) on a free loopback port. Each of N sessions opens the home page
with its own random input (?task=reverse&model=reverse-additive&input=<10-30 letters>),
then clicks "Next ▶" again and again (Reset at the end) for `--seconds`. With --think 0
(the default) nobody pauses between clicks: the worst case, every student at once.

    step latency  from sending the click until the server's script_finished message for
                  that (fragment) rerun: the server's whole share of a step, not the browser's
    errors        exceptions shown on the page, a wrong "step i of n", failed or closed
                  connections, and steps slower than --slow (10 s)
    peak RSS      the largest resident memory of the server process (and any children)
    CPU per step  the server's CPU seconds while stepping / steps (robust to a busy machine)

The sessions are websocket clients that speak the Streamlit frontend's protocol
(benchmarks/ws_client.py), not browsers: 30 Chromium tabs would measure Chromium.
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
from urllib.parse import urlencode

from tests.support.chromium import ROOT, app_server

from .ws_client import SessionError, StreamlitSession, timed

RESULTS = Path(__file__).with_name("load.json")
NEXT, RESET = "Next ▶", "⟲ Reset"
LETTERS = "abcdefghijklmnopqrstuvwxyz"
STEP_LABEL = re.compile(r"^### step (\d+) of (\d+)$")
MAX_CLICKS = 100_000  # per session: a bound besides the clock
MAX_RECONNECTS = 3  # per session


@dataclass
class Plan:
    """What one measured run does."""

    sessions: int = 30
    seconds: float = 60.0  # how long the students click (after every page is open)
    lengths: tuple[int, int] = (10, 30)  # input lengths, uniformly at random
    slow: float = 10.0  # a step slower than this many seconds counts as an error
    think: float = 0.0  # mean pause between one student's clicks, in seconds
    training: bool = False  # a training job beside the server
    seed: int = 0
    hard_timeout: float = 120.0  # a run that never finishes: the student reloads the page


@dataclass
class Load:
    """What the sessions measured in one run."""

    open_ms: list[float] = field(default_factory=list)  # first full page run
    step_ms: list[float] = field(default_factory=list)  # each Next / Reset
    errors: list[str] = field(default_factory=list)
    resets: int = 0  # how many of the steps were Reset (the others: Next)
    peak_rss_mb: float = 0.0
    seconds: float = 0.0  # how long the stepping lasted
    server_cpu_s: float = 0.0  # the server's CPU time (user + system) while stepping
    client_cpu_s: float = 0.0  # this process's (all the students'): small, or we measure us
    training: str = ""  # the training job's last progress line, if one ran

    def error(self, who: int, what: str) -> None:
        self.errors.append(f"session {who}: {what}")


def query(rng: random.Random, lengths: tuple[int, int]) -> str:
    """A home-page address with a random input of the given length range."""
    source = "".join(rng.choice(LETTERS) for _ in range(rng.randint(*lengths)))
    return urlencode({"task": "reverse", "model": "reverse-additive", "input": source, "step": 0})


def step_shown(markdown: list[str]) -> int | None:
    """i from the page's "### step i of n" (None if the run did not draw it)."""
    for body in markdown:
        if m := STEP_LABEL.match(body):
            return int(m.group(1))
    return None


# --- one student ------------------------------------------------------------------------------


@dataclass
class Gate:
    """Students wait here until every page is open; then the clock starts."""

    arrived: int = 0
    deadline: float = float("inf")
    open: asyncio.Event = field(default_factory=asyncio.Event)


async def student(who: int, url: str, qs: str, gate: Gate, plan: Plan, load: Load) -> None:
    """Open the page, wait at the gate, then click Next (Reset at the end) until the deadline.

    A lost connection counts as an error; the student then reloads the page, at most
    MAX_RECONNECTS times. The page keeps its step in the address, so a reload goes on there.
    """
    s, opened = StreamlitSession(url, qs, plan.hard_timeout), False
    for _ in range(MAX_RECONNECTS + 1):
        try:
            async with s:
                ms, run = await timed(s.open())
                step = check(who, run, None, load)
                if not opened:
                    opened = True
                    load.open_ms.append(ms)
                    gate.arrived += 1
                    await gate.open.wait()
                await click_until(who, s, step, gate.deadline, plan, load)
                return
        except SessionError as err:
            load.error(who, f"{'' if opened else 'opening the page: '}{err}")
            if not opened:
                gate.arrived += 1
                return
            if time.perf_counter() >= gate.deadline:
                return
            s = StreamlitSession(url, s.query_string, plan.hard_timeout)


async def click_until(
    who: int, s: StreamlitSession, step: int | None, deadline: float, plan: Plan, load: Load
) -> None:
    """Next, Next, ..., Reset, Next, ...: each click timed, each page checked."""
    rng = random.Random(plan.seed * 1000 + who)
    for _ in range(MAX_CLICKS):
        if time.perf_counter() >= deadline:
            return
        at_end = NEXT in s.buttons and s.buttons[NEXT].disabled
        ms, run = await timed(s.click(RESET if at_end else NEXT))
        load.step_ms.append(ms)
        load.resets += at_end
        if ms > 1000 * plan.slow:
            load.error(who, f"a step took {ms / 1000:.1f} s (> {plan.slow:g} s)")
        step = 0 if at_end else (step + 1 if step is not None else None)
        step = check(who, run, step, load)
        if plan.think:
            await asyncio.sleep(rng.uniform(0.5, 1.5) * plan.think)


def check(who: int, run, expected: int | None, load: Load) -> int | None:
    """Record the page's exceptions and a wrong step; return the step the page shows."""
    for text in run.exceptions:
        load.error(who, f"exception on the page: {text}")
    shown = step_shown(run.markdown)
    if shown is None:
        load.error(who, "the page did not show 'step i of n'")
    elif expected is not None and shown != expected:
        load.error(who, f"expected step {expected}, the page shows step {shown}")
    return shown


async def classroom(url: str, plan: Plan, load: Load, cpu=lambda: 0.0) -> None:
    """All students open the page together; the clock starts once every page is open."""
    rng, gate = random.Random(plan.seed), Gate()
    tasks = [
        asyncio.create_task(student(k, url, query(rng, plan.lengths), gate, plan, load))
        for k in range(plan.sessions)
    ]
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
        trainer = start_training(tmp, plan.seconds + 60) if plan.training else None
        try:
            asyncio.run(classroom(url, plan, load, cpu=lambda: cpu_seconds(pid)))
        finally:
            load.peak_rss_mb = watch.stop()
            if trainer is not None:
                load.training = stop_training(trainer, tmp)
                print(f"training beside the server: {load.training}")
    return load


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (nearest rank); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q / 100 * len(ordered)) - 1))]


def summary(load: Load, suffix: str = "") -> dict:
    s = load.step_ms
    return {
        f"load_p50_ms{suffix}": percentile(s, 50),
        f"load_p95_ms{suffix}": percentile(s, 95),
        f"load_max_ms{suffix}": max(s, default=None),
        f"load_steps{suffix}": len(s),
        f"load_errors{suffix}": len(load.errors),
        f"load_steps_per_s{suffix}": len(s) / load.seconds if load.seconds else 0.0,
        f"load_open_p50_ms{suffix}": percentile(load.open_ms, 50),
        f"load_open_max_ms{suffix}": max(load.open_ms, default=None),
        f"server_cpu_ms_per_step{suffix}": 1000 * load.server_cpu_s / len(s) if s else 0.0,
        f"client_cpu_ms_per_step{suffix}": 1000 * load.client_cpu_s / len(s) if s else 0.0,
        f"server_peak_rss_mb{suffix}": load.peak_rss_mb,
    }


def cell(value) -> str:
    if value is None:
        return "-"
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def table(out: dict, suffixes: list[str]) -> str:
    rows = [
        "load_p50_ms",
        "load_p95_ms",
        "load_max_ms",
        "load_steps",
        "load_steps_per_s",
        "load_errors",
        "load_open_p50_ms",
        "load_open_max_ms",
        "server_cpu_ms_per_step",
        "client_cpu_ms_per_step",
        "server_peak_rss_mb",
    ]
    heads = {"": "alone", "_training": "+ training"}
    lines = [f"{'metric':<22}" + "".join(f"{heads[s]:>14}" for s in suffixes)]
    for row in rows:
        lines.append(f"{row:<22}" + "".join(f"{cell(out[row + s]):>14}" for s in suffixes))
    return "\n".join(lines)


def run(
    sessions: int = 30,
    seconds: float = 60.0,
    training: bool = True,
    think: float = 0.0,
    slow: float = 10.0,
) -> dict:
    """The classroom alone, then (if `training`) beside a training job: the metrics of each
    (suffix "_training" for the second) and, under "runs", a few of each one's errors."""
    out: dict = {"load_sessions": sessions, "load_seconds": seconds}
    errors: dict = {}
    for suffix in ["", "_training"] if training else [""]:
        load = measure(
            Plan(sessions, seconds, slow=slow, think=think, training=suffix == "_training")
        )
        out |= summary(load, suffix)
        errors[f"load_error_samples{suffix}"] = load.errors[:10]
        if load.training:
            out["load_training_progress"] = load.training  # the job's last progress line
    return out | {"runs": errors}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.load",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--sessions", type=int, default=30)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument(
        "--with-training",
        action="store_true",
        help="measure alone, then again while a model trains beside the server",
    )
    ap.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean seconds a student pauses between clicks (default 0: none)",
    )
    ap.add_argument("--slow", type=float, default=10.0, help="a slower step is an error")
    args = ap.parse_args(argv)
    suffixes = ["", "_training"] if args.with_training else [""]
    out = {
        "think_s": args.think,
        "cpus": os.cpu_count(),
        "date": time.strftime("%Y-%m-%d"),
        "loadavg_before": os.getloadavg()[0],
    }
    results = run(args.sessions, args.seconds, args.with_training, args.think, args.slow)
    out |= results.pop("runs") | results
    out["loadavg_after"] = os.getloadavg()[0]
    RESULTS.write_text(json.dumps(out, indent=2))
    print(
        f"{args.sessions} sessions x {args.seconds:g} s, think {args.think:g} s, on "
        f"{os.cpu_count()} CPUs (1-minute load average before: {out['loadavg_before']:.2f}, "
        f"after: {out['loadavg_after']:.2f})"
    )
    print(table(out, suffixes))
    for suffix in suffixes:
        for err in out[f"load_error_samples{suffix}"]:
            print(f"error{suffix}: {err}")
    print(f"written to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
