"""The app server's memory and CPU, read from /proc, and a training job beside the server.

ServerWatch     samples the resident memory of the server and its children (the peak)
cpu_seconds     a process's user + system CPU time so far
tree_cpu_seconds  the same, summed over a process and its descendants
start_training  `python -m s2s_core.cli.train` on reverse, one thread (the load beside)
stop_training   interrupt it; its last progress line
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

from harness.servers import ROOT


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


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU time of `pid` and its descendants so far (those still running)."""
    try:
        pids = tree(pid)
    except OSError:  # a child ended while its parent's were listed
        pids = [pid]
    total = 0.0
    for p in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):  # it ended meanwhile
            total += cpu_seconds(p)
    return total


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
