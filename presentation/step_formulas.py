"""The seed's formulas, filled in with the numbers of one decoding step.

Each entry pairs a formula of the registry (presentation/formulas.py) with the same
formula evaluated at the current step i of a Trace, as LaTeX for st.latex (or any KaTeX).
Only the three largest alpha_ij are written out; the rest is "…".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from analysis.examples import top_positions
from presentation.formulas import FORMULAS
from presentation.heads import Head
from presentation.text import latex_token, number
from s2s_core.trace import METHODS, Attribution, Step, Trace, sequence_log_probability


@dataclass
class LiveFormula:
    name: str  # what it is, in words
    general: str  # the formula with its symbols (from the registry)
    live: str  # the same formula at this step, with numbers


def _live(key: str, live: str) -> LiveFormula:
    return LiveFormula(FORMULAS[key].name, FORMULAS[key].latex, live)


def fixed_context_formula(trace: Trace, i: int) -> LiveFormula:
    """c_i = c: one vector for every step (seed §4, §6)."""
    f = FORMULAS["fixed_context"]
    return LiveFormula(
        "fixed context (seed §4, §6)",
        f.latex + r", \quad c_i = c \text{ for every } i",
        rf"\lVert c \rVert = {trace.fixed_context_norm:.2f}"
        rf" \text{{ at step {i}, as at every step: one vector for all "
        rf"{len(trace.source_tokens)} tokens}}",
    )


def attention_lines(
    i: int,
    tokens: list[str],
    alpha: list[float],
    scores: list[float],
    context_norm: float,
    top: list[int],
    digits: int = 2,
) -> list[str]:
    """e_i., alpha_i. and c_i at step i with their numbers, the positions `top` written out
    (alpha to `digits` decimals): the live lines of Home and of the Theory page."""
    etc = r", \ldots" if len(tokens) > len(top) else ""
    return [
        ", ".join(rf"e_{{{i},{j + 1}}} = {scores[j]:.2f}\ ({latex_token(tokens[j])})" for j in top)
        + etc,
        ", ".join(rf"\alpha_{{{i},{j + 1}}} = {alpha[j]:.{digits}f}" for j in top)
        + etc
        + rf", \quad \sum_j \alpha_{{{i}j}} = {sum(alpha):.{digits}f}",
        rf"c_{{{i}}} = "
        + " + ".join(rf"{alpha[j]:.2f}\,h_{{{j + 1}}}" for j in top)
        + (r" + \ldots" if etc else "")
        + rf", \quad \lVert c_{{{i}}} \rVert = {context_norm:.2f}",
    ]


def attention_formulas(trace: Trace, i: int, step: Step) -> list[LiveFormula]:
    """e_i., alpha_i. and c_i at step i, the three largest alpha_ij written out."""
    assert step.attention is not None and step.scores is not None
    lines = attention_lines(
        i,
        trace.source_tokens,
        step.attention,
        step.scores,
        step.context_norm,
        top_positions(step.attention),
    )
    out = [
        _live(key, line) for key, line in zip((trace.attention_kind, "softmax", "context"), lines)
    ]
    if trace.memory == "h+x":  # what h_j stood for above is m_j = h_j + W_x E x_j
        out.append(_live("keep_symbol", _memory_line(trace, i, step)))
    return out


def _memory_line(trace: Trace, i: int, step: Step) -> str:
    """The -hx models: the norms of the m_j attended most, then c_i as their weighted sum
    (two lines: one would not fit beside the heatmap)."""
    assert step.attention is not None
    top = top_positions(step.attention)
    norms = ", ".join(
        rf"\lVert m_{{{j + 1}}} \rVert = {trace.encoder_norms[j]:.2f}\ "
        rf"({latex_token(trace.source_tokens[j])})"
        for j in top
    )
    context = " + ".join(rf"{step.attention[j]:.2f}\,m_{{{j + 1}}}" for j in top) + (
        r" + \ldots" if len(trace.source_tokens) > len(top) else ""
    )
    return rf"\begin{{gathered}}{norms} \\ c_{{{i}}} = {context}\end{{gathered}}"


def _mean_row(step: Step) -> list[float]:
    """The mean of every layer's and head's cross-attention row: bar alpha_i. (Step.attention)."""
    assert step.heads is not None
    rows = [row for layer in step.heads for row in layer]
    return [sum(r[j] for r in rows) / len(rows) for j in range(len(rows[0]))]


def _head_weights(trace: Trace, i: int, step: Step, head: Head, shown: list[float]) -> str:
    """The row shown (one head's alpha_i., or the mean of all) with its largest three written
    out. The row itself is the registry's Attention(Q, K, V) above: only d_k is filled in."""
    assert step.heads is not None
    L, H, d = len(step.heads), len(step.heads[0]), len(step.context)
    tokens, top = trace.source_tokens, top_positions(shown)
    if head is None:
        row = r"\bar\alpha"
        definition = (
            rf"\bar\alpha_{{{i},j}} = \frac{{1}}{{{L} \cdot {H}}}\sum_{{\ell, h}}"
            rf" \alpha^{{(\ell, h)}}_{{{i},j}} \text{{ (the mean of all {L} × {H} heads)}}"
        )
    else:
        row = r"\alpha"
        definition = rf"\text{{layer {head[0] + 1}, head {head[1] + 1}: }} d_k = {d // H}"
    values = ", ".join(
        rf"{row}_{{{i},{j + 1}}} = {shown[j]:.2f}\ ({latex_token(tokens[j])})" for j in top
    )
    etc = r", \ldots" if len(tokens) > len(top) else ""
    total = rf", \quad \sum_j {row}_{{{i}j}} = {sum(shown):.2f}"
    return rf"\begin{{gathered}}{definition} \\ {values}{etc}{total}\end{{gathered}}"


def _head_split(trace: Trace, step: Step, head: Head, shown: list[float]) -> str:
    """Every head of one layer (the picked head's; for the mean, the last) at the position
    the shown row weighs most: how the heads that MultiHead concatenates share it."""
    assert step.heads is not None
    layer = len(step.heads) - 1 if head is None else head[0]
    j = top_positions(shown, 1)[0]
    token = latex_token(trace.source_tokens[j])
    return rf"\text{{layer {layer + 1}, at }} j = {j + 1}\ ({token}):\ " + ", ".join(
        rf"\mathrm{{head}}_{{{h + 1}}}\ {weights[j]:.2f}"
        for h, weights in enumerate(step.heads[layer])
    )


def transformer_formulas(trace: Trace, i: int, step: Step, head: Head) -> list[LiveFormula]:
    """Step i of a Transformer (seed §9): the cross-attention row of `head` (None: the mean of
    all heads), taken from step.heads whatever row the trace shows, how the heads of that
    layer split over its most attended position, the context the mean row makes (for the
    pages only), and the position code of y_{i-1}."""
    assert step.heads is not None
    shown = _mean_row(step) if head is None else step.heads[head[0]][head[1]]
    context = (
        rf"\begin{{gathered}}c_{{{i}}} = \textstyle\sum_j \bar\alpha_{{{i}j}}\, m_j,"
        rf" \quad \lVert c_{{{i}}} \rVert = {step.context_norm:.2f} \\"
        r" \text{a summary for the pages: each head mixes its own } m_j W_h^V"
        r"\text{, then } W^O\end{gathered}"
    )
    pos, d = i - 1, len(step.context)  # y_{i-1} sits at position i - 1 (y_0 = <sos> at 0)
    positions = (
        rf"y_{{{i - 1}}} \text{{ at }} pos = {pos}:\ PE_{{({pos},0)}} = \sin {pos} = "
        rf"{math.sin(pos):.2f},\ PE_{{({pos},1)}} = \cos {pos} = {math.cos(pos):.2f},"
        rf"\ \ldots \ ({d} \text{{ numbers}})"
    )
    return [
        _live("scaled_dot_product", _head_weights(trace, i, step, head, shown)),
        _live("multi_head", _head_split(trace, step, head, shown)),
        LiveFormula(
            "context vector (the Transformer's: for display)", FORMULAS["context"].latex, context
        ),
        _live("positions", positions),
    ]


def state_line(i: int, previous: str, context: str, state_norm: float, cell: str = "g") -> str:
    """The decoder state at step i: s_i = cell(y_{i-1}, s_{i-1}, context) with its norm."""
    return (
        rf"s_{{{i}}} = {cell}(y_{{{i - 1}}} = {latex_token(previous)},\ s_{{{i - 1}}},"
        rf"\ {context}), \quad \lVert s_{{{i}}} \rVert = {state_norm:.2f}"
    )


def readout_line(i: int, token: str, prob: float, forced: bool = False, more: str = "") -> str:
    """P(y_i = token | y_<i, X) at step i, then `more`, and whether the token was imposed."""
    p = rf"P(y_{{{i}}} = {latex_token(token)} \mid y_{{<{i}}}, X) = {prob:.3f}"
    return p + more + (r"\ \text{(forced)}" if forced else "")


def step_formulas(trace: Trace, i: int, rnn: str = "gru", head: Head = None) -> list[LiveFormula]:
    """The formulas of seed §5-§7 (a Transformer: §9) at step i (1-based) of `trace`; `head`:
    the Transformer head whose row is shown (None: their mean)."""
    step = trace.steps[i - 1]
    prev = "<sos>" if i == 1 else trace.steps[i - 2].token
    if trace.attention_kind == "transformer":
        norm = rf", \quad \lVert \mathrm{{LN}}(z_{{{i}}}) \rVert = {step.state_norm:.2f}"
        readout = readout_line(i, step.token, step.prob, step.forced, norm)
        return [
            *transformer_formulas(trace, i, step, head),
            _live("transformer_readout", readout),
            sequence_formula(trace, i),
        ]
    if not trace.has_attention:
        out, ctx = [fixed_context_formula(trace, i)], "c"
    else:
        out, ctx = attention_formulas(trace, i, step), f"c_{{{i}}}"
    cell = r"\mathrm{" + rnn.upper() + "}"
    return [
        *out,
        _live("decoder_step", state_line(i, prev, ctx, step.state_norm, cell)),
        _live("readout", readout_line(i, step.token, step.prob, step.forced)),
        sequence_formula(trace, i),
    ]


def attribution_formula(trace: Trace, attribution: Attribution, i: int) -> LiveFormula:
    """a_i. at step i, its three largest written out; for integrated gradients also the
    completeness check, sum_j a_ij against log P(y_i | X) - log P(y_i | b)."""
    row = attribution.rows[i - 1]
    top = top_positions(row)
    etc = r", \ldots" if len(row) > len(top) else ""
    written = (
        ", ".join(
            rf"a_{{{i},{j + 1}}} = {row[j]:+.2f}\ ({latex_token(trace.source_tokens[j])})"
            for j in top
        )
        + etc
    )
    name = f"attribution at step {i} ({METHODS[attribution.method]})"
    if attribution.changes is None:  # input x gradient: no promise about the sum
        return LiveFormula(name, FORMULAS["input_x_gradient"].latex, written)
    change, total = attribution.changes[i - 1], sum(row)
    steps = attribution.ig_steps[i - 1] if attribution.ig_steps else None
    check = (
        rf"\sum_j a_{{{i}j}} = {total:.2f} \approx \log P(y_{{{i}}} \mid X) - "
        rf"\log P(y_{{{i}}} \mid b) = {change:.2f}"
        + ("" if steps is None else rf"\ \text{{({steps} points)}}")
    )
    return LiveFormula(
        name,
        FORMULAS["attribution"].latex,
        rf"\begin{{gathered}}{written} \\ {check}\end{{gathered}}",
    )


def sequence_formula(trace: Trace, i: int) -> LiveFormula:
    """P(y_1..y_i | X) so far, the product of the steps' probabilities (seed §2)."""
    log_p = sequence_log_probability([s.prob for s in trace.steps[:i]])
    return LiveFormula(
        "the output so far (seed §2)",
        FORMULAS["sequence"].latex,
        rf"\prod_{{t=1}}^{{{i}}} P(y_t \mid y_{{<t}}, X) = {math.exp(log_p):.3g}"
        rf" \quad (\log = {number(log_p)})",
    )
