"""Multi-process training (DDP over gloo, CPU only): same answers as one process, no hangs.

Two real processes are started twice: once by torchrun through the command line, once by
torch.multiprocessing (module fixture `ranks`), whose workers run several checks in one go
and save what they saw for the tests below to compare.
"""

import os
import socket
import subprocess
import sys
import time

import pytest
import torch
import torch.multiprocessing as mp
from torch import nn
from torch.nn.parallel import DistributedDataParallel

from s2s_core import tasks
from s2s_core.model.data import make_batch
from s2s_core.model.vocab import PAD_ID
from s2s_core.training import checkpoints, distributed
from s2s_core.training.distributed import Context
from s2s_core.training.loop import (
    TrainConfig,
    autocast_dtype,
    float32_inside,
    new_checkpoint,
    optimisation_step,
    train,
    training_batches,
)

TINY = {"hidden": 16, "embedding": 8, "batch_size": 16, "eval_every": 10**6, "eval_size": 5}
QUIET = {"log": lambda _m: None}
# One fixed global batch, split over 2 ranks. The halves hold very different numbers of
# target tokens (short vs. long sources): rank 0 has 4 x (2..3 + <eos>) tokens, rank 1
# has 4 x (12..15 + <eos>). The per-token mean over the whole batch is then NOT the mean
# of the two ranks' per-token means, which is what plain DDP (averaging gradients) would
# train on; training.loop.global_token_mean reweights each rank's loss by W N_r / N so that the
# DDP step equals the single-process step, and these tests check exactly that.
HALVES = (
    ["ab", "cde", "fg", "hij"],
    ["abcdefghijkl", "mnopqrstuvwxy", "zyxwvutsrqponm", "lkjihgfedcbazyx"],
)
SGD_LR = 0.5  # SGD, not Adam: Adam's first step is lr * sign(gradient), blind to its size


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Tiny models on 2 shared cores: a second thread only waits for the first (10-100x)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def batch_of(sources: list[str]):
    task = tasks.get_task("reverse")
    vocab = new_checkpoint(TrainConfig(**TINY)).src_vocab
    return make_batch(sources, [task.solve(s).target for s in sources], vocab, vocab)


def one_step(net: nn.Module, model: nn.Module, sources: list[str], ctx: Context) -> dict:
    """One SGD step of training.loop.optimisation_step; the loss, gradients and new weights."""
    loss, _, n_tokens = optimisation_step(
        net, batch_of(sources), torch.optim.SGD(model.parameters(), lr=SGD_LR), ctx
    )
    return {
        "loss": loss,
        "n_tokens": n_tokens,
        "grads": {n: p.grad.clone() for n, p in model.named_parameters()},
        "weights": {n: p.detach().clone() for n, p in model.state_dict().items()},
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _worker(rank: int, world: int, port: int, folder: str) -> None:
    """One rank: join the group the way torchrun would, run every check, save the results."""
    os.environ.update(
        RANK=str(rank),
        LOCAL_RANK=str(rank),
        WORLD_SIZE=str(world),
        MASTER_ADDR="127.0.0.1",
        MASTER_PORT=str(port),
    )
    torch.set_num_threads(1)
    with distributed.process_group("cpu") as ctx:
        cfg = TrainConfig(**TINY)
        model = new_checkpoint(cfg).model  # same seed: the same weights on every rank
        ddp = one_step(DistributedDataParallel(model), model, HALVES[rank], ctx)
        # rank 0's callback stops at step 3 (rank 1 has none: it must follow rank 0)
        stopped = train(
            TrainConfig(max_steps=50, **TINY),
            out=f"{folder}/run-rank{rank}",
            on_progress=lambda p: p.step >= 3,
            **QUIET,
        )
        # the ranks' clocks differ; rank 0's decides
        timed = train(TrainConfig(max_steps=10**6, max_seconds=1.0, **TINY), **QUIET)
    torch.save(
        {
            "ctx": (ctx.rank, ctx.world_size, ctx.distributed),
            "ddp": ddp,
            "runs": {
                name: {
                    "steps": [p.step for p in r.history],
                    "losses": [p.loss for p in r.history],
                    "stopped_by": r.stopped_by,
                    "weights": r.checkpoint.model.state_dict(),
                    "held_out": r.checkpoint.info["held_out"],
                }
                for name, r in (("callback", stopped), ("max_seconds", timed))
            },
        },
        f"{folder}/rank{rank}.pt",
    )


@pytest.fixture(scope="module")
def ranks(tmp_path_factory) -> tuple[dict, dict, str]:
    """Run _worker in 2 processes over gloo (90 s at most); both ranks' results."""
    folder = str(tmp_path_factory.mktemp("ddp"))
    procs = mp.spawn(_worker, args=(2, free_port(), folder), nprocs=2, join=False)
    deadline = time.monotonic() + 90
    while not procs.join(timeout=1):
        if time.monotonic() > deadline:
            for p in procs.processes:
                p.kill()
            pytest.fail("the 2 ranks did not finish in 90 s: a rank is stuck in a collective")
    r0, r1 = (torch.load(f"{folder}/rank{r}.pt", weights_only=True) for r in (0, 1))
    return r0, r1, folder


@pytest.mark.parametrize(
    "model",
    [
        ["--hidden", "16", "--embedding", "8"],
        ["--attention", "transformer", "--hidden", "16", "--layers", "1", "--heads", "2"],
    ],
    ids=["rnn", "transformer"],
)
def test_torchrun_two_processes_write_one_checkpoint(tmp_path, model):
    out = tmp_path / "reverse-ddp"
    cmd = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        "--nproc_per_node",
        "2",
        "-m",
        "s2s_core.cli.train",
        "--task",
        "reverse",
        *model,
        "--batch-size",
        "16",
        "--max-steps",
        "6",
        "--eval-every",
        "3",
        "--eval-size",
        "20",
        "--out",
        str(out),
    ]
    r = subprocess.run(
        cmd, capture_output=True, text=True, timeout=120, env={**os.environ, "OMP_NUM_THREADS": "1"}
    )
    assert r.returncode == 0, r.stderr[-2000:]
    ckpt = checkpoints.load(out)  # same format as one process: no 'module.' prefixes
    assert ckpt.info["training"]["steps"] == 6 and ckpt.info["training"]["world_size"] == 2
    assert ckpt.info["held_out"]["n"] > 1000
    assert not any(k.startswith("module.") for k in ckpt.model.state_dict())
    assert sorted(p.name for p in out.iterdir()) == [
        "config.json",
        "model.safetensors",
        "optimizer.safetensors",
    ]  # no temp files
    summary = [line for line in r.stdout.splitlines() if "held-out exact match" in line]
    assert len(summary) == 1 and "6 steps" in summary[0] and "on 2 processes" in summary[0]


def test_ddp_step_equals_one_process_on_the_global_batch(ranks):
    r0, r1, _ = ranks
    assert r0["ctx"] == (0, 2, True) and r1["ctx"] == (1, 2, True)
    model = new_checkpoint(TrainConfig(**TINY)).model
    single = one_step(model, model, HALVES[0] + HALVES[1], Context())
    assert r0["ddp"]["n_tokens"] == r1["ddp"]["n_tokens"] == single["n_tokens"]
    # the logged loss is the global per-token mean, the same on both ranks
    assert r0["ddp"]["loss"] == pytest.approx(single["loss"], rel=1e-5)
    assert r1["ddp"]["loss"] == pytest.approx(single["loss"], rel=1e-5)
    for name, w in single["weights"].items():
        for rank in (r0, r1):
            torch.testing.assert_close(
                rank["ddp"]["grads"][name], single["grads"][name], rtol=1e-4, atol=1e-6
            )
            torch.testing.assert_close(rank["ddp"]["weights"][name], w, rtol=1e-5, atol=1e-6)


def test_the_mean_of_rank_means_would_be_a_different_step():
    """Why the reweighting: plain averaging of per-rank means moves the weights elsewhere."""

    def grads(sources_per_rank: list[list[str]]) -> torch.Tensor:
        model = new_checkpoint(TrainConfig(**TINY)).model
        for sources in sources_per_rank:  # (1/W) sum_r L_r, as plain DDP would
            b = batch_of(sources)
            logits = model(b.src, b.src_len, b.tgt_in).flatten(0, 1)
            loss = nn.functional.cross_entropy(logits, b.tgt_out.flatten(), ignore_index=PAD_ID)
            (loss / len(sources_per_rank)).backward()
        return torch.cat([p.grad.flatten() for p in model.parameters()])

    global_mean, mean_of_means = grads([HALVES[0] + HALVES[1]]), grads(list(HALVES))
    assert (global_mean - mean_of_means).abs().max() > 1e-3  # far above the test's tolerance


def test_all_ranks_stop_at_rank0s_step_and_agree(ranks, tmp_path):
    r0, r1, folder = ranks
    for name in ("callback", "max_seconds"):
        a, b = r0["runs"][name], r1["runs"][name]
        assert a["stopped_by"] == b["stopped_by"] == name
        assert a["steps"] == b["steps"]  # the same steps on both ranks, so nobody hangs
        assert a["losses"] == b["losses"]  # each logs the global batch's loss
        for key, w in a["weights"].items():
            assert torch.equal(w, b["weights"][key]), key  # DDP kept the replicas identical
    assert r0["runs"]["callback"]["steps"] == [1, 2, 3]
    assert len(r0["runs"]["max_seconds"]["steps"]) > 1
    # rank 0 alone evaluates and writes: rank 1 was given its own --out and wrote nothing
    assert r0["runs"]["callback"]["held_out"]["n"] > 1000
    assert r1["runs"]["callback"]["held_out"] == {}
    assert checkpoints.load(f"{folder}/run-rank0").info["training"]["steps"] == 3
    assert not os.path.exists(f"{folder}/run-rank1")


def test_each_rank_draws_its_own_shard_of_the_stream():
    """Rank r of W takes data chunks k*W + r: disjoint shards; one process sees them all."""
    task = tasks.get_task("reverse")
    ckpt = new_checkpoint(TrainConfig(**TINY))

    def chunks(ctx: Context | None, n: int) -> list[set[tuple]]:
        stream = training_batches(
            task,
            TrainConfig(**TINY),
            ckpt.src_vocab,
            ckpt.tgt_vocab,
            set(),
            chunk_batches=3,
            ctx=ctx,
        )
        out = []
        for _ in range(n):
            rows = [tuple(row.tolist()) for _ in range(3) for row in next(stream).src]
            out.append(set(rows))
        return out

    single = chunks(None, 4)
    rank0, rank1 = chunks(Context(0, 2), 2), chunks(Context(1, 2), 2)
    assert rank0 == [single[0], single[2]] and rank1 == [single[1], single[3]]
    assert not (rank0[0] | rank0[1]) & (rank1[0] | rank1[1])


def test_recurrences_stay_float32_under_bf16_autocast():
    """float32_inside: autocast off inside the wrapped module (the RNNs), on around it."""
    torch.manual_seed(0)
    inner, outer = nn.Linear(8, 8), nn.Linear(8, 8)
    x = torch.randn(4, 8)
    exact = outer(inner(x))
    with torch.autocast("cpu", dtype=torch.bfloat16):
        assert inner(x).dtype == torch.bfloat16  # what autocast does by default
        with float32_inside([inner]):
            h = inner(x)
            y = outer(h)
        assert inner(x).dtype == torch.bfloat16  # the hooks are gone after the block
    assert h.dtype == torch.float32 and torch.equal(h, inner(x))
    assert y.dtype == torch.bfloat16  # the rest still runs in bf16
    torch.testing.assert_close(y.float(), exact, rtol=0.05, atol=0.05)


def test_precision_choice_and_a_bf16_run():
    cpu = torch.device("cpu")
    assert autocast_dtype(TrainConfig(), cpu) is None  # auto: plain fp32 on a CPU
    assert autocast_dtype(TrainConfig(precision="bf16"), cpu) == torch.bfloat16
    with pytest.raises(ValueError, match="unknown precision 'fp16'"):
        autocast_dtype(TrainConfig(precision="fp16"), cpu)
    result = train(TrainConfig(max_steps=4, precision="bf16", **TINY), **QUIET)
    assert result.checkpoint.info["training"]["autocast"] == "bfloat16"
    assert all(p.dtype == torch.float32 for p in result.checkpoint.model.parameters())
    assert all(torch.isfinite(torch.tensor(p.loss)) for p in result.history)
