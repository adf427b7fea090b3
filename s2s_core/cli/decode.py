"""Command line: decode inputs with a checkpoint and show every step.

    python -m s2s_core decode --checkpoint checkpoints/reverse-additive --input attention
    python -m s2s_core decode --checkpoint checkpoints/dates-additive --input-file dates.txt --json
    python -m s2s_core decode --checkpoint checkpoints/numbers-additive --input elf --beam 3
    python -m s2s_core decode --checkpoint checkpoints/reverse-dot --input lesson --attribution ig

Readable steps by default; with --json one JSON object per input (a line each).
--attribution ig (integrated gradients) or ixg (input x gradient) adds, to every step, how
much each source position moved log P(y_i) (s2s_core/attribution.py): the step's
"attribution" row beside its "attention" row.
Bad input gets a one-line message on stderr and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from s2s_core import tasks as task_registry
from s2s_core.attribution import METHODS, AttributionMethod, attribute
from s2s_core.device import pick_device
from s2s_core.model.decoding import beam_search, check_source, greedy_trace
from s2s_core.model.vocab import InputError
from s2s_core.training.checkpoints import Checkpoint, CheckpointError, load

ATTRIBUTION_HELP = (
    "add to each step of the greedy trace its attribution to the source positions: ig "
    "(integrated gradients) or ixg (input x gradient)"
)


def max_steps(ckpt: Checkpoint) -> int:
    """Decoding stops after the task's longest target plus <eos>."""
    return task_registry.get_task(ckpt.task).max_target_len + 1


def decode_one(
    ckpt: Checkpoint, text: str, beam: int, attribution: AttributionMethod | None = None
) -> dict:
    """The JSON object for one input: input, output, steps (and the beam's hypotheses);
    with `attribution`, each step's attribution row and the method's summary."""
    task = task_registry.get_task(ckpt.task)
    source = task.typed_source(text)
    check_source(source, ckpt.src_vocab, task.max_source_len)
    trace = greedy_trace(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, source, max_steps(ckpt))
    result = trace.to_json()
    known = task.solve(source)  # None: not an input the task generates, no known answer
    result["expected"] = None if known is None else known.target
    result["also_right"] = [] if known is None else list(known.alternatives)
    result["correct"] = None if known is None else known.accepts(trace.output)
    result["about"] = task.about(source)  # g2p: in the dictionary or the model's own guess
    if attribution is not None:
        a = attribute(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, source, trace, attribution)
        for step, row in zip(result["steps"], a.rows):
            step["attribution"] = row
        # the method, each row's f_i(X) - f_i(baseline) (ig: what it sums to), its
        # integration points and the completeness gap; the rows are in the steps above
        result["attribution"] = {k: v for k, v in a.to_json().items() if k != "rows"}
    if beam > 1:
        hyps = beam_search(
            ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, source, beam, max_steps(ckpt)
        )
        result["beam"] = [
            {
                "output": h.output,
                "score": h.score,
                "finished": h.finished,
                "steps": [vars(s) for s in h.steps],
            }
            for h in hyps
        ]
    return result


def readable(trace: dict) -> str:
    """Plain-text steps: token, probability, top-3, where the decoder looks, norms."""
    src = trace["input"]
    lines = [f"input  {src!r}  ({len(src)} positions)", f"output {trace['output']!r}"]
    if trace["expected"] is None:
        lines.append(
            f"({trace['about'] or 'no known answer: the task never generates this input'})"
        )
    else:
        also = "".join(f" or {a!r}" for a in trace["also_right"])
        verdict = "correct" if trace["correct"] else "wrong"
        lines.append(f"expected {trace['expected']!r}{also}: {verdict}")
        if trace["about"]:
            lines.append(f"({trace['about']})")
    for s in trace["steps"]:
        top = "  ".join(f"{t!r} {p:.3f}" for t, p in s["topk"][:3])
        line = f"  i={s['index']:<3} y={s['token']!r:<8} p={s['prob']:.3f}  top: {top}"
        if s["attention"] is not None:
            j = max(range(len(src)), key=lambda k: s["attention"][k])
            line += f"  looks at j={j + 1} {src[j]!r} (alpha={s['attention'][j]:.2f})"
        if "attribution" in s:
            j = max(range(len(src)), key=lambda k: s["attribution"][k])
            if max(abs(a) for a in s["attribution"]) < 0.01:  # P(y_i) ~ 1 whatever x is
                line += "  uses nothing measurable (every |a| < 0.01)"
            else:
                line += f"  uses j={j + 1} {src[j]!r} (a={s['attribution'][j]:+.2f})"
        line += f"  |c_i|={s['context_norm']:.2f} |s_i|={s['state_norm']:.2f}"
        lines.append(line)
    if "attribution" in trace:
        a = trace["attribution"]
        gap = a["completeness_gap"]
        lines.append(
            f"  attribution: {METHODS[a['method']]}"
            + ("" if gap is None else f", completeness gap {100 * gap:.2f}%")
        )
    for rank, h in enumerate(trace.get("beam", []), 1):
        lines.append(
            f"  beam #{rank}: {h['output']!r}  log P = {h['score']:.3f}"
            + ("" if h["finished"] else "  (unfinished)")
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m s2s_core decode",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--checkpoint", required=True, help="checkpoint directory")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--input", help="one input text")
    src.add_argument("--input-file", help="a UTF-8 text file, one input per line")
    ap.add_argument("--beam", type=int, default=1, help="beam width (1: greedy only)")
    ap.add_argument("--json", action="store_true", help="one JSON object per input")
    ap.add_argument("--attribution", choices=list(METHODS), help=ATTRIBUTION_HELP)
    ap.add_argument("--device", default="auto", help="auto | cpu | cuda")
    args = ap.parse_args(argv)
    if not 1 <= args.beam <= 16:
        print("error: --beam must be between 1 and 16", file=sys.stderr)
        return 2
    try:
        ckpt = load(args.checkpoint, pick_device(args.device))
        if args.input is not None:
            texts = [args.input]
        else:
            texts = Path(args.input_file).read_text(encoding="utf-8").splitlines()
    except (CheckpointError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except (OSError, UnicodeDecodeError) as err:
        print(f"error: cannot read {args.input_file}: {err}", file=sys.stderr)
        return 2
    failures = 0
    for number, text in enumerate(texts, 1):
        try:
            result = decode_one(ckpt, text, args.beam, args.attribution)
        except InputError as err:
            failures += 1
            where = f"line {number}: " if args.input_file else ""
            print(f"error: {where}{err}", file=sys.stderr)
            if args.json:
                print(json.dumps({"input": text, "error": str(err)}, ensure_ascii=False))
            continue
        print(json.dumps(result, ensure_ascii=False) if args.json else readable(result))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
