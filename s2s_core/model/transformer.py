"""The Transformer encoder-decoder (seed §9-10; Vaswani et al. 2017), small and readable.

The seed ends where this model starts: attention becomes the primary operation and the
recurrence goes. Every position reads every other one in one step (path length O(1)):

    Attention(Q, K, V) = softmax(Q K^T / sqrt(d_k)) V        scaled dot-product attention
    head_h    = Attention(Q W_h^Q, K W_h^K, V W_h^V)          one of H heads, d_k = d_model / H
    MultiHead = [head_1 ; ... ; head_H] W^O
    FFN(x)    = max(0, x W_1 + b_1) W_2 + b_2
    PE(pos, 2k) = sin(pos / 10000^(2k / d_model)),  PE(pos, 2k+1) = cos(...)

Each block is pre-LN (x + Sublayer(LayerNorm(x)), as most Transformers since 2019 train it:
no warm-up tricks needed). The encoder has L layers of self-attention + FFN over x_1..x_T;
the decoder L layers of masked self-attention over y_<i (a causal mask: position i never
sees i+1..), cross-attention over the encoder's output, and FFN; then W_o gives the logits.

Decoding one token at a time keeps a key/value cache: each step computes one new position
and appends its K and V, instead of running the whole prefix again (`DecoderCache`).
Cross-attention's K and V are computed once per source.

Masks put -inf into the scores before the softmax: padding in the source, the future in
the decoder's self-attention.

The encoder reads the source followed by an end marker, x_{T+1} = <eos>, as in the paper's
translation models: attention alone has no sense of where a sequence stops (padding is
masked away), and a task like reverse must start from the last letter. The marker is the
encoder's alone: its self-attention reads it, so every m_j knows where the source ends, but
the decoder's cross-attention reads only m_1..m_T, the source's own positions. So each
cross-attention row sums to 1 over the T letters, as the RNN's alpha_i does.

Shapes: B batch, T source length, i positions decoded so far, d = d_model = `hidden`,
H heads, d_k = d / H, L layers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import cast

import torch
from torch import Tensor, nn

from s2s_core.model.config import ModelConfig
from s2s_core.model.steps import Encoded, StepTensors
from s2s_core.model.vocab import EOS_ID, PAD_ID


# Attention(Q, K, V) = softmax(Q K^T / sqrt(d_k)) V
def scaled_dot_product_attention(
    Q: Tensor, K: Tensor, V: Tensor, mask: Tensor | None = None
) -> tuple[Tensor, Tensor]:
    """Q (..., n, d_k), K (..., m, d_k), V (..., m, d_k), mask (..., n, m) True where allowed
    -> (output (..., n, d_k), weights (..., n, m), each row summing to 1 over allowed keys)."""
    scores = Q @ K.transpose(-2, -1) / math.sqrt(Q.size(-1))  # (..., n, m)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    return weights @ V, weights


# PE(pos, 2k) = sin(pos / 10000^(2k/d)),  PE(pos, 2k+1) = cos(pos / 10000^(2k/d))
def sinusoidal_positions(n: int, d: int, start: int = 0) -> Tensor:
    """The positional encodings of positions start..start+n-1: (n, d)."""
    pos = torch.arange(start, start + n, dtype=torch.float32).unsqueeze(1)  # (n, 1)
    rates = torch.exp(torch.arange(0, d, 2, dtype=torch.float32) * (-math.log(10000.0) / d))
    pe = torch.zeros(n, d)
    pe[:, 0::2] = torch.sin(pos * rates)
    pe[:, 1::2] = torch.cos(pos * rates[: d // 2])
    return pe


class MultiHeadAttention(nn.Module):
    """MultiHead(Q, K, V) = [head_1 ; ... ; head_H] W^O, head_h = Attention(Q W_h^Q, ...)."""

    def __init__(self, d: int, heads: int):
        super().__init__()
        if d % heads:
            raise ValueError(f"d_model {d} is not divisible by {heads} heads")
        self.H, self.d_k = heads, d // heads
        self.W_Q, self.W_K, self.W_V = (nn.Linear(d, d) for _ in range(3))
        self.W_O = nn.Linear(d, d)

    def split(self, x: Tensor) -> Tensor:
        """(B, n, d) -> (B, H, n, d_k): each head its own slice of the projection."""
        B, n, _ = x.shape
        return x.view(B, n, self.H, self.d_k).transpose(1, 2)

    def keys_values(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """K = x W^K and V = x W^V, split into heads: (B, m, d) -> 2 x (B, H, m, d_k)."""
        return self.split(self.W_K(x)), self.split(self.W_V(x))

    # MultiHead(Q, K, V) = [head_1; ...; head_H] W^O, head_h = Attention(Q W_h^Q, K W_h^K, V W_h^V)
    def forward(
        self, x: Tensor, K: Tensor, V: Tensor, mask: Tensor | None
    ) -> tuple[Tensor, Tensor]:
        """Queries from x (B, n, d) against K, V (B, H, m, d_k); mask (B, 1 or n, m) or None
        -> (output (B, n, d), weights (B, H, n, m))."""
        heads, weights = scaled_dot_product_attention(
            self.split(self.W_Q(x)), K, V, None if mask is None else mask.unsqueeze(1)
        )
        B, _, n, _ = heads.shape
        return self.W_O(heads.transpose(1, 2).reshape(B, n, self.H * self.d_k)), weights


def feed_forward(d: int) -> nn.Sequential:
    """FFN(x) = max(0, x W_1 + b_1) W_2 + b_2, with the inner size 4 d of the paper."""
    return nn.Sequential(nn.Linear(d, 4 * d), nn.ReLU(), nn.Linear(4 * d, d))


class EncoderLayer(nn.Module):
    """x + SelfAttention(LN(x)), then x + FFN(LN(x))."""

    def __init__(self, d: int, heads: int, dropout: float):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attn, self.ffn = MultiHeadAttention(d, heads), feed_forward(d)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: Tensor, mask: Tensor | None) -> tuple[Tensor, Tensor]:
        """x (B, T, d), mask (B, 1, T) -> (B, T, d) and the self-attention (B, H, T, T)."""
        h = self.ln1(x)
        a, weights = self.attn(h, *self.attn.keys_values(h), mask)
        x = x + self.drop(a)
        return x + self.drop(self.ffn(self.ln2(x))), weights


@dataclass
class LayerCache:
    """One decoder layer's keys and values: its own past positions, and the source's."""

    self_K: Tensor  # (B, H, i, d_k) grows by one position a step
    self_V: Tensor
    cross_K: Tensor  # (B, H, T, d_k) computed once per source
    cross_V: Tensor


@dataclass
class DecoderCache:
    """What incremental decoding keeps between steps: the position and each layer's K, V."""

    position: int
    layers: list[LayerCache] = field(default_factory=list)

    def __getitem__(self, rows: Tensor) -> DecoderCache:
        """The cache of some batch rows (beam search keeps the hypotheses that go on)."""
        return DecoderCache(
            self.position,
            [LayerCache(*(t[rows] for t in vars(layer).values())) for layer in self.layers],
        )


class DecoderLayer(nn.Module):
    """x + MaskedSelfAttention(LN(x)), x + CrossAttention(LN(x), memory), x + FFN(LN(x))."""

    def __init__(self, d: int, heads: int, dropout: float):
        super().__init__()
        self.ln1, self.ln2, self.ln3 = nn.LayerNorm(d), nn.LayerNorm(d), nn.LayerNorm(d)
        self.self_attn = MultiHeadAttention(d, heads)
        self.cross_attn = MultiHeadAttention(d, heads)
        self.ffn = feed_forward(d)
        self.drop = nn.Dropout(dropout)

    def forward(
        self,
        y: Tensor,
        self_KV: tuple[Tensor, Tensor],
        self_mask: Tensor | None,
        cross_KV: tuple[Tensor, Tensor],
        src_mask: Tensor | None,
    ) -> tuple[Tensor, Tensor, Tensor]:
        """y (B, n, d) -> (B, n, d), self-attention (B, H, n, i), cross (B, H, n, T)."""
        a, self_w = self.self_attn(self.ln1(y), *self_KV, self_mask)
        y = y + self.drop(a)
        a, cross_w = self.cross_attn(self.ln2(y), *cross_KV, src_mask)
        y = y + self.drop(a)
        return y + self.drop(self.ffn(self.ln3(y))), self_w, cross_w


# x_1 .. x_T  ->  x_1 .. x_T <eos>
def with_end_marker(src: Tensor, src_len: Tensor) -> tuple[Tensor, Tensor]:
    """src (B, T) padded, src_len (B,) -> (B, T + 1) with <eos> right after each source's
    last real token, and the lengths + 1."""
    B = src.size(0)
    src = torch.cat([src, src.new_full((B, 1), PAD_ID)], dim=1)  # (B, T + 1)
    src[torch.arange(B, device=src.device), src_len] = EOS_ID
    return src, src_len + 1


def causal_mask(n: int, device: torch.device) -> Tensor:
    """(n, n) True on and below the diagonal: position i sees positions 1..i only."""
    return torch.ones(n, n, dtype=torch.bool, device=device).tril()


class TransformerSeq2Seq(nn.Module):
    """Encoder and decoder stacks, token embeddings scaled by sqrt(d), sinusoidal positions.

    Speaks the same step interface as the RNN (steps.py): encode, begin, advance, keep.
    """

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        if not cfg.is_transformer:
            raise ValueError(f"not a Transformer config: attention {cfg.attention!r}")
        self.cfg = cfg
        d, H, L = cfg.hidden, cfg.heads, cfg.layers
        self.d = d
        self.src_embed = nn.Embedding(cfg.src_vocab_size, d, padding_idx=PAD_ID)
        self.tgt_embed = nn.Embedding(cfg.tgt_vocab_size, d, padding_idx=PAD_ID)
        self.encoder = nn.ModuleList(EncoderLayer(d, H, cfg.dropout) for _ in range(L))
        self.decoder = nn.ModuleList(DecoderLayer(d, H, cfg.dropout) for _ in range(L))
        self.ln_enc, self.ln_dec = nn.LayerNorm(d), nn.LayerNorm(d)
        self.W_o = nn.Linear(d, cfg.tgt_vocab_size)
        self.drop = nn.Dropout(cfg.dropout)

    @property
    def device(self) -> torch.device:
        return self.W_o.weight.device

    def encoder_layers(self) -> list[EncoderLayer]:
        return cast(list[EncoderLayer], list(self.encoder))

    def decoder_layers(self) -> list[DecoderLayer]:
        return cast(list[DecoderLayer], list(self.decoder))

    def embed(self, table: nn.Embedding, ids: Tensor, start: int = 0) -> Tensor:
        """E x sqrt(d) + PE: ids (B, n) -> (B, n, d), positions start..start+n-1."""
        pe = sinusoidal_positions(ids.size(1), self.d, start).to(ids.device)
        return self.drop(table(ids) * math.sqrt(self.d) + pe)

    def encoder_stack(self, src: Tensor, src_len: Tensor) -> tuple[Tensor, Tensor, list[Tensor]]:
        """src (B, T) -> memory m_1..m_T (B, T, d), the source mask (B, 1, T), and each
        encoder layer's self-attention (B, H, T+1, T+1), the end marker's position included:
        the encoder reads x_1..x_T <eos>; the decoder is given only the T source positions."""
        T = src.size(1)
        marked, marked_len = with_end_marker(src, src_len)  # (B, T+1), (B,)
        positions = torch.arange(T + 1, device=src.device)
        marked_mask = (positions < marked_len.unsqueeze(1)).unsqueeze(1)  # (B, 1, T+1)
        x, weights = self.embed(self.src_embed, marked), []
        for layer in self.encoder_layers():
            x, w = layer(x, marked_mask)
            weights.append(w)
        memory = self.ln_enc(x)[:, :T]  # (B, T, d): the marker's own position is dropped
        mask = (positions[:T] < src_len.unsqueeze(1)).unsqueeze(1)  # (B, 1, T)
        return memory, mask, weights

    def encode(self, src: Tensor, src_len: Tensor) -> Encoded:
        """The source, once: memory (B, T, d); as "c", the mean of its real positions (a
        Transformer has no fixed context: this is only what the pages compare ||c_i|| to)."""
        memory, mask, _ = self.encoder_stack(src, src_len)
        real = mask[:, 0].unsqueeze(2).float()  # (B, T, 1)
        context = (memory * real).sum(1) / real.sum(1)
        padded = bool((src_len < src.size(1)).any())  # some source shorter than the longest
        return Encoded(memory, context, mask[:, 0] if padded else None, None)

    def forward(self, src: Tensor, src_len: Tensor, tgt_in: Tensor) -> Tensor:
        """Teacher forcing, all positions at once: logits (B, T', V) for <sos> y_1..y_{T'-1}."""
        memory, src_mask, _ = self.encoder_stack(src, src_len)
        return self.decode_all(memory, src_mask, tgt_in)

    def decode_all(self, memory: Tensor, src_mask: Tensor | None, tgt_in: Tensor) -> Tensor:
        """The decoder stack over a whole prefix at once, causal mask, no cache: memory
        (B, T, d), tgt_in (B, T') -> logits (B, T', V)."""
        y = self.embed(self.tgt_embed, tgt_in)
        self_mask = causal_mask(tgt_in.size(1), tgt_in.device).unsqueeze(0)  # (1, T', T')
        for layer in self.decoder_layers():
            h = layer.ln1(y)
            y, _, _ = layer(
                y,
                layer.self_attn.keys_values(h),
                self_mask,
                layer.cross_attn.keys_values(memory),
                src_mask,
            )
        return self.readout(y)

    # P(y_i | y_<i, X) = softmax(W_o LN(z_i) + b_o)
    def readout(self, z: Tensor) -> Tensor:
        """The decoder stack's output z_i (..., d) -> logits (..., V); a softmax gives P."""
        return self.W_o(self.ln_dec(z))

    def begin(self, enc: Encoded) -> DecoderCache:
        """An empty cache: nothing decoded yet, each layer's cross K, V from the memory."""
        nothing = enc.memory[:, :0]  # (B, 0, d)
        layers = [
            LayerCache(
                *layer.self_attn.keys_values(nothing), *layer.cross_attn.keys_values(enc.memory)
            )
            for layer in self.decoder_layers()
        ]
        return DecoderCache(0, layers)

    def advance(
        self, y_prev: Tensor, cache: DecoderCache, enc: Encoded
    ) -> tuple[DecoderCache, StepTensors]:
        """One position: y_{i-1} (B,) ids -> the grown cache and the step's tensors. Costs one
        position, not the whole prefix: the earlier positions' K, V are in the cache."""
        src_mask = None if enc.mask is None else enc.mask.unsqueeze(1)  # (B, 1, T)
        y = self.embed(self.tgt_embed, y_prev.unsqueeze(1), start=cache.position)  # (B, 1, d)
        new_layers, cross, self_ = [], [], []
        for layer, c in zip(self.decoder_layers(), cache.layers):
            K, V = layer.self_attn.keys_values(layer.ln1(y))
            self_K, self_V = torch.cat([c.self_K, K], dim=2), torch.cat([c.self_V, V], dim=2)
            y, self_w, cross_w = layer(y, (self_K, self_V), None, (c.cross_K, c.cross_V), src_mask)
            new_layers.append(LayerCache(self_K, self_V, c.cross_K, c.cross_V))
            cross.append(cross_w[:, :, 0])  # (B, H, T)
            self_.append(self_w[:, :, 0])  # (B, H, i)
        z = y[:, 0]  # (B, d) the decoder stack's output at position i
        s = self.ln_dec(z)  # (B, d) what W_o reads: recorded as s_i
        heads = torch.stack(cross, 1)  # (B, L, H, T)
        alpha = heads.mean(dim=(1, 2))  # (B, T): every layer and head, averaged
        c_i = (alpha.unsqueeze(2) * enc.memory).sum(1)  # (B, d)
        out = StepTensors(self.readout(z), c_i, s, alpha, None, heads, torch.stack(self_, 1))
        return DecoderCache(cache.position + 1, new_layers), out

    @staticmethod
    def keep(cache: DecoderCache, rows: Tensor) -> DecoderCache:
        """The cache of some batch rows (beam search: the hypotheses that go on)."""
        return cache[rows]
