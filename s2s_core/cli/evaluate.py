"""Command line: score a checkpoint on its held-out set, by source length.

    python -m s2s_core evaluate --checkpoint checkpoints/reverse-additive [--json]

Writes metrics.json beside the checkpoint (exact match, token accuracy and, for
reverse, dates, past and g2p, agreement with the gold or derived alignment; for g2p also
the word and phoneme error rates WER and PER; overall and per length bucket). Where the task
knows its alignment, "attribution" sets the attention's agreement beside that of
attribution (integrated gradients, input x gradient) on the same steps of a sample.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from s2s_core.device import pick_device
from s2s_core.training.checkpoints import CheckpointError, load, write_json
from s2s_core.training.evaluation import ATTRIBUTION_SAMPLE, evaluate


def table(metrics: dict) -> str:
    def pct(x: float | None) -> str:
        return "    -" if x is None else f"{100 * x:5.1f}"

    rates = "wer" in metrics["overall"]  # g2p: word and phoneme error rates too
    rows = [
        f"{metrics['checkpoint']}: held-out, by source length",
        "  lengths     n   exact  tokens  align" + ("    WER    PER" if rates else ""),
    ]
    for b in metrics["buckets"]:
        lo, hi = b["lengths"]
        mark = "  (beyond training)" if b["extrapolation"] else ""
        errors = f"  {pct(b['wer'])}  {pct(b['per'])}" if rates else ""
        rows.append(
            f"  {lo:>3}-{hi:<3} {b['n']:>5}   {pct(b['exact_match'])}   "
            f"{pct(b['token_accuracy'])}  {pct(b['alignment'])}{errors}{mark}"
        )
    for name in ("in_training_range", "overall"):
        s = metrics[name]
        errors = f", WER {pct(s['wer'])}%, PER {pct(s['per'])}%" if rates else ""
        rows.append(
            f"  {name:<18} n={s['n']}: exact {pct(s['exact_match'])}%, tokens "
            f"{pct(s['token_accuracy'])}%, alignment {pct(s['alignment'])}%{errors}"
        )
    a = metrics.get("attribution")
    if a is not None:
        rows.append(
            f"  argmax on the alignment, the same {a['steps']} steps of {a['examples']} "
            f"examples: attention {pct(a['attention'])}%, integrated gradients "
            f"{pct(a['integrated_gradients'])}%, input x gradient {pct(a['input_x_gradient'])}%"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m s2s_core evaluate",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--checkpoint", required=True, help="checkpoint directory")
    ap.add_argument("--json", action="store_true", help="print the metrics as JSON")
    ap.add_argument(
        "--attribution-sample",
        type=int,
        default=ATTRIBUTION_SAMPLE,
        help=f"right held-out examples whose steps are attributed (default {ATTRIBUTION_SAMPLE};"
        " 0: skip)",
    )
    ap.add_argument("--device", default="auto", help="auto | cpu | cuda")
    args = ap.parse_args(argv)
    try:
        ckpt = load(args.checkpoint, pick_device(args.device))
        metrics = evaluate(ckpt, attribution_sample=args.attribution_sample)
        write_json(Path(args.checkpoint) / "metrics.json", metrics)
    except (CheckpointError, ValueError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(json.dumps(metrics, indent=2) if args.json else table(metrics))
    return 0


if __name__ == "__main__":
    sys.exit(main())
