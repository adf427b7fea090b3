"""Command line: list or rebuild the shipped checkpoints (`make checkpoints`).

    python -m s2s_core zoo --list
    python -m s2s_core zoo --build             (all of them)
    python -m s2s_core zoo --build reverse-dot
    python -m s2s_core zoo --alignment          (relearn g2p's derived alignment only)
    python -m s2s_core zoo --measure reverse-dot  (float16 weights, then metrics.json again)

Building every checkpoint first relearns the g2p alignment table (tasks/aligner.py).
The recipes (sizes, steps, seeds) are in s2s_core/training/recipes.py.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from s2s_core.shipped import CHECKPOINT_DIR
from s2s_core.tasks.aligner import TABLE
from s2s_core.tasks.g2p import learn_alignment
from s2s_core.training.recipes import build, measure, recipes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m s2s_core zoo",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--list", action="store_true", help="list the shipped checkpoints")
    ap.add_argument("--build", nargs="*", metavar="NAME", help="rebuild these (default: all)")
    ap.add_argument("--dir", type=Path, default=CHECKPOINT_DIR, help="where to write them")
    ap.add_argument("--alignment", action="store_true", help="relearn the g2p alignment table (EM)")
    ap.add_argument(
        "--measure",
        nargs="*",
        metavar="NAME",
        help="store these as float16 and evaluate them again, without training (default: all)",
    )
    args = ap.parse_args(argv)
    if args.alignment or args.build == []:
        learn_alignment()
        print(f"wrote {TABLE}")
    if args.alignment and args.build is None:
        return 0
    table = recipes()
    if args.measure is not None:
        return measure_again(args.measure, args.dir)
    if args.build is None:
        for name, cfg in table.items():
            print(f"{name:<20} hidden={cfg.hidden:<4} steps={cfg.max_steps}")
        return 0
    names = args.build or list(table)
    if unknown := [n for n in names if n not in table]:
        print(
            f"error: unknown checkpoint {unknown[0]!r}; choose from: {', '.join(table)}",
            file=sys.stderr,
        )
        return 2
    started = time.perf_counter()
    for name in names:
        build(name, table[name], args.dir)
    print(f"built {len(names)} checkpoints in {time.perf_counter() - started:.0f} s")
    return 0


def measure_again(names: list[str], directory: Path) -> int:
    """Store these checkpoints (default: all) as float16 and write their metrics again."""
    shipped = [p.name for p in sorted(directory.iterdir()) if (p / "config.json").is_file()]
    if unknown := [n for n in names if n not in shipped]:
        print(f"error: no checkpoint {unknown[0]!r} in {directory}", file=sys.stderr)
        return 2
    for name in names or shipped:
        s = measure(directory / name)["in_training_range"]
        print(f"{name}: held-out exact match {s['exact_match']:.4f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
