"""A real Redis for the tests and the benchmarks (Debian's redis-server): no disk, a free
port, a process group of its own, always stopped."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from .servers import free_port, stop_group

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def wait_port(port: int, proc: subprocess.Popen, timeout: float = 10) -> None:
    deadline = time.time() + timeout
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        if proc.poll() is not None or time.time() > deadline:
            raise RuntimeError(f"redis-server did not start on port {port}")
        time.sleep(0.05)


def redis_command(port: int, data_dir: Path | None = None) -> list[str]:
    """redis-server on 127.0.0.1:port; with `data_dir`, every write appended to a file there
    (a restarted Redis has its rooms back), else in memory only."""
    keep = ["--appendonly", "no"]
    if data_dir is not None:
        keep = ["--dir", str(data_dir), "--appendonly", "yes", "--appendfsync", "always"]
    return [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", *keep]


@contextlib.contextmanager
def redis_server(port: int | None = None, data_dir: Path | None = None) -> Iterator[str]:
    """Start redis-server on 127.0.0.1 (on `port`, or a free one); yield its URL."""
    port = port or free_port()
    proc = subprocess.Popen(
        redis_command(port, data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_port(port, proc)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop_group(proc)
