"""`make hall`: a lecture hall on one machine: Redis, N replicas of the app, HAProxy.

    make hall REPLICAS=4 PORT=8501            (REPLICAS: the machine's cores by default)
    python -m serving.hall --replicas 4 --port 8501

    Redis        the lecture rooms, shared by every replica (S2S_REDIS_URL: one of yours
                 instead); its data appended to a file in the hall's folder, so a restarted
                 Redis has its rooms back
    replicas     `streamlit run lecture/asgi.py` on ports of their own (127.0.0.1), each with
                 S2S_REDIS_URL and one S2S_MODEL_STORE folder
    HAProxy      on PORT, in front of them: sticky by cookie, websockets and event streams
                 passed through, health checks (serving/haproxy.py)

Each piece runs in a process group of its own; Ctrl-C (or SIGTERM) stops every one of them.
The hall's folder (S2S_HALL_DIR, default .hall/ in the repository) holds haproxy.cfg, the
Redis file and each piece's log.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from harness.redis_server import redis_command, wait_port
from harness.servers import ROOT, free_port, stop_group, streamlit_command, wait_healthy

from .haproxy import Backend, config

APP = "lecture/asgi.py"
HAPROXY = "haproxy"


@dataclass
class Replica:
    name: str
    port: int
    proc: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Hall:
    url: str
    redis_url: str
    replicas: list[Replica] = field(default_factory=list)

    def replica(self, name: str) -> Replica:
        return next(r for r in self.replicas if r.name == name)

    def kill(self, name: str) -> None:
        """kill -9 one replica and what it started (as a crash would)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.replica(name).proc.pid, signal.SIGKILL)
        self.replica(name).proc.wait()


def _start(command: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
            start_new_session=True,
        )


@contextlib.contextmanager
def hall(
    replicas: int, port: int, folder: Path, redis_url: str | None = None, timeout: float = 90
) -> Iterator[Hall]:
    """Start the hall; yield it once every replica is healthy; stop everything afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    started: list[subprocess.Popen] = []
    try:
        if redis_url is None:
            redis_port = free_port()
            started.append(_start(redis_command(redis_port, folder), folder / "redis.log"))
            wait_port(redis_port, started[-1])
            redis_url = f"redis://127.0.0.1:{redis_port}/0"
        store = os.environ.get("S2S_MODEL_STORE") or str(ROOT / "model_store")
        env = {"S2S_REDIS_URL": redis_url, "S2S_MODEL_STORE": store}
        the_hall = Hall(f"http://127.0.0.1:{port}", redis_url)
        for k in range(replicas):
            name, replica_port = f"r{k + 1}", free_port()
            proc = _start(streamlit_command(APP, replica_port), folder / f"{name}.log", env)
            started.append(proc)
            the_hall.replicas.append(Replica(name, replica_port, proc))
        for r in the_hall.replicas:
            wait_healthy(r.proc, r.url, folder / f"{r.name}.log", timeout)
        cfg = folder / "haproxy.cfg"
        cfg.write_text(config(port, [Backend(r.name, r.port) for r in the_hall.replicas]))
        started.append(_start([HAPROXY, "-W", "-db", "-f", str(cfg)], folder / "haproxy.log"))
        wait_healthy(started[-1], the_hall.url, folder / "haproxy.log", timeout)
        yield the_hall
    finally:
        for proc in reversed(started):
            stop_group(proc, grace=5)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m serving.hall",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument(
        "--replicas", type=int, default=int(os.environ.get("REPLICAS") or 0) or os.cpu_count() or 2
    )
    ap.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8501))
    args = ap.parse_args(argv)
    if args.replicas < 1:
        ap.error("--replicas must be at least 1")
    folder = Path(os.environ.get("S2S_HALL_DIR") or ROOT / ".hall")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop as Ctrl-C does
    try:
        with hall(args.replicas, args.port, folder, os.environ.get("S2S_REDIS_URL") or None) as h:
            print(
                f"The hall: {h.url} ({args.replicas} replicas behind HAProxy, rooms in "
                f"{h.redis_url}; logs in {folder}). Ctrl-C stops it.",
                flush=True,
            )
            while all(r.proc.poll() is None for r in h.replicas):
                time.sleep(1)
            print("a replica stopped; stopping the hall", file=sys.stderr)
            return 1
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
