"""The seed's formulas, filled in with the numbers of one decoding step.

Each entry pairs a formula of the registry (presentation/formulas.py) with the same
formula evaluated at the current step i of a Trace, as LaTeX for st.latex (or any KaTeX).
Only the three largest alpha_ij are written out; the rest is "…".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from presentation.formulas import FORMULAS
from presentation.text import latex_token, number
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
    return [
        _live(key, line) for key, line in zip((trace.attention_kind, "softmax", "context"), lines)
    ]


def step_formulas(trace: Trace, i: int, rnn: str = "gru") -> list[LiveFormula]:
    """The formulas of seed §5-§7 at step i (1-based) of `trace`."""
    step = trace.steps[i - 1]
    prev = "<sos>" if i == 1 else trace.steps[i - 2].token
    cell = r"\mathrm{" + rnn.upper() + "}"
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
    log_p = sequence_log_probability([s.prob for s in trace.steps[:i]])
    out.append(
        LiveFormula(
            "the output so far (seed §2)",
            FORMULAS["sequence"].latex,
            rf"\prod_{{t=1}}^{{{i}}} P(y_t \mid y_{{<t}}, X) = {math.exp(log_p):.3g}"
            rf" \quad (\log = {number(log_p)})",
        )
    )
    return out
