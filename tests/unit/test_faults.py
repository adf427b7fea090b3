"""Faults: a training run killed with SIGKILL mid-write leaves a loadable checkpoint."""

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from s2s_core.training import checkpoints
from s2s_core.training.checkpoints import load, save
from tests.support.models import tiny_checkpoint

TRAIN = [
    sys.executable,
    "-m",
    "s2s_core.cli.train",
    "--task",
    "reverse",
    "--hidden",
    "16",
    "--embedding",
    "8",
    "--batch-size",
    "8",
    "--max-steps",
    "100000",
    "--eval-every",
    "1",
    "--eval-size",
    "2",
    "--threads",
    "1",
]


def steps_written(out) -> int:
    try:
        return json.loads((out / "config.json").read_text())["training"]["steps"]
    except (OSError, ValueError, KeyError):
        return 0


def wait_for_progress(out, beyond: int, timeout=90.0) -> None:
    """Wait until the run has written a checkpoint past step `beyond`."""
    deadline = time.time() + timeout
    while steps_written(out) <= beyond:
        assert time.time() < deadline, "training never wrote a new checkpoint"
        time.sleep(0.02)


def test_sigkill_mid_write_keeps_the_last_good_checkpoint(tmp_path):
    out = tmp_path / "run"
    rng = random.Random(0)
    steps_seen = []
    for attempt in range(4):
        args = TRAIN + ["--out", str(out)] + (["--resume"] if attempt else [])
        proc = subprocess.Popen(
            args,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "OMP_NUM_THREADS": "1"},
        )
        try:
            wait_for_progress(out, beyond=steps_written(out) + 3)
            time.sleep(rng.uniform(0.0, 0.3))  # it saves after every step: we kill mid-write
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        ckpt = load(out)  # must never fail
        steps_seen.append(ckpt.info["training"]["steps"])
    assert steps_seen == sorted(steps_seen) and steps_seen[-1] > steps_seen[0]  # resumed


def test_a_failed_write_leaves_the_previous_files(tmp_path, monkeypatch):
    good = tiny_checkpoint("additive")
    path = save(good, tmp_path / "ckpt")
    before = {f.name: f.read_bytes() for f in path.iterdir()}

    def broken(tensors, filename, metadata=None):
        with open(filename, "wb") as f:
            f.write(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(checkpoints, "save_file", broken)
    with pytest.raises(OSError, match="disk full"):
        save(tiny_checkpoint("additive", seed=1), path)
    assert {f.name: f.read_bytes() for f in path.iterdir()} == before  # no temp file left
    assert json.loads((path / "config.json").read_text())["model"]["attention"] == "additive"
    load(path)
