"""`make bench`: run the benchmarks, print a table, write benchmarks/latest.json.

    python -m benchmarks.run                  the quick groups (make bench, ~19 min on 2 cores)
    python -m benchmarks.run --long           the long groups (make bench-long, ~1 h on 2 cores)
    python -m benchmarks.run --only GROUP     one group, quick or long

    quick  core, browser, load, inputs, lecture, first_load, transformer, attribution
    long   transformer_to_99 (the Transformer's seconds to 99% over three seeds), hall (300
           sessions through a hall of 2 replicas behind HAProxy: typing, alone and beside a
           training job; a room's link opened by 300 within 30 s, then stepping), soak (100
           sessions coming and going in a lecture for 30 minutes; memory after)

Each run merges its groups' results into benchmarks/latest.json and keeps the other groups'
as they were; under "groups", each group's date, commit and duration say which run made its
numbers. Every ratio is measured side by side in one run; compare ratios across days, never
absolute times.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import torch

from . import (
    attribution,
    browser,
    core,
    export,
    first_load,
    hall,
    inputs,
    lecture,
    load,
    soak,
    transformer,
)

LATEST = Path(__file__).with_name("latest.json")

TARGETS = {  # name: (comparison, bound): what each measure should reach
    "train_speedup_vs_tutorial": (">=", 20.0),  # our trainer against the tutorial-style loop
    "seconds_to_99_reverse": ("<=", 30.0),  # the additive RNN to 99% on reverse
    "decode_step_ms": ("<=", 0.1),
    "trace20_ms": ("<=", 3.0),
    "browser_step_vs_bare": ("<=", 1.0),  # Next in the step view against a bare rerun
    "browser_step_vs_minimal_heatmap": ("<=", 1.0),
    "play_late_max_ms": ("<=", 100.0),  # Play at 10 steps/s: no step a frame late
    "load_p95_ms": ("<=", 1000.0),  # 300 sessions, a new input every ~5 s each
    "load_errors": ("<=", 0),
    "load_p95_ms_training": ("<=", 1000.0),
    "load_errors_training": ("<=", 0),
    "load_burst_open_p50_ms": ("<=", 1000.0),  # 30 sessions opening at once
    "inputs_distinct_cpu_ms": ("<=", 15.0),  # server CPU per input no session typed before
    "inputs_cached_cpu_ms": ("<=", 3.0),  # per input another session typed before
    "lecture_step_p95_ms": ("<=", 1000.0),  # a presenter's step on 100 followers' streams
    "lecture_typing_step_p95_ms": ("<=", 1000.0),  # the same while the presenter types
    "lecture_answers_after_last_ms": ("<=", 10_000.0),  # 100 answers all counted
    "lecture_errors": ("<=", 0),
    "hall_load_p95_ms": ("<=", 1000.0),  # the same 300 through a hall of 2 replicas
    "hall_load_errors": ("<=", 0),
    "hall_load_p95_ms_training": ("<=", 1000.0),
    "hall_load_errors_training": ("<=", 0),
    "hall_room_open_p95_ms": ("<=", 3000.0),  # 300 opening a room's link within 30 s
    "hall_room_step_p95_ms": ("<=", 1000.0),  # then the presenter's step on their streams
    "hall_room_errors": ("<=", 0),
    "soak_errors": ("<=", 0),  # 30 minutes of a lecture, sessions coming and going
    "soak_rss_growth_max": ("<=", 0.10),  # each replica's memory after, against its warm one
    "first_load_vs_baseline_s": ("<=", 0.5),  # the g2p task's cost; a g2p link reported only
    "transformer_vs_rnn_tokens_per_s": (">=", 1.0),  # reported beside the RNN of equal size
    "transformer_to_99_vs_rnn": ("<=", 0.5),  # aim at half the RNN's time to 99%
    "attribution_trace20_ms": ("<=", 250.0),  # a 20-step trace's integrated gradients
    "export_html_mb": ("<=", 5.0),  # the offline page of a 30-step trace
    "export_gif_s": ("<=", 10.0),  # its GIF at 1920x1080
}


def run_core() -> dict:
    results = core.throughput()
    to99, ckpt = core.seconds_to_99()
    results |= to99 | {"runs": results["runs"] | to99["runs"]}
    return results | core.decode_latency(ckpt)


QUICK: dict[str, Callable[[], dict]] = {  # make bench, in this order
    "core": run_core,
    "browser": browser.run,
    "load": load.run,
    "inputs": inputs.run,
    "lecture": lecture.run,
    "first_load": first_load.run,
    "transformer": transformer.run,
    "attribution": attribution.run,
    "export": export.run,
}
LONG: dict[str, Callable[[], dict]] = {  # make bench-long
    "transformer_to_99": transformer.run_long,
    "hall": hall.run,  # 300 sessions through 2 replicas behind HAProxy (~6 min)
    "soak": soak.run,  # 100 sessions coming and going for 30 minutes (~37 min)
}
GROUPS = QUICK | LONG


def machine() -> dict:
    return {
        "cpus": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "processor": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "cuda": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
    }


def commit() -> str | None:
    """The checked-out commit (short), "+" if the tree has changes; None outside git."""
    try:
        git = ["git", "-C", str(LATEST.parent)]
        head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True)
        dirty = subprocess.run([*git, "status", "--porcelain", "-uno"], capture_output=True)
    except OSError:
        return None
    if head.returncode != 0:
        return None
    return head.stdout.decode().strip() + ("+" if dirty.stdout else "")


def run_group(name: str, out: dict) -> None:
    """Run one group; its results replace the ones it wrote last time in `out`."""
    groups, runs = out.setdefault("groups", {}), out.setdefault("runs", {})
    previous = groups.get(name, {})
    for key in previous.get("metrics", []):
        out.pop(key, None)
    for key in previous.get("runs", []):
        runs.pop(key, None)
    started = time.time()
    results = GROUPS[name]()
    group_runs = results.pop("runs", {})
    out |= results
    runs |= group_runs
    groups[name] = {
        "date": time.strftime("%Y-%m-%d"),
        "commit": commit(),
        "seconds": round(time.time() - started, 1),
        "metrics": sorted(results),
        "runs": sorted(group_runs),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    which = ap.add_mutually_exclusive_group()
    which.add_argument("--only", choices=GROUPS, help="run one group (others kept as they were)")
    which.add_argument("--long", action="store_true", help="run the long groups (bench-long)")
    argv = sys.argv[1:] if argv is None else argv
    args = ap.parse_args(argv)
    names = [args.only] if args.only else list(LONG if args.long else QUICK)
    started = time.time()
    out = json.loads(LATEST.read_text()) if LATEST.is_file() else {}
    for name in names:
        run_group(name, out)
        LATEST.write_text(json.dumps(out, indent=2))  # a group's results survive a later crash
    out |= {
        "machine": machine(),
        "command": " ".join(["python -m benchmarks.run", *argv]),
        "date": time.strftime("%Y-%m-%d"),
        "seconds": round(time.time() - started, 1),
    }
    LATEST.write_text(json.dumps(out, indent=2))
    print("\n".join(report(out)))
    print(f"written to {LATEST}")
    return 0


def report(out: dict) -> list[str]:
    """The targets met or missed, then a line of detail per group measured."""
    lines = [f"{'metric':<32}{'value':>12}  target"]
    for name, (op, bound) in TARGETS.items():
        value = out.get(name)
        if value is None:
            continue
        ok = value >= bound if op == ">=" else value <= bound
        lines.append(f"{name:<32}{value:>12.3f}  {op} {bound:g}  {'ok' if ok else 'MISSED'}")
    return lines + [line(out) for key, line in DETAILS if key in out]


def core_line(o: dict) -> str:
    return (
        f"(tokens/s: ours {o['train_tokens_per_s']:,.0f}, tutorial-style "
        f"{o['tutorial_tokens_per_s']:,.0f})"
    )


def transformer_line(o: dict) -> str:
    return (
        f"(Transformer: {o['transformer_tokens_per_s']:,.0f} tokens/s against "
        f"{o['rnn_equal_size_tokens_per_s']:,.0f} for the RNN of equal size; a cached step "
        f"{o['transformer_step_ms']:.2f} ms, uncached {o['transformer_uncached_step_ms']:.2f} ms)"
    )


def transformer_to_99_line(o: dict) -> str:
    return (
        f"(to 99% on reverse, same seeds, same run: Transformer "
        f"{o['seconds_to_99_transformer']} s, additive RNN "
        f"{o['seconds_to_99_rnn_beside_transformer']:.1f} s)"
    )


def attribution_line(o: dict) -> str:
    return (
        f"(attribution, 20 steps, 2 threads: integrated gradients "
        f"{o['attribution_trace20_ms']:.0f} ms ({o['attribution_slowest_model']}, "
        f"{o['attribution_vs_trace']:.0f}x its greedy trace); refined to 5% "
        f"{o['attribution_complete_ms']:.0f} ms; input x gradient "
        f"{o['attribution_ixg_trace20_ms']:.0f} ms)"
    )


def browser_line(o: dict) -> str:
    return (
        f"(browser: Next -> heatmap redrawn {o['browser_step_ms']:.0f} ms; bare rerun "
        f"{o['bare_rerun_ms']:.0f} ms; minimal heatmap page {o['minimal_heatmap_ms']:.0f} ms; "
        f"Play at 0.1 s: a step on screen {o['play_late_p50_ms']:.0f} ms after its time "
        f"(median), drawn in {o['play_draw_p50_ms']:.0f} ms)"
    )


def load_line(o: dict) -> str:
    return (
        f"(load: {o['load_sessions']} sessions x {o['load_seconds']:g} s, an input every "
        f"~{o['load_every_s']:g} s: p50 {o['load_p50_ms']:.0f} ms, "
        f"{o['load_inputs_per_s']:.1f} inputs/s, server CPU "
        f"{o['server_cpu_ms_per_input']:.1f} ms per input, peak "
        f"{o['server_peak_rss_mb']:.0f} MB; 30 opening at once: p50 "
        f"{o['load_burst_open_p50_ms']:.0f} ms)"
    )


def lecture_line(o: dict) -> str:
    def ms(key: str, digits: int = 0) -> str:
        value = o.get(key)
        return "-" if value is None else f"{value:,.{digits}f}"

    return (
        f"(lecture: {o['lecture_followers']} followers, a step every {o['lecture_gap_s']:g} s: "
        f"p50 {ms('lecture_step_p50_ms')} ms, max {ms('lecture_step_max_ms')} ms; server CPU "
        f"{ms('lecture_server_cpu_ms_per_follower_action', 2)} ms per follower per step, idle "
        f"{ms('lecture_idle_server_cpu_ms_per_s', 1)} ms/s; every follower's answer counted "
        f"{ms('lecture_answers_counted_ms')} ms after the first was sent; a new input on "
        f"every follower's page: p50 {ms('lecture_input_p50_ms')} ms, p95 "
        f"{ms('lecture_input_p95_ms')} ms)"
    )


def inputs_line(o: dict) -> str:
    return (
        f"(server CPU per new input on Home: {o['inputs_distinct_cpu_ms']:.1f} ms for one no "
        f"session typed before, {o['inputs_cached_cpu_ms']:.1f} ms for one another typed)"
    )


def first_load_line(o: dict) -> str:
    return (
        f"(first page load, fresh server: {o['first_load_ms']:.0f} ms; g2p link "
        f"{o['first_load_g2p_ms']:.0f} ms; baseline {first_load.BASELINE} "
        f"{o['first_load_baseline_ms']:.0f} ms)"
    )


DETAILS = [  # (a key the group writes, its line)
    ("train_tokens_per_s", core_line),
    ("transformer_step_ms", transformer_line),
    ("seconds_to_99_rnn_beside_transformer", transformer_to_99_line),
    ("attribution_trace20_ms", attribution_line),
    ("bare_rerun_ms", browser_line),
    ("load_every_s", load_line),
    ("inputs_cached_cpu_ms", inputs_line),
    ("lecture_followers", lecture_line),
    ("first_load_ms", first_load_line),
]


if __name__ == "__main__":
    raise SystemExit(main())
