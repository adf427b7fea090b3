"""Command line: train a model and write its checkpoint.

    python -m s2s_core train --task reverse --attention additive --out checkpoints/reverse-additive
    python -m s2s_core train --task dates --attention none --out runs/dates-none --max-seconds 60
    python -m s2s_core train --pairs examples/en-de-numbers.tsv --out runs/numbers-de

--pairs trains on your own pairs (a TSV or CSV file, s2s_core/tasks/pairs_file.py): the same
checks and messages as the app's Train page; the task travels with the model (task.json),
so evaluate and decode take the result as they take any checkpoint.

Prints a tqdm progress bar (loss, accuracy, tokens/s, held-out exact match). Ctrl-C
stops cleanly: the last checkpoint written stays. --resume continues a run in --out.

Several processes (one per GPU, or CPU workers) with DistributedDataParallel:

    torchrun --standalone --nproc_per_node 2 -m s2s_core train --task reverse --out runs/r2

Each process trains on its own shard of the data with --batch-size examples per step, so
one step sees a global batch of batch-size x processes. Rank 0 alone prints and writes
--out. On a GPU, --precision auto runs the forward pass under bf16 autocast.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import fields
from pathlib import Path

from tqdm import tqdm

from s2s_core import tasks
from s2s_core.tasks.pairs import PairsTask
from s2s_core.tasks.pairs_file import LIMITS, MAX_BYTES, PairsError, Tokens, read_pairs
from s2s_core.training import distributed
from s2s_core.training.checkpoints import CheckpointError
from s2s_core.training.loop import Progress, TrainConfig, train


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    defaults = TrainConfig()
    ap = argparse.ArgumentParser(
        prog="python -m s2s_core train",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--out", required=True, help="checkpoint directory to write")
    ap.add_argument("--resume", action="store_true", help="continue the run saved in --out")
    ap.add_argument("--pairs", help="train on your own pairs: a TSV or CSV file (replaces --task)")
    for side in ("source", "target"):
        ap.add_argument(
            f"--{side}-tokens",
            choices=("chars", "words"),
            help=f"cut each {side} into characters or words (default: words where every "
            f"{side} has a space)",
        )
    for f in fields(TrainConfig):
        value = getattr(defaults, f.name)
        kind = {"int": int, "float": float, "str": str}.get(type(value).__name__, float)
        if f.name in ("threads",):
            kind = int
        ap.add_argument(
            f"--{f.name.replace('_', '-')}", type=kind, default=value, help=f"default: {value}"
        )
    return ap.parse_args(argv)


def progress_bar(bar: tqdm):
    """An on_progress callback that moves `bar` and shows the latest numbers on it."""
    last_exact: list[float | None] = [None]

    def on_progress(p: Progress) -> None:
        if p.exact_match is not None:
            last_exact[0] = p.exact_match
        bar.update(p.step - bar.n)
        bar.set_postfix(
            loss=f"{p.loss:.3f}",
            acc=f"{p.token_accuracy:.3f}",
            tok_s=f"{p.tokens_per_s:,.0f}",
            exact="-" if last_exact[0] is None else f"{last_exact[0]:.3f}",
        )

    return on_progress


def own_task(path: str, tokens: tuple[Tokens | None, Tokens | None]) -> str:
    """Read --pairs, say what was kept and refused, register the task; its name."""
    file = Path(path)
    if not file.is_file():
        raise PairsError(f"{path}: no such file")
    if file.stat().st_size > MAX_BYTES:  # never read a huge file to refuse it
        raise PairsError(f"{path}: {file.stat().st_size / 2**20:,.1f} MB; at most {LIMITS}")
    read = read_pairs(file.read_bytes(), tokens)
    task = PairsTask.of(read, file.stem)
    tasks.register(task)
    print(
        f"{path}: {len(read.pairs):,} pairs kept ({read.duplicates:,} duplicates merged), "
        f"{len(read.refused):,} lines refused; symbols: {' / '.join(read.tokens)}; "
        + (
            f"{len(task.held):,} sources held out"
            if task.held
            else "too few to hold any out: scored on the training pairs"
        ),
        file=sys.stderr,
    )
    for r in read.refused[:10]:
        print(f"  line {r.line}: {r.reason}", file=sys.stderr)
    return task.name


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.pairs:
        try:
            args.task = own_task(args.pairs, (args.source_tokens, args.target_tokens))
        except PairsError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
    cfg = TrainConfig(**{f.name: getattr(args, f.name) for f in fields(TrainConfig)})
    is_main = distributed.env_rank() == 0  # under torchrun, rank 0 alone shows progress
    bar = tqdm(total=cfg.max_steps, unit="step", dynamic_ncols=True, disable=not is_main)
    try:
        # under torchrun: join the process group (gloo on CPU, nccl on CUDA); else no-op
        with distributed.process_group(cfg.device):
            result = train(
                cfg, out=args.out, resume=args.resume, on_progress=progress_bar(bar), log=tqdm.write
            )
    except KeyboardInterrupt:
        bar.close()
        print(f"interrupted; the last checkpoint in {args.out} is kept", file=sys.stderr)
        return 130
    except (ValueError, CheckpointError) as err:
        bar.close()
        print(f"error: {err}", file=sys.stderr)
        return 2
    bar.close()
    if not is_main:
        return 0
    h = result.checkpoint.info["held_out"]
    t = result.checkpoint.info["training"]
    world = f" on {t['world_size']} processes" if t["world_size"] > 1 else ""
    print(
        f"{args.out}: {t['steps']} steps in {t['seconds']:.1f} s{world} ({result.stopped_by}); "
        f"held-out exact match {h['exact_match']:.4f}, token accuracy "
        f"{h['token_accuracy']:.4f} on {h['n']} examples"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
