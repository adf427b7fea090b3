"""Training: batched teacher forcing with a masked loss, on CPU or CUDA.

Each step takes a batch of (X, Y) pairs, runs the decoder with the true previous
token y_{i-1} as input (teacher forcing), and minimises the negative log-likelihood

    L = - sum_i log P(y_i | y_<i, X)     averaged over the real (non-<pad>) target tokens

with Adam. What makes it fast on two CPU cores: batches of similar length (little
padding), a learning rate that warms up and then decays (so a large peak rate is safe),
the output layer W_o applied to all steps at once, and the threads set explicitly.

On a CUDA GPU the same code runs with bf16 autocast around the forward pass and the loss
(the recurrences h_j = f(x_j, h_{j-1}) and s_i = g(y_{i-1}, s_{i-1}, c_i) stay in float32),
and batches are copied from pinned host memory. Started by torchrun, every process trains
on its own shard of the data and DistributedDataParallel averages the gradients (see
distributed.py): the global batch is batch_size x the number of processes.

The run's parts live in three rooms: config.py (what a run is asked and what it reports),
step.py (one optimisation step, mixed precision, DDP's loss weighting) and this file (the
data stream, the run's bookkeeping and `train`).

Use it from Python (`train(TrainConfig(...))`) or the command line
(`python -m s2s_core train --help`; several processes: `torchrun ... -m s2s_core.cli.train`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
from torch import nn
from torch.nn.parallel import DistributedDataParallel

from s2s_core import tasks as task_registry
from s2s_core.device import pick_device
from s2s_core.model.build import build_model
from s2s_core.model.config import ModelConfig
from s2s_core.model.data import Batch, bucketed_batches, make_batch
from s2s_core.model.vocab import Vocab
from s2s_core.tasks import Example
from s2s_core.training import checkpoints, distributed
from s2s_core.training.checkpoints import Checkpoint
from s2s_core.training.config import STOPS, Progress, TrainConfig, TrainResult, learning_rate
from s2s_core.training.distributed import Context
from s2s_core.training.evaluation import (
    held_out,
    in_training_range,
    predict,
    scores_dict,
    summarize,
)
from s2s_core.training.step import (
    autocast_dtype,
    float32_inside,
    optimisation_step,
    pinned,
    recurrences,
)

# Callers import the run's words from here, as before the split: `from
# s2s_core.training.loop import TrainConfig, train`.
__all__ = [
    "Progress",
    "TrainConfig",
    "TrainResult",
    "learning_rate",
    "new_checkpoint",
    "train",
    "training_batches",
]


def training_batches(
    task: task_registry.Task,
    cfg: TrainConfig,
    src_vocab: Vocab,
    tgt_vocab: Vocab,
    exclude: set[str],
    first_chunk: int = 0,
    chunk_batches: int = 50,
    ctx: Context | None = None,
) -> Iterator[Batch]:
    """An endless stream of length-bucketed batches of fresh training pairs.

    Chunk k holds `chunk_batches` batches drawn with seed (cfg.seed, k): a resumed run
    continues with new chunks instead of repeating the first ones. Under torchrun, rank r
    of W takes the chunks k*W + r: its own shard, disjoint from every other rank's.
    """
    ctx = ctx or Context()
    k = first_chunk
    while True:
        seed = cfg.seed * 1_000_003 + distributed.shard_chunk(k, ctx)
        examples = task_registry.train_examples(task, cfg.batch_size * chunk_batches, seed, exclude)
        data = make_batch(
            [e.source for e in examples], [e.target for e in examples], src_vocab, tgt_vocab
        )
        yield from bucketed_batches(data, cfg.batch_size, torch.Generator().manual_seed(seed))
        k += 1


def new_checkpoint(cfg: TrainConfig) -> Checkpoint:
    """A freshly initialised model (seeded) with the task's vocabularies."""
    task = task_registry.get_task(cfg.task)
    src_vocab, tgt_vocab = Vocab(task.source_symbols()), Vocab(task.target_symbols())
    torch.manual_seed(cfg.seed)
    model = build_model(
        ModelConfig(
            len(src_vocab),
            len(tgt_vocab),
            cfg.attention,
            cfg.hidden,
            cfg.embedding,
            cfg.rnn,
            cfg.dropout,
            cfg.layers,
            cfg.heads,
            cfg.memory,
        )
    )
    return Checkpoint(model, src_vocab, tgt_vocab, cfg.task)


def stop_reason(
    cfg: TrainConfig, p: Progress, on_progress: Callable[[Progress], bool | None] | None
) -> str:
    """Why training should stop after this step ("max_steps": it should not stop early)."""
    if on_progress and on_progress(p):
        return "callback"
    if p.exact_match is not None and cfg.target_exact and p.exact_match >= cfg.target_exact:
        return "target_exact"
    if cfg.max_seconds and p.seconds >= cfg.max_seconds:
        return "max_seconds"
    return "max_steps"


@dataclass
class Run:
    """One training run in progress: the model, its optimizer, its data and its clock.

    `train` drives it; each method is one part of the loop. Under torchrun `ctx` says which
    rank this process is; rank 0 alone evaluates and writes `out`.
    """

    cfg: TrainConfig
    ctx: Context
    device: torch.device
    ckpt: Checkpoint
    optimizer: torch.optim.Optimizer
    out: Path | None
    amp: torch.dtype | None = None  # the autocast dtype, or None for fp32
    step: int = 0
    seconds_before: float = 0.0  # training time of the run this one resumes
    tokens: int = 0
    stopped_by: str = "max_steps"  # one of STOPS
    start: float = field(default_factory=time.perf_counter)
    on_save: Callable[[Checkpoint], None] | None = None  # rank 0, after each save (the app's store)

    @classmethod
    def begin(
        cls,
        cfg: TrainConfig,
        out: str | Path | None,
        resume: bool,
        ctx: Context,
        log: Callable[[str], None],
        on_save: Callable[[Checkpoint], None] | None = None,
    ) -> Run:
        """A fresh model on its device, or the one saved in `out` when resuming."""
        device = ctx.device or pick_device(cfg.device)
        ckpt = new_checkpoint(cfg)
        model = ckpt.model.to(device)
        run = cls(
            cfg,
            ctx,
            device,
            ckpt,
            torch.optim.Adam(model.parameters(), lr=cfg.lr),
            None if out is None else Path(out),
            autocast_dtype(cfg, device),
            on_save=on_save,
        )
        if resume and run.out and (run.out / "config.json").is_file():
            old = checkpoints.load(run.out, device)
            model.load_state_dict(old.model.state_dict())
            checkpoints.load_optimizer(run.out, model, run.optimizer)
            run.step = int(old.info.get("training", {}).get("steps", 0))
            run.seconds_before = float(old.info.get("training", {}).get("seconds", 0.0))
            log(f"resuming {run.out} at step {run.step}")
        return run

    def elapsed(self) -> float:
        return self.seconds_before + time.perf_counter() - self.start

    def progress_share(self) -> float:
        """How far the run is, 0 -> 1: by steps, or by the clock if that is further."""
        share = self.step / self.cfg.max_steps
        if self.cfg.max_seconds:
            share = max(share, self.elapsed() / self.cfg.max_seconds)
        return share

    def save(self, held_out_scores: dict, final: bool = False) -> None:
        """The training facts and scores into the checkpoint; rank 0 writes it to `out`.
        `final`: the run's last save ("finished": a save on the way says False)."""
        amp = str(self.amp).removeprefix("torch.") if self.amp else None
        self.ckpt.info = {
            "training": {
                **asdict(self.cfg),
                "steps": self.step,
                "seconds": round(self.elapsed(), 2),
                "device": str(self.device),
                "stopped_by": self.stopped_by,
                "world_size": self.ctx.world_size,
                "autocast": amp,
                "finished": final,
            },
            "held_out": held_out_scores,
        }
        if self.out is not None and self.ctx.is_main:
            checkpoints.save(self.ckpt, self.out, self.optimizer)
        if self.on_save is not None and self.ctx.is_main:
            self.on_save(self.ckpt)

    def one_step(self, net: nn.Module, batch: Batch) -> Progress:
        """Set this step's learning rate (rank 0's clock), then one optimisation step."""
        lr = self.ctx.from_rank0(learning_rate(self.cfg, self.progress_share()))
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        if self.device.type == "cuda":
            batch = pinned(batch)
        loss, acc, n_tokens = optimisation_step(
            net, batch.to(self.device), self.optimizer, self.ctx, self.amp, self.cfg.label_smoothing
        )
        self.step += 1
        self.tokens += n_tokens
        speed = self.tokens / (time.perf_counter() - self.start)
        return Progress(self.step, self.elapsed(), loss, acc, speed, lr)

    def evaluate_if_due(self, p: Progress, evalset: list[Example]) -> None:
        """Every eval_every steps (and at the last one) rank 0 scores `evalset` and saves."""
        due = self.step % self.cfg.eval_every == 0 or self.step == self.cfg.max_steps
        if due and self.ctx.is_main:
            p.exact_match = summarize(predict(self.ckpt, evalset)).exact_match
            self.save({"exact_match": p.exact_match, "n": len(evalset)})

    def loop(
        self,
        net: nn.Module,
        batches: Iterator[Batch],
        evalset: list[Example],
        on_progress: Callable[[Progress], bool | None] | None,
    ) -> list[Progress]:
        """Steps until max_steps or a reason to stop; the Progress of every step."""
        history: list[Progress] = []
        self.start = time.perf_counter()  # the clock runs while training, not while setting up
        net.train()
        with float32_inside(recurrences(net) if self.amp else []):
            while self.step < self.cfg.max_steps:
                p = self.one_step(net, next(batches))
                self.evaluate_if_due(p, evalset)
                history.append(p)
                # every rank must stop at the same step, or the others would wait forever in
                # the next all-reduce: rank 0 decides (only it evaluates and runs on_progress)
                stop = STOPS.index(stop_reason(self.cfg, p, on_progress))
                self.stopped_by = STOPS[int(self.ctx.from_rank0(stop))]
                if self.stopped_by != "max_steps":
                    break
        return history


def wrap_for_ranks(run: Run) -> nn.Module:
    """The model, or under torchrun its DDP wrapper, which all-reduces the gradients in
    backward. ckpt.model stays the bare model: checkpoint tensor names have no 'module.'."""
    model = run.ckpt.model
    if not run.ctx.distributed:
        return model
    return DistributedDataParallel(
        model, device_ids=[run.device] if run.device.type == "cuda" else None
    )


def train(
    cfg: TrainConfig,
    out: str | Path | None = None,
    resume: bool = False,
    on_progress: Callable[[Progress], bool | None] | None = None,
    log: Callable[[str], None] = print,
    on_save: Callable[[Checkpoint], None] | None = None,
) -> TrainResult:
    """Train a model; write it to `out` at each evaluation and at the end (if given).

    on_progress(progress) is called after every step; returning True stops training (the
    app's Stop button). on_save(checkpoint) is called where `out` is written (the app's
    model store). With resume=True, training continues from `out`.

    Inside a torchrun process group (see cli/train.py and distributed.py) this process is
    one rank of W: it trains on its own data shard through DDP, and only rank 0 calls `log`
    and `on_progress`, evaluates and writes `out`; rank 0's clock and stop decision are
    broadcast so that every rank takes the same steps. Progress then counts the global
    batch (loss, accuracy and tokens/s over all ranks).
    """
    ctx = distributed.context()  # rank 0 of 1 unless torchrun started this process
    if not ctx.is_main:
        log, on_progress = (lambda _msg: None), None
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    run = Run.begin(cfg, out, resume, ctx, log, on_save)
    task = task_registry.get_task(cfg.task)
    evaluation = held_out(task)
    test = [e for e in evaluation if in_training_range(task, e)]
    exclude = {e.source for e in evaluation} - set(task.training_pool())
    batches = training_batches(
        task,
        cfg,
        run.ckpt.src_vocab,
        run.ckpt.tgt_vocab,
        exclude,
        first_chunk=run.step // 50,
        ctx=ctx,
    )
    history = run.loop(wrap_for_ranks(run), batches, test[: cfg.eval_size], on_progress)
    # the whole held-out set, training lengths; rank 0 scores it while the others wait
    rates = task.reports_error_rates  # g2p: WER and PER too
    run.save(scores_dict(summarize(predict(run.ckpt, test), rates)) if ctx.is_main else {}, True)
    ctx.barrier()
    return TrainResult(run.ckpt, history, run.stopped_by)
