"""Server CPU per new input on Home: a distinct input, and one another session typed before.

    python -m benchmarks.inputs [--sessions 10] [--inputs 6] [--rounds 2] [--base DIR]

A fresh server; `--sessions` sessions open Home (reverse-additive). Then two phases, each
timed by the server process's CPU time (benchmarks/processes.py cpu_seconds) divided by the
inputs typed in it:

    distinct  every session types `--inputs` inputs no session typed before (random letters,
              10-30), all sessions at once, each input as soon as its previous one is shown
    cached    every session types the inputs the next session typed in the first phase:
              inputs this server has seen, never this session (a class typing the same
              suggested words; the followers of a lecture)

Every page is checked as in the load benchmark (no exception, the step view of the input
typed). `--base DIR` measures a second checkout too (e.g. `git worktree add /tmp/base
<commit>`), alternated round by round with this one, so that both see the same machine: the
ratios are what to compare. Writes benchmarks/inputs.json; prints a table.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
from contextlib import AsyncExitStack
from pathlib import Path

from harness.servers import ROOT, streamlit_server

from .classroom import Load, check, query, random_input
from .processes import cpu_seconds
from .ws_client import StreamlitSession

RESULTS = Path(__file__).with_name("inputs.json")


async def _phase(sessions: list[StreamlitSession], inputs: list[list[str]], load: Load) -> int:
    """Each session types its list of inputs, all sessions at once; the inputs typed."""

    async def one(who: int, s: StreamlitSession) -> int:
        for source in inputs[who]:
            check(who, await s.type("Input", source), source, load)
        return len(inputs[who])

    return sum(await asyncio.gather(*(one(k, s) for k, s in enumerate(sessions))))


async def _measure(url: str, pid: int, n_sessions: int, n_inputs: int, seed: int) -> dict:
    rng = random.Random(seed)
    load = Load()
    typed = [[random_input(rng, (10, 30)) for _ in range(n_inputs)] for _ in range(n_sessions)]
    opened = [random_input(rng, (10, 30)) for _ in typed]
    out: dict = {}
    async with AsyncExitStack() as stack:
        sessions = [
            await stack.enter_async_context(StreamlitSession(url, query(source), 120))
            for source in opened
        ]
        for who, s in enumerate(sessions):  # one at a time: opening is not measured
            check(who, await s.open(), opened[who], load)
        for phase, lists in (("distinct", typed), ("cached", typed[1:] + typed[:1])):
            began = cpu_seconds(pid)
            count = await _phase(sessions, lists, load)
            out[phase] = 1000 * (cpu_seconds(pid) - began) / count
    return out | {"errors": load.errors}


def measure(root: Path, sessions: int, inputs: int, seed: int) -> dict:
    """One fresh server from checkout `root`: ms of server CPU per input in each phase."""
    with streamlit_server(root=root) as server:
        return asyncio.run(_measure(server.url, server.pid, sessions, inputs, seed))


def run(sessions: int = 10, inputs: int = 6, rounds: int = 2, base: Path | None = None) -> dict:
    """`rounds` rounds (this checkout, then `base` if given); each measure's median."""
    checkouts = {"": ROOT} | ({"_base": base} if base else {})
    found: dict[str, list[float]] = {}
    errors: list[str] = []
    for r in range(rounds):
        for suffix, root in checkouts.items():
            one = measure(root, sessions, inputs, seed=r)
            errors += one.pop("errors")
            for phase, ms in one.items():
                found.setdefault(f"inputs_{phase}_cpu_ms{suffix}", []).append(ms)
    out: dict = {k: statistics.median(v) for k, v in found.items()}
    runs = {"inputs_rounds": found, "inputs_error_samples": errors[:10]}
    return out | {"inputs_errors": len(errors), "runs": runs}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.inputs",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--inputs", type=int, default=6, help="inputs per session and phase")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--base", type=Path, help="a second checkout, measured alternately")
    args = ap.parse_args(argv)
    before = os.getloadavg()[0]
    out = run(args.sessions, args.inputs, args.rounds, args.base)
    out |= {"date": time.strftime("%Y-%m-%d %H:%M"), "loadavg_before": before}
    out["loadavg_after"] = os.getloadavg()[0]
    RESULTS.write_text(json.dumps(out, indent=2))
    print(
        f"{args.sessions} sessions x {args.inputs} inputs, {args.rounds} rounds, "
        f"load average {before:.2f} -> {out['loadavg_after']:.2f}"
    )
    for key, value in out.items():
        if key.startswith("inputs_") and key != "inputs_errors":
            print(f"{key:<36}{value:>10.1f} ms")
    print(f"errors: {out['inputs_errors']}", *out["runs"]["inputs_error_samples"], sep="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
