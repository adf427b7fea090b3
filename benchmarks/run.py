"""`make bench`: run the benchmarks, print a table, write benchmarks/latest.json.

    python -m benchmarks.run [--only core|...]

Every ratio is measured side by side in this one run; compare ratios across days,
never absolute times.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import torch

from . import core

LATEST = Path(__file__).with_name("latest.json")

TARGETS = {  # name: (comparison, bound) from the issues
    "train_speedup_vs_tutorial": (">=", 20.0),
    "seconds_to_99_reverse": ("<=", 30.0),
    "decode_step_ms": ("<=", 0.1),
    "trace20_ms": ("<=", 3.0),
}


def machine() -> dict:
    return {"cpus": os.cpu_count(), "torch_threads": torch.get_num_threads(),
            "processor": platform.processor() or platform.machine(),
            "python": platform.python_version(), "torch": torch.__version__,
            "cuda": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None}


def run_core() -> dict:
    results = core.throughput()
    to99, ckpt = core.seconds_to_99()
    results.update(to99 | {"runs": results["runs"] | to99["runs"]})
    results.update(core.decode_latency(ckpt))
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    ap.add_argument("--only", choices=["core"], help="run one group only")
    ap.parse_args(argv)
    started = time.time()
    results = run_core()
    out = {"machine": machine(), "command": "make bench", "date": time.strftime("%Y-%m-%d"),
           "seconds": round(time.time() - started, 1), **results}
    LATEST.write_text(json.dumps(out, indent=2))
    print(f"{'metric':<28}{'value':>12}  target")
    for name, (op, bound) in TARGETS.items():
        value = out.get(name)
        if value is None:
            continue
        ok = value >= bound if op == ">=" else value <= bound
        print(f"{name:<28}{value:>12.3f}  {op} {bound:g}  {'ok' if ok else 'MISSED'}")
    print(f"(tokens/s: ours {out['train_tokens_per_s']:,.0f}, tutorial-style "
          f"{out['tutorial_tokens_per_s']:,.0f}); written to {LATEST}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
