"""Pieces of the decoding view, shared by the pages: controls, figures, formulas, exports.

Each function draws one thing from a Trace (s2s_core.decoding) with a figure builder
from s2s_core.figures; none of them computes anything the core could.
"""

from __future__ import annotations

import streamlit as st

from s2s_core import figures
from s2s_core.decoding import Step, Trace, check_source
from s2s_core.formulas import step_formulas
from s2s_core.tasks import Example
from s2s_core.vocab import InputError

from . import session

PLOTLY_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}


def escape_markdown(text: str) -> str:
    """Text shown literally inside Streamlit Markdown: no formatting, links, math or HTML."""
    return "".join("\\" + ch if ch in "\\`*_{}[]()#+-.!$<>|~" else ch for ch in text)


def source_or_stop(source: str, src_vocab, max_len: int) -> None:
    """Stop the page with a one-line message if the model cannot take `source`."""
    try:
        check_source(source, src_vocab, max_len)
    except InputError as err:
        st.error(f"**This input can't be decoded:** {escape_markdown(str(err))}.")
        session.write_url()
        st.stop()


def plotly(fig, key: str, fmt: str = "png") -> None:
    """A Plotly figure whose camera button downloads it as PNG or SVG."""
    config = PLOTLY_CONFIG | {"toImageButtonOptions": {"format": fmt, "scale": 2,
                                                       "filename": key}}
    st.plotly_chart(fig, key=key, config=config, width="stretch", theme=None)  # styled by us


def attention_view(trace: Trace, step: int, large: bool, fmt: str, key: str) -> None:
    """The heatmap of alpha (rows so far, current row marked) over the source strip."""
    if trace.attention_kind == "none":
        st.info(figures.NO_ATTENTION + f" (‖c‖ = {trace.fixed_context_norm:.2f}).")
        return
    plotly(figures.attention_heatmap(trace, upto=step, current=step or None, large=large,
                                     strip=True), key=f"{key}-heatmap", fmt=fmt)


def formulas_view(trace: Trace, step: int, rnn: str) -> None:
    """The seed's formulas with this step's numbers in them."""
    if not step:
        st.caption("The formulas appear with their numbers from step 1 on.")
        return
    for f in step_formulas(trace, step, rnn):
        # The general formula is the same at every step, so the browser keeps it as drawn;
        # only the line with this step's numbers is typeset again.
        st.latex(rf"\begin{{gathered}}\textbf{{{f.name}}}\\[2pt] {f.general}\end{{gathered}}")
        st.latex(rf"\Rightarrow\quad {f.live}")


def context_view(trace: Trace, step: int, fixed_norm: float | None, large: bool,
                 fmt: str, key: str) -> None:
    """‖c_i‖ per step beside the fixed model's ‖c‖, and c_i itself as a strip."""
    norms = [s.context_norm for s in trace.steps[:step]]
    left, right = st.columns(2)
    left.vega_lite_chart(figures.context_norm_chart(norms, fixed_norm, current=step or None,
                                                    large=large, n_steps=len(trace.steps)),
                         width="stretch")
    if step:
        with right:
            plotly(figures.context_strip(trace.steps[step - 1].context, large=large),
                   key=f"{key}-context", fmt=fmt)


def topk_view(step: Step, large: bool) -> None:
    st.vega_lite_chart(figures.topk_bar(step, large=large), width="stretch")


def token_text(token: str) -> str:
    """A token as the pages write it: <eos> as ‹eos›, so Markdown never reads it as a tag."""
    return token.replace("<", "‹").replace(">", "›")


def output_tokens(trace: Trace, step: int, expected: Example | None) -> str:
    """The output so far as Markdown: right symbols as code, wrong ones bold on red.

    (A code span keeps its own colours, so a wrong symbol is not one: the red must show.)
    """
    parts = []
    for k, s in enumerate(trace.steps[:step]):
        tok = token_text(s.token)
        ok = expected is None or (k < len(expected.target) and expected.target[k] == s.token) \
            or (s.token == "<eos>" and k == len(expected.target))
        parts.append(f"`{tok}`" if ok else f":red-background[:red[**{escape_markdown(tok)}**]]")
    return " ".join(parts) if parts else "*(nothing yet)*"


def first_error(output: str, target: str) -> int | None:
    """The 1-based position of the first wrong output symbol, or None if all is right."""
    for k, (a, b) in enumerate(zip(output, target), 1):
        if a != b:
            return k
    return None if len(output) == len(target) else min(len(output), len(target)) + 1


def verdict(output: str, expected: Example | None) -> str:
    if expected is None:
        return ""
    if output == expected.target:
        return ":green[✔ correct]"
    return f":red[✘ wrong from symbol {first_error(output, expected.target)}]"
