"""On a machine with a CUDA GPU: the same checkpoints give the same results as on the CPU.

    python -m benchmarks.cuda_check

For every shipped checkpoint: teacher-forced logits on 256 held-out pairs agree within
float tolerance, and greedy outputs are identical. Exits 1 on a mismatch, 2 without CUDA.
(The test suite cannot check this: CI machines have no GPU.)
"""

from __future__ import annotations

import sys

import torch

from s2s_core import tasks
from s2s_core.model.data import make_batch
from s2s_core.shipped import CHECKPOINT_DIR
from s2s_core.training.checkpoints import load
from s2s_core.training.evaluation import held_out, predict
from s2s_core.training.recipes import recipes


def compare(name: str) -> tuple[float, int]:
    """(largest logit difference, number of differing greedy outputs) for one checkpoint."""
    cpu, gpu = load(CHECKPOINT_DIR / name, "cpu"), load(CHECKPOINT_DIR / name, "cuda")
    examples = held_out(tasks.get_task(cpu.task))[:256]
    batch = make_batch(
        [e.source for e in examples], [e.target for e in examples], cpu.src_vocab, cpu.tgt_vocab
    )
    with torch.inference_mode():
        a = cpu.model(batch.src, batch.src_len, batch.tgt_in)
        g = batch.to(torch.device("cuda"))
        b = gpu.model(g.src, g.src_len, g.tgt_in).cpu()
    outputs = zip(predict(cpu, examples), predict(gpu, examples))
    return float((a - b).abs().max()), sum(p.output != q.output for p, q in outputs)


def main() -> int:
    if not torch.cuda.is_available():
        print("no CUDA GPU here: nothing to compare", file=sys.stderr)
        return 2
    worst = 0
    for name in recipes():
        diff, differing = compare(name)
        print(f"{name:<20} max |logit cpu - cuda| = {diff:.2e}   differing outputs: {differing}")
        worst = max(worst, diff > 1e-3 or differing > 0)
    return int(worst)


if __name__ == "__main__":
    sys.exit(main())
