"""Attention (seed §7): score every encoder state h_j against the decoder state s_{i-1}.

For decoding step i and source position j (Bahdanau et al. 2015; Luong et al. 2015):

    e_ij     = a(s_{i-1}, h_j)                        alignment score
    alpha_ij = exp(e_ij) / sum_k exp(e_ik)            attention weight (a softmax over j)
    c_i      = sum_j alpha_ij h_j                     context vector of step i

The score function `a` is one of

    additive (Bahdanau):  a(s, h) = v_a^T tanh(W_a s + U_a h)
    dot      (Luong):     a(s, h) = s^T h
    general  (Luong):     a(s, h) = s^T W_a h

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

import torch
from torch import Tensor, nn

SCORES = ("additive", "dot", "general")


class Attention(nn.Module):
    """One of the three score functions, with the softmax and the weighted sum."""

    def __init__(self, kind: str, d: int):
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

    def scores(self, s_prev: Tensor, keys: Tensor) -> Tensor:
        """e_i. = a(s_{i-1}, h_.): (B, d), (B, T, d) -> (B, T)."""
        if self.kind == "additive":
            return torch.tanh(self.W_a(s_prev).unsqueeze(1) + keys) @ self.v_a
        return (keys * s_prev.unsqueeze(1)).sum(2)  # dot and general: s^T k_j for every j

    # (Sums of elementwise products rather than torch.bmm: same numbers, and for these small
    # shapes several times faster on a CPU, forward and backward.)

    def forward(
        self, s_prev: Tensor, keys: Tensor, memory: Tensor, mask: Tensor | None
    ) -> tuple[Tensor, Tensor, Tensor]:
        """One step: returns (c_i (B, d), alpha_i. (B, T), e_i. (B, T))."""
        e = self.scores(s_prev, keys)
        if mask is not None:
            e = e.masked_fill(~mask, float("-inf"))
        alpha = torch.softmax(e, dim=1)
        c = (alpha.unsqueeze(2) * memory).sum(1)  # sum_j alpha_ij h_j
        return c, alpha, e
