"""Training throughput on a GPU: tokens/s on CUDA (fp32, bf16 autocast) vs. 2 CPU threads.

    python -m benchmarks.gpu_train                      # reverse/additive, batch 64 and 512
    python -m benchmarks.gpu_train --batch-size 64 256 1024 --hidden 128 --json gpu.json

The same trainer (`s2s_core.training.loop.train`), task and model on each device; only the
device and the precision change. Rates count real target tokens per second, measured
from step --warmup to the last step, so CUDA's start-up (context, cuDNN, the allocator's
first growth) and the first data chunk are left out. Without a GPU it says so and
measures the CPU alone. Prints a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import platform
from dataclasses import dataclass

import torch

from s2s_core.training.loop import Progress, TrainConfig, train


@dataclass
class Run:
    device: str  # "cpu (2 threads)" | "cuda fp32" | "cuda bf16"
    batch_size: int
    steps: int
    tokens_per_s: float


def steady_tokens_per_s(history: list[Progress], warmup: int) -> float:
    """Tokens/s between step `warmup` and the last step.

    Progress gives the running average tokens_per_s and the elapsed seconds of each step,
    so the tokens so far are (nearly exactly) tokens_per_s x seconds.
    """
    a, b = history[warmup - 1], history[-1]
    tokens = b.tokens_per_s * b.seconds - a.tokens_per_s * a.seconds
    return tokens / (b.seconds - a.seconds)


def measure(base: TrainConfig, device: str, precision: str, steps: int, warmup: int) -> float:
    cfg = TrainConfig(
        **{
            **vars(base),
            "device": device,
            "precision": precision,
            "max_steps": steps,
            "eval_every": 10**9,
            "eval_size": 1,
        }
    )
    result = train(cfg, log=lambda _msg: None)
    return steady_tokens_per_s(result.history, warmup)


def run(
    base: TrainConfig, batch_sizes: list[int], cuda_steps: int, cpu_steps: int, warmup: int
) -> list[Run]:
    torch.set_num_threads(2)  # the CPU baseline: this project's 2-core machines
    runs = []
    for bs in batch_sizes:
        cfg = TrainConfig(**{**vars(base), "batch_size": bs})
        runs.append(
            Run("cpu (2 threads)", bs, cpu_steps, measure(cfg, "cpu", "fp32", cpu_steps, warmup))
        )
        if torch.cuda.is_available():
            for precision in ("fp32", "bf16"):
                runs.append(
                    Run(
                        f"cuda {precision}",
                        bs,
                        cuda_steps,
                        measure(cfg, "cuda", precision, cuda_steps, warmup),
                    )
                )
    return runs


def table(runs: list[Run]) -> str:
    cpu = {r.batch_size: r.tokens_per_s for r in runs if r.device.startswith("cpu")}
    lines = [
        "| device | batch | steps | tokens/s | vs. CPU |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for r in runs:
        lines.append(
            f"| {r.device} | {r.batch_size} | {r.steps} | {r.tokens_per_s:,.0f} | "
            f"{r.tokens_per_s / cpu[r.batch_size]:.1f}x |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.gpu_train",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--task", default="reverse")
    ap.add_argument("--attention", default="additive")
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--batch-size", type=int, nargs="+", default=[64, 512])
    ap.add_argument("--cuda-steps", type=int, default=300)
    ap.add_argument("--cpu-steps", type=int, default=60)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--json", help="also write the results to this file")
    args = ap.parse_args(argv)
    if args.warmup < 1 or args.warmup >= min(args.cuda_steps, args.cpu_steps):
        ap.error("--warmup must be at least 1 and below --cuda-steps and --cpu-steps")
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    if gpu is None:
        print("no CUDA GPU here: measuring the CPU only")
    base = TrainConfig(task=args.task, attention=args.attention, hidden=args.hidden)
    runs = run(base, args.batch_size, args.cuda_steps, args.cpu_steps, args.warmup)
    print(
        f"{args.task}/{args.attention}, d={args.hidden}; GPU: {gpu}; "
        f"CPU: {platform.processor() or platform.machine()}; torch {torch.__version__}"
    )
    print(table(runs))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(
                {
                    "gpu": gpu,
                    "torch": torch.__version__,
                    "config": vars(base),
                    "runs": [vars(r) for r in runs],
                },
                f,
                indent=2,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
