"""Pieces of the decoding view, shared by the pages: figures, formulas, outputs, choices.

Each function draws one thing from a Trace (s2s_core.model.decoding) with a builder from
presentation/; none of them computes anything the core or presentation could.
"""

from __future__ import annotations

import streamlit as st

from analysis.agreement import alignment_agreement
from presentation.figures import diagrams
from presentation.heads import Head, head_choices, head_label
from presentation.text import escape_markdown, number, sentence
from presentation.verdicts import verdict
from s2s_core.attribution import GAP_TOLERANCE, Attribution
from s2s_core.model.decoding import Hypothesis, Trace, check_source
from s2s_core.model.vocab import InputError, Vocab
from s2s_core.tasks import Example, Task

from . import models, session

HEAT_VIEWS = dict(zip(session.HEAT_VIEWS, ("attention α", "attribution", "both"), strict=True))
DIAGRAM_CAPTIONS = {
    "fixed": "Seed §8, the standard seq2seq: X → encoder states h_j → one fixed c → decoder "
    "states s_i → Y. The numbers are norms ‖·‖ and P(y_i) at this step: c is the same at "
    "every step.",
    "attention": "Seed §8, seq2seq with attention: every h_j feeds the attention, its "
    "arrow as wide as α_ij at this step; their weighted sum c_i feeds s_i, then y_i. Step "
    "on and watch the arrows move.",
    "transformer": "Seed §9–10, the Transformer: no recurrent chain. Blue arrows: "
    "cross-attention from every encoder output m_j (the head picked above, or the mean of "
    "all heads); red dashed: the "
    "decoder's masked self-attention over its own inputs y_0 … y_{i−1}. Every position is "
    "one attention step from every other.",
}
PLOTLY_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}


def source_or_stop(source: str, src_vocab: Vocab, max_len: int) -> None:
    """Stop the page with a one-line message if the model cannot take `source`."""
    try:
        check_source(source, src_vocab, max_len)
    except InputError as err:
        st.error(f"**This input can't be decoded:** {escape_markdown(str(err))}.")
        session.write_url()
        st.stop()


def plotly(fig, key: str, fmt: str = "png") -> None:
    """A Plotly figure whose camera button downloads it as PNG or SVG."""
    config = PLOTLY_CONFIG | {"toImageButtonOptions": {"format": fmt, "scale": 2, "filename": key}}
    st.plotly_chart(fig, key=key, config=config, width="stretch", theme=None)  # styled by us


def attribution_caption(attribution: Attribution) -> str:
    """What the attribution heatmap shows, and how complete integrated gradients came out."""
    colours = (
        "Blue: x_j raised P(y_i); red: x_j lowered it; each row is scaled by its largest "
        "|a_ij| (a row with next to nothing to attribute, P(y_i) ≈ 1 anyway, stays pale). "
        "Where a row's darkest blue is not where α looks, the heatmap and the model's "
        "own gradients disagree."
    )
    if attribution.completeness_gap is None:
        return "Input × gradient, a_ij = e_j · ∇f_i: one backward pass per step. " + colours
    gap = attribution.completeness_gap
    more = (
        " (this path is hard to integrate in a quarter of a second: switch on “Complete "
        "integration” in the sidebar for a tighter answer)"
        if gap > GAP_TOLERANCE
        else ""
    )
    return (
        "Integrated gradients from an all-‹pad› source b: each row should add up to "
        f"log P(y_i | X) − log P(y_i | b); here they miss it by {gap:.2%} over the whole "
        f"output{more}. " + colours
    )


def diagram_view(trace: Trace, step: int, large: bool, head: Head = None) -> None:
    """The seed's §8 picture of this model at this step: edges as wide as the weights (a
    Transformer's: of `head`, or the mean of all heads)."""
    st.graphviz_chart(diagrams.diagram(trace, step, large, head), width="stretch")
    st.caption(DIAGRAM_CAPTIONS[diagrams.kind(trace)])


def head_picker(trace: Trace, key: str, disabled: bool = False) -> Head:
    """A Transformer trace: which cross-attention to show, the mean of every layer's heads or
    one (layer, head). Other traces have one attention row per step: None, no widget."""
    choices = head_choices(trace)
    if len(choices) == 1:
        return None
    return st.selectbox(
        "Cross-attention shown",
        choices,
        key=key,
        format_func=head_label,
        disabled=disabled,
        help="A Transformer attends with H heads in each of L layers, each its own row of "
        "weights over the source. The mean is what the context c_i uses here; pick a head to "
        "see what it alone looks at.",
    )


def verdict_markdown(output: str, expected: Example | None, separator: str = "") -> str:
    """':green[✔ correct]', ':red[✘ wrong from symbol k]', or '' without a known answer."""
    v = verdict(output, expected, separator)
    if v is None:
        return ""
    return ":green[✔ correct]" if v == 0 else f":red[✘ wrong from symbol {v}]"


def output_card(
    title: str | None,
    trace: Trace,
    expected: Example | None,
    caption: str | None = None,
    say_no_answer: bool = True,
    alignment_label: str = "Gold alignment",
) -> None:
    """One model's whole output: its title (if any), the output, right or wrong (or, unless
    the page says it elsewhere, that there is no known answer), and how often its attention
    hit the gold source position."""
    if title:
        st.markdown(f"**{escape_markdown(title)}**")
    st.code(trace.output or "(empty)", language=None)
    if expected is not None or say_no_answer:
        st.markdown(
            verdict_markdown(trace.output, expected, trace.separator)
            or ":gray[no known answer: the task would not write this input]"
        )
    agreement = alignment_agreement(trace, expected)
    if agreement is not None:
        hits, total = agreement
        st.caption(
            f"{alignment_label}: the largest α_ij falls on the right source position at "
            f"**{hits}/{total}** steps ({hits / total:.0%})."
        )
    if caption:
        st.caption(caption)


def answer_view(task: Task, source: str, expected: Example | None) -> None:
    """The task's answer to `source`: its target, the other right answers, and where it
    comes from (g2p: in the dictionary, training or held out; or the model's own guess)."""
    about = task.about(source)
    if expected is None:
        st.caption(
            sentence(about)
            if about
            else "This input is not one the task generates, so there is no known answer."
        )
        return
    st.code(expected.target, language=None)
    if expected.alternatives:
        st.caption("Also right: " + ", ".join(f"`{a}`" for a in expected.alternatives))
    if about:
        st.caption(sentence(about))


def legend_view(task: Task) -> None:
    """A key to the task's output symbols, for tasks whose symbols need one (g2p: ARPAbet)."""
    legend = task.legend()
    if not legend:
        return
    with st.expander(f"The {len(legend)} output symbols: ARPAbet, IPA, an example word"):
        st.caption(
            "CMUdict writes English sounds in ARPAbet. Its vowels carry a stress digit "
            "(AY1, AH0); this task leaves the digits out, so each output token is one of "
            f"these {len(legend)} phonemes."
        )
        st.dataframe(
            {
                "ARPAbet": list(legend),
                "IPA": [ipa for ipa, _ in legend.values()],
                "as in": [example for _, example in legend.values()],
            },
            hide_index=True,
            width="stretch",
        )


def beam_picker(hyps: list[Hypothesis], label: str, key: str, on_change=None) -> int:
    """A choice of one beam hypothesis, best first: "#1 “…” (log P = …)"; its index."""
    if st.session_state.get(key, 0) >= len(hyps):
        st.session_state[key] = 0
    choice = st.radio(
        label,
        range(len(hyps)),
        horizontal=True,
        key=key,
        on_change=on_change,
        format_func=lambda k: f"#{k + 1} “{hyps[k].output}” (log P = {number(hyps[k].score)})",
    )
    return min(choice or 0, len(hyps) - 1)


def share_button(name: str, key: str) -> None:
    """The Share this model button: a popover with the link that opens the stored model
    `name` (a copy button on the code block), for a teacher to hand the class."""
    days = models.model_store().limits.max_age_s / 86400
    with st.popover("Share this model", icon=":material/share:", width="stretch", key=key):
        st.code(session.share_link(name), language=None, wrap_lines=True)
        st.caption(
            f"Whoever opens this link gets **{escape_markdown(name)}** on every page, for up "
            f"to {days:g} days (less if the model store fills up). Nobody can list or open "
            "it without the link."
        )
