"""`make hall`'s command: it serves the app on the port asked, and Ctrl-C stops everything it
started (Redis, the replicas, HAProxy)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from harness.servers import ROOT, free_port, stop_group

pytestmark = pytest.mark.browser  # it starts servers: with the slow tests


def parent(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("PPid:"))


def name(pid: int) -> str:
    with open(f"/proc/{pid}/comm") as f:
        return f.read().strip()


def descendants(pid: int) -> set[int]:
    """Every process started by `pid`, or by one it started (in any session)."""
    parents = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError, StopIteration):  # gone meanwhile
            parents[int(entry)] = parent(int(entry))
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, pp in parents.items() if pp in frontier} - found
        found |= frontier
    return found


def test_ctrl_c_stops_everything_the_hall_started(tmp_path):
    port = free_port()
    env = {**os.environ, "S2S_HALL_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "serving.hall", "--replicas", "1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        text=True,
    )
    try:
        line = proc.stdout.readline()  # "The hall: http://127.0.0.1:PORT (...)"
        assert f":{port}" in line, line
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=10) as r:
            assert r.status == 200
        started = descendants(proc.pid)
        names = {name(p) for p in started}
        assert {"haproxy", "redis-server"} <= names, names
        # the pieces run in process groups of their own: Ctrl-C reaches the hall only
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
        deadline = time.time() + 15
        while time.time() < deadline and any(os.path.exists(f"/proc/{p}") for p in started):
            time.sleep(0.2)
        alive = [p for p in started if os.path.exists(f"/proc/{p}")]
        assert not alive, alive
    finally:
        if proc.poll() is None:
            stop_group(proc)
