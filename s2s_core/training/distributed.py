"""Several training processes as one: the small helpers behind DistributedDataParallel.

    torchrun --nproc_per_node 2 -m s2s_core train --task reverse --out runs/reverse-ddp

torchrun starts one process ("rank") per GPU (or per CPU worker) and tells each who it is
through environment variables: RANK (0..W-1 over all machines), LOCAL_RANK (on this
machine), WORLD_SIZE (W) and where to meet (MASTER_ADDR/MASTER_PORT). Data parallelism then:

  - every rank holds the same model and draws its *own* shard of the training stream;
  - backward() averages the gradients of all ranks (DDP's all-reduce), so every rank
    takes the same optimiser step: one step sees W batches, the global batch is
    batch_size x W;
  - rank 0 alone logs, evaluates and writes the checkpoint, and decides when to stop:
    its decision is broadcast, so that all ranks stop at the same step (a rank that
    stopped alone would leave the others waiting in the all-reduce forever).

Without torchrun nothing here does anything: `context()` is a single process of world size 1
and every helper returns its input, so single-process training is unchanged.
Backends: gloo on CPU, nccl on CUDA (one GPU per rank: cuda:LOCAL_RANK).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import torch
import torch.distributed as dist

from s2s_core.device import pick_device

TORCHRUN_VARS = ("RANK", "WORLD_SIZE", "LOCAL_RANK")  # torchrun also sets MASTER_ADDR/PORT


@dataclass(frozen=True)
class Context:
    """Who this process is among the training processes (one process: rank 0 of 1)."""

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0
    device: torch.device | None = None  # this rank's device; None: not distributed
    distributed: bool = False  # inside a process group (torchrun), so wrap in DDP

    @property
    def is_main(self) -> bool:
        """Rank 0: the one that logs, evaluates and writes the checkpoint."""
        return self.rank == 0

    def from_rank0(self, value: float) -> float:
        """Rank 0's `value` on every rank (its clock, its stop decision)."""
        if not self.distributed:
            return value
        t = torch.tensor([float(value)], dtype=torch.float64, device=self.device)
        dist.broadcast(t, src=0)
        return float(t.item())

    def sum(self, values: list[float]) -> list[float]:
        """Element-wise sum of `values` over all ranks (token counts, loss sums)."""
        if not self.distributed:
            return values
        t = torch.tensor(values, dtype=torch.float64, device=self.device)
        dist.all_reduce(t, op=dist.ReduceOp.SUM)
        return t.tolist()

    def barrier(self) -> None:
        """Wait until every rank gets here (e.g. until rank 0 has written the checkpoint)."""
        if self.distributed:
            dist.barrier()


def launched_by_torchrun() -> bool:
    """True when torchrun (or an equivalent launcher) set the rendezvous variables."""
    return all(name in os.environ for name in TORCHRUN_VARS)


def env_rank() -> int:
    """This process's RANK as torchrun set it (0 without torchrun)."""
    return int(os.environ.get("RANK", 0))


def backend_for(device: torch.device) -> str:
    """nccl between GPUs, gloo between CPU processes."""
    return "nccl" if device.type == "cuda" else "gloo"


def context() -> Context:
    """This process's place in the current process group (rank 0 of 1 outside one)."""
    if not (dist.is_available() and dist.is_initialized()):
        return Context()
    local = int(os.environ.get("LOCAL_RANK", 0))
    on_gpu = dist.get_backend() == "nccl"
    device = torch.device("cuda", local) if on_gpu else torch.device("cpu")
    return Context(dist.get_rank(), dist.get_world_size(), local, device, distributed=True)


@contextmanager
def process_group(device: str = "auto") -> Iterator[Context]:
    """Join torchrun's process group for the `with` block; outside torchrun, do nothing.

    `device` is the trainer's --device ('auto', 'cpu', 'cuda'): CUDA means nccl and GPU
    LOCAL_RANK for this rank, CPU means gloo. Raises ValueError for CUDA without a GPU.
    """
    if not launched_by_torchrun() or dist.is_initialized():
        yield context()
        return
    kind = pick_device(device)
    if kind.type == "cuda":
        torch.cuda.set_device(int(os.environ["LOCAL_RANK"]))
    dist.init_process_group(backend_for(kind))  # reads RANK, WORLD_SIZE, MASTER_* from env
    try:
        yield context()
    finally:
        dist.destroy_process_group()


def shard_chunk(k: int, ctx: Context) -> int:
    """The global index of this rank's k-th data chunk: k*W + r.

    Ranks take turns, so their chunks never overlap (rank r: r, W+r, 2W+r, ...), and a
    single process (W=1, r=0) takes chunks 0, 1, 2, ... as it always did.
    """
    return k * ctx.world_size + ctx.rank
