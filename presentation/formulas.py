"""The seed's formulas, one registry: each with its LaTeX, the function that computes it,
and where the code deviates from the seed and why.

Every page reads its formulas from here (Home's live formulas, the Theory page, the Train
page, docs/theory.md), and the tests compare each function with a literal transcription of
its formula: there is no second copy of any formula. Each entry names its function as
"module:qualified name" (an entry point's spelling): this layer draws and never imports the
model; analysis/formulas.py finds the function and its source, which the Theory page shows
under each formula, with the formula comment right above it.

Symbols (Sutskever et al. 2014; Cho et al. 2014; Bahdanau et al. 2015; Luong et al. 2015):
x_j source symbol, h_j encoder state, c fixed context, s_i decoder state, y_i output symbol,
e_ij score, alpha_ij attention weight, c_i context vector of step i.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Formula:
    key: str
    section: int  # the seed's section that introduces it
    name: str  # what it is, in words
    latex: str  # the formula, with the seed's symbols
    implementation: str  # the function that computes it: "s2s_core.model.attention:dot_score"
    deviation: str | None = None  # where the code differs from the seed, and why

    @property
    def module(self) -> str:
        """'s2s_core.model.attention': the module of the implementation."""
        return self.implementation.partition(":")[0]

    @property
    def qualname(self) -> str:
        """'dot_score', or 'Attention.scores' for a method: the function in its module."""
        return self.implementation.partition(":")[2]

    @property
    def where(self) -> str:
        """'s2s_core/model/attention.py · dot_score': the file and the function."""
        return f"{self.module.replace('.', '/')}.py · {self.qualname}"


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
        "s2s_core.trace:sequence_log_probability",
        "Computed as log P(Y | X) = Σ_t log P(y_t | y_<t, X): a product of many "
        "probabilities would round to 0.",
    ),
    Formula(
        "encoder_step",
        4,
        "encoder step",
        r"h_t = f(x_t, h_{t-1})",
        "s2s_core.model.rnn:encoder_step",
        "f is one GRU (or LSTM) step. The encoder runs it over the whole source at once "
        "with nn.GRU, fused and fast; Encoder.stepwise is the same loop written out, and "
        "a test checks that the two agree.",
    ),
    Formula(
        "annotation",
        4,
        "encoder state of position j (both directions)",
        r"h_j = [\overrightarrow{h}_j ; \overleftarrow{h}_j]",
        "s2s_core.model.rnn:annotation",
        "The encoder is bidirectional: one RNN reads left to right, one right to left, "
        "so h_j knows the symbols on both sides of x_j.",
    ),
    Formula(
        "fixed_context",
        4,
        "fixed context",
        r"c = [\overrightarrow{h}_T ; \overleftarrow{h}_1], \quad c \in \mathbb{R}^d",
        "s2s_core.model.rnn:fixed_context",
        "The seed writes c = h_T, the last state of one RNN. With two directions the last "
        "state of each is taken: the forward RNN ends at x_T, the backward one at x_1.",
    ),
    Formula(
        "initial_state",
        5,
        "first decoder state",
        r"s_0 = \tanh(W_{\mathrm{init}}\, c)",
        "s2s_core.model.rnn:initial_state",
        "The seed leaves s_0 open; as in Bahdanau et al. (2015) it is made from c.",
    ),
    Formula(
        "decoder_step",
        5,
        "decoder state",
        r"s_i = g(y_{i-1}, s_{i-1}, c_i)",
        "s2s_core.model.rnn:decoder_step",
        "g is a GRU (or LSTM) cell on [E y_{i-1} ; c_i]. Without attention c_i = c at "
        "every step: the seed's §5 form s_t = g(y_{t-1}, s_{t-1}, c).",
    ),
    Formula(
        "readout",
        5,
        "next-token distribution",
        r"P(y_i \mid y_{<i}, X) = \mathrm{softmax}(W_o [s_i ; c_i] + b_o)",
        "s2s_core.model.rnn:readout",
        "The seed writes softmax(W_o s_t + b_o). Here the readout also sees the context, "
        "as in Cho et al. (2014) and Bahdanau et al. (2015): y_i can come straight from "
        "where the decoder looks. The function returns the logits; softmax gives P.",
    ),
    Formula(
        "score",
        7,
        "alignment score",
        r"e_{ij} = a(s_{i-1}, h_j)",
        "s2s_core.model.attention:Attention.scores",
        "The part of a(·,·) that does not depend on s (U_a h_j, W_a h_j) is computed once "
        "per source (Attention.precompute), not at every step.",
    ),
    Formula(
        "additive",
        7,
        "alignment scores (additive)",
        r"e_{ij} = v_a^\top \tanh(W_a s_{i-1} + U_a h_j)",
        "s2s_core.model.attention:additive_score",
    ),
    Formula(
        "dot",
        7,
        "alignment scores (dot)",
        r"e_{ij} = s_{i-1}^\top h_j",
        "s2s_core.model.attention:dot_score",
        _PREVIOUS_STATE,
    ),
    Formula(
        "general",
        7,
        "alignment scores (general)",
        r"e_{ij} = s_{i-1}^\top W_a h_j",
        "s2s_core.model.attention:general_score",
        _PREVIOUS_STATE,
    ),
    Formula(
        "mask",
        7,
        "padding",
        r"e_{ij} = -\infty \text{ where } x_j \text{ is padding}",
        "s2s_core.model.attention:mask_padding",
        "Not in the seed: a batch pads its shorter sources, and padding must get no "
        "weight, so every row of α sums to 1 over the real symbols.",
    ),
    Formula(
        "softmax",
        7,
        "attention weights (softmax over j)",
        r"\alpha_{ij} = \frac{\exp(e_{ij})}{\sum_{k=1}^{T} \exp(e_{ik})}",
        "s2s_core.model.attention:attention_weights",
    ),
    Formula(
        "context",
        7,
        "context vector",
        r"c_i = \sum_{j=1}^{T} \alpha_{ij} h_j",
        "s2s_core.model.attention:context_vector",
    ),
    Formula(
        "input_x_gradient",
        7,
        "attribution (input × gradient)",
        r"a_{ij} = e_j^{\top} \nabla_{e_j} \log P(y_i \mid y_{<i}, X)",
        "s2s_core.attribution:input_x_gradient",
        "Not in the seed. One backward pass per step; it promises no sum, and where P(y_i) is "
        "already near 1 its gradient, and so a_ij, is near 0 (saturation).",
    ),
    Formula(
        "keep_symbol",
        7,
        "memory that keeps its symbol (the -hx models)",
        r"m_j = h_j + W_x E x_j, \quad c_i = \sum_{j=1}^{T} \alpha_{ij} m_j",
        "s2s_core.model.rnn:keep_symbol",
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
        "s2s_core.model.transformer:scaled_dot_product_attention",
        "Masked positions get −∞ before the softmax: padding in the source, and in the "
        "decoder's self-attention every position after the current one (the causal mask).",
    ),
    Formula(
        "multi_head",
        9,
        "multi-head attention (Transformer)",
        r"\mathrm{MultiHead}(Q, K, V) = [\mathrm{head}_1; \ldots; \mathrm{head}_H]\, W^O,"
        r"\quad \mathrm{head}_h = \mathrm{Attention}(Q W_h^Q, K W_h^K, V W_h^V)",
        "s2s_core.model.transformer:MultiHeadAttention.forward",
        "W^Q, W^K and W^V are one d × d matrix each, for all heads at once; `split` cuts "
        "the product into H slices of d_k = d / H, one per head.",
    ),
    Formula(
        "positions",
        9,
        "sinusoidal positional encoding (Transformer)",
        r"PE_{(pos,\,2k)} = \sin\!\left(\frac{pos}{10000^{2k/d}}\right),\quad"
        r" PE_{(pos,\,2k+1)} = \cos\!\left(\frac{pos}{10000^{2k/d}}\right)",
        "s2s_core.model.transformer:sinusoidal_positions",
    ),
    Formula(
        "transformer_readout",
        9,
        "the output distribution (Transformer)",
        r"P(y_i \mid y_{<i}, X) = \mathrm{softmax}(W_o\, \mathrm{LN}(z_i) + b_o)",
        "s2s_core.model.transformer:TransformerSeq2Seq.readout",
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
        "s2s_core.attribution:integrated_gradients",
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
        "s2s_core.training.objective:token_nll",
        "N counts the real target symbols of the batch (padding excluded); the decoder "
        "is fed the true y_{i-1} (teacher forcing). Some recipes smooth the labels: "
        "(1 - eps) of the weight on y_i, eps spread evenly over the vocabulary.",
    ),
)
FORMULAS: dict[str, Formula] = {f.key: f for f in _ALL}
