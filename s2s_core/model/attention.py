"""Attention (seed §7): score every encoder state h_j against the decoder state s_{i-1}.

For decoding step i and source position j (Bahdanau et al. 2015; Luong et al. 2015):

    e_ij     = a(s_{i-1}, h_j)                        alignment score
    alpha_ij = exp(e_ij) / sum_k exp(e_ik)            attention weight (a softmax over j)
    c_i      = sum_j alpha_ij h_j                     context vector of step i

The score function `a` is one of

    additive (Bahdanau):  a(s, h) = v_a^T tanh(W_a s + U_a h)
    dot      (Luong):     a(s, h) = s^T h
    general  (Luong):     a(s, h) = s^T W_a h

Each formula is one short function below; `Attention` holds the weights and runs them.
Padding positions get e_ij = -inf before the softmax, so each row alpha_i. sums
to 1 over the real source tokens only.

Shapes (B = batch, T = source length, d = size of h_j and of s_i):
    s_prev   (B, d)        the decoder state s_{i-1}
    keys     (B, T, d')    h_j after the part of `a` that does not depend on s
                           (U_a h_j for additive, W_a h_j for general, h_j for dot),
                           computed once per source by `precompute`
    memory   (B, T, d)     the encoder states h_j themselves
    mask     (B, T) bool   True at real tokens, False at padding (or None: no padding)
"""

from __future__ import annotations

from typing import Literal, get_args

import torch
from torch import Tensor, nn

ScoreKind = Literal["additive", "dot", "general"]
# a model's kind: "none" (no attention, one fixed context c), an RNN with one of the scores,
# or the Transformer (scaled dot-product attention everywhere, no recurrence: transformer.py)
AttentionKind = Literal["none", ScoreKind, "transformer"]
SCORES: tuple[ScoreKind, ...] = get_args(ScoreKind)
ATTENTION_KINDS: tuple[AttentionKind, ...] = get_args(AttentionKind)
RNN_ATTENTION_KINDS: tuple[AttentionKind, ...] = ("none", *SCORES)  # the RNN models' kinds

# (Sums of elementwise products rather than torch.bmm: same numbers, and for these small
# shapes several times faster on a CPU, forward and backward.)


# e_ij = v_a^T tanh(W_a s_{i-1} + U_a h_j)
def additive_score(W_a_s: Tensor, U_a_h: Tensor, v_a: Tensor) -> Tensor:
    """Bahdanau's score from W_a s_{i-1} (B, d) and U_a h_j (B, T, d): e_i. (B, T)."""
    return torch.tanh(W_a_s.unsqueeze(1) + U_a_h) @ v_a


# e_ij = s_{i-1}^T h_j
def dot_score(s_prev: Tensor, h: Tensor) -> Tensor:
    """Luong's dot score of s_{i-1} (B, d) with every h_j (B, T, d): e_i. (B, T)."""
    return (h * s_prev.unsqueeze(1)).sum(2)


# e_ij = s_{i-1}^T W_a h_j
def general_score(s_prev: Tensor, W_a_h: Tensor) -> Tensor:
    """Luong's general score: the dot score with W_a h_j (B, T, d) in place of h_j."""
    return dot_score(s_prev, W_a_h)


# e_ij = -inf where x_j is <pad>
def mask_padding(e: Tensor, mask: Tensor | None) -> Tensor:
    """The scores with padding ruled out: e_i. (B, T), mask (B, T) True at real tokens."""
    return e if mask is None else e.masked_fill(~mask, float("-inf"))


# alpha_ij = exp(e_ij) / sum_k exp(e_ik)
def attention_weights(e: Tensor) -> Tensor:
    """The softmax over the source positions j: e_i. (B, T) -> alpha_i. (B, T)."""
    return torch.softmax(e, dim=1)


# c_i = sum_j alpha_ij h_j
def context_vector(alpha: Tensor, h: Tensor) -> Tensor:
    """The weighted sum of the h_j: alpha_i. (B, T), h (B, T, d) -> c_i (B, d)."""
    return (alpha.unsqueeze(2) * h).sum(1)


class Attention(nn.Module):
    """One of the three score functions, with the softmax and the weighted sum."""

    def __init__(self, kind: ScoreKind, d: int):
        super().__init__()
        if kind not in SCORES:
            raise ValueError(f"unknown attention '{kind}'; choose from: {', '.join(SCORES)}")
        self.kind = kind
        if kind == "additive":
            self.W_a = nn.Linear(d, d, bias=False)  # acts on s_{i-1}
            self.U_a = nn.Linear(d, d, bias=False)  # acts on h_j (precomputed)
            self.v_a = nn.Parameter(torch.randn(d) / d**0.5)
        elif kind == "general":
            self.W_a = nn.Linear(d, d, bias=False)  # s^T W_a h: W_a h_j is precomputed

    def precompute(self, memory: Tensor) -> Tensor:
        """The s-independent part of the score, once per source: (B, T, d) -> (B, T, d)."""
        if self.kind == "additive":
            return self.U_a(memory)
        if self.kind == "general":
            return self.W_a(memory)
        return memory

    # e_ij = a(s_{i-1}, h_j), a one of the three score functions above
    def scores(self, s_prev: Tensor, keys: Tensor) -> Tensor:
        """e_i. = a(s_{i-1}, h_.): (B, d), (B, T, d) -> (B, T)."""
        if self.kind == "additive":
            return additive_score(self.W_a(s_prev), keys, self.v_a)
        if self.kind == "general":
            return general_score(s_prev, keys)
        return dot_score(s_prev, keys)

    def forward(
        self, s_prev: Tensor, keys: Tensor, memory: Tensor, mask: Tensor | None
    ) -> tuple[Tensor, Tensor, Tensor]:
        """One step: returns (c_i (B, d), alpha_i. (B, T), e_i. (B, T))."""
        e = mask_padding(self.scores(s_prev, keys), mask)
        alpha = attention_weights(e)
        return context_vector(alpha, memory), alpha, e
