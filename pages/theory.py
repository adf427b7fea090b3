"""Theory: the seed's sections with their formulas, each with a live example on your input.

The sections are data (presentation/theory.py), their formulas come from the registry
(presentation/formulas.py), shown with the source of the function that computes each
(analysis/formulas.py). The live numbers come from the shipped fixed-context model (none)
and the sidebar's model (or, if it has no attention, the task's default one), decoding the
sidebar's input: analysis/examples.py computes them, presentation/theory_latex.py writes
them. Each section points to the page that shows it in full.
"""

from __future__ import annotations

import streamlit as st

from analysis import examples, limits
from analysis import formulas as code
from analysis.agreement import alignment_agreement
from presentation import theory, truth
from presentation import theory_latex as written
from presentation.figures import explorer as figures_explorer
from presentation.figures import heatmap as figures
from presentation.formulas import FORMULAS
from presentation.text import escape_markdown, number
from s2s_core.shipped import ModelName
from s2s_core.training import throughput
from ui import frame, models, navigation, session, sidebar, traces, views

frame.ensure()  # Streamlit may run this page alone: then draw the frame here

ss = st.session_state
choice = sidebar.choices()
task, large, fmt = choice.task, choice.large, choice.fig_format

st.title("Theory: the seed, section by section")
st.caption(
    "“The seed” is the course text this app is built on, *Understanding the Seq2Seq "
    "Model*; every page cites its sections as §1–§10. Each section with formulas comes "
    "here with a live example: the numbers of the shipped models decoding your input. "
    "Under each formula, the function that computes it. Change the input and every "
    "number follows. §3 (architecture overview) has no section of its own: §4–§8 are it, "
    "part by part."
)


def kinds(names: list[str]) -> dict[str, str]:
    """Each model's attention kind, by name."""
    return {n: p.attention for n in names if (p := ModelName.parse(n)) is not None}


def theory_models(task_name: str, picked: str) -> tuple[str, str]:
    """The fixed-context model and the attention RNN the live numbers come from: the
    shipped ones, or (a teacher's pairs) this session's own; the page stops, saying which
    to train, when one is missing."""
    names = models.model_names(task_name)
    kind = kinds(names)
    fixed = str(ModelName(task_name, "none"))
    if fixed not in names:  # a teacher's pairs: the first own fixed-context model
        fixed = next((n for n in names if kind.get(n) == "none"), "")
    rnn = [n for n in names if kind.get(n) not in (None, "none", "transformer")]
    attentive = picked if picked in rnn else models.default_model(task_name)
    if attentive not in rnn:
        attentive = rnn[0] if rnn else ""
    if not fixed or not attentive:
        missing = " and ".join(
            what
            for what, gone in (
                ("a fixed-context model (attention: none)", not fixed),
                ("an attention RNN (additive, dot or general)", not attentive),
            )
            if gone
        )
        st.info(
            f"The live numbers compare a fixed-context model with an attention RNN of the "
            f"same task. For your pairs, train {missing} on the Train page.",
            icon=":material/model_training:",
        )
        st.stop()
    return fixed, attentive


source = choice.source
none_name, att_name = theory_models(task.name, choice.model)
none_ckpt, att_ckpt = models.get_model(none_name), models.get_model(att_name)
views.source_or_stop(source, att_ckpt.src_vocab, task.max_source_len)
fixed = traces.greedy(none_name, none_ckpt, source, {})
att = traces.greedy(att_name, att_ckpt, source, {})
expected = task.solve(source)
n = len(att.steps)
if ss.get("theory_step") not in range(1, n + 1):
    ss.theory_step = min(max(1, int(ss.get("theory_step") or 1)), n)
st.select_slider(
    "Step i (§5, §7, §8)", list(range(1, n + 1)), key="theory_step", persist_state=session.KEEP
)
step = ss.theory_step
st.caption(
    f"Attention model: **{models.label(att_name)}** (the sidebar's Model, or the "
    "task's default one when that has no attention); fixed context: "
    f"**{models.label(none_name)}**."
)


# --- the live examples, one function per section -------------------------------------------


def live_1() -> None:
    st.latex(written.sequence_latex(examples.sequence_example(att))[0])
    if expected is not None and not expected.accepts(att.output):
        st.caption(f"The task's answer would be `{expected.target}`.")


def live_2() -> None:
    st.latex(written.sequence_latex(examples.sequence_example(att))[1])
    st.caption(
        f"One factor per output step of {att_name}, the final ‹eos› included: "
        "how sure the model was of each symbol it wrote."
    )


def live_4() -> None:
    enc = examples.encoder_example(fixed)
    for line in written.encoder_latex(enc):
        st.latex(line)
    views.plotly(
        figures_explorer.encoder_norm_chart(enc.tokens, enc.norms, enc.fixed_norm, large=large),
        key="theory-h",
        fmt=fmt,
    )
    st.caption(f"Encoder states of {none_name}, the model that decodes from c alone.")


def live_5() -> None:
    dec = examples.decoder_example(fixed, step)
    for line in written.decoder_latex(dec):
        st.latex(line)
    st.caption(f"Step t = {dec.t} of {none_name} (no attention: the same c at every step).")


def live_6() -> None:
    st.latex(written.squeeze_latex(examples.encoder_example(fixed)))
    left, right = st.columns(2)
    curves, train_max = {}, None
    for col, name, trace in ((left, none_name, fixed), (right, att_name, att)):
        with col:
            views.output_card(
                models.label(name), trace, expected, alignment_label=task.alignment_label
            )
            metrics = models.shipped_metrics((name,)).get(name)
            if metrics is None:
                continue
            curves[models.label(name)] = limits.exact_by_length(metrics)
            train_max = metrics["train_max_length"]
            here, longest = (
                limits.bucket_for(metrics, len(source)),
                limits.longest_bucket(metrics),
            )
            lines = [
                f"at the longest training lengths {longest['lengths'][0]}–"
                f"{longest['lengths'][1]}: **{longest['exact_match']:.0%}**"
            ]
            if here is not None:
                lines.insert(
                    0,
                    f"at lengths {here['lengths'][0]}–{here['lengths'][1]} "
                    f"(like this input): **{here['exact_match']:.0%}**",
                )
            st.caption("Held-out exact match " + "; ".join(lines))
    if curves:
        views.plotly(
            figures_explorer.length_chart(curves, len(source), train_max, large),
            key="theory-lengths",
            fmt=fmt,
        )


def live_7() -> None:
    st.latex(rf"\text{{this model scores with }} {FORMULAS[att.attention_kind].latex}")
    example = examples.attention_example(att, step)
    for line in written.attention_latex(example):
        st.latex(line)
    st.caption(f"Step i = {example.i} of {att_name}: the source coloured by α_i·.")
    views.plotly(
        figures.source_strip(att.source_tokens, example.alpha, large=large),
        key="theory-strip",
        fmt=fmt,
    )
    agreement = alignment_agreement(att, expected)
    if agreement is not None:
        st.caption(
            f"Over the whole output the largest α_ij falls on the right source position "
            f"at **{agreement[0]}/{agreement[1]}** steps."
        )
    rows = truth.agreements(
        {
            models.label(n): m
            for n, m in models.shipped_metrics(tuple(models.model_names(task.name))).items()
        }
    )
    if rows:
        st.markdown(
            "**Attention against attribution**, on held-out steps (each shipped model of "
            "this task):"
        )
        for row in rows:
            st.markdown("- " + truth.verdict(row, task.alignment_label.lower()))


def live_8() -> None:
    """The three pictures on the same input, at step i of the slider (or each one's last)."""
    transformer_name = str(ModelName(task.name, "transformer"))
    pictures = [(none_name, fixed), (att_name, att)]
    if transformer_name in models.model_names(task.name):
        ckpt_t = models.get_model(transformer_name)
        pictures.append((transformer_name, traces.greedy(transformer_name, ckpt_t, source, {})))
    for name, trace in pictures:
        shown = min(step, len(trace.steps))
        st.markdown(f"**{escape_markdown(models.label(name))}**, step {shown}")
        # a Transformer's picture is of one head, or the mean of all: its caption names
        # "the head picked above", this picker (other traces: no widget, None)
        head = views.head_picker(trace, key="theory_head")
        views.diagram_view(trace, shown, large, head)


def live_9() -> None:
    T, T_out = examples.sequential_depth(att)
    st.latex(
        rf"\text{{this input: }} T = {T},\ T' = {T_out}: \quad {T} + {T_out} = {T + T_out}"
        r"\text{ recurrent steps one after another}"
    )
    rows = [
        {
            "Limitation": lim.name,
            "Theoretical impact": lim.impact,
            "Measured by": lim.measured,
            "Numbers": number,
        }
        for lim, number in zip(
            theory.LIMITATIONS, written.limitation_lines(limits.limitation_numbers(att))
        )
    ]
    st.table(rows)
    transformer_name = str(ModelName(task.name, "transformer"))
    if transformer_name not in models.model_names(task.name):
        return
    cfg_t = models.get_model(transformer_name).model.cfg
    st.markdown(
        f"**RNN against Transformer on this input** (T = {T}, T' = {T_out}; the shipped "
        f"Transformer has L = {cfg_t.layers} layers of {cfg_t.heads} heads)"
    )
    st.table(written.architecture_rows(*examples.architectures(T, T_out, cfg_t.layers)))
    measure_speed(cfg_t)


MEASURE_LENGTHS, MEASURE_SECONDS = [5, 10, 20, 40, 80], 12


def measure_speed(cfg_t) -> None:
    """§9 measured, not asserted: encoder time and training throughput against T, the
    Transformer beside an RNN of the same parameter count, on this server (on request)."""
    rnn_cfg = throughput.matching_rnn(cfg_t)
    st.caption(
        f"Measured on this server: the Transformer ({throughput.parameter_count(cfg_t):,} "
        f"parameters) beside an additive-attention RNN of the same size (d = {rnn_cfg.hidden}, "
        f"{throughput.parameter_count(rnn_cfg):,} parameters), both freshly initialised, on "
        f"random strings of letters of each length T (about {MEASURE_SECONDS} s)."
    )
    key = f"throughput-{task.name}"
    if st.button("Measure on this machine", key="theory_measure"):
        with st.spinner("Timing both models at each length…"):
            ss[key] = throughput.compare(
                cfg_t, MEASURE_LENGTHS, models.device(), seconds=MEASURE_SECONDS
            )
    if key in ss:
        st.dataframe(limits.throughput_rows(ss[key]), hide_index=True)
        st.caption(limits.throughput_summary(ss[key]))


def live_10() -> None:
    for name, trace in ((none_name, fixed), (att_name, att)):
        seq = examples.sequence_example(trace)
        st.markdown(
            f"**{escape_markdown(models.label(name))}:** `{trace.output or '(empty)'}` · "
            f"log P(Y | X) = {number(seq.log_probability, 3)} "
            + views.verdict_markdown(trace.output, expected, trace.separator)
        )


LIVE = {
    1: live_1,
    2: live_2,
    4: live_4,
    5: live_5,
    6: live_6,
    7: live_7,
    8: live_8,
    9: live_9,
    10: live_10,
}


def formula(key: str) -> None:
    """A formula of the registry, where the code deviates and why, and its implementation."""
    f = FORMULAS[key]
    st.latex(f.latex)
    if f.deviation:
        st.caption(f"In the code: {f.deviation}")
    with st.expander(f"The code: `{f.where}`"):
        st.code(code.source(f.implementation), language="python")


def show(section: theory.Section) -> None:
    """A section: text, formulas (each with its code), its live example, where to see it."""
    with st.container(border=True):
        st.header(f"{section.number}. {section.title}")
        st.markdown(section.text)
        for statement in section.statements:
            st.latex(statement)
        for key in section.formulas:
            formula(key)
        st.markdown("**Live, on your input**")
        LIVE[section.number]()
        st.markdown("**See it in full**")
        for pointer in section.shown_on:
            navigation.link(pointer.page, pointer.label)


for sec in theory.SECTIONS:
    show(sec)
session.write_url()
