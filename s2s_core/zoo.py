"""The shipped checkpoints: what they are and the one command that rebuilds them.

    python -m s2s_core.zoo --list
    python -m s2s_core.zoo --build             (all of them; `make checkpoints`)
    python -m s2s_core.zoo --build reverse-dot

Every task ships a fixed-context model (`none`) and an `additive` attention model of
the same size, trained for the same number of steps with the same seed; `reverse`
also ships `dot` and `general`, and fixed-context models of other sizes d for the
bottleneck page's capacity curve. Each build also writes metrics.json (evaluation.py).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

from .checkpoints import load, write_json
from .evaluation import evaluate
from .training import TrainConfig, train

CHECKPOINT_DIR = Path(__file__).resolve().parents[1] / "checkpoints"

# Per task: sizes and how long to train. Same for every attention kind of the task.
TASK_SETTINGS: dict[str, dict] = {
    "reverse": {"hidden": 64, "embedding": 16, "max_steps": 1500},
    "sort": {"hidden": 128, "embedding": 32, "max_steps": 3000},
    "dates": {"hidden": 128, "embedding": 32, "max_steps": 1000},
    "numbers": {"hidden": 128, "embedding": 32, "max_steps": 2500},
}
CAPACITY_SIZES = (32, 128, 256)  # extra fixed-context reverse models: accuracy against d


def recipes() -> dict[str, TrainConfig]:
    """Checkpoint name -> the training config that makes it."""
    out: dict[str, TrainConfig] = {}
    for task, settings in TASK_SETTINGS.items():
        kinds = ("none", "additive", "dot", "general") if task == "reverse" else ("none",
                                                                               "additive")
        for kind in kinds:
            out[f"{task}-{kind}"] = TrainConfig(task=task, attention=kind, seed=0,
                                                eval_every=200, **settings)
    for d in CAPACITY_SIZES:
        out[f"reverse-none-d{d}"] = replace(out["reverse-none"], hidden=d)
    return out


def build(name: str, cfg: TrainConfig, directory: Path = CHECKPOINT_DIR) -> dict:
    """Train one shipped model, drop its optimizer state, evaluate it; returns its metrics."""
    out = directory / name
    started = time.perf_counter()
    train(cfg, out=out)
    (out / "optimizer.safetensors").unlink(missing_ok=True)  # shipped models: weights only
    metrics = evaluate(load(out))
    write_json(out / "metrics.json", metrics)
    s = metrics["in_training_range"]
    print(f"{name}: {time.perf_counter() - started:.0f} s, held-out exact match "
          f"{s['exact_match']:.4f} (training lengths), token accuracy {s['token_accuracy']:.4f}",
          flush=True)
    return metrics


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m s2s_core.zoo", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--list", action="store_true", help="list the shipped checkpoints")
    ap.add_argument("--build", nargs="*", metavar="NAME", help="rebuild these (default: all)")
    ap.add_argument("--dir", type=Path, default=CHECKPOINT_DIR, help="where to write them")
    args = ap.parse_args(argv)
    table = recipes()
    if args.build is None:
        for name, cfg in table.items():
            print(f"{name:<20} hidden={cfg.hidden:<4} steps={cfg.max_steps}")
        return 0
    names = args.build or list(table)
    if unknown := [n for n in names if n not in table]:
        print(f"error: unknown checkpoint {unknown[0]!r}; choose from: {', '.join(table)}",
              file=sys.stderr)
        return 2
    started = time.perf_counter()
    for name in names:
        build(name, table[name], args.dir)
    print(f"built {len(names)} checkpoints in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
