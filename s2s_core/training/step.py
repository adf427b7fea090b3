"""One optimisation step: the masked loss, its weighting across ranks, and mixed precision.

    L = - sum_i log P(y_i | y_<i, X)     averaged over the real (non-<pad>) target tokens

The loss is taken over all steps at once (teacher forcing: the decoder reads the true
y_{i-1}), then backward, gradient clipping and one Adam step. On a CUDA GPU the forward
pass and the loss run under bf16 autocast while the recurrences stay in float32
(`float32_inside`); under torchrun each rank's loss is reweighted so that DDP's gradient
average is the per-token mean of the global batch (`global_token_mean`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

import torch
from torch import Tensor, nn

from s2s_core.model.data import Batch
from s2s_core.model.vocab import PAD_ID
from s2s_core.training.config import PRECISIONS, TrainConfig
from s2s_core.training.distributed import Context
from s2s_core.training.objective import token_nll


def loss_and_accuracy(
    model: nn.Module, batch: Batch, smoothing: float = 0.0
) -> tuple[Tensor, Tensor, int]:
    """Masked cross-entropy over real target tokens (label-smoothed by `smoothing`); also the
    teacher-forced token accuracy.

    `model` is a Seq2Seq or TransformerSeq2Seq, or the DistributedDataParallel wrapper.
    """
    logits = model(batch.src, batch.src_len, batch.tgt_in)  # (B, T', V)
    loss = token_nll(logits, batch.tgt_out, smoothing)
    real = batch.tgt_out != PAD_ID
    n_tokens = int(real.sum())
    correct = ((logits.argmax(2) == batch.tgt_out) & real).sum()
    return loss, correct / n_tokens, n_tokens


def global_token_mean(
    loss: Tensor, acc: Tensor, n_tokens: int, ctx: Context
) -> tuple[Tensor, float, float, int]:
    """This rank's loss rescaled so that DDP trains on the per-token mean of the global batch.

    Rank r holds N_r real target tokens and their mean loss L_r. DDP's backward averages
    the gradients of the W ranks: it differentiates (1/W) sum_r L_r. One process holding the
    whole global batch would differentiate sum_r N_r L_r / N, with N = sum_r N_r. The two
    differ whenever ranks hold different token counts (batches of different lengths), so
    each rank backpropagates L_r * W N_r / N instead: then DDP's average is exactly the
    single-process loss. Returns (that loss, then the global mean loss, token accuracy and
    token count, for the log).
    """
    if not ctx.distributed:
        return loss, loss.item(), acc.item(), n_tokens
    n, loss_sum, correct = ctx.sum([n_tokens, loss.item() * n_tokens, acc.item() * n_tokens])
    return loss * (ctx.world_size * n_tokens / n), loss_sum / n, correct / n, int(n)


def autocast_dtype(cfg: TrainConfig, device: torch.device) -> torch.dtype | None:
    """The autocast dtype for the forward pass and loss: bfloat16, or None for plain fp32."""
    if cfg.precision not in PRECISIONS:
        raise ValueError(
            f"unknown precision '{cfg.precision}'; choose from: {', '.join(PRECISIONS)}"
        )
    if cfg.precision == "auto":
        on_gpu = device.type == "cuda" and torch.cuda.is_bf16_supported()
        return torch.bfloat16 if on_gpu else None
    return torch.bfloat16 if cfg.precision == "bf16" else None


def mixed_precision(device: torch.device, dtype: torch.dtype | None) -> AbstractContextManager:
    """Autocast to `dtype` on `device` (matrix products in bf16, softmax/loss in fp32)."""
    return nullcontext() if dtype is None else torch.autocast(device.type, dtype=dtype)


def _float32(x):
    """Floating tensors (and tuples of them: an LSTM's (h, c)) as float32; the rest as is."""
    if isinstance(x, Tensor) and x.is_floating_point():
        return x.float()
    return tuple(_float32(v) for v in x) if type(x) is tuple else x


@contextmanager
def float32_inside(modules: list[nn.Module]) -> Iterator[None]:
    """Run `modules` in float32 even inside an autocast region.

    Used for the RNNs: h_j = f(x_j, h_{j-1}) and s_i = g(y_{i-1}, s_{i-1}, c_i) carry their
    state across up to 40 steps, and bf16 (8 significant bits) would round the state at
    every one of them. Under CUDA autocast the GRU/LSTM cells would run in bf16; these
    hooks switch autocast off for the module's own forward and back on after it.
    """
    saved: list[tuple[bool, bool]] = []

    def off(_module, args):
        saved.append((torch.is_autocast_enabled("cuda"), torch.is_autocast_enabled("cpu")))
        torch.set_autocast_enabled("cuda", False)
        torch.set_autocast_enabled("cpu", False)
        return _float32(args)

    def back(_module, _args, _output):
        on_cuda, on_cpu = saved.pop()
        torch.set_autocast_enabled("cuda", on_cuda)
        torch.set_autocast_enabled("cpu", on_cpu)

    handles = [
        h
        for m in modules
        for h in (m.register_forward_pre_hook(off), m.register_forward_hook(back))
    ]
    try:
        yield
    finally:
        for h in handles:
            h.remove()


def recurrences(model: nn.Module) -> list[nn.Module]:
    """The model's RNNs: the encoder's GRU/LSTM and the decoder's cell."""
    return [m for m in model.modules() if isinstance(m, nn.RNNBase | nn.RNNCellBase)]


def pinned(batch: Batch) -> Batch:
    """The batch in page-locked host memory, so that .to(cuda, non_blocking=True) is async."""
    return Batch(*(t.pin_memory() for t in vars(batch).values()))


def optimisation_step(
    net: nn.Module,
    batch: Batch,
    optimizer: torch.optim.Optimizer,
    ctx: Context | None = None,
    amp: torch.dtype | None = None,
    smoothing: float = 0.0,
) -> tuple[float, float, int]:
    """One step: loss (under autocast if `amp`; label-smoothed by `smoothing`), backward,
    clip to norm 1, optimizer step.

    `net` is the model, or its DDP wrapper (backward then averages the gradients of all
    ranks). Returns (loss, teacher-forced token accuracy, real target tokens), all over
    the global batch.
    """
    ctx = ctx or Context()
    with mixed_precision(batch.src.device, amp):
        loss, acc, n_tokens = loss_and_accuracy(net, batch, smoothing)
    loss, loss_value, acc_value, n_tokens = global_token_mean(loss, acc, n_tokens, ctx)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
    optimizer.step()
    return loss_value, acc_value, n_tokens
