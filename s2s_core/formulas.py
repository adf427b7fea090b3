"""The seed's formulas, filled in with the numbers of one decoding step.

Each entry pairs the general formula (DESIGN.md §1 symbols) with the same formula
evaluated at the current step i of a Trace, as LaTeX for st.latex (or any KaTeX). Only
the three largest alpha_ij are written out; the rest is "…".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .decoding import Trace

SCORE_FORMULAS = {
    "additive": r"e_{ij} = v_a^\top \tanh(W_a s_{i-1} + U_a h_j)",
    "dot": r"e_{ij} = s_{i-1}^\top h_j",
    "general": r"e_{ij} = s_{i-1}^\top W_a h_j",
}
_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "%": r"\%",
                  "#": r"\#", "_": r"\_", "&": r"\&", "^": r"\hat{}", "~": r"\sim{}",
                  " ": r"\ "}


def number(x: float, digits: int = 2) -> str:
    """x with `digits` decimals and no minus on zero: a log P of -0.001 is "0.00"."""
    return f"{round(x, digits) + 0.0:.{digits}f}"  # + 0.0 turns -0.0 into 0.0


def latex_token(token: str) -> str:
    """A token as safe LaTeX text: '<eos>' -> ⟨eos⟩, 'a' -> \\text{\\textquoteleft a...}."""
    if token.startswith("<") and token.endswith(">") and len(token) > 2:
        return r"\langle\text{" + token[1:-1] + r"}\rangle"
    return r"\text{``" + "".join(_LATEX_SPECIAL.get(ch, ch) for ch in token) + "''}"


@dataclass
class Formula:
    name: str  # what it is, in words
    general: str  # the formula with its symbols
    live: str  # the same formula at this step, with numbers


def top_positions(weights: list[float], k: int = 3) -> list[int]:
    """The k source positions j (0-based) with the largest weights, largest first."""
    return sorted(range(len(weights)), key=lambda j: -weights[j])[:k]


def step_formulas(trace: Trace, i: int, rnn: str = "gru") -> list[Formula]:
    """The formulas of seed §5-§7 at step i (1-based) of `trace`."""
    step = trace.steps[i - 1]
    src = trace.source_tokens
    prev = "<sos>" if i == 1 else trace.steps[i - 2].token
    cell = r"\mathrm{" + rnn.upper() + "}"
    out: list[Formula] = []
    if trace.attention_kind == "none":
        out.append(Formula(
            "fixed context (seed §4, §6)",
            r"c = [\overrightarrow{h}_T ; \overleftarrow{h}_1], \quad c_i = c \text{ for every } i",
            rf"\lVert c \rVert = {trace.fixed_context_norm:.2f}"
            rf" \text{{ at step {i}, as at every step: one vector for all {len(src)} tokens}}"))
        ctx = "c"
    else:
        top = top_positions(step.attention)
        more = r" + \ldots" if len(src) > len(top) else ""
        out.append(Formula(
            f"alignment scores ({trace.attention_kind})",
            SCORE_FORMULAS[trace.attention_kind],
            ", ".join(rf"e_{{{i},{j + 1}}} = {step.scores[j]:.2f}\ ({latex_token(src[j])})"
                      for j in top) + (r", \ldots" if more else "")))
        out.append(Formula(
            "attention weights (softmax over j)",
            r"\alpha_{ij} = \frac{\exp(e_{ij})}{\sum_{k=1}^{T} \exp(e_{ik})}",
            ", ".join(rf"\alpha_{{{i},{j + 1}}} = {step.attention[j]:.2f}" for j in top)
            + rf"{', ' + chr(92) + 'ldots' if more else ''}, \quad \sum_j \alpha_{{{i}j}} = "
            rf"{sum(step.attention):.2f}"))
        out.append(Formula(
            "context vector",
            r"c_i = \sum_{j=1}^{T} \alpha_{ij} h_j",
            rf"c_{{{i}}} = " + " + ".join(rf"{step.attention[j]:.2f}\,h_{{{j + 1}}}" for j in top)
            + more + rf", \quad \lVert c_{{{i}}} \rVert = {step.context_norm:.2f}"))
        ctx = f"c_{{{i}}}"
    out.append(Formula(
        "decoder state",
        r"s_i = g(y_{i-1}, s_{i-1}, c_i)",
        rf"s_{{{i}}} = {cell}(y_{{{i - 1}}} = {latex_token(prev)},\ s_{{{i - 1}}},\ {ctx}), "
        rf"\quad \lVert s_{{{i}}} \rVert = {step.state_norm:.2f}"))
    out.append(Formula(
        "next-token distribution",
        r"P(y_i \mid y_{<i}, X) = \mathrm{softmax}(W_o [s_i ; c_i] + b_o)",
        rf"P(y_{{{i}}} = {latex_token(step.token)} \mid y_{{<{i}}}, X) = {step.prob:.3f}"
        + (r"\ \text{(forced)}" if step.forced else "")))
    log_p = sum(math.log(max(s.prob, 1e-12)) for s in trace.steps[:i])
    out.append(Formula(
        "the output so far (seed §2)",
        r"P(Y \mid X) = \prod_{t=1}^{T'} P(y_t \mid y_1, \ldots, y_{t-1}, X)",
        rf"\prod_{{t=1}}^{{{i}}} P(y_t \mid y_{{<t}}, X) = {math.exp(log_p):.3g}"
        rf" \quad (\log = {number(log_p)})"))
    return out
