"""What a model is: its kind and sizes, as config.json stores them.

One dataclass for both architectures: `attention` says which model it is.

    "none"                      RNN encoder-decoder, one fixed context c (seed §4-6)
    "additive", "dot", "general"  RNN encoder-decoder with attention (seed §7)
    "transformer"               attention only, no recurrence (seed §9-10; transformer.py)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal, get_args

from s2s_core.model.attention import ATTENTION_KINDS, AttentionKind

RnnKind = Literal["gru", "lstm"]
RNN_KINDS: tuple[RnnKind, ...] = get_args(RnnKind)
# What attention reads at position j: the encoder state h_j (the seed's annotation), or
# "h+x": h_j + W_x E x_j, the state with its own symbol kept in view (rnn.py: keep_symbol)
MemoryKind = Literal["h", "h+x"]
MEMORY_KINDS: tuple[MemoryKind, ...] = get_args(MemoryKind)


@dataclass
class ModelConfig:
    src_vocab_size: int
    tgt_vocab_size: int
    attention: AttentionKind = "additive"
    hidden: int = 128  # d: size of h_j, s_i and c_i (Transformer: d_model)
    embedding: int = 32  # size of the token embeddings E x_j and E y_i (Transformer: d_model)
    rnn: RnnKind = "gru"  # the RNN's cell (not used by the Transformer)
    dropout: float = 0.0  # training only: the share of activations zeroed
    layers: int = 2  # Transformer: L encoder and L decoder layers
    heads: int = 4  # Transformer: H attention heads, each of size d_k = d_model / H
    memory: MemoryKind = "h"  # RNN with attention: what position j offers, h_j or h_j + W_x E x_j

    def __post_init__(self) -> None:
        if self.attention not in ATTENTION_KINDS:
            raise ValueError(
                f"unknown attention '{self.attention}'; choose from: {', '.join(ATTENTION_KINDS)}"
            )
        if self.rnn not in RNN_KINDS:
            raise ValueError(f"unknown rnn '{self.rnn}'; choose from: {', '.join(RNN_KINDS)}")
        if self.memory not in MEMORY_KINDS:
            raise ValueError(
                f"unknown memory '{self.memory}'; choose from: {', '.join(MEMORY_KINDS)}"
            )
        if self.memory != "h" and self.attention in ("none", "transformer"):
            raise ValueError(f"memory '{self.memory}' needs an RNN with attention")
        if self.hidden % 2:
            raise ValueError("hidden must be even: it is split over the two encoder directions")
        if self.is_transformer and self.hidden % self.heads:
            raise ValueError(f"hidden {self.hidden} must be divisible by heads {self.heads}")

    @property
    def has_attention(self) -> bool:
        return self.attention != "none"

    @property
    def is_transformer(self) -> bool:
        return self.attention == "transformer"

    def to_dict(self) -> dict:
        return asdict(self)
