"""Train: train a small model here, watch it learn, then decode with it on the other pages.

The page is thin: the job board (ui.training_jobs) runs s2s_core.training.train in a
background thread, one job per server at a time; the curves come from
s2s_core.figures_training. A finished model goes into this session's
st.session_state["trained_models"] only (never to checkpoints/, never to another session),
and becomes the model the home page opens with (the shared_* keys of ui.session).
"""

from __future__ import annotations

import time

import pandas as pd
import streamlit as st

from s2s_core import figures_training, tasks
from s2s_core.model import ATTENTION_KINDS
from ui import models, session, training_jobs

st.set_page_config(page_title="Train · Seq2Seq Attention Lab", page_icon="🔍", layout="wide")
ss = st.session_state
large = session.classroom_toggle()

MAX_OWN_MODELS = 5  # models one session may keep (each is a whole Seq2Seq in memory)
REFRESH_S = 1.0  # how often the live view redraws while a job runs
SETTINGS = ("train_task", "train_attention", "train_hidden", "train_seconds")
STOPPED_BY = {"max_seconds": "the time budget ran out", "callback": "you pressed Stop",
              "target_exact": "it reached the target exact match",
              "max_steps": "it reached its step limit"}
KIND_HELP = ("none: one fixed context vector c = h_T for every step (seed §4–6); additive, "
             "dot, general: the score functions a(s_{i-1}, h_j) of attention (seed §7)")

owner = training_jobs.session_owner()
jobs = training_jobs.board()
lim = training_jobs.limits(models.device().type)


# --- state: the settings survive a visit to another page (widget keys do not) --------------

def restore_settings() -> None:
    saved = ss.get("_train_settings") or {"train_task": session.recall()["task"],
                                          "train_attention": "additive", "train_hidden": 64,
                                          "train_seconds": 60}
    for key in SETTINGS:
        ss.setdefault(key, saved[key])
    if ss.train_hidden not in lim.hidden_sizes:
        ss.train_hidden = 64
    ss.train_seconds = min(max(int(ss.train_seconds), training_jobs.MIN_SECONDS),
                           lim.max_seconds)


def save_settings() -> None:
    ss["_train_settings"] = {key: ss[key] for key in SETTINGS}


def start_job() -> None:
    """The Start button: build the config (caps checked) and put the job on the board."""
    ss.pop("train_error", None)
    if board_state() == "mine":  # a second click before the page redrew
        return
    try:
        if len(models.trained_models()) >= MAX_OWN_MODELS:
            raise ValueError(f"this session already keeps {MAX_OWN_MODELS} trained models; "
                             "forget one below first")
        cfg = training_jobs.make_config(ss.train_task, ss.train_attention, ss.train_hidden,
                                        ss.train_seconds, lim)
        jobs.start(owner, cfg)
        ss.pop("train_last", None)
    except (ValueError, training_jobs.Busy) as err:
        ss.train_error = str(err)


def collect() -> bool:
    """Take this session's finished job off the board; True if there was one."""
    return training_jobs.deliver(ss)


def board_state() -> str:
    """'free', 'mine' (this session's job is on the board) or 'other'."""
    job = jobs.current()
    return "free" if job is None else "mine" if job.owner == owner else "other"


def forget(name: str) -> None:
    models.trained_models().pop(name, None)
    if ss.get("train_last", {}).get("name") == name:
        ss.pop("train_last")


collect()
restore_settings()
state = board_state()

# --- the page --------------------------------------------------------------------------------

st.title("Train a model")
st.caption("Train a small encoder–decoder here, watch the loss fall, then decode with it on "
           "the home page and the explorer. Each step takes a batch of (X, Y) pairs, feeds the "
           "decoder the true previous token y_{i−1} (teacher forcing) and lowers the loss with "
           "Adam.")
st.latex(r"L = -\frac{1}{N}\sum_{i} \log P(y_i \mid y_{<i}, X), \qquad "
         r"P(y_i \mid y_{<i}, X) = \mathrm{softmax}(W_o s_i + b_o)")

busy = state != "free"
cols = st.columns([2, 2, 2, 2], vertical_alignment="bottom")
cols[0].selectbox("Task", list(tasks.TASKS), key="train_task", disabled=busy,
                  format_func=lambda name: tasks.TASKS[name].title)
cols[1].selectbox("Attention", ATTENTION_KINDS, key="train_attention", disabled=busy,
                  help=KIND_HELP)
cols[2].select_slider("Hidden size d", lim.hidden_sizes, key="train_hidden", disabled=busy,
                      help="The size of h_j, s_i and c_i. Larger learns more, but each step "
                           f"is slower. Up to {max(lim.hidden_sizes)} on this machine "
                           f"({models.device().type.upper()}).")
cols[3].slider("Time budget (s)", training_jobs.MIN_SECONDS, lim.max_seconds, step=5,
               key="train_seconds", disabled=busy,
               help=f"Training stops after this many seconds (at most {lim.max_seconds} s "
                    "here), then scores the held-out set.")
save_settings()
full = len(models.trained_models()) >= MAX_OWN_MODELS
st.button("▶ Start training", key="train_start", type="primary", on_click=start_job,
          disabled=busy or full)
if full:
    st.info(f"This session keeps at most {MAX_OWN_MODELS} trained models: forget one below "
            "to train another.")
if error := ss.get("train_error"):
    st.error(error)


def charts(history: list, key: str) -> None:
    left, right = st.columns(2)
    left.altair_chart(figures_training.loss_chart(history, large), width="stretch",
                      key=f"{key}-loss")
    right.altair_chart(figures_training.accuracy_chart(history, large), width="stretch",
                       key=f"{key}-accuracy")


def live_view(drawn_as: str) -> None:
    """Redrawn every REFRESH_S seconds while a job is on the board."""
    if collect() or board_state() != drawn_as:  # finished, or the board changed: redraw all
        st.rerun()
    job = jobs.current()
    if job is None:  # collected by its owner just now
        st.rerun()
    if drawn_as == "other":
        left = (f"finished, waiting for its owner to open the Train page (at most "
                f"{training_jobs.ABANDONED_AFTER / 60:.0f} min)" if job.done else
                f"about {job.seconds_left():.0f} s left")
        st.warning(f"Training is busy: another session's job, {left}. Only one model trains "
                   "at a time on this server; decoding on the other pages still works.")
        return
    history = list(job.progress)  # a snapshot: the training thread keeps appending
    elapsed = time.monotonic() - job.started
    cfg = job.config
    text = (f"Training {cfg.task}-{cfg.attention}-d{cfg.hidden}: "
            + (f"step {history[-1].step}, " if history else "starting, ")
            + (f"{elapsed:.0f} of {job.budget:.0f} s" if job.seconds_left() else
               "scoring the held-out set…"))
    top = st.columns([5, 1], vertical_alignment="center")
    top[0].progress(min(1.0, elapsed / job.budget), text=text)
    top[1].button("■ Stop", key="train_stop", on_click=jobs.stop, args=(owner,),
                  disabled=job.stop_flag.is_set(), width="stretch",
                  help="Stop after the next step and keep the model as it is")
    if history:
        last = history[-1]
        exact = next((p.exact_match for p in reversed(history) if p.exact_match is not None),
                     None)
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
    st.success(f"Trained **{last['name']}**: it stopped because "
               f"{STOPPED_BY.get(last['stopped_by'], last['stopped_by'])}. Pick it in the "
               "Model list on the home page or the explorer (this browser tab only).")
    if held:
        m = st.columns(3)
        m[0].metric("exact match (held-out, training lengths)", f"{held['exact_match']:.1%}")
        m[1].metric("token accuracy (held-out)", f"{held['token_accuracy']:.1%}")
        m[2].metric("held-out examples", f"{held['n']:,}")
    charts(last["history"], "last")

own = models.trained_models()
if own:
    st.subheader("Your trained models (this browser tab only)")
    rows = pd.DataFrame([{"model": name, "task": c.task, "attention": c.model.cfg.attention,
                          "d": c.model.cfg.hidden,
                          "held-out exact match": c.info.get("held_out", {}).get("exact_match"),
                          "steps": c.info.get("training", {}).get("steps")}
                         for name, c in own.items()])
    st.dataframe(rows, hide_index=True, width="stretch",
                 column_config={"held-out exact match": st.column_config.NumberColumn(
                     format="percent")})
    forget_cols = st.columns(min(len(own), MAX_OWN_MODELS))
    for k, name in enumerate(own):
        forget_cols[k].button(f"Forget {name}", key=f"train_forget_{k}", on_click=forget,
                              args=(name,))
