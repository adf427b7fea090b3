"""Train: train a small model here, watch it learn, then decode with it on the other pages.

The page is thin: the job board (ui.training_jobs) runs s2s_core.training.loop.train in a
background thread, one job per server at a time; the curves come from
presentation/figures/training.py. The task is the sidebar's. A finished model goes into this
session's st.session_state["trained_models"] (never to checkpoints/); the frame (app.py)
hands it over and makes it the sidebar's model. As it trains, the model is also kept in the
model store under an unguessable id that the link carries (ui/models.py): a reload brings
it back, and "Share this model" gives the link that opens it for others.
"""

from __future__ import annotations

import time

import pandas as pd
import streamlit as st

from presentation.figures import training as figures_training
from presentation.formulas import FORMULAS
from s2s_core import tasks
from s2s_core.shipped import ModelName
from ui import frame, models, own_task, session, sidebar, training_jobs, views

frame.ensure()  # Streamlit may run this page alone: then draw the frame here

ss = st.session_state
choice = sidebar.choices()
large = choice.large

MAX_OWN_MODELS = models.MAX_OWN_MODELS
REFRESH_S = 1.0  # how often the live view redraws while a job runs
STOPPED_BY = {
    "max_seconds": "the time budget ran out",
    "callback": "you pressed Stop",
    "target_exact": "it reached the target exact match",
    "max_steps": "it reached its step limit",
}
KIND_HELP = (
    "none: one fixed context vector c for every step (seed §4–6); additive, "
    "dot, general: the score functions a(s_{i-1}, h_j) of attention (seed §7); transformer: "
    "attention only, 2 layers of 4 heads, d_model = d (seed §9–10)"
)

owner = training_jobs.session_owner()
jobs = training_jobs.board()
lim = training_jobs.limits(models.device().type)


def valid_settings() -> None:
    """Defaults, and the settings kept within this machine's caps."""
    ss.setdefault("train_attention", "additive")
    ss.setdefault("train_seconds", 60)
    if ss.get("train_hidden") not in lim.hidden_sizes:
        ss.train_hidden = 64
    ss.train_seconds = min(max(int(ss.train_seconds), training_jobs.MIN_SECONDS), lim.max_seconds)


def start_job() -> None:
    """The Start button: build the config (caps checked) and put the job on the board."""
    ss.pop("train_error", None)
    if board_state() == "mine":  # a second click before the page redrew
        return
    try:
        if len(models.trained_models()) >= MAX_OWN_MODELS:
            raise ValueError(
                f"this session already keeps {MAX_OWN_MODELS} trained models; "
                "forget one below first"
            )
        cfg = training_jobs.make_config(
            choice.task.name, ss.train_attention, ss.train_hidden, ss.train_seconds, lim
        )
        training_jobs.start(cfg)  # kept in the model store as it trains; the link has its id
        ss.pop("train_last", None)
    except (ValueError, training_jobs.Busy) as err:
        ss.train_error = str(err)


def stop_job() -> None:
    """The Stop button: the job stops after its next step."""
    jobs.stop(owner)


def board_state() -> str:
    """'free', 'mine' (this session's job is on the board) or 'other'."""
    job = jobs.current()
    return "free" if job is None else "mine" if job.owner == owner else "other"


def forget(name: str) -> None:
    models.forget(name)
    if ss.get("train_last", {}).get("name") == name:
        ss.pop("train_last")


valid_settings()
state = board_state()

# --- the page --------------------------------------------------------------------------------

st.title("Train a model")
st.caption(
    "Train a small encoder–decoder here, watch the loss fall, then decode with it on "
    "the home page and the explorer. Each step takes a batch of (X, Y) pairs, feeds the "
    "decoder the true previous token y_{i−1} (teacher forcing) and lowers the loss with "
    "Adam."
)
st.latex(FORMULAS["loss"].latex + r", \qquad " + FORMULAS["readout"].latex)
own_task.section()  # your own pairs: upload or paste, then train on them

busy = state != "free"
job_now = jobs.current()
if state == "mine" and job_now is not None:  # the task this job trains, whatever the sidebar
    st.markdown(f"Task: **{tasks.get_task(job_now.config.task).title}** (this job's)")
else:
    st.markdown(f"Task: **{choice.task.title}** (the sidebar's)")
cols = st.columns([2, 2, 2], vertical_alignment="bottom")
cols[0].selectbox(
    "Attention",
    training_jobs.TRAINABLE,  # the RNN kinds and a small Transformer
    key="train_attention",
    disabled=busy,
    help=KIND_HELP,
    persist_state=session.KEEP,
)
cols[1].select_slider(
    "Hidden size d",
    lim.hidden_sizes,
    key="train_hidden",
    disabled=busy,
    persist_state=session.KEEP,
    help="The size of h_j, s_i and c_i. Larger learns more, but each step "
    f"is slower. Up to {max(lim.hidden_sizes)} on this machine "
    f"({models.device().type.upper()}).",
)
cols[2].slider(
    "Time budget (s)",
    training_jobs.MIN_SECONDS,
    lim.max_seconds,
    step=5,
    key="train_seconds",
    disabled=busy,
    persist_state=session.KEEP,
    help=f"Training stops after this many seconds (at most {lim.max_seconds} s "
    "here), then scores the held-out set.",
)
full = len(models.trained_models()) >= MAX_OWN_MODELS
st.button(
    "▶ Start training", key="train_start", type="primary", on_click=start_job, disabled=busy or full
)
if full:
    st.info(
        f"This session keeps at most {MAX_OWN_MODELS} trained models: forget one below "
        "to train another."
    )
if error := ss.get("train_error"):
    st.error(error)


def charts(history: list, key: str) -> None:
    left, right = st.columns(2)
    left.altair_chart(
        figures_training.loss_chart(history, large), width="stretch", key=f"{key}-loss"
    )
    right.altair_chart(
        figures_training.accuracy_chart(history, large), width="stretch", key=f"{key}-accuracy"
    )


def live_view(drawn_as: str) -> None:
    """Redrawn every REFRESH_S seconds while a job is on the board. When this session's job
    has finished, or the board changed, the whole page reruns: the frame then hands the
    finished model over (training_jobs.deliver)."""
    job = jobs.current()
    if job is None or board_state() != drawn_as or (drawn_as == "mine" and job.done):
        st.rerun()
    if drawn_as == "other":
        left = (
            f"finished, waiting for its owner's next click in the app (at most "
            f"{training_jobs.ABANDONED_AFTER / 60:.0f} min)"
            if job.done
            else f"about {job.seconds_left():.0f} s left"
        )
        st.warning(
            f"Training is busy: another session's job, {left}. Only one model trains "
            "at a time on this server; decoding on the other pages still works."
        )
        return
    history = list(job.progress)  # a snapshot: the training thread keeps appending
    elapsed = time.monotonic() - job.started
    cfg = job.config
    text = (
        f"Training {ModelName(cfg.task, cfg.attention, cfg.hidden)}: "
        + (f"step {history[-1].step}, " if history else "starting, ")
        + (
            f"{elapsed:.0f} of {job.budget:.0f} s"
            if job.seconds_left()
            else "scoring the held-out set…"
        )
    )
    top = st.columns([5, 1], vertical_alignment="center")
    top[0].progress(min(1.0, elapsed / job.budget), text=text)
    top[1].button(
        "■ Stop",
        key="train_stop",
        on_click=stop_job,
        disabled=job.stop_flag.is_set(),
        width="stretch",
        help="Stop after the next step and keep the model as it is",
    )
    if history:
        last = history[-1]
        exact = next((p.exact_match for p in reversed(history) if p.exact_match is not None), None)
        m = st.columns(4)
        m[0].metric("loss L (batch)", f"{last.loss:.4f}")
        m[1].metric("token accuracy (batch)", f"{last.token_accuracy:.1%}")
        m[2].metric("exact match (held-out)", "–" if exact is None else f"{exact:.1%}")
        m[3].metric("tokens / s", f"{last.tokens_per_s:,.0f}")
    charts(history, "live")


if busy:
    st.fragment(live_view, run_every=REFRESH_S)(state)

# --- the last result, and this session's models ----------------------------------------------

if (last := ss.get("train_last")) and state != "mine":
    held = last["held_out"]
    stored = last["name"] in models.stored_ids()
    st.success(
        f"Trained **{last['name']}**: it stopped because "
        f"{STOPPED_BY.get(last['stopped_by'], last['stopped_by'])}. Pick it in the "
        "Model list on any page. "
        + (
            "It is kept in the model store: a reload brings it back, and its link "
            "(Share this model, below) opens it for others."
            if stored
            else ""
        )
    )
    if last.get("store_error"):
        st.warning(
            f"The model store did not keep this model ({last['store_error']}): it lives in "
            "this browser tab only, and a reload loses it. Everything else works as usual."
        )
    if held:
        m = st.columns(3)
        m[0].metric("exact match (held-out, training lengths)", f"{held['exact_match']:.1%}")
        if held.get("wer") is not None:  # g2p: the word and phoneme error rates
            m[1].metric("WER / PER (held-out)", f"{held['wer']:.1%} / {held['per']:.1%}")
        else:
            m[1].metric("token accuracy (held-out)", f"{held['token_accuracy']:.1%}")
        m[2].metric("held-out examples", f"{held['n']:,}")
    charts(last["history"], "last")

own = models.trained_models()
if own:
    st.subheader("Your models")
    st.caption(
        "Trained here or opened from a link. Those in the model store come back after a "
        "reload (the link holds their ids); Share gives the link that opens one for others."
    )
    rows = pd.DataFrame(
        [
            {
                "model": name,
                "task": c.task,
                "attention": c.model.cfg.attention,
                "d": c.model.cfg.hidden,
                "held-out exact match": c.info.get("held_out", {}).get("exact_match"),
                "steps": c.info.get("training", {}).get("steps"),
                "kept": "model store" if name in models.stored_ids() else "this tab only",
            }
            for name, c in own.items()
        ]
    )
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        column_config={"held-out exact match": st.column_config.NumberColumn(format="percent")},
    )
    for k, name in enumerate(own):
        row = st.columns([4, 2, 2], vertical_alignment="center")
        row[0].markdown(f"**{name}**")
        if name in models.stored_ids():
            with row[1]:
                views.share_button(name, key=f"train_share_{k}")
        row[2].button(
            "Forget",
            key=f"train_forget_{k}",
            on_click=forget,
            args=(name,),
            width="stretch",
            help="Drop it from this tab (a shared link still opens it until the store's age limit)",
        )
session.write_url()  # the link holds the task
