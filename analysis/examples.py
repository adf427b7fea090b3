"""The worked examples of the Theory page: one decoding `Trace` in, the numbers a section of
the seed can point at out (presentation/theory_latex.py writes them as LaTeX).

    §1, §2  sequence_example    X, Y, T, T' and P(Y | X) = prod_t P(y_t | y_<t, X)
    §4, §6  encoder_example     ||h_j|| for j = 1..T and the fixed context ||c||, c in R^d
    §5      decoder_example     one step t: y_{t-1}, ||s_t||, P(y_t | y_<t, X)
    §7      attention_example   one row alpha_i., its scores e_i., the c_i it makes
    §9      sequential_depth,   how many recurrent steps this input needs one after another,
            architectures       and the RNN against the Transformer, counted for this input
            LimitationNumbers   one measurement per row of the seed's §9 table (limits.py)

Plain data in, plain data out, and no torch: the trace is already plain numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from s2s_core.trace import Trace, sequence_log_probability


def top_positions(weights: list[float], k: int = 3) -> list[int]:
    """The k source positions j (0-based) with the largest weights, largest first."""
    return sorted(range(len(weights)), key=lambda j: -weights[j])[:k]


@dataclass
class SequenceExample:
    """§1-§2: X and Y of one decoding and P(Y | X) as the product of its step probabilities.

    T' counts the output steps including the final <eos>: stopping is a choice too.
    """

    source: str
    output: str
    T: int
    T_out: int  # T'
    step_probs: list[float]  # P(y_t | y_<t, X) for t = 1..T'
    probability: float  # prod_t P(y_t | y_<t, X)
    log_probability: float  # sum_t log P(y_t | y_<t, X)
    finished: bool  # the last step wrote <eos>


def sequence_example(trace: Trace) -> SequenceExample:
    probs = [s.prob for s in trace.steps]
    return SequenceExample(
        trace.source,
        trace.output,
        len(trace.source_tokens),
        len(probs),
        probs,
        math.prod(probs),
        sequence_log_probability(probs),
        trace.finished,
    )


@dataclass
class EncoderExample:
    """§4: the encoder's annotations h_j (their lengths) and the fixed context c."""

    tokens: list[str]  # x_1..x_T
    norms: list[float]  # ||h_j||
    fixed_norm: float  # ||c||
    d: int  # c in R^d

    @property
    def T(self) -> int:
        return len(self.tokens)

    @property
    def longest(self) -> int:
        """The 0-based position j of the longest h_j."""
        return max(range(len(self.norms)), key=self.norms.__getitem__)


def encoder_example(trace: Trace) -> EncoderExample:
    d = len(trace.steps[0].context) if trace.steps else 0  # c_i has the size of h_j and c
    return EncoderExample(
        list(trace.source_tokens), list(trace.encoder_norms), trace.fixed_context_norm, d
    )


@dataclass
class DecoderExample:
    """§5: step t of the decoder: what it was fed, its state and what it wrote."""

    t: int
    previous: str  # y_{t-1} (<sos> at t = 1)
    token: str  # y_t
    prob: float  # P(y_t | y_<t, X)
    state_norm: float  # ||s_t||
    topk: list[tuple[str, float]]

    @property
    def runner_up(self) -> tuple[str, float] | None:
        """The most likely token other than the one written, with its probability."""
        return next(((tok, p) for tok, p in self.topk if tok != self.token), None)


def decoder_example(trace: Trace, t: int) -> DecoderExample:
    """Step t (1-based; clamped to the trace's steps)."""
    t = max(1, min(t, len(trace.steps)))
    step = trace.steps[t - 1]
    previous = "<sos>" if t == 1 else trace.steps[t - 2].token
    return DecoderExample(t, previous, step.token, step.prob, step.state_norm, list(step.topk))


@dataclass
class AttentionExample:
    """§7: one row alpha_i. of an attention model, its scores e_i. and its c_i."""

    i: int
    kind: str  # the score function: additive, dot or general
    tokens: list[str]
    top: list[int]  # 0-based positions j with the largest alpha_ij, largest first
    alpha: list[float]  # alpha_i. over all positions j
    scores: list[float]  # e_i. over all positions j
    context_norm: float  # ||c_i||
    token: str  # y_i

    @property
    def alpha_sum(self) -> float:
        return sum(self.alpha)


def attention_example(trace: Trace, i: int, k: int = 3) -> AttentionExample:
    """Step i (1-based; clamped) of an attention trace; ValueError for a model without one."""
    if not trace.has_attention:
        raise ValueError("a model without attention has no alpha_ij")
    i = max(1, min(i, len(trace.steps)))
    step = trace.steps[i - 1]
    assert step.attention is not None and step.scores is not None
    return AttentionExample(
        i,
        trace.attention_kind,
        list(trace.source_tokens),
        top_positions(step.attention, k),
        list(step.attention),
        list(step.scores),
        step.context_norm,
        step.token,
    )


def sequential_depth(trace: Trace) -> tuple[int, int]:
    """(T, T'): the recurrent steps that must run one after another for this input.

    The encoder runs its two directions side by side, T steps each; the decoder then
    runs T' steps, each waiting for the symbol written by the one before.
    """
    return len(trace.source_tokens), len(trace.steps)


@dataclass(frozen=True)
class Architecture:
    """§9, counted for one input: what must run one after another, and how far apart two
    tokens are (the number of steps information takes from one to the other)."""

    name: str
    encoder_sequential: int  # operations that must wait for the one before, in the encoder
    training_sequential: int  # the same for one teacher-forced training pass (enc. + dec.)
    decoding_sequential: int  # ... and for decoding the output one token at a time
    longest_path: int  # the most steps between two source tokens


def architectures(T: int, T_out: int, layers: int) -> list[Architecture]:
    """The RNN encoder-decoder and an L-layer Transformer on a source of T tokens and an
    output of T' steps. The RNN's encoder is T steps deep whatever the hardware; the
    Transformer's is L layers, each over all positions at once. Both decoders still write
    one token at a time when decoding (the Transformer's each through its L layers): only
    training runs every target position at once.
    T counts the source as the RNN reads it (the Transformer adds an end marker, in parallel).
    """
    return [
        Architecture("RNN (bidirectional GRU + attention)", T, T + T_out, T + T_out, T - 1),
        Architecture(
            f"Transformer ({layers} layers)", layers, 2 * layers, layers + layers * T_out, 1
        ),
    ]


@dataclass(frozen=True)
class LimitationNumbers:
    """One measurement per row of the seed's §9 table (presentation.theory.LIMITATIONS);
    analysis/limits.py fills it in."""

    T: int  # sequential constraints: this input's encoder steps (each direction) ...
    T_out: int  # ... then its decoder steps, one after another
    fixed_by_length: list[tuple[int, int, float]] | None  # long-range decay: reverse-none
    capacity: list[tuple[int, float]]  # bottleneck: (d, exact match), fixed-context reverse
