"""Attribution beside attention: which source positions did step i's output depend on?

Attention says where the decoder *looked* (alpha_ij). Attribution asks the model itself:
how much does the log-probability of the token it wrote at step i,

    f_i(X) = log P(y_i | y_<i, X),

change with each source position's embedding e_j = E x_j? Two methods (Captum computes
both on the source embedding layer; the decoder is fed the trace's own y_<i, so the numbers
explain exactly the step shown, greedy, forced or beam), each one short function below:

    input x gradient       a_ij = e_j . grad_{e_j} f_i                          (one backward pass)
    integrated gradients   a_ij = (e_j - b_j) . integral_0^1 grad_{e_j} f_i(b + t (e - b)) dt
                                  (Sundararajan et al. 2017; the integral by Gauss-Legendre
                                  quadrature, `integral`)

The baseline b is the <pad> embedding, which is zero (padding_idx): "no symbol here".
Integrated gradients is *complete*: sum_j a_ij = f_i(X) - f_i(baseline), up to the
quadrature error that `Attribution.completeness_gap` reports. Padding gets exactly zero
(its embedding equals the baseline's), and so does a Transformer's end marker, which the
baseline keeps: only the source's own symbols are attributed.

A position's attribution is signed: positive when that symbol raised P(y_i). Its argmax is
what is compared with the gold alignment, as the attention's argmax is.

Shapes: R rows (one per explained step), T source length, T' decoded steps, E the source
embedding size, m the integration points.
"""

from __future__ import annotations

import copy
import math
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import NamedTuple

import torch
from captum.attr import LayerGradientXActivation, LayerIntegratedGradients
from torch import Tensor, nn

from s2s_core.model.build import Model
from s2s_core.model.transformer import TransformerSeq2Seq
from s2s_core.model.vocab import PAD_ID, SOS_ID, Vocab

# The records are plain data (s2s_core/trace.py); the CLI and the pages also find them here.
from s2s_core.trace import METHODS as METHODS
from s2s_core.trace import Attribution, AttributionMethod, Written

IG_STEPS = 32  # Gauss-Legendre points of the first pass
MAX_IG_STEPS = 512  # rows whose completeness gap stays above the tolerance get 4x more, to this
GAP_TOLERANCE = 0.05  # a row is done when |sum_j a_ij - (f_i(X) - f_i(b))| <= 5% of the change
QUICK_S = 0.25  # the app's first answer: refinement only while it fits in this many seconds
_CUDNN_SWITCH = threading.Lock()  # see _plain_kernels


class Rows(NamedTuple):
    """R rows to explain, one decoding step each (padded with <pad>)."""

    src: Tensor  # (R, T) the source ids
    src_len: Tensor  # (R,) the source lengths
    tgt_in: Tensor  # (R, T') <sos> y_1 .. y_{T'-1}: what the decoder is fed
    target: Tensor  # (R,) the token y_i the row explains
    step: Tensor  # (R,) its index i - 1

    def take(self, index: Tensor) -> Rows:
        """The rows at `index` only."""
        return Rows(*(t[index] for t in self))


def source_embedding(model: Model) -> nn.Embedding:
    """The layer whose output e_j = E x_j is attributed (both architectures have one)."""
    return model.src_embed if isinstance(model, TransformerSeq2Seq) else model.encoder.embed


# f_r = log P(y_{i_r} | y_<i_r, X_r) = log_softmax(logits_r at step i_r)[y_{i_r}]
def chosen_log_probability(
    model: Model, src: Tensor, src_len: Tensor, tgt_in: Tensor, target: Tensor, step: Tensor
) -> Tensor:
    """Teacher-forced log-probabilities of one chosen token per row: src (R, T), src_len (R,),
    tgt_in (R, T') = <sos> y_1 .. y_{T'-1}, target (R,) the token y_i, step (R,) its index
    i - 1 -> (R,). Captum repeats the rows along the integration path (R m rows)."""
    logits = model(src, src_len, tgt_in)  # (R, T', V)
    rows = torch.arange(src.size(0), device=src.device)
    return torch.log_softmax(logits[rows, step], dim=-1)[rows, target]  # (R,)


def _explained(model: Model) -> tuple[Callable[..., Tensor], nn.Embedding]:
    """f(src, src_len, tgt_in, target, step) on a private copy of the model, and that copy's
    embedding layer. Captum hooks the layer while it works; the app shares one model between
    every browser session, and another session's decoding must never run through the hook."""
    model = copy.deepcopy(model).eval()

    def f(*rows: Tensor) -> Tensor:
        return chosen_log_probability(model, *rows)

    return f, source_embedding(model)


@contextmanager
def _plain_kernels() -> Iterator[None]:
    """cuDNN computes an RNN's backward pass only in training mode: use the plain kernels. The
    switch is process-wide, so one attribution at a time flips it (the app runs sessions in
    threads: two overlapping ones could restore it in the wrong order)."""
    with _CUDNN_SWITCH, torch.backends.cudnn.flags(enabled=False):
        yield


# a_ij = e_j . grad_{e_j} f_i
def input_x_gradient(model: Model, rows: Rows) -> Tensor:
    """Each row's f_r attributed to its source positions in one backward pass: -> a (R, T),
    summed over E (a Transformer's extra end-marker column is dropped)."""
    f, layer = _explained(model)
    with _plain_kernels():
        a = LayerGradientXActivation(f, layer).attribute(rows.src, additional_forward_args=rows[1:])
    return a.sum(-1)[:, : rows.src.size(1)]


def integral(model: Model, rows: Rows, m: int) -> tuple[Tensor, Tensor]:
    """Integrated gradients on m Gauss-Legendre points: -> a (R, T), and each row's
    f_r(X) - f_r(b) (R,), what its a_r. should sum to. The baseline b: every symbol <pad>,
    lengths unchanged. A Transformer's layer also sees its end marker (column T): that
    column's input equals the baseline's, so it gets 0, and it is dropped."""
    f, layer = _explained(model)
    baseline = torch.full_like(rows.src, PAD_ID)
    with _plain_kernels():
        a = LayerIntegratedGradients(f, layer).attribute(
            rows.src,
            baselines=baseline,
            additional_forward_args=rows[1:],
            n_steps=m,
            method="gausslegendre",
            internal_batch_size=max(rows.src.size(0), 2048),  # 2048 rows a pass (R, if more)
        )  # (R, T(+1), E)
        with torch.no_grad():
            change = f(rows.src, *rows[1:]) - f(baseline, *rows[1:])  # (R,)
    return a.sum(-1)[:, : rows.src.size(1)], change


def _incomplete(a: Tensor, change: Tensor, used: Tensor, tolerance: float) -> Tensor:
    """The rows whose gap |sum_j a_rj - (f_r(X) - f_r(b))| is above `tolerance` x the change
    and that may still get more points (below MAX_IG_STEPS)."""
    gap = (a.sum(1) - change).abs() / change.abs().clamp_min(1e-6)  # (R,)
    return ((gap > tolerance) & (used < MAX_IG_STEPS)).nonzero()[:, 0]


# a_ij = (e_j - b_j) . integral_0^1 grad_{e_j} f_i(b + t (e - b)) dt
def integrated_gradients(
    model: Model, rows: Rows, tolerance: float = GAP_TOLERANCE, deadline: float = math.inf
) -> tuple[Tensor, Tensor, Tensor]:
    """-> a (R, T), f_r(X) - f_r(b) (R,), points per row (R,): IG_STEPS points for every row,
    then 4x more for each row off by over `tolerance`, while a round ends before `deadline`."""
    t0 = time.perf_counter()
    a, change = integral(model, rows, IG_STEPS)
    used = torch.full_like(rows.step, IG_STEPS)
    per_point = (time.perf_counter() - t0) / (len(used) * IG_STEPS)  # s per row and point
    while (todo := _incomplete(a, change, used, tolerance)).numel():
        m = min(4 * int(used[todo[0]]), MAX_IG_STEPS)  # the rows to redo all have as many
        if time.perf_counter() + per_point * len(todo) * m > deadline:  # no round past it
            break
        a[todo], used[todo] = integral(model, rows.take(todo), m)[0], m
    return a, change, used


def attribute(
    model: Model,
    src_vocab: Vocab,
    tgt_vocab: Vocab,
    source: str,
    written: Written,
    method: AttributionMethod = "ig",
    tolerance: float = GAP_TOLERANCE,
    budget_s: float | None = None,
) -> Attribution:
    """The attribution of every step of a trace (or beam hypothesis) of `source`: the decoder
    is fed the steps' own tokens, so each row explains the step as it was shown.

    Integrated gradients runs IG_STEPS points for every row first; a row whose completeness
    gap is above `tolerance` (a share of its change) runs again with 4x the points, up to
    MAX_IG_STEPS. A long decoding's late steps can wiggle along the path (each attention
    switch is a sharp turn) and need the extra points; most rows do not. `budget_s` caps the
    refinement's time: no round that would end later starts (the app's first answer stays
    quick)."""
    tokens = [tgt_vocab.stoi[s.token] for s in written.steps]
    n = len(tokens)
    if n == 0:
        return Attribution(method, [], *(([], []) if method == "ig" else (None, None)))
    device = model.device
    ids = torch.tensor(src_vocab.encode(source), device=device)
    rows = Rows(
        ids.expand(n, -1),  # (T', T): the same source for every step
        torch.full((n,), ids.numel(), device=device),
        torch.tensor([SOS_ID, *tokens[:-1]], device=device).expand(n, -1),  # (T', T')
        torch.tensor(tokens, device=device),
        torch.arange(n, device=device),
    )
    if method == "ixg":
        return Attribution(method, input_x_gradient(model, rows).tolist())
    deadline = math.inf if budget_s is None else time.perf_counter() + budget_s
    a, change, used = integrated_gradients(model, rows, tolerance, deadline)
    return Attribution(method, a.tolist(), change.tolist(), used.tolist())


def hits(argmax: Sequence[int], gold: Sequence[tuple[int, int] | None]) -> tuple[int, int]:
    """(steps whose argmax lies in their gold span [start, end), steps with a span)."""
    pairs = [(a, span) for a, span in zip(argmax, gold) if span is not None]
    return sum(start <= a < end for a, (start, end) in pairs), len(pairs)
