"""RNN against Transformer at equal size, measured on this machine (seed §9).

The seed's §9 says recurrence is sequential: the RNN encoder takes T steps one after
another, a Transformer layer handles all T positions at once, so a Transformer trains faster
as inputs grow. These functions measure it instead of asserting it:

    matching_rnn        an RNN attention model with (about) as many parameters
    encoder_ms          one source of length T through the encoder, batch 1
    train_tokens_per_s  teacher-forced training steps on sources of length T

Each builds its own freshly initialised model from a config (speed does not depend on the
weights, and a shared, shipped model must never be trained by a page), and runs random
reverse-task sources of the length asked for. `compare` does both kinds at several lengths.
Used by the Theory page (§9, bounded in time) and by `make bench`.
"""

from __future__ import annotations

import random
import statistics
import time
from dataclasses import dataclass, replace

import torch

from s2s_core.model.build import Model, build_model
from s2s_core.model.config import ModelConfig
from s2s_core.model.data import Batch, make_batch
from s2s_core.model.vocab import Vocab
from s2s_core.tasks import get_task
from s2s_core.training.objective import token_nll


def parameter_count(cfg: ModelConfig) -> int:
    """How many numbers the model of `cfg` learns (built on the "meta" device: shapes only,
    no memory, no random numbers drawn)."""
    with torch.device("meta"):
        return sum(p.numel() for p in build_model(cfg).parameters())


def matching_rnn(cfg: ModelConfig, attention: str = "additive") -> ModelConfig:
    """The RNN attention model (embedding 32, hidden d even) whose parameter count is closest
    to `cfg`'s: the fair partner for a speed comparison. (The count grows with d: bisect.)"""
    base = replace(cfg, attention=attention, embedding=32, layers=1, heads=1)  # type: ignore[arg-type]
    target = parameter_count(cfg)
    lo, hi = 8, 1024  # halves of d: d = 2 * half stays even
    while lo < hi:
        mid = (lo + hi) // 2
        if parameter_count(replace(base, hidden=2 * mid)) < target:
            lo = mid + 1
        else:
            hi = mid
    candidates = [replace(base, hidden=2 * h) for h in (lo - 1, lo)]
    return min(candidates, key=lambda c: abs(parameter_count(c) - target))


def random_batch(vocab: Vocab, length: int, batch: int, seed: int = 0) -> Batch:
    """`batch` random sources of exactly `length` letters (the reverse task's: speed depends
    on lengths and sizes, not on the task), with their targets; one letter vocabulary."""
    task, rng = get_task("reverse"), random.Random(seed)
    examples = [task.sample(rng, length) for _ in range(batch)]
    return make_batch([e.source for e in examples], [e.target for e in examples], vocab, vocab)


def letters_vocab() -> Vocab:
    """The reverse task's vocabulary: what `compare` feeds both models."""
    return Vocab(list(get_task("reverse").source_alphabet))


def _timed(fn, repeats: int, device: torch.device) -> float:
    """The median seconds of fn() over `repeats` calls, after one call to warm up. On CUDA
    the clock waits for the GPU to finish (kernels run asynchronously)."""

    def wait() -> None:
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    fn()
    times = []
    for _ in range(repeats):
        wait()
        start = time.perf_counter()
        fn()
        wait()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def fresh(cfg: ModelConfig, device: torch.device | str = "cpu") -> Model:
    """A newly initialised model of `cfg` (seeded, without touching the process's random
    state: other sessions may be training)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        return build_model(cfg).to(device).eval()


@torch.inference_mode()
def encoder_ms(model: Model, vocab: Vocab, length: int, repeats: int = 15) -> float:
    """Milliseconds to encode one source of `length` symbols (batch 1)."""
    b = random_batch(vocab, length, 1)
    src, src_len = b.src.to(model.device), b.src_len.to(model.device)
    return 1000 * _timed(lambda: model.encode(src, src_len), repeats, model.device)


def train_tokens_per_s(
    model: Model, vocab: Vocab, length: int, batch: int = 64, repeats: int = 3
) -> float:
    """Target tokens per second of teacher-forced training steps (forward, backward, Adam)
    on batches of sources of `length` symbols."""
    b = random_batch(vocab, length, batch)
    src, src_len = b.src.to(model.device), b.src_len.to(model.device)
    tgt_in, tgt_out = b.tgt_in.to(model.device), b.tgt_out.to(model.device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
    model.train()

    def step() -> None:
        loss = token_nll(model(src, src_len, tgt_in), tgt_out)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    seconds = _timed(step, repeats, model.device)
    model.eval()
    return int((tgt_out != 0).sum()) / seconds


@dataclass
class Measured:
    """One source length: both models' encoder time and training throughput."""

    length: int
    rnn_encoder_ms: float
    transformer_encoder_ms: float
    rnn_tokens_per_s: float
    transformer_tokens_per_s: float


def compare(
    transformer: ModelConfig,
    lengths: list[int],
    device: torch.device | str = "cpu",
    seconds: float | None = None,
    batch: int = 64,
) -> list[Measured]:
    """The Transformer of `transformer`'s sizes against its equal-size RNN (matching_rnn),
    both on letters (any task's Transformer: its sizes, the letters' vocabulary), length by
    length, shortest first; stops early (with the lengths measured so far) after `seconds`."""
    started = time.perf_counter()
    vocab = letters_vocab()
    sizes = replace(transformer, src_vocab_size=len(vocab), tgt_vocab_size=len(vocab))
    models = fresh(matching_rnn(sizes), device), fresh(sizes, device)
    for m in models:  # the first calls of a fresh model pay for allocations: not measured
        encoder_ms(m, vocab, lengths[0], repeats=3)
        train_tokens_per_s(m, vocab, lengths[0], batch, repeats=1)
    out = []
    for length in lengths:
        enc = [encoder_ms(m, vocab, length) for m in models]
        tok = [train_tokens_per_s(m, vocab, length, batch) for m in models]
        out.append(Measured(length, enc[0], enc[1], tok[0], tok[1]))
        if seconds is not None and time.perf_counter() - started > seconds:
            break
    return out
