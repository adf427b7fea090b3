"""The seed's formulas, filled in with the numbers of one decoding step.

Each entry pairs a formula of the registry (presentation/formulas.py) with the same
formula evaluated at the current step i of a Trace, as LaTeX for st.latex (or any KaTeX).
Only the three largest alpha_ij are written out; the rest is "…".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from presentation.formulas import FORMULAS
from presentation.heads import Head
from presentation.text import latex_token, number
from s2s_core.attribution import METHODS, Attribution
from s2s_core.model.decoding import Step, Trace, sequence_log_probability


@dataclass
class LiveFormula:
    name: str  # what it is, in words
    general: str  # the formula with its symbols (from the registry)
    live: str  # the same formula at this step, with numbers


def top_positions(weights: list[float], k: int = 3) -> list[int]:
    """The k source positions j (0-based) with the largest weights, largest first."""
    return sorted(range(len(weights)), key=lambda j: -weights[j])[:k]


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
        top = top_positions(step.attention)
        out.append(
            _live(
                "keep_symbol",
                ", ".join(
                    rf"\lVert m_{{{j + 1}}} \rVert = {trace.encoder_norms[j]:.2f}\ "
                    rf"({latex_token(trace.source_tokens[j])})"
                    for j in top
                )
                + rf", \quad c_{{{i}}} = "
                + " + ".join(rf"{step.attention[j]:.2f}\,m_{{{j + 1}}}" for j in top)
                + (r" + \ldots" if len(trace.source_tokens) > len(top) else ""),
            )
        )
    return out


def transformer_formulas(trace: Trace, i: int, step: Step, head: Head) -> list[LiveFormula]:
    """Step i of a Transformer (seed §9): the cross-attention row of `head` (None: the mean of
    all heads), taken from step.heads whatever row the trace shows, how the heads of the last
    layer split over its most attended position, the context the mean row makes (for the
    pages only), and the position code of y_{i-1}."""
    assert step.heads is not None and step.attention is not None
    L, H, d = len(step.heads), len(step.heads[0]), len(step.context)
    mean = [
        sum(h[j] for layer in step.heads for h in layer) / (L * H)
        for j in range(len(step.heads[0][0]))
    ]
    shown = mean if head is None else step.heads[head[0]][head[1]]  # whatever the trace shows
    tokens, top = trace.source_tokens, top_positions(shown)
    etc = r", \ldots" if len(tokens) > len(top) else ""
    if head is None:
        row = r"\bar\alpha"
        definition = (
            rf"\bar\alpha_{{{i},j}} = \frac{{1}}{{{L} \cdot {H}}}\sum_{{\ell, h}}"
            rf" \alpha^{{(\ell, h)}}_{{{i},j}} \text{{ (the mean of all {L} × {H} heads)}}"
        )
    else:
        row = r"\alpha"
        definition = (
            rf"\text{{layer {head[0] + 1}, head {head[1] + 1}: }} \alpha_{{{i},j}} = "
            rf"\mathrm{{softmax}}_j\!\left(\frac{{q_{{{i}}} \cdot k_j}}{{\sqrt{{{d // H}}}}}\right)"
        )
    values = (
        ", ".join(
            rf"{row}_{{{i},{j + 1}}} = {shown[j]:.2f}\ ({latex_token(tokens[j])})" for j in top
        )
        + etc
        + rf", \quad \sum_j {row}_{{{i}j}} = {sum(shown):.2f}"
    )
    weights = rf"\begin{{gathered}}{definition} \\ {values}\end{{gathered}}"
    j = top[0]  # where the shown row looks most: how each head of the last layer weighs it
    split = rf"\text{{layer {L}, at }} j = {j + 1}\ ({latex_token(tokens[j])}):\ " + ", ".join(
        rf"\mathrm{{head}}_{{{h + 1}}}\ {step.heads[L - 1][h][j]:.2f}" for h in range(H)
    )
    context = (
        rf"\text{{shown as }} c_{{{i}}} = \textstyle\sum_j \bar\alpha_{{{i}j}}\, m_j,"
        rf" \ \lVert c_{{{i}}} \rVert = {step.context_norm:.2f}"
        r"\text{: a summary for the pages; the model itself mixes each head's own values "
        r"} m_j W_h^V \text{, then } W^O"
    )
    pos = i - 1  # y_{i-1} sits at position i - 1 (y_0 = <sos> at 0)
    positions = (
        rf"y_{{{i - 1}}} \text{{ at }} pos = {pos}:\ PE_{{({pos},0)}} = \sin {pos} = "
        rf"{math.sin(pos):.2f},\ PE_{{({pos},1)}} = \cos {pos} = {math.cos(pos):.2f},"
        rf"\ \ldots \ ({d} \text{{ numbers}})"
    )
    return [
        _live("scaled_dot_product", weights),
        _live("multi_head", split),
        LiveFormula(
            "context vector (the Transformer's: for display)", FORMULAS["context"].latex, context
        ),
        _live("positions", positions),
    ]


def step_formulas(trace: Trace, i: int, rnn: str = "gru", head: Head = None) -> list[LiveFormula]:
    """The formulas of seed §5-§7 (a Transformer: §9) at step i (1-based) of `trace`; `head`:
    the Transformer head whose row is shown (None: their mean)."""
    step = trace.steps[i - 1]
    prev = "<sos>" if i == 1 else trace.steps[i - 2].token
    cell = r"\mathrm{" + rnn.upper() + "}"
    if trace.attention_kind == "transformer":
        return [
            *transformer_formulas(trace, i, step, head),
            _live(
                "transformer_readout",
                rf"P(y_{{{i}}} = {latex_token(step.token)} \mid y_{{<{i}}}, X) = "
                rf"{step.prob:.3f}, \quad \lVert \mathrm{{LN}}(z_{{{i}}}) \rVert = "
                rf"{step.state_norm:.2f}" + (r"\ \text{(forced)}" if step.forced else ""),
            ),
            sequence_formula(trace, i),
        ]
    if not trace.has_attention:
        out, ctx = [fixed_context_formula(trace, i)], "c"
    else:
        out, ctx = attention_formulas(trace, i, step), f"c_{{{i}}}"
    out.append(
        _live(
            "decoder_step",
            rf"s_{{{i}}} = {cell}(y_{{{i - 1}}} = {latex_token(prev)},\ s_{{{i - 1}}},"
            rf"\ {ctx}), \quad \lVert s_{{{i}}} \rVert = {step.state_norm:.2f}",
        )
    )
    out.append(
        _live(
            "readout",
            rf"P(y_{{{i}}} = {latex_token(step.token)} \mid y_{{<{i}}}, X) = "
            rf"{step.prob:.3f}" + (r"\ \text{(forced)}" if step.forced else ""),
        )
    )
    out.append(sequence_formula(trace, i))
    return out


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
