"""The Theory page's worked examples as LaTeX and table rows: analysis/examples.py computes
the numbers, these write them down. The decoder's and the attention's lines are the same
ones Home shows at each step (presentation/step_formulas.py): one way to write each formula.
"""

from __future__ import annotations

from analysis.examples import (
    Architecture,
    AttentionExample,
    DecoderExample,
    EncoderExample,
    LimitationNumbers,
    SequenceExample,
)
from presentation.step_formulas import attention_lines, readout_line, state_line
from presentation.text import latex_token, number


def _source_latex(source: str, limit: int = 40) -> str:
    """The whole source as one LaTeX text (escaped; shortened past `limit` symbols)."""
    return latex_token(source if len(source) <= limit else source[:limit] + "…")


def sequence_latex(ex: SequenceExample, shown: int = 4) -> list[str]:
    """§1: X and Y with their lengths; §2: P(Y | X) as the product of the first factors."""
    factors = [f"{p:.4f}" for p in ex.step_probs[:shown]]
    more = r" \times \cdots" if len(ex.step_probs) > shown else ""
    eos = r" + \langle\text{eos}\rangle" if ex.finished else ""
    return [
        rf"X = {_source_latex(ex.source)}\ (T = {ex.T}), \quad "
        rf"Y = {_source_latex(ex.output)}{eos}\ (T' = {ex.T_out})",
        r"P(Y \mid X) = " + r" \times ".join(factors) + more + rf" = {ex.probability:.4g}, \quad "
        rf"\log P(Y \mid X) = {number(ex.log_probability, 3)}",
    ]


def encoder_latex(ex: EncoderExample) -> list[str]:
    """§4: T states h_j in R^d, the longest of them, and the fixed c."""
    j = ex.longest
    return [
        rf"T = {ex.T} \text{{ states }} h_1, \ldots, h_{{{ex.T}}}"
        rf" \in \mathbb{{R}}^{{{ex.d}}}, \quad \max_j \lVert h_j \rVert = "
        rf"\lVert h_{{{j + 1}}} \rVert = {ex.norms[j]:.2f}\ ({latex_token(ex.tokens[j])})",
        rf"c \in \mathbb{{R}}^{{{ex.d}}}, \quad \lVert c \rVert = {ex.fixed_norm:.2f}",
    ]


def squeeze_latex(ex: EncoderExample) -> str:
    """§6: T vectors of d numbers in, one vector of d numbers out."""
    return (
        rf"{ex.T} \text{{ states }} h_j \in \mathbb{{R}}^{{{ex.d}}}"
        rf"\ ({ex.T * ex.d} \text{{ numbers}}) \;\to\; \text{{one }} c \in "
        rf"\mathbb{{R}}^{{{ex.d}}}\ ({ex.d} \text{{ numbers}})"
    )


def decoder_latex(ex: DecoderExample) -> list[str]:
    """§5: the state s_t from c and the token written, with the runner-up."""
    lines = [
        state_line(ex.t, ex.previous, "c", ex.state_norm),
        readout_line(ex.t, ex.token, ex.prob),
    ]
    if ex.runner_up is not None:
        token, p = ex.runner_up
        lines[1] += rf", \quad \text{{next best: }} {latex_token(token)}\ ({p:.3f})"
    return lines


def attention_latex(ex: AttentionExample) -> list[str]:
    """§7: the scores e_i., the weights alpha_i. and c_i, and the token it led to."""
    scores, weights, context = attention_lines(
        ex.i, ex.tokens, ex.alpha, ex.scores, ex.context_norm, ex.top, digits=3
    )
    return [
        rf"\text{{{ex.kind}: }} " + scores,
        weights,
        context + rf" \;\Rightarrow\; y_{{{ex.i}}} = {latex_token(ex.token)}",
    ]


def architecture_rows(rnn: Architecture, tf: Architecture) -> list[dict[str, object]]:
    """§9: analysis.examples.architectures() as table rows, with the seed's orders of growth."""
    return [
        {
            "": "sequential operations, encoder",
            rnn.name: f"{rnn.encoder_sequential}  (O(T))",
            tf.name: f"{tf.encoder_sequential}  (O(L), any T)",
        },
        {
            "": "sequential operations, one training pass",
            rnn.name: f"{rnn.training_sequential}  (O(T + T'))",
            tf.name: f"{tf.training_sequential}  (O(L))",
        },
        {
            "": "sequential operations, decoding",
            rnn.name: f"{rnn.decoding_sequential}  (O(T + T'))",
            tf.name: f"{tf.decoding_sequential}  (O(L·T'))",
        },
        {
            "": "longest path between two source tokens",
            rnn.name: f"{rnn.longest_path}  (O(T))",
            tf.name: f"{tf.longest_path}  (O(1))",
        },
    ]


def _percent(x: float) -> str:
    return f"{100 * x:.0f}%"


def limitation_lines(n: LimitationNumbers) -> list[str]:
    """One line per row of LIMITATIONS: this input's depth, then the shipped metrics."""
    fixed = n.fixed_by_length
    return [
        f"this input: {n.T} encoder steps (each direction), then {n.T_out} decoder steps, "
        "one after another",
        "not shipped"
        if fixed is None
        else "exact match " + ", ".join(f"{lo}–{hi}: {_percent(x)}" for lo, hi, x in fixed),
        "not shipped"
        if not n.capacity
        else "exact match (training lengths) "
        + ", ".join(f"d = {d}: {_percent(x)}" for d, x in n.capacity),
    ]
