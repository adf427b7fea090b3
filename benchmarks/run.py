"""`make bench`: run the benchmarks, print a table, write benchmarks/latest.json.

    python -m benchmarks.run [--only core|browser|load|first_load|transformer|attribution]

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

from . import attribution, browser, core, first_load, load, transformer

LATEST = Path(__file__).with_name("latest.json")

TARGETS = {  # name: (comparison, bound) from the issues
    "train_speedup_vs_tutorial": (">=", 20.0),
    "seconds_to_99_reverse": ("<=", 30.0),
    "decode_step_ms": ("<=", 0.1),
    "trace20_ms": ("<=", 3.0),
    "browser_step_vs_bare": ("<=", 1.0),  # #15 (was 1.5)
    "browser_step_vs_minimal_heatmap": ("<=", 1.0),
    "play_late_max_ms": ("<=", 100.0),  # #15: Play at 10 steps/s, no step a frame late
    "load_p95_ms": ("<=", 1000.0),  # #15: 300 sessions, a new input every ~5 s each
    "load_errors": ("<=", 0),
    "load_p95_ms_training": ("<=", 1000.0),
    "load_errors_training": ("<=", 0),
    "load_burst_open_p50_ms": ("<=", 1000.0),  # #15: 30 sessions opening at once
    "first_load_vs_baseline_s": ("<=", 0.5),  # #12; a link straight to g2p is reported only
    "transformer_vs_rnn_tokens_per_s": (">=", 1.0),  # #13: reported beside the RNN
    "transformer_to_99_vs_rnn": ("<=", 0.5),  # #13: "aim at half the RNN's"
    "attribution_trace20_ms": ("<=", 250.0),  # #14: a 20-step trace's integrated gradients
}
GROUPS = ("core", "browser", "load", "first_load", "transformer", "attribution")


def machine() -> dict:
    return {
        "cpus": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "processor": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "cuda": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
    }


def run_core() -> dict:
    results = core.throughput()
    to99, ckpt = core.seconds_to_99()
    results |= to99 | {"runs": results["runs"] | to99["runs"]}
    return results | core.decode_latency(ckpt)


RUNNERS = {
    "core": run_core,
    "browser": browser.run,
    "load": load.run,
    "first_load": first_load.run,
    "transformer": transformer.run,
    "attribution": attribution.run,
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    ap.add_argument("--only", choices=GROUPS, help="run one group only (others kept as they were)")
    args = ap.parse_args(argv)
    started = time.time()
    out = json.loads(LATEST.read_text()) if args.only and LATEST.is_file() else {}
    runs = out.pop("runs", {})
    for group in [args.only] if args.only else GROUPS:
        results = RUNNERS[group]()
        runs |= results.pop("runs")
        out |= results
    out |= {
        "machine": machine(),
        "command": "make bench" + (f" (--only {args.only})" if args.only else ""),
        "date": time.strftime("%Y-%m-%d"),
        "seconds": round(time.time() - started, 1),
        "runs": runs,
    }
    if out.get("seconds_to_99_transformer") and out.get("seconds_to_99_reverse"):  # #13
        out["transformer_to_99_vs_rnn"] = (
            out["seconds_to_99_transformer"] / out["seconds_to_99_reverse"]
        )
    LATEST.write_text(json.dumps(out, indent=2))
    print(f"{'metric':<28}{'value':>12}  target")
    for name, (op, bound) in TARGETS.items():
        value = out.get(name)
        if value is None:
            continue
        ok = value >= bound if op == ">=" else value <= bound
        print(f"{name:<28}{value:>12.3f}  {op} {bound:g}  {'ok' if ok else 'MISSED'}")
    if "train_tokens_per_s" in out:
        print(
            f"(tokens/s: ours {out['train_tokens_per_s']:,.0f}, tutorial-style "
            f"{out['tutorial_tokens_per_s']:,.0f})"
        )
    if "transformer_step_ms" in out:
        print(
            f"(Transformer: {out['transformer_tokens_per_s']:,.0f} tokens/s against "
            f"{out['rnn_equal_size_tokens_per_s']:,.0f} for the RNN of equal size; to 99% "
            f"{out['seconds_to_99_transformer']} s; a cached step "
            f"{out['transformer_step_ms']:.2f} ms, uncached "
            f"{out['transformer_uncached_step_ms']:.2f} ms)"
        )
    if "attribution_trace20_ms" in out:
        print(
            f"(attribution, 20 steps, 2 threads: integrated gradients "
            f"{out['attribution_trace20_ms']:.0f} ms ({out['attribution_slowest_model']}, "
            f"{out['attribution_vs_trace']:.0f}x its greedy trace); refined to 5% "
            f"{out['attribution_complete_ms']:.0f} ms; input x gradient "
            f"{out['attribution_ixg_trace20_ms']:.0f} ms)"
        )
    if "bare_rerun_ms" in out:
        print(
            f"(browser: Next -> heatmap redrawn {out['browser_step_ms']:.0f} ms; bare rerun "
            f"{out['bare_rerun_ms']:.0f} ms; minimal heatmap page "
            f"{out['minimal_heatmap_ms']:.0f} ms; Play at 0.1 s: a step on screen "
            f"{out['play_late_p50_ms']:.0f} ms after its time (median), drawn in "
            f"{out['play_draw_p50_ms']:.0f} ms)"
        )
    if "load_every_s" in out:  # (the load group of #15 on)
        print(
            f"(load: {out['load_sessions']} sessions x {out['load_seconds']:g} s, an input "
            f"every ~{out['load_every_s']:g} s: p50 {out['load_p50_ms']:.0f} ms, "
            f"{out['load_inputs_per_s']:.1f} inputs/s, server CPU "
            f"{out['server_cpu_ms_per_input']:.1f} ms per input, peak "
            f"{out['server_peak_rss_mb']:.0f} MB; 30 opening at once: p50 "
            f"{out['load_burst_open_p50_ms']:.0f} ms)"
        )
    if "first_load_ms" in out:
        print(
            f"(first page load, fresh server: {out['first_load_ms']:.0f} ms; g2p link "
            f"{out['first_load_g2p_ms']:.0f} ms; baseline {first_load.BASELINE} "
            f"{out['first_load_baseline_ms']:.0f} ms)"
        )
    print(f"written to {LATEST}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
