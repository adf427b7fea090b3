"""Command line: train a model and write its checkpoint.

    python -m s2s_core train --task reverse --attention additive --out checkpoints/reverse-additive
    python -m s2s_core train --task dates --attention none --out runs/dates-none --max-seconds 60

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

from tqdm import tqdm

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


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
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
