"""The seed's formulas, one registry: each with its LaTeX, the function that computes it,
and where the code deviates from the seed and why.

Every page reads its formulas from here (Home's live formulas, the Theory page, the Train
page), and the tests compare each function with a literal transcription of its formula:
there is no second copy of any formula. The Theory page shows, under each formula, the
source of the function that implements it (`source`).

Symbols (Sutskever et al. 2014; Cho et al. 2014; Bahdanau et al. 2015; Luong et al. 2015):
x_j source symbol, h_j encoder state, c fixed context, s_i decoder state, y_i output symbol,
e_ij score, alpha_ij attention weight, c_i context vector of step i.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from s2s_core import attribution
from s2s_core.model import attention, decoding, rnn, transformer
from s2s_core.training import objective


@dataclass(frozen=True)
class Formula:
    key: str
    section: int  # the seed's section that introduces it
    name: str  # what it is, in words
    latex: str  # the formula, with the seed's symbols
    implementation: Callable[..., Any]  # the function that computes it
    deviation: str | None = None  # where the code differs from the seed, and why

    @property
    def where(self) -> str:
        """'s2s_core/model/attention.py · dot_score': the file and the function."""
        module = inspect.getmodule(self.implementation)
        path = (module.__name__ if module else "?").replace(".", "/") + ".py"
        return f"{path} · {self.implementation.__qualname__}"

    def source(self) -> str:
        """The source of the implementation, with the formula comment right above it."""
        lines, start = inspect.getsourcelines(self.implementation)
        module = inspect.getmodule(self.implementation)
        module_lines = inspect.getsourcelines(module)[0] if module else []
        comment = module_lines[start - 2] if start >= 2 and module_lines else ""
        head = [comment] if comment.lstrip().startswith("#") else []
        return "".join(head + lines)


_PREVIOUS_STATE = (
    "Luong et al. score the current state s_i; here, as in Bahdanau et al., "
    "every score function uses the state before the step, s_{i-1}, so that "
    "the three differ only in a(·,·)."
)

_ALL: tuple[Formula, ...] = (
    Formula(
        "sequence",
        2,
        "the output, one symbol at a time",
        r"P(Y \mid X) = \prod_{t=1}^{T'} P(y_t \mid y_1, \ldots, y_{t-1}, X)",
        decoding.sequence_log_probability,
        "Computed as log P(Y | X) = Σ_t log P(y_t | y_<t, X): a product of many "
        "probabilities would round to 0.",
    ),
    Formula(
        "encoder_step",
        4,
        "encoder step",
        r"h_t = f(x_t, h_{t-1})",
        rnn.encoder_step,
        "f is one GRU (or LSTM) step. The encoder runs it over the whole source at once "
        "with nn.GRU, fused and fast; Encoder.stepwise is the same loop written out, and "
        "a test checks that the two agree.",
    ),
    Formula(
        "annotation",
        4,
        "encoder state of position j (both directions)",
        r"h_j = [\overrightarrow{h}_j ; \overleftarrow{h}_j]",
        rnn.annotation,
        "The encoder is bidirectional: one RNN reads left to right, one right to left, "
        "so h_j knows the symbols on both sides of x_j.",
    ),
    Formula(
        "fixed_context",
        4,
        "fixed context",
        r"c = [\overrightarrow{h}_T ; \overleftarrow{h}_1], \quad c \in \mathbb{R}^d",
        rnn.fixed_context,
        "The seed writes c = h_T, the last state of one RNN. With two directions the last "
        "state of each is taken: the forward RNN ends at x_T, the backward one at x_1.",
    ),
    Formula(
        "initial_state",
        5,
        "first decoder state",
        r"s_0 = \tanh(W_{\mathrm{init}}\, c)",
        rnn.initial_state,
        "The seed leaves s_0 open; as in Bahdanau et al. (2015) it is made from c.",
    ),
    Formula(
        "decoder_step",
        5,
        "decoder state",
        r"s_i = g(y_{i-1}, s_{i-1}, c_i)",
        rnn.decoder_step,
        "g is a GRU (or LSTM) cell on [E y_{i-1} ; c_i]. Without attention c_i = c at "
        "every step: the seed's §5 form s_t = g(y_{t-1}, s_{t-1}, c).",
    ),
    Formula(
        "readout",
        5,
        "next-token distribution",
        r"P(y_i \mid y_{<i}, X) = \mathrm{softmax}(W_o [s_i ; c_i] + b_o)",
        rnn.readout,
        "The seed writes softmax(W_o s_t + b_o). Here the readout also sees the context, "
        "as in Cho et al. (2014) and Bahdanau et al. (2015): y_i can come straight from "
        "where the decoder looks. The function returns the logits; softmax gives P.",
    ),
    Formula(
        "score",
        7,
        "alignment score",
        r"e_{ij} = a(s_{i-1}, h_j)",
        attention.Attention.scores,
        "The part of a(·,·) that does not depend on s (U_a h_j, W_a h_j) is computed once "
        "per source (Attention.precompute), not at every step.",
    ),
    Formula(
        "additive",
        7,
        "alignment scores (additive)",
        r"e_{ij} = v_a^\top \tanh(W_a s_{i-1} + U_a h_j)",
        attention.additive_score,
    ),
    Formula(
        "dot",
        7,
        "alignment scores (dot)",
        r"e_{ij} = s_{i-1}^\top h_j",
        attention.dot_score,
        _PREVIOUS_STATE,
    ),
    Formula(
        "general",
        7,
        "alignment scores (general)",
        r"e_{ij} = s_{i-1}^\top W_a h_j",
        attention.general_score,
        _PREVIOUS_STATE,
    ),
    Formula(
        "mask",
        7,
        "padding",
        r"e_{ij} = -\infty \text{ where } x_j \text{ is padding}",
        attention.mask_padding,
        "Not in the seed: a batch pads its shorter sources, and padding must get no "
        "weight, so every row of α sums to 1 over the real symbols.",
    ),
    Formula(
        "softmax",
        7,
        "attention weights (softmax over j)",
        r"\alpha_{ij} = \frac{\exp(e_{ij})}{\sum_{k=1}^{T} \exp(e_{ik})}",
        attention.attention_weights,
    ),
    Formula(
        "context",
        7,
        "context vector",
        r"c_i = \sum_{j=1}^{T} \alpha_{ij} h_j",
        attention.context_vector,
    ),
    Formula(
        "input_x_gradient",
        7,
        "attribution (input × gradient)",
        r"a_{ij} = e_j^{\top} \nabla_{e_j} \log P(y_i \mid y_{<i}, X)",
        attribution.attribute_rows,
        "Not in the seed. One backward pass per step; it promises no sum, and where P(y_i) is "
        "already near 1 its gradient, and so a_ij, is near 0 (saturation).",
    ),
    Formula(
        "keep_symbol",
        7,
        "memory that keeps its symbol (the -hx models)",
        r"m_j = h_j + W_x E x_j, \quad c_i = \sum_{j=1}^{T} \alpha_{ij} m_j",
        rnn.keep_symbol,
        "Not in the seed: an answer to attention's one-position shift. The forward half of a "
        "bidirectional h_{j+1} read x_j one step before, so dot attention over h alone looks "
        "one position past the "
        "letter it writes; with E x_j added, position j holds x_j itself and the largest "
        "alpha lands on it (reverse-dot-hx).",
    ),
    Formula(
        "scaled_dot_product",
        9,
        "scaled dot-product attention (Transformer)",
        r"\mathrm{Attention}(Q, K, V) = "
        r"\mathrm{softmax}\!\left(\frac{Q K^\top}{\sqrt{d_k}}\right) V",
        transformer.scaled_dot_product_attention,
        "Masked positions get −∞ before the softmax: padding in the source, and in the "
        "decoder's self-attention every position after the current one (the causal mask).",
    ),
    Formula(
        "multi_head",
        9,
        "multi-head attention (Transformer)",
        r"\mathrm{MultiHead}(Q, K, V) = [\mathrm{head}_1; \ldots; \mathrm{head}_H]\, W^O,"
        r"\quad \mathrm{head}_h = \mathrm{Attention}(Q W_h^Q, K W_h^K, V W_h^V)",
        transformer.MultiHeadAttention.forward,
        "W^Q, W^K and W^V are one d × d matrix each, for all heads at once; `split` cuts "
        "the product into H slices of d_k = d / H, one per head.",
    ),
    Formula(
        "positions",
        9,
        "sinusoidal positional encoding (Transformer)",
        r"PE_{(pos,\,2k)} = \sin\!\left(\frac{pos}{10000^{2k/d}}\right),\quad"
        r" PE_{(pos,\,2k+1)} = \cos\!\left(\frac{pos}{10000^{2k/d}}\right)",
        transformer.sinusoidal_positions,
    ),
    Formula(
        "transformer_readout",
        9,
        "the output distribution (Transformer)",
        r"P(y_i \mid y_{<i}, X) = \mathrm{softmax}(W_o\, \mathrm{LN}(z_i) + b_o)",
        transformer.TransformerSeq2Seq.readout,
        "z_i is the last decoder layer's output at position i; pre-LN blocks leave it "
        "unnormalised, so one LayerNorm comes before W_o.",
    ),
    Formula(
        "attribution",
        7,
        "attribution (integrated gradients)",
        r"\begin{gathered}a_{ij} = (e_j - b_j)^{\top}\! \int_0^1 \nabla_{e_j} \log P\big(y_i"
        r" \mid y_{<i}, b + t\,(e - b)\big)\, dt \\ \sum_j a_{ij} = \log P(y_i \mid X) - "
        r"\log P(y_i \mid b)\end{gathered}",
        attribution.attribute_rows,
        "Not in the seed: attention says where the decoder looked, attribution how much each "
        "source symbol moved the chosen token's log-probability (Sundararajan et al. 2017). "
        "e_j is x_j's embedding, the baseline b all <pad> (a zero embedding); the integral "
        "runs on 32 Gauss-Legendre points, 4x more for a row whose sum misses its change by "
        "over 5%. Input x gradient, the one-pass alternative: a_ij = e_j . grad f_i.",
    ),
    Formula(
        "loss",
        5,
        "training loss (teacher forcing)",
        r"L = -\frac{1}{N}\sum_{i} \log P(y_i \mid y_{<i}, X)",
        objective.token_nll,
        "N counts the real target symbols of the batch (padding excluded); the decoder "
        "is fed the true y_{i-1} (teacher forcing). Some recipes smooth the labels: "
        "(1 - eps) of the weight on y_i, eps spread evenly over the vocabulary.",
    ),
)
FORMULAS: dict[str, Formula] = {f.key: f for f in _ALL}
