"""Training: batched teacher forcing with a masked loss, on CPU or CUDA.

Each step takes a batch of (X, Y) pairs, runs the decoder with the true previous
token y_{i-1} as input (teacher forcing), and minimises the negative log-likelihood

    L = - sum_i log P(y_i | y_<i, X)     averaged over the real (non-<pad>) target tokens

with Adam. What makes it fast on two CPU cores: batches of similar length (little
padding), a learning rate that warms up and then decays (so a large peak rate is safe),
the output layer W_o applied to all steps at once, and the threads set explicitly.

Use it from Python (`train(TrainConfig(...))`) or the command line
(`python -m s2s_core.train --help`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
import torch.nn.functional as F

from . import checkpoints
from . import tasks as task_registry
from .checkpoints import Checkpoint
from .data import Batch, bucketed_batches, make_batch
from .evaluation import held_out, in_training_range, predict, summarize
from .model import ModelConfig, Seq2Seq, pick_device
from .vocab import PAD_ID, Vocab


@dataclass
class TrainConfig:
    task: str = "reverse"
    attention: str = "additive"
    hidden: int = 64  # d
    embedding: int = 16
    rnn: str = "gru"
    batch_size: int = 64
    lr: float = 7e-3  # the peak learning rate
    warmup: float = 0.05  # share of the run spent warming the rate up from 0
    max_steps: int = 1000
    max_seconds: float | None = None  # a wall-clock budget; the schedule follows it too
    target_exact: float | None = None  # stop once held-out exact match reaches this
    eval_every: int = 100
    eval_size: int = 500  # held-out examples scored at each evaluation
    seed: int = 0
    device: str = "auto"
    threads: int | None = None  # CPU threads (None: all cores)


@dataclass
class Progress:
    """What the trainer reports after each step (the app draws its curves from these)."""

    step: int
    seconds: float
    loss: float
    token_accuracy: float  # on this batch, teacher-forced
    tokens_per_s: float
    lr: float
    exact_match: float | None = None  # held-out, greedy; only on evaluation steps


@dataclass
class TrainResult:
    checkpoint: Checkpoint
    history: list[Progress] = field(default_factory=list)
    stopped_by: str = "max_steps"  # max_steps | max_seconds | target_exact | callback


def learning_rate(cfg: TrainConfig, progress: float) -> float:
    """Linear warm-up to cfg.lr, then cosine decay to 5% of it; progress runs 0 -> 1."""
    if progress < cfg.warmup:
        return cfg.lr * progress / cfg.warmup
    p = (progress - cfg.warmup) / (1 - cfg.warmup)
    return cfg.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(p, 1.0))))


def training_batches(task: task_registry.Task, cfg: TrainConfig, src_vocab: Vocab,
                     tgt_vocab: Vocab, exclude: set[str], first_chunk: int = 0,
                     chunk_batches: int = 50) -> Iterator[Batch]:
    """An endless stream of length-bucketed batches of fresh training pairs.

    Chunk k holds `chunk_batches` batches drawn with seed (cfg.seed, k): a resumed run
    continues with new chunks instead of repeating the first ones.
    """
    k = first_chunk
    while True:
        seed = cfg.seed * 1_000_003 + k
        examples = task_registry.train_examples(task, cfg.batch_size * chunk_batches, seed,
                                                exclude)
        data = make_batch([e.source for e in examples], [e.target for e in examples],
                          src_vocab, tgt_vocab)
        yield from bucketed_batches(data, cfg.batch_size, torch.Generator().manual_seed(seed))
        k += 1


def new_checkpoint(cfg: TrainConfig) -> Checkpoint:
    """A freshly initialised model (seeded) with the task's vocabularies."""
    task = task_registry.get_task(cfg.task)
    src_vocab, tgt_vocab = Vocab(list(task.source_alphabet)), Vocab(list(task.target_alphabet))
    torch.manual_seed(cfg.seed)
    model = Seq2Seq(ModelConfig(len(src_vocab), len(tgt_vocab), cfg.attention, cfg.hidden,
                                cfg.embedding, cfg.rnn))
    return Checkpoint(model, src_vocab, tgt_vocab, cfg.task)


def loss_and_accuracy(model: Seq2Seq, batch: Batch) -> tuple[torch.Tensor, torch.Tensor, int]:
    """Masked cross-entropy over real target tokens; also the teacher-forced token accuracy."""
    logits = model(batch.src, batch.src_len, batch.tgt_in)  # (B, T', V)
    loss = F.cross_entropy(logits.flatten(0, 1), batch.tgt_out.flatten(), ignore_index=PAD_ID)
    real = batch.tgt_out != PAD_ID
    n_tokens = int(real.sum())
    correct = ((logits.argmax(2) == batch.tgt_out) & real).sum()
    return loss, correct / n_tokens, n_tokens


def train(cfg: TrainConfig, out: str | Path | None = None, resume: bool = False,
          on_progress: Callable[[Progress], bool | None] | None = None,
          log: Callable[[str], None] = print) -> TrainResult:
    """Train a model; write it to `out` at each evaluation and at the end (if given).

    on_progress(progress) is called after every step; returning True stops training
    (the app's Stop button). With resume=True, training continues from `out`.
    """
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    device = pick_device(cfg.device)
    task = task_registry.get_task(cfg.task)
    ckpt = new_checkpoint(cfg)
    model = ckpt.model.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    step, seconds_before = 0, 0.0
    if resume and out and (Path(out) / "config.json").is_file():
        old = checkpoints.load(out, device)
        model.load_state_dict(old.model.state_dict())
        checkpoints.load_optimizer(out, model, optimizer)
        step = int(old.info.get("training", {}).get("steps", 0))
        seconds_before = float(old.info.get("training", {}).get("seconds", 0.0))
        log(f"resuming {out} at step {step}")

    test = [e for e in held_out(task) if in_training_range(task, e)]
    evalset = test[: cfg.eval_size]
    exclude = {e.source for e in held_out(task)}
    batches = training_batches(task, cfg, ckpt.src_vocab, ckpt.tgt_vocab, exclude,
                               first_chunk=step // 50)
    history: list[Progress] = []
    stopped_by = "max_steps"
    tokens, start = 0, time.perf_counter()

    def elapsed() -> float:
        return seconds_before + time.perf_counter() - start

    def progress_share() -> float:
        share = step / cfg.max_steps
        if cfg.max_seconds:
            share = max(share, elapsed() / cfg.max_seconds)
        return share

    def save(held_out_scores: dict) -> None:
        ckpt.info = {"training": {**asdict(cfg), "steps": step, "seconds": round(elapsed(), 2),
                                  "device": str(device), "stopped_by": stopped_by},
                     "held_out": held_out_scores}
        if out is not None:
            checkpoints.save(ckpt, out, optimizer)

    model.train()
    while step < cfg.max_steps:
        lr = learning_rate(cfg, progress_share())
        for group in optimizer.param_groups:
            group["lr"] = lr
        batch = next(batches).to(device)
        loss, acc, n_tokens = loss_and_accuracy(model, batch)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        step += 1
        tokens += n_tokens
        p = Progress(step, elapsed(), loss.item(), acc.item(),
                     tokens / (time.perf_counter() - start), lr)
        if step % cfg.eval_every == 0 or step == cfg.max_steps:
            p.exact_match = summarize(predict(ckpt, evalset)).exact_match
            save({"exact_match": p.exact_match, "n": len(evalset)})
        history.append(p)
        if on_progress and on_progress(p):
            stopped_by = "callback"
        elif p.exact_match is not None and cfg.target_exact and p.exact_match >= cfg.target_exact:
            stopped_by = "target_exact"
        elif cfg.max_seconds and p.seconds >= cfg.max_seconds:
            stopped_by = "max_seconds"
        if stopped_by != "max_steps":
            break

    save(asdict(summarize(predict(ckpt, test))))  # the whole held-out set, training lengths
    return TrainResult(ckpt, history, stopped_by)
