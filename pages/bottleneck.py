"""Bottleneck: one fixed vector c cannot hold a long input; attention removes that limit.

The seed's §6 (the bottleneck), §7 (attention) and §9 (limits), and Bahdanau et al. 2015,
fig. 2. The page is thin: measurements come from analysis/bottleneck.py, tables from
presentation/bottleneck.py, charts from presentation/figures/bottleneck.py. Shipped results
are read from each checkpoint's metrics.json (nothing is computed for them); re-runs and
timings happen on a button press, bounded in time, and stay in this browser session's state.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import bottleneck as measure
from presentation import bottleneck as bn
from presentation import truth
from presentation.figures import bottleneck as figs
from s2s_core import tasks
from s2s_core.shipped import ModelName, capacity_names, shipped_names
from ui import frame, models, session, sidebar

frame.ensure()  # Streamlit may run this page alone: then draw the frame here

ss = st.session_state

LIVE_MAX_SECONDS = 30  # the re-run's time limit (it may overrun by one model's chunk)
LIVE_CHUNK = 50  # sources per chunk: smaller stops closer to the limit, larger runs faster
TIMING_SECONDS = 20  # the timing's time limit
NORM_LENGTHS, NORM_PER_LENGTH = 12, 3  # context norms: inputs decoded per task
TIMING_LENGTHS, TIMING_RUNS = 6, 5


@st.cache_data(show_spinner="Decoding a few held-out inputs of every length…")
def per_source_norms(task_name: str, name: str) -> pd.DataFrame:
    """‖c‖ and ‖c_i‖ of a shipped model on the task's chosen inputs (cached per checkpoint)."""
    task = tasks.get_task(task_name)
    groups = measure.sources_by_length(task, NORM_LENGTHS, NORM_PER_LENGTH)
    sources = [s for group in groups.values() for s in group]
    return measure.context_norms(models.get_model(name), sources, task.max_target_len + 1)


def chart(figure) -> None:
    st.altair_chart(figure, width="stretch")


choice = sidebar.choices()
task, large = choice.task, choice.large
own_task = task.name not in tasks.TASKS  # a teacher's pairs: this session's models, scored
names = models.model_names(task.name) if own_task else shipped_names(task.name, with_metrics=True)
labels = {name: models.label(name) for name in names}


def own_scores() -> dict[str, dict]:
    """This session's models of a teacher's pairs, scored on the pairs held out (once each)."""
    kept = ss.setdefault("bn_own_scores", {})
    for name in names:
        ckpt = models.get_model(name)
        if kept.get(name, (None,))[0] != id(ckpt):
            kept[name] = (id(ckpt), measure.held_out_scores(ckpt))
    return {labels[n]: kept[n][1] for n in names}


st.title("The bottleneck: one vector c for the whole input")
st.caption(
    f"**{task.title}.** The encoder squeezes x_1 … x_T into one c ∈ R^d, and without "
    "attention the decoder sees nothing else (seed §6). Attention rebuilds a context "
    "c_i = Σ_j α_ij h_j at every step from all the h_j (seed §7). Bahdanau et al. 2015, "
    "fig. 2: the fixed-context model's translations get worse as sentences get longer, "
    "the attention model's do not. Here is the same test on this task."
)
if not names and own_task:
    frame.no_model_yet()
if not names:
    st.error(
        f"No shipped checkpoint of task {task.name!r} has metrics.json "
        "(`python -m s2s_core evaluate` writes it)."
    )
    st.stop()

# --- 1. accuracy by length (shipped metrics.json) ------------------------------------------

st.header("1. Accuracy by input length")
if own_task:
    with st.spinner("Scoring your models on the held-out pairs…"):
        shipped = own_scores()
else:
    shipped = {labels[n]: m for n, m in models.shipped_metrics(tuple(names)).items()}
accuracy = bn.accuracy_frame(shipped)
measures = bn.measures(accuracy)
if ss.get("bn_metric") not in measures:  # WER and PER exist for g2p only
    ss.bn_metric = measures[0]
metric = st.radio(
    "Measure",
    measures,
    horizontal=True,
    key="bn_metric",
    persist_state=session.KEEP,
    help="exact match: the whole output right; token accuracy: share of output "
    "symbols right at their position; word error rate (g2p): 1 − exact match; phoneme "
    "error rate (g2p): edits to the closest pronunciation over its length",
)
train_max = bn.train_max_length(shipped)
chart(
    figs.accuracy_chart(
        accuracy,
        metric,
        train_max,
        large,
        title=f"{metric} by source length, held-out set (band: 95% interval)",
    )
)
st.caption(" · ".join(bn.trend(accuracy, metric)))
held_out_n = max(m["overall"]["n"] for m in shipped.values())
interval = (
    "split into buckets of 5 source lengths; the band is a Wilson 95% interval from each "
    "bucket's n (none for the phoneme error rate, which counts edits, not sources). "
)
if own_task:
    st.caption(
        f"Your pairs held out from training ({held_out_n:,} sources"
        + (
            ", here your training pairs: the file was too small to hold any out), "
            if task.scored_on_training
            else ", never seen in training), "
        )
        + interval
    )
else:
    st.caption(
        f"The held-out sets shipped with the models ({held_out_n:,} sources each, never seen "
        "in training), "
        + interval
        + (
            f"The models trained on lengths up to {train_max}: the shaded lengths test "
            "extrapolation, like the longest sentences in Bahdanau et al.'s fig. 2. "
            if train_max
            else "This task's lengths are the ones its library writes, all seen in training. "
        )
        + "Outputs of 4 or 10 symbols (numbers, dates) fit in one c, and so does what sort "
        "needs (how many of each letter: 26 counts); 30 letters in their order (reverse) do not."
    )
shipped_kinds = {p.attention for n in names if (p := ModelName.parse(n)) is not None}
if train_max and "transformer" in shipped_kinds:
    st.caption(
        "The Transformer has no bottleneck and no recurrence: within the training lengths it "
        "matches the attention RNNs (the curves above). Past them it fails sooner than they "
        "do: it finds positions by their sinusoidal codes PE(pos), and no training input "
        f"was longer than {train_max}, so the codes beyond were never used, in the encoder "
        "nor in the decoder. The attention RNNs degrade too, but more gently."
    )

if own_task:  # the sections below compare a task's shipped models, trained to a recipe
    st.info(
        (
            "**Scored on the training pairs**: your file was too small to hold any out, so "
            "these numbers say what the model learnt, not how it generalises. "
            if task.scored_on_training
            else ""
        )
        + "For your pairs this page scores the models you trained, on the pairs held out "
        "from training. To see the bottleneck itself, train a fixed-context model "
        "(attention: none) beside an attention one on the Train page: both appear above. "
        "The norms, capacity and timing sections compare a task's shipped models and stay "
        "with the shipped tasks.",
        icon=":material/info:",
    )
    st.stop()

# --- 2. the same on fresh samples (live, bounded) ------------------------------------------

st.header("2. Re-run on fresh samples")
run_names = models.model_names(task.name)
c1, c2, c3 = st.columns([1, 1, 1], vertical_alignment="bottom")
n_fresh = c1.number_input(
    "Sources to score", min_value=10, max_value=2000, value=500, step=50, key="bn_n"
)
budget = c2.slider("Time limit (s)", 2, LIVE_MAX_SECONDS, 20, key="bn_budget")
if c3.button("Re-run on fresh samples", key="bn_rerun", type="primary", width="stretch"):
    ss["bn_seed"] = ss.get("bn_seed", 0) + 1  # a new sample each press: seeds 1, 2, …
    bar = st.progress(0.0, text="Drawing fresh sources…")

    def show_progress(p: measure.LiveProgress) -> None:
        bar.progress(
            p.scored / p.total,
            text=f"{p.scored} of {p.total} sources scored by every model · {p.elapsed:.1f} s",
        )

    ckpts = {models.label(n): models.get_model(n) for n in run_names}
    result = measure.reevaluate(
        ckpts, task, int(n_fresh), ss["bn_seed"], float(budget), show_progress, LIVE_CHUNK
    )
    bar.empty()
    ss.setdefault("bn_live", {})[task.name] = result
live = ss.get("bn_live", {}).get(task.name)
if live is None:
    st.caption(
        f"Scores {len(run_names)} models on new sources drawn with a new seed, within "
        "the time limit, and draws them like the chart above."
    )
elif not live.scored:
    st.warning(
        f"Nothing was scored within the time limit ({live.seconds:.0f} s used): "
        "raise the limit or score fewer sources."
    )
else:
    chart(
        figs.accuracy_chart(
            bn.accuracy_frame(live.metrics),
            metric,
            train_max,
            large,
            title=f"{metric} by source length, fresh sample (seed {live.seed})",
        )
    )
    stop = (
        f" — stopped at the time limit: {live.scored} of {live.requested} scored"
        if live.stopped_early
        else ""
    )
    st.caption(
        f"Seed {live.seed}: {live.scored} sources scored by every model in "
        f"{live.seconds:.1f} s{stop}. "
        + " · ".join(bn.trend(bn.accuracy_frame(live.metrics), metric))
    )
st.caption(
    "Fresh sources come from tasks.test_examples with a new seed. For reverse and sort "
    "a random string of 6 or more letters is practically never one seen in training; "
    "dates (about 840,000 possible sources) and numbers (29,999) are small enough that "
    "fresh samples can overlap the training data — for numbers most of them will have "
    "been seen — and so can past's (6,454 verbs), so their scores can be optimistic. g2p "
    f"draws from its {len(tasks.get_task('g2p').held_out_pool() or ()):,} held-out words "
    "only: a new seed is a new sample of them."
)

# --- 3. context norms by length ----------------------------------------------------------

st.header("3. The size of c: ‖c‖ and ‖c_i‖ by input length")
pair = [
    n
    for n in (str(ModelName(task.name, "none")), str(ModelName(task.name, "additive")))
    if n in names
]
norms = pd.concat(
    [
        bn.norms_by_length(
            labels[n], models.get_model(n).model.cfg.attention, per_source_norms(task.name, n)
        )
        for n in pair
    ]
)
bound = max(measure.norm_bound(models.get_model(n)) for n in pair)
chart(figs.norms_chart(norms, bound, large))
st.caption(
    f"{NORM_PER_LENGTH} held-out inputs per length, decoded greedily. The fixed model's ‖c‖ "
    "(its encoder's final state [→h_T ; ←h_1]) stays about the same size from the shortest "
    "input to the longest: the same d numbers must describe all of it (seed §6), and every "
    "component lies in (−1, 1), so ‖c‖ < √d. With attention the context is rebuilt at each "
    "step, c_i = Σ_j α_ij h_j: the band shows how much it changes over the steps i. A norm "
    "says how big c is, not what it knows: the accuracy above shows what fits."
)

# --- 4. capacity: exact match against d --------------------------------------------------

st.header("4. Capacity: a bigger c helps, but only a little")
cap_names = capacity_names("reverse")
if len(cap_names) < 2:
    st.info("The fixed-context reverse models of several sizes d are not shipped here.")
else:
    capacity = models.shipped_metrics(tuple(cap_names))
    reference_name = str(ModelName("reverse", "additive"))
    reference = models.shipped_metrics((reference_name,))[reference_name]
    ref_em = reference["in_training_range"]["exact_match"]
    left, right = st.columns(2)
    with left:
        chart(
            figs.capacity_chart(
                bn.capacity_frame(capacity),
                ref_em,
                f"additive attention, d = {reference['hidden']}: {ref_em:.0%}",
                large,
            )
        )
    with right:
        chart(figs.capacity_by_length_chart(bn.capacity_buckets(capacity), large))
    st.caption(
        "Reverse, fixed-context models of hidden size d = "
        + ", ".join(str(m["hidden"]) for m in capacity.values())
        + ", trained alike (metrics.json, lengths seen in training; bars: Wilson 95%). Seed §9: "
        '"fixed dimensionality limits capacity": doubling d buys a few more letters, while '
        f"attention with d = {reference['hidden']} gets them all. Shown for every task: only "
        "reverse ships models of several sizes."
    )

# --- 5. cost: decode time against length (live, bounded) ---------------------------------

st.header("5. Cost: decoding time grows with the length")
pair_labels = {labels[n]: n for n in pair}
if st.button(
    "Time the decoding",
    key="bn_time",
    help=f"{TIMING_RUNS} runs per length, median; at most {TIMING_SECONDS} s",
):
    groups = measure.sources_by_length(task, TIMING_LENGTHS, 1)
    with st.spinner("Timing greedy decoding…"):
        timings = measure.decode_times(
            {lab: models.get_model(n) for lab, n in pair_labels.items()},
            [g[0] for g in groups.values()],
            task.max_target_len + 1,
            TIMING_RUNS,
            TIMING_SECONDS,
        )
    ss.setdefault("bn_timing", {})[task.name] = timings
timings = ss.get("bn_timing", {}).get(task.name)
if timings:
    kinds = {lab: models.get_model(n).model.cfg.attention for lab, n in pair_labels.items()}
    chart(figs.timing_chart(measure.timing_frame(timings), kinds, large))
    runs = min(t.runs for t in timings)
    st.caption(
        f"Median of {runs} runs of one whole greedy decoding (the trace the app draws) "
        f"per input, on {models.device()}; hover a point for its steps and ms per "
        'step. Seed §9: "computation depth grows linearly with sequence length": the '
        "encoder takes T steps one after another, the decoder one per output symbol. "
        "Attention adds O(T) work at each decoder step, O(T·T') in all. Where the output "
        "has a fixed length (dates: 10 symbols, numbers: at most 4) the decoder's steps "
        "do not grow with T, and neither does the time much. Other programs on this "
        "machine add noise: press again to measure again."
    )
elif timings is not None:
    st.warning(f"No length could be timed within {TIMING_SECONDS} s.")
else:
    st.caption(
        f"Times one greedy decoding of {TIMING_LENGTHS} inputs of different lengths "
        "with the fixed-context and the additive model (a few seconds)."
    )

# --- 6. is the heatmap telling the truth? attention against attribution (metrics.json) --------

st.header("6. Does the heatmap show what the model used?")
if own_task:
    with st.spinner("Scoring your models on the held-out pairs…"):
        shipped = own_scores()
else:
    shipped = {labels[n]: m for n, m in models.shipped_metrics(tuple(names)).items()}
rows = truth.agreements(shipped)
if not task.has_alignment:
    st.caption(
        f"{task.title} has no gold alignment to check attention or attribution against: see "
        "reverse, dates, past tense or pronunciation."
    )
elif not rows:
    st.caption("No shipped model of this task has measured its attribution yet.")
else:
    st.markdown(
        f"For each step of a sample of right held-out outputs: does the **largest attention "
        f"weight** fall on the {task.alignment_label.lower()}, and does the **largest "
        "attribution** (how much each x_j moved log P(y_i), from the model's own gradients)? "
        "Shares of the same steps, in %:"
    )
    st.dataframe(
        truth.agreement_frame(rows),
        hide_index=True,
        width="stretch",
        column_config={
            col: st.column_config.NumberColumn(format="%.1f")
            for col in ("attention α", "integrated gradients", "input × gradient")
        },
    )
    for row in rows:
        st.markdown("- " + truth.verdict(row, task.alignment_label.lower()))
    st.caption(
        "Attention weighs the encoder states h_j, not the letters: the forward half of a "
        "bidirectional h_{j+1} read x_j one step before, so a decoder can look one position "
        "past the letter it writes and still write it right (reverse's dot and general "
        "models, where integrated gradients lands on the letter itself). Attribution has its "
        "own blind spots: input × gradient is near 0 wherever P(y_i) is already near 1, and "
        "integrated gradients starts from an all-‹pad› input, where large contributions of "
        "opposite signs can cancel (reverse's additive and Transformer models). Home's "
        "Heatmap switch (attention / attribution / both) shows it step by step."
    )
session.write_url()  # the link holds the task
