"""Attribution beside attention: which source positions did step i's output depend on?

Attention says where the decoder *looked* (alpha_ij). Attribution asks the model itself:
how much does the log-probability of the token it wrote at step i,

    f_i(X) = log P(y_i | y_<i, X),

change with each source position's embedding e_j = E x_j? Two methods (Captum computes
both on the source embedding layer; the decoder is fed the trace's own y_<i, so the numbers
explain exactly the step shown, greedy, forced or beam):

    input x gradient       a_ij = sum_k e_jk * d f_i / d e_jk               (one backward pass)
    integrated gradients   a_ij = sum_k (e_jk - b_jk) * integral_0^1 d f_i / d e_jk
                                  evaluated at b + t (e - b) dt                   (Sundararajan
                                  et al. 2017; the integral by Gauss-Legendre quadrature)

The baseline b is the <pad> embedding, which is zero (padding_idx): "no symbol here".
Integrated gradients is *complete*: sum_j a_ij = f_i(X) - f_i(baseline), up to the
quadrature error that `Attribution.completeness_gap` reports. Padding gets exactly zero
(its embedding equals the baseline's), and so does a Transformer's end marker, which the
baseline keeps: only the source's own symbols are attributed.

A position's attribution is signed: positive when that symbol raised P(y_i). Its argmax is
what is compared with the gold alignment, as the attention's argmax is.

Shapes: R rows (one per explained step), T source length, T' decoded steps, E the source
embedding size, m the integration steps.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import torch
from captum.attr import LayerGradientXActivation, LayerIntegratedGradients
from torch import Tensor, nn

from s2s_core.model.build import Model
from s2s_core.model.decoding import Written
from s2s_core.model.transformer import TransformerSeq2Seq
from s2s_core.model.vocab import PAD_ID, SOS_ID, Vocab

AttributionMethod = Literal["ig", "ixg"]  # integrated gradients | input x gradient
METHODS: dict[AttributionMethod, str] = {"ig": "integrated gradients", "ixg": "input × gradient"}
IG_STEPS = 32  # Gauss-Legendre points of the first pass
MAX_IG_STEPS = 512  # rows whose completeness gap stays above the tolerance get 4x more, to this
GAP_TOLERANCE = 0.05  # a row is done when |sum_j a_ij - (f_i(X) - f_i(b))| <= 5% of the change
QUICK_S = 0.25  # the app's first answer: refinement only while it fits in this many seconds
_CUDNN_SWITCH = threading.Lock()  # see attribute_rows


@dataclass
class Attribution:
    """Each step's attribution to each source position: rows [step i][position j]."""

    method: AttributionMethod
    rows: list[list[float]]  # a_ij, signed, in units of log-probability (nats)
    # integrated gradients only: f_i(X) - f_i(b), what each row should sum to, per step,
    # and the integration steps that row took (more where the path is hard to integrate)
    changes: list[float] | None = None
    ig_steps: list[int] | None = None

    def argmax(self) -> list[int]:
        """For each step, the position with the largest (most positive) attribution."""
        return [max(range(len(row)), key=row.__getitem__) for row in self.rows]

    @property
    def completeness_gap(self) -> float | None:
        """sum_i |sum_j a_ij - (f_i(X) - f_i(b))| / sum_i |f_i(X) - f_i(b)|: how far the
        rows are from summing to what they explain, as a share (None: input x gradient)."""
        if self.changes is None:
            return None
        gaps = [abs(sum(row) - change) for row, change in zip(self.rows, self.changes)]
        return sum(gaps) / max(sum(abs(c) for c in self.changes), 1e-12)

    def to_json(self) -> dict:
        return {
            "method": self.method,
            "rows": self.rows,
            "changes": self.changes,
            "ig_steps": self.ig_steps,
            "completeness_gap": self.completeness_gap,
        }


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


# a_ij = (e_j - b_j) . integral_0^1 grad_{e_j} f_i(b + t (e - b)) dt   (ixg: e_j . grad f_i)
def attribute_rows(
    model: Model,
    src: Tensor,
    src_len: Tensor,
    tgt_in: Tensor,
    target: Tensor,
    step: Tensor,
    method: AttributionMethod = "ig",
    ig_steps: int = IG_STEPS,
) -> tuple[Tensor, Tensor | None]:
    """Attribute each row's f_r to its source positions: -> a (R, T), and for integrated
    gradients each row's f_r(X) - f_r(b) (R,), what its a_r. should sum to.

    Captum hooks the embedding layer while it works, so it works on a private copy of the
    model (a few MB): the app shares one model between every browser session, and another
    session's decoding must never run through the hook."""
    model = copy.deepcopy(model).eval()
    extra = (src_len, tgt_in, target, step)

    def f(src: Tensor, src_len: Tensor, tgt_in: Tensor, target: Tensor, step: Tensor) -> Tensor:
        return chosen_log_probability(model, src, src_len, tgt_in, target, step)

    layer = source_embedding(model)
    T = src.size(1)  # a Transformer's layer also sees its end marker (column src_len): that
    # column's input equals the baseline's, so it gets 0; the extra column T is dropped below
    # cuDNN computes an RNN's backward pass only in training mode: use the plain kernels. The
    # switch is process-wide, so one attribution at a time flips it (the app runs sessions in
    # threads: two overlapping ones could restore it in the wrong order)
    with _CUDNN_SWITCH, torch.backends.cudnn.flags(enabled=False):
        if method == "ixg":
            a = LayerGradientXActivation(f, layer).attribute(src, additional_forward_args=extra)
            return a.sum(-1)[:, :T], None  # (R, T): e_j . grad, summed over E
        baseline = torch.full_like(src, PAD_ID)  # b: every symbol <pad>, lengths unchanged
        a = LayerIntegratedGradients(f, layer).attribute(
            src,
            baselines=baseline,
            additional_forward_args=extra,
            n_steps=ig_steps,
            method="gausslegendre",
            internal_batch_size=max(src.size(0), 2048),  # 2048 rows a pass (R, if more)
        )  # (R, T(+1), E)
        with torch.no_grad():
            change = f(src, *extra) - f(baseline, *extra)  # (R,) f_r(X) - f_r(b)
    return a.sum(-1)[:, :T], change


def attribute(
    model: Model,
    src_vocab: Vocab,
    tgt_vocab: Vocab,
    source: str,
    written: Written,
    method: AttributionMethod = "ig",
    ig_steps: int = IG_STEPS,
    tolerance: float = GAP_TOLERANCE,
    budget_s: float | None = None,
) -> Attribution:
    """The attribution of every step of a trace (or beam hypothesis) of `source`: the decoder
    is fed the steps' own tokens, so each row explains the step as it was shown.

    Integrated gradients runs `ig_steps` points for every row first; a row whose completeness
    gap is above `tolerance` (a share of its change) runs again with 4x the points, up to
    MAX_IG_STEPS. A long decoding's late steps can wiggle along the path (each attention
    switch is a sharp turn) and need the extra points; most rows do not. `budget_s` caps the
    refinement's time (see integrated_gradients): the app's first answer stays quick."""
    tokens = [tgt_vocab.stoi[s.token] for s in written.steps]
    n = len(tokens)
    if n == 0:
        return Attribution(method, [], *(([], []) if method == "ig" else (None, None)))
    device = model.device
    ids = torch.tensor(src_vocab.encode(source), device=device)
    src = ids.expand(n, -1)  # (T', T): the same source for every step
    src_len = torch.full((n,), ids.numel(), device=device)
    tgt_in = torch.tensor([SOS_ID, *tokens[:-1]], device=device).expand(n, -1)  # (T', T')
    target = torch.tensor(tokens, device=device)
    step = torch.arange(n, device=device)
    rows = (src, src_len, tgt_in, target, step)
    if method == "ixg":
        return Attribution(method, attribute_rows(model, *rows, "ixg")[0].tolist())
    a, change, used = integrated_gradients(model, *rows, ig_steps, tolerance, budget_s)
    return Attribution(method, a.tolist(), change.tolist(), used.tolist())


def integrated_gradients(
    model: Model,
    src: Tensor,
    src_len: Tensor,
    tgt_in: Tensor,
    target: Tensor,
    step: Tensor,
    ig_steps: int = IG_STEPS,
    tolerance: float = GAP_TOLERANCE,
    budget_s: float | None = None,
) -> tuple[Tensor, Tensor, Tensor]:
    """attribute_rows' integrated gradients, refined row by row: -> a (R, T), each row's
    f_r(X) - f_r(b) (R,) and the integration steps it took (R,), 4x more each round for the
    rows whose gap |sum_j a_rj - (f_r(X) - f_r(b))| is above `tolerance` x the change.

    `budget_s`: no refinement round that would end after this many seconds (its cost
    estimated from the first pass); the rows keep the gap they have, and the caller reports
    it. None: refine until every row is within the tolerance or at MAX_IG_STEPS."""
    start = time.perf_counter()
    a, change = attribute_rows(model, src, src_len, tgt_in, target, step, "ig", ig_steps)
    assert change is not None  # integrated gradients always measures the change
    per_point = (time.perf_counter() - start) / (src.size(0) * ig_steps)  # s per row and point
    used = torch.full((src.size(0),), ig_steps, device=src.device)
    while True:
        gap = (a.sum(1) - change).abs() / change.abs().clamp_min(1e-6)  # (R,)
        todo = ((gap > tolerance) & (used < MAX_IG_STEPS)).nonzero()[:, 0]
        if todo.numel() == 0:
            return a, change, used
        m = min(4 * int(used[todo[0]]), MAX_IG_STEPS)  # every row still to do has the same
        finish = time.perf_counter() - start + per_point * todo.numel() * m
        if budget_s is not None and finish > budget_s:
            return a, change, used
        rows = (src[todo], src_len[todo], tgt_in[todo], target[todo], step[todo])
        a[todo], _ = attribute_rows(model, *rows, "ig", m)
        used[todo] = m


def hits(argmax: Sequence[int], gold: Sequence[tuple[int, int] | None]) -> tuple[int, int]:
    """(steps whose argmax lies in their gold span [start, end), steps with a span)."""
    pairs = [(a, span) for a, span in zip(argmax, gold) if span is not None]
    return sum(start <= a < end for a, (start, end) in pairs), len(pairs)
