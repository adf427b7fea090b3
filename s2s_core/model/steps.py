"""What every model offers the decoding loop: encode once, then one step at a time.

Both architectures (Seq2Seq in rnn.py, TransformerSeq2Seq in transformer.py) have these
methods, so greedy, forced and beam decoding (decoding.py) and the batched evaluation run
either one unchanged:

    enc   = model.encode(src, src_len)           the source, once
    state = model.begin(enc)                     RNN: s_0;  Transformer: an empty K/V cache
    state, out = model.advance(y_prev, state, enc)   one step i: y_{i-1} -> P(y_i | y_<i, X)
    state = model.keep(state, rows)              beam search: the hypotheses that go on

Shapes: B batch, T source length, d model size, V target vocabulary, L layers, H heads,
i the step (the positions decoded so far, this one included).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from torch import Tensor


@dataclass
class Encoded:
    """What the encoder hands the decoder for one batch of sources."""

    memory: Tensor  # (B, T, d)  h_1..h_T (Transformer: the encoder stack's output)
    context: Tensor  # (B, d)    c = [->h_T ; <-h_1] (Transformer: the mean of the memory)
    mask: Tensor | None  # (B, T) True at real tokens; None when nothing is padded
    keys: Tensor | None  # (B, T, d) the RNN attention's precomputed part (else None)


class StepTensors(NamedTuple):
    """One decoder step of a batch, as tensors: what decoding records as Steps."""

    logits: Tensor  # (B, V)  a softmax gives P(y_i | y_<i, X)
    c: Tensor  # (B, d)       c_i (Transformer: the memory weighted by the mean cross-attention)
    s: Tensor  # (B, d)       s_i (Transformer: the decoder stack's output at position i)
    alpha: Tensor | None  # (B, T) alpha_i. (Transformer: the mean of its layers and heads)
    e: Tensor | None  # (B, T)     e_i., the scores before the softmax (RNN attention only)
    heads: Tensor | None = None  # (B, L, H, T) Transformer: each layer's and head's cross row
    self_attention: Tensor | None = None  # (B, L, H, i) Transformer: over y_0..y_{i-1}
