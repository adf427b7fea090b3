"""A real Streamlit server for the tests and the benchmarks.

The server runs in a session (and process group) of its own, so that stopping it stops
everything it started; its output goes to a file (a pipe nobody reads would fill and stall it)
and is shown if it fails to start.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # this repository


@dataclass(frozen=True)
class Server:
    """A running `streamlit run`: its address and its process id (the group's leader)."""

    url: str
    pid: int


APP = "lecture/asgi.py"  # what `make run` starts: app.py, and the lecture routes beside it


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def streamlit_command(script: str, port: int) -> list[str]:
    """`streamlit run script` on 127.0.0.1:port, headless, no usage stats, no file watcher."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]


def wait_healthy(proc: subprocess.Popen, url: str, log: Path, timeout: float) -> None:
    """Poll the server's health endpoint until it answers 200; raise with its output if it
    exits or takes longer than `timeout` seconds."""
    deadline = time.time() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                out = log.read_text(errors="replace")
                raise RuntimeError(f"the app server did not start:\n{out}") from None
            time.sleep(0.3)


def stop_group(proc: subprocess.Popen, grace: float = 10) -> None:
    """SIGTERM to the process group `proc` leads; SIGKILL to it after `grace` seconds."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@contextlib.contextmanager
def streamlit_server(script: str = APP, timeout: float = 60, root: Path = ROOT) -> Iterator[Server]:
    """Start `streamlit run script` in `root` (this repository unless told) on a free port,
    in a process group of its own; yield it once healthy; stop the whole group afterwards."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="streamlit-") as tmp:
        log = Path(tmp) / "server.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                streamlit_command(script, port),
                cwd=root,
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
                start_new_session=True,
            )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_healthy(proc, url, log, timeout)
            yield Server(url, proc.pid)
        finally:
            stop_group(proc)


@contextlib.contextmanager
def app_server(script: str = APP, timeout: float = 60, root: Path = ROOT) -> Iterator[str]:
    """`streamlit_server`, yielding only its URL (what a browser needs)."""
    with streamlit_server(script, timeout, root) as server:
        yield server.url
