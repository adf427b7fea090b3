"""What a training run is asked, what it reports after each step, and what it returns.

`TrainConfig` holds every choice of a run (task, model, batches, schedule, stops, device);
`learning_rate` turns it into the rate at each point of the run; `Progress` is one step's
report (the app draws its curves from these) and `TrainResult` the run's outcome.
The loop itself is in loop.py, one optimisation step in step.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from s2s_core.model.attention import AttentionKind
from s2s_core.model.config import MemoryKind, RnnKind
from s2s_core.training.checkpoints import Checkpoint


@dataclass
class TrainConfig:
    task: str = "reverse"
    attention: AttentionKind = "additive"
    hidden: int = 64  # d
    embedding: int = 16
    rnn: RnnKind = "gru"
    memory: MemoryKind = "h"  # what attention reads: h_j, or "h+x" h_j + W_x E x_j (rnn.py)
    dropout: float = 0.0  # share of activations zeroed in training (not in decoding)
    label_smoothing: float = 0.0  # eps of objective.token_nll (0: the plain NLL)
    layers: int = 2  # Transformer: L layers in the encoder and in the decoder
    heads: int = 4  # Transformer: H heads
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
    precision: str = "auto"  # auto | fp32 | bf16 (auto: bf16 autocast on a CUDA GPU with bf16)


PRECISIONS = ("auto", "fp32", "bf16")
STOPS = ("max_steps", "max_seconds", "target_exact", "callback")  # why training ended


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
    stopped_by: str = "max_steps"  # one of STOPS


def learning_rate(cfg: TrainConfig, progress: float) -> float:
    """Linear warm-up to cfg.lr, then cosine decay to 5% of it; progress runs 0 -> 1."""
    if progress < cfg.warmup:
        return cfg.lr * progress / cfg.warmup
    p = (progress - cfg.warmup) / (1 - cfg.warmup)
    return cfg.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(p, 1.0))))
