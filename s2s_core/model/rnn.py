"""The RNN encoder-decoder (seed §4, §5, §7), with or without attention.

Encoder (seed §4):  h_t = f(x_t, h_{t-1})        a GRU (or LSTM) step, in both directions
                    h_j = [->h_j ; <-h_j]         the annotation of position j
                    c   = [->h_T ; <-h_1]         the final states: the fixed context vector

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

Each formula is a short function below. The encoder runs the whole sequence at once with
nn.GRU (fused and fast); `Encoder.stepwise` is the same computation written as the loop of
f over t, and a test checks that the two agree.

Shapes: B batch, T source length, T' target length, d = `ModelConfig.hidden`.
"""

from __future__ import annotations

from typing import cast

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from s2s_core.model.attention import Attention, ScoreKind
from s2s_core.model.config import ModelConfig
from s2s_core.model.steps import Encoded, StepTensors
from s2s_core.model.vocab import PAD_ID

State = Tensor | tuple[Tensor, Tensor]  # a GRU's state s; an LSTM's (s, memory cell)


# --- the formulas ------------------------------------------------------------------------


# h_t = f(x_t, h_{t-1})
def encoder_step(rnn: nn.GRU | nn.LSTM, direction: int, x_t: Tensor, h_prev: State) -> State:
    """One step of one direction (0: ->, 1: <-) of the encoder's RNN, with its own weights:
    E x_t (B, emb), h_{t-1} (B, d/2) -> h_t (B, d/2) (an LSTM also carries its cell)."""
    suffix = "_l0" + ("_reverse" if direction else "")
    weights = [
        getattr(rnn, name + suffix) for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
    ]
    if isinstance(h_prev, tuple):  # an LSTM: (h, memory cell)
        h, cell = torch.lstm_cell(x_t, h_prev, *weights)
        return h, cell
    return torch.gru_cell(x_t, h_prev, *weights)


# h_j = [->h_j ; <-h_j]
def annotation(h_forward: Tensor, h_backward: Tensor) -> Tensor:
    """The two directions' states side by side: (..., d/2), (..., d/2) -> (..., d)."""
    return torch.cat([h_forward, h_backward], dim=-1)


# m_j = h_j + W_x E x_j
def keep_symbol(h: Tensor, W_x: nn.Linear, E_x: Tensor) -> Tensor:
    """The memory of ModelConfig.memory "h+x": each annotation plus its own symbol's
    embedding, projected, (B, T, d), (B, T, emb) -> (B, T, d). The forward half of a
    bidirectional h_{j+1} read x_j one step before, so attention that reads h alone can look
    one position past the symbol it needs and still find it; with x_j added, position j holds
    x_j itself."""
    return h + W_x(E_x)


# c = [->h_T ; <-h_1]
def fixed_context(h_n: Tensor) -> Tensor:
    """The final state of each direction, (2, B, d/2), as one vector c (B, d): the forward
    RNN ends at x_T, the backward one at x_1."""
    return annotation(h_n[0], h_n[1])


# s_0 = tanh(W_init c)
def initial_state(W_init: nn.Linear, c: Tensor) -> Tensor:
    """The decoder's first state from the fixed context: (B, d) -> (B, d)."""
    return torch.tanh(W_init(c))


# s_i = g(y_{i-1}, s_{i-1}, c_i)
def decoder_step(
    cell: nn.GRUCell | nn.LSTMCell, E_y_prev: Tensor, s_prev: State, c_i: Tensor
) -> State:
    """The decoder's RNN cell on [E y_{i-1} ; c_i]: (B, emb), s_{i-1}, (B, d) -> s_i."""
    return cell(torch.cat([E_y_prev, c_i], dim=1), s_prev)


# P(y_i | y_<i, X) = softmax(W_o [s_i ; c_i] + b_o)
def readout(W_o: nn.Linear, s_i: Tensor, c_i: Tensor) -> Tensor:
    """The logits W_o [s_i ; c_i] + b_o: (..., d), (..., d) -> (..., V); softmax gives P."""
    return W_o(torch.cat([s_i, c_i], dim=-1))


# --- the modules -------------------------------------------------------------------------


class Encoder(nn.Module):
    """x_1..x_T -> h_1..h_T and the fixed context c (seed §4)."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.embed = nn.Embedding(cfg.src_vocab_size, cfg.embedding, padding_idx=PAD_ID)
        rnn = nn.GRU if cfg.rnn == "gru" else nn.LSTM
        self.rnn = rnn(cfg.embedding, cfg.hidden // 2, batch_first=True, bidirectional=True)
        self.drop = nn.Dropout(cfg.dropout)  # a no-op in eval mode: traces never see it
        # memory "h+x" only: W_x projects E x_j into the annotation's space
        self.W_x = nn.Linear(cfg.embedding, cfg.hidden, bias=False) if cfg.memory == "h+x" else None

    def forward(self, src: Tensor, src_len: Tensor) -> tuple[Tensor, Tensor]:
        """src (B, T) ids, src_len (B,) -> memory (B, T, d), context (B, d). Fused: nn.GRU.
        The memory is h_1..h_T, or with memory "h+x" each h_j + W_x E x_j (keep_symbol)."""
        x = self.drop(self.embed(src))
        if bool((src_len == src.size(1)).all()):  # nothing padded: no packing needed
            memory, final = self.rnn(x)
        else:  # packing keeps <pad> out of both directions
            packed = pack_padded_sequence(x, src_len.cpu(), batch_first=True, enforce_sorted=False)
            packed_memory, final = self.rnn(packed)
            memory, _ = pad_packed_sequence(
                packed_memory, batch_first=True, total_length=src.size(1)
            )
        h_n = final[0] if isinstance(final, tuple) else final  # LSTM also returns cell states
        if self.W_x is not None:
            memory = keep_symbol(memory, self.W_x, x)
        return memory, fixed_context(h_n)

    def stepwise(self, src: Tensor) -> tuple[Tensor, Tensor]:
        """The same as `forward` for one unpadded source (1, T), as the seed writes it: f
        applied at t = 1..T left to right and at t = T..1 right to left. The reference that
        the fused nn.GRU is tested against; slow, for reading and for tests."""
        x = self.embed(src)[0]  # (T, emb)
        T, half = x.size(0), self.rnn.hidden_size
        states = []
        for direction, order in ((0, range(T)), (1, range(T - 1, -1, -1))):
            h: State = x.new_zeros(1, half)
            if isinstance(self.rnn, nn.LSTM):
                h = (x.new_zeros(1, half), x.new_zeros(1, half))
            h_t: list[Tensor] = [x.new_zeros(0)] * T
            for t in order:
                h = encoder_step(self.rnn, direction, x[t : t + 1], h)
                h_t[t] = h[0] if isinstance(h, tuple) else h
            states.append(torch.cat(h_t))  # (T, d/2) in source order
        memory = annotation(states[0], states[1]).unsqueeze(0)  # (1, T, d)
        if self.W_x is not None:
            memory = keep_symbol(memory, self.W_x, x.unsqueeze(0))
        context = annotation(states[0][-1:], states[1][:1])  # [->h_T ; <-h_1]: (1, d)
        return memory, context


class Decoder(nn.Module):
    """s_i = g(y_{i-1}, s_{i-1}, c_i) and P(y_i | y_<i, X) = softmax(W_o [s_i ; c_i] + b_o)."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        d = cfg.hidden
        self.embed = nn.Embedding(cfg.tgt_vocab_size, cfg.embedding, padding_idx=PAD_ID)
        kind = cast(ScoreKind, cfg.attention)  # "none" has no Attention; Seq2Seq refuses others
        self.attention = Attention(kind, d) if cfg.attention != "none" else None
        self.W_init = nn.Linear(d, d)
        cell = nn.GRUCell if cfg.rnn == "gru" else nn.LSTMCell
        self.cell = cell(cfg.embedding + d, d)
        self.W_o = nn.Linear(2 * d, cfg.tgt_vocab_size)

    def init_state(self, enc: Encoded) -> State:
        """s_0 = tanh(W_init c); an LSTM also carries a memory cell (started at 0)."""
        s0 = initial_state(self.W_init, enc.context)
        return s0 if isinstance(self.cell, nn.GRUCell) else (s0, torch.zeros_like(s0))

    @staticmethod
    def s(state: State) -> Tensor:
        """The decoder state s_i (the LSTM's hidden state h, not its cell)."""
        return state[0] if isinstance(state, tuple) else state

    def advance(
        self, y_emb: Tensor, state: State, enc: Encoded
    ) -> tuple[State, Tensor, Tensor | None, Tensor | None]:
        """One step from E y_{i-1} (B, emb) and state_{i-1}.

        Returns (state_i, c_i (B, d), alpha_i. (B, T) or None, e_i. (B, T) or None).
        """
        if self.attention is None:
            c, alpha, e = enc.context, None, None
        else:
            assert enc.keys is not None  # Seq2Seq.encode precomputes them for attention
            c, alpha, e = self.attention(self.s(state), enc.keys, enc.memory, enc.mask)
        return decoder_step(self.cell, y_emb, state, c), c, alpha, e

    def readout(self, s: Tensor, c: Tensor) -> Tensor:
        """Logits W_o [s_i ; c_i] + b_o: (..., d), (..., d) -> (..., V). Softmax gives P(y_i)."""
        return readout(self.W_o, s, c)


class Seq2Seq(nn.Module):
    """Encoder + decoder, trained with teacher forcing and decoded step by step."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        if cfg.is_transformer:
            raise ValueError("a Transformer config: build it with model.build_model")
        self.cfg = cfg
        self.encoder = Encoder(cfg)
        self.decoder = Decoder(cfg)
        self.drop = nn.Dropout(cfg.dropout)  # training only (teacher forcing, below)

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

    def begin(self, enc: Encoded) -> State:
        """The decoder's state before step 1: s_0 = tanh(W_init c)."""
        return self.decoder.init_state(enc)

    def advance(self, y_prev: Tensor, state: State, enc: Encoded) -> tuple[State, StepTensors]:
        """One step: y_{i-1} (B,) ids and s_{i-1} -> s_i, and the logits of P(y_i | y_<i, X)."""
        state, c, alpha, e = self.decoder.advance(self.decoder.embed(y_prev), state, enc)
        s = self.decoder.s(state)
        return state, StepTensors(self.decoder.readout(s, c), c, s, alpha, e)

    @staticmethod
    def keep(state: State, rows: Tensor) -> State:
        """The states of some batch rows (beam search: the hypotheses that go on)."""
        return (state[0][rows], state[1][rows]) if isinstance(state, tuple) else state[rows]

    def forward(self, src: Tensor, src_len: Tensor, tgt_in: Tensor) -> Tensor:
        """Teacher forcing: logits (B, T', V) for inputs tgt_in = <sos> y_1 .. y_{T'-1}."""
        enc = self.encode(src, src_len)
        state = self.decoder.init_state(enc)
        y_emb = self.drop(self.decoder.embed(tgt_in))  # (B, T', emb), all steps at once
        states, contexts = [], []
        for i in range(tgt_in.size(1)):
            state, c, _, _ = self.decoder.advance(y_emb[:, i], state, enc)
            states.append(self.decoder.s(state))
            contexts.append(c)
        # the readout for every step at once: one big matrix product instead of T' small ones
        s, c = self.drop(torch.stack(states, dim=1)), self.drop(torch.stack(contexts, dim=1))
        return self.decoder.readout(s, c)
