"""The step view in words, for a screen reader: each step as a sentence, each heatmap as a
table. What the heatmap shows by colour, said as text (WCAG 2.1: 1.1.1, 1.3.1).

    step_sentences   one sentence per step 0..n: the token written with its probability,
                     where the decoder looks (the largest weights, with their symbols), and
                     what attribution says where it is shown
    matrix_table     a heatmap's whole matrix: a caption, the source symbols as column
                     headers, "i · y_i" as row headers, the values as text

The browser reads the sentence of the step shown (and announces it as the step changes:
presentation/stepview/), and shows the table's rows up to that step.
"""

from __future__ import annotations

from collections.abc import Sequence

from presentation.heads import Head
from presentation.text import number, token_text
from s2s_core.trace import Attribution, Trace

TOP = 3  # source positions named per step


def _top(row: Sequence[float], sources: Sequence[str], signed: bool = False) -> str:
    """The TOP largest values (by magnitude if `signed`), as 'x5 “n” 0.71, x6 “t” 0.27'."""
    order = sorted(range(len(row)), key=lambda j: -abs(row[j]) if signed else -row[j])[:TOP]
    fmt = (lambda v: ("+" if v >= 0 else "−") + number(abs(v))) if signed else number
    return ", ".join(f"x{j + 1} “{token_text(sources[j])}” {fmt(row[j])}" for j in order)


def step_sentences(
    trace: Trace, attribution: Attribution | None = None, head: Head = None
) -> list[str]:
    """The sentence of each step 0..n of `trace` (as shown: a picked head's attention)."""
    n, sources = len(trace.steps), trace.source_tokens
    whose = "" if head is None else f" (layer {head[0] + 1}, head {head[1] + 1})"
    out = [f"Step 0 of {n}: nothing written yet. Next, or the right arrow key, decodes y1."]
    for i, step in enumerate(trace.steps, start=1):
        said = f"Step {i} of {n} writes “{token_text(step.token)}” (P = {number(step.prob)})."
        if step.attention is not None and trace.has_attention:
            said += f" Attention{whose} looks at {_top(step.attention, sources)}."
        else:
            said += f" No attention: one fixed context c (‖c‖ = {number(step.context_norm)})."
        if attribution is not None:
            row = attribution.rows[i - 1]
            said += f" Attribution, largest first: {_top(row, sources, signed=True)}."
        out.append(said)
    return out


def matrix_table(trace: Trace, rows: Sequence[Sequence[float]], caption: str) -> dict:
    """A heatmap as a table: {"caption", "columns": ["i · y_i", x1 …], "rows": [[label,
    values…], …]}, one row per step, values as the cells write them (2 decimals)."""
    columns = ["i · y_i"] + [f"x{j + 1} {token_text(t)}" for j, t in enumerate(trace.source_tokens)]
    body = [
        [f"{i} · {token_text(step.token)}", *(number(v) for v in row)]
        for i, (step, row) in enumerate(zip(trace.steps, rows), start=1)
    ]
    return {"caption": caption, "columns": columns, "rows": body}
