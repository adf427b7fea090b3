"""The encoder-decoder (seed §4, §5, §7), with or without attention.

Encoder (seed §4):  h_j = [->h_j ; <-h_j]    a bidirectional GRU (or LSTM) over x_1..x_T
                    c   = [->h_T ; <-h_1]    its final states: the fixed context vector

Decoder (seed §5, §7), step i = 1..T':
    attention = "none":      c_i = c for every i                 (the bottleneck, seed §6)
    otherwise:               c_i = sum_j alpha_ij h_j            (see attention.py)
    s_i = g(y_{i-1}, s_{i-1}, c_i)      a GRU (or LSTM) cell on [E y_{i-1} ; c_i]
    P(y_i | y_<i, X) = softmax(W_o [s_i ; c_i] + b_o)

The readout sees the context as well as the state, as in both papers the seed builds on:
Cho et al. (2014) predict y_t from (s_t, y_{t-1}, c), Bahdanau et al. (2015) from
(s_i, y_{i-1}, c_i). It lets y_i come straight from where the decoder looks at step i.

s_0 = tanh(W_init c). Every kind has the same sizes (d for h_j, s_i and c_i), so the
models differ only in how c_i is made: comparisons between them are fair.

Shapes: B batch, T source length, T' target length, d = `ModelConfig.hidden`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from .attention import Attention
from .vocab import PAD_ID

ATTENTION_KINDS = ("none", "additive", "dot", "general")


@dataclass
class ModelConfig:
    src_vocab_size: int
    tgt_vocab_size: int
    attention: str = "additive"  # none | additive | dot | general
    hidden: int = 128  # d: size of h_j (both directions together), s_i and c_i
    embedding: int = 32  # size of the token embeddings E x_j and E y_i
    rnn: str = "gru"  # gru | lstm

    def __post_init__(self) -> None:
        if self.attention not in ATTENTION_KINDS:
            raise ValueError(
                f"unknown attention '{self.attention}'; choose from: {', '.join(ATTENTION_KINDS)}"
            )
        if self.rnn not in ("gru", "lstm"):
            raise ValueError(f"unknown rnn '{self.rnn}'; choose from: gru, lstm")
        if self.hidden % 2:
            raise ValueError("hidden must be even: it is split over the two encoder directions")

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Encoded:
    """What the encoder hands the decoder for one batch of sources."""

    memory: Tensor  # (B, T, d)  h_1..h_T
    context: Tensor  # (B, d)    c = [->h_T ; <-h_1]
    mask: Tensor | None  # (B, T) True at real tokens; None when nothing is padded
    keys: Tensor | None  # (B, T, d) the attention's precomputed part (None without attention)


class Encoder(nn.Module):
    """x_1..x_T -> h_1..h_T and the fixed context c (seed §4)."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.embed = nn.Embedding(cfg.src_vocab_size, cfg.embedding, padding_idx=PAD_ID)
        rnn = nn.GRU if cfg.rnn == "gru" else nn.LSTM
        self.rnn = rnn(cfg.embedding, cfg.hidden // 2, batch_first=True, bidirectional=True)

    def forward(self, src: Tensor, src_len: Tensor) -> tuple[Tensor, Tensor]:
        """src (B, T) ids, src_len (B,) -> memory (B, T, d), context (B, d)."""
        x = self.embed(src)
        if bool((src_len == src.size(1)).all()):  # nothing padded: no packing needed
            memory, final = self.rnn(x)
        else:  # packing keeps <pad> out of both directions
            packed = pack_padded_sequence(x, src_len.cpu(), batch_first=True, enforce_sorted=False)
            memory, final = self.rnn(packed)
            memory, _ = pad_packed_sequence(memory, batch_first=True, total_length=src.size(1))
        h_n = final[0] if isinstance(final, tuple) else final  # LSTM also returns cell states
        context = torch.cat([h_n[0], h_n[1]], dim=1)  # [->h_T ; <-h_1]
        return memory, context


class Decoder(nn.Module):
    """s_i = g(y_{i-1}, s_{i-1}, c_i) and P(y_i | y_<i, X) = softmax(W_o [s_i ; c_i] + b_o)."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        d = cfg.hidden
        self.embed = nn.Embedding(cfg.tgt_vocab_size, cfg.embedding, padding_idx=PAD_ID)
        self.attention = None if cfg.attention == "none" else Attention(cfg.attention, d)
        self.W_init = nn.Linear(d, d)
        cell = nn.GRUCell if cfg.rnn == "gru" else nn.LSTMCell
        self.cell = cell(cfg.embedding + d, d)
        self.W_o = nn.Linear(2 * d, cfg.tgt_vocab_size)

    def init_state(self, enc: Encoded):
        """s_0 = tanh(W_init c); an LSTM also carries a cell state (started at 0)."""
        s0 = torch.tanh(self.W_init(enc.context))
        return s0 if isinstance(self.cell, nn.GRUCell) else (s0, torch.zeros_like(s0))

    @staticmethod
    def s(state) -> Tensor:
        """The decoder state s_i (the LSTM's hidden state h, not its cell)."""
        return state[0] if isinstance(state, tuple) else state

    def advance(self, y_emb: Tensor, state, enc: Encoded):
        """One step from E y_{i-1} (B, emb) and state_{i-1}.

        Returns (state_i, c_i (B, d), alpha_i. (B, T) or None, e_i. (B, T) or None).
        """
        if self.attention is None:
            c, alpha, e = enc.context, None, None
        else:
            c, alpha, e = self.attention(self.s(state), enc.keys, enc.memory, enc.mask)
        state = self.cell(torch.cat([y_emb, c], dim=1), state)
        return state, c, alpha, e

    def readout(self, s: Tensor, c: Tensor) -> Tensor:
        """Logits W_o [s_i ; c_i] + b_o: (..., d), (..., d) -> (..., V). Softmax gives P(y_i)."""
        return self.W_o(torch.cat([s, c], dim=-1))


class Seq2Seq(nn.Module):
    """Encoder + decoder, trained with teacher forcing and decoded step by step."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.encoder = Encoder(cfg)
        self.decoder = Decoder(cfg)

    @property
    def device(self) -> torch.device:
        return self.decoder.W_o.weight.device

    def encode(self, src: Tensor, src_len: Tensor) -> Encoded:
        memory, context = self.encoder(src, src_len)
        T = src.size(1)
        mask = None
        if bool((src_len < T).any()):
            mask = torch.arange(T, device=src.device).unsqueeze(0) < src_len.unsqueeze(1)
        att = self.decoder.attention
        keys = None if att is None else att.precompute(memory)
        return Encoded(memory, context, mask, keys)

    def forward(self, src: Tensor, src_len: Tensor, tgt_in: Tensor) -> Tensor:
        """Teacher forcing: logits (B, T', V) for inputs tgt_in = <sos> y_1 .. y_{T'-1}."""
        enc = self.encode(src, src_len)
        state = self.decoder.init_state(enc)
        y_emb = self.decoder.embed(tgt_in)  # (B, T', emb), all steps at once
        states, contexts = [], []
        for i in range(tgt_in.size(1)):
            state, c, _, _ = self.decoder.advance(y_emb[:, i], state, enc)
            states.append(self.decoder.s(state))
            contexts.append(c)
        # the readout for every step at once: one big matrix product instead of T' small ones
        return self.decoder.readout(torch.stack(states, dim=1), torch.stack(contexts, dim=1))


def pick_device(name: str | None = None) -> torch.device:
    """'auto' (or None): CUDA when present, else CPU; or exactly the device named."""
    if name in (None, "auto"):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(name)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError("--device cuda was asked for, but no CUDA GPU is available here")
    return device
