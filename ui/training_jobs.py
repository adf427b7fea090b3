"""The server-wide training job board: one training job per server process at a time.

Training a model takes all the CPU one job can use, so the server runs at most one.
The board (one per process, `board()`, an st.cache_resource) holds that job: who owns
it (a session id kept in that session's st.session_state), when it started, its budget,
the Progress reports so far, a stop flag, and the result or error. The job trains in a
background thread (s2s_core.training.loop.train); the page only reads the board.

    start(owner, cfg, store)  refuses (Busy) while another job holds the board
    stop(owner)               sets the stop flag: train() stops after its next step
    claim(model_id, owner)    the job whose model has this id passes to `owner` (a reload)
    collect(owner)            a finished job, handed only to its owner; frees the board

Nothing lost: each job's model has an id in the model store (s2s_core/store.py) from the
start; the training thread writes the model there at each evaluation and at the end, and
the link of the session that trains it carries the id. A reload (a new session with the
same link, the old tab gone) claims the job while it runs; a link opened while the tab
that trains is still open (a copied address) waits, and opens the model once it is done.

A finished job whose owner never comes back to collect it (a closed tab) is dropped
after ABANDONED_AFTER seconds, so the board cannot stay blocked.

Threads: train() is called with TrainConfig.threads=None, so it never calls
torch.set_num_threads, which would change the thread count of the whole process
(every session's decoding too), and for good. Measured on 2 shared CPU cores, decoding
"attention"-length inputs with the shipped reverse-additive model (greedy_trace plus the
heatmap, one every 0.3 s) while a d = 64 job trained: 24-34 ms (median) with the default
threads, about as fast as with no job (27-45 ms); 114-196 ms with threads=1, which made
training only about 1.5x faster. The training thread still shares the GIL with the pages.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from presentation.figures import training as figures_training
from s2s_core import tasks
from s2s_core.model.attention import RNN_ATTENTION_KINDS, AttentionKind
from s2s_core.shipped import ModelName
from s2s_core.store import ModelStore, StoreError, new_id
from s2s_core.training.checkpoints import Checkpoint
from s2s_core.training.loop import Progress, TrainConfig, TrainResult, train
from s2s_core.training.recipes import TASK_SETTINGS

from . import models, session

Claim = Literal["mine", "another tab", "no job"]  # who trains a model (JobBoard.claim)
OWNER = "train_owner"  # session_state key: this session's id on the board
ABANDONED_AFTER = 300.0  # seconds a finished, uncollected job may hold the board
MIN_SECONDS = 5
TRAINABLE = (*RNN_ATTENTION_KINDS, "transformer")  # what the Train page offers
OWN_TASK_SETTINGS = {"embedding": 32}  # a teacher's pairs: up to 200 symbols a side
TRANSFORMER = {"layers": 2, "heads": 4, "lr": 3e-3}  # d_model = d = its embedding


@dataclass(frozen=True)
class Limits:
    """What one job may use: the caps bound a job's time and memory."""

    hidden_sizes: tuple[int, ...]  # the choices of d
    max_seconds: int  # the time budget's cap


CPU_LIMITS = Limits(hidden_sizes=(16, 32, 64, 128), max_seconds=120)
CUDA_LIMITS = Limits(hidden_sizes=(16, 32, 64, 128, 256), max_seconds=600)


def limits(device_type: str) -> Limits:
    return CUDA_LIMITS if device_type == "cuda" else CPU_LIMITS


class Busy(RuntimeError):
    """The board holds another job."""

    def __init__(self, seconds_left: float) -> None:
        super().__init__(
            f"Training is busy: another session's job, about {seconds_left:.0f} s left."
        )
        self.seconds_left = seconds_left


def make_config(
    task: str,
    attention: AttentionKind,
    hidden: int,
    seconds: float,
    lim: Limits = CPU_LIMITS,
    seed: int = 0,
) -> TrainConfig:
    """The page's settings as a TrainConfig; ValueError with a clear message past the caps.
    The time budget governs (max_steps is out of reach); the learning-rate schedule follows
    it. Held-out exact match is measured every 200 steps on 200 examples."""
    tasks.get_task(task)  # a shipped task, or uploaded pairs known here; else ValueError
    if attention not in TRAINABLE:
        raise ValueError(f"unknown attention {attention!r}; choose from {', '.join(TRAINABLE)}")
    if hidden not in lim.hidden_sizes:
        raise ValueError(
            f"hidden size d = {hidden} is not allowed here; choose from "
            f"{', '.join(map(str, lim.hidden_sizes))}"
        )
    if not MIN_SECONDS <= seconds <= lim.max_seconds:
        raise ValueError(
            f"time budget {seconds:g} s is out of range: "
            f"{MIN_SECONDS}–{lim.max_seconds} s on this machine"
        )
    transformer = attention == "transformer"
    embedding = hidden if transformer else TASK_SETTINGS.get(task, OWN_TASK_SETTINGS)["embedding"]
    return TrainConfig(
        task=task,
        attention=attention,
        hidden=hidden,
        embedding=embedding,
        **(TRANSFORMER if transformer else {}),  # type: ignore[arg-type]
        max_steps=10**7,
        max_seconds=float(seconds),
        eval_every=200,
        eval_size=200,
        seed=seed,
        threads=None,
    )


@dataclass
class Job:
    """One training run on the board. The thread writes; pages only read."""

    owner: str
    config: TrainConfig
    tab: str | None = None  # the owner's browser tab (its Streamlit session id)
    name: str = ""  # the model's name ("reverse-additive-d64 (trained 14:03)")
    store: ModelStore | None = None  # where the model is kept at each evaluation and the end
    model_id: str = field(default_factory=new_id)  # its id in the store (and in the link)
    saved: int = 0  # how many times the model was written to the store
    store_error: str | None = None  # why the store did not take it (full, not writable)
    started: float = field(default_factory=time.monotonic)
    progress: list[Progress] = field(default_factory=list)
    stop_flag: threading.Event = field(default_factory=threading.Event)
    result: TrainResult | None = None
    error: str | None = None
    finished: float | None = None  # time.monotonic() when the thread ended

    @property
    def budget(self) -> float:
        return float(self.config.max_seconds or 0.0)

    @property
    def done(self) -> bool:
        return self.finished is not None

    def seconds_left(self, now: float | None = None) -> float:
        """The budget left (0 while the last evaluation runs or once done)."""
        if self.done:
            return 0.0
        return max(0.0, self.budget - ((now or time.monotonic()) - self.started))

    def report(self, p: Progress) -> bool:
        """train()'s on_progress: keep the report; True (stop) once the flag is set."""
        self.progress.append(p)
        return self.stop_flag.is_set()

    def keep(self, ckpt: Checkpoint) -> None:
        """train()'s on_save (the training thread, between two steps): write the model to
        the store under the job's id. A store that cannot take it leaves a message: the
        model still reaches its session, in memory only."""
        if self.store is None:
            return
        info = {**ckpt.info, "name": self.name}
        try:
            self.store.put(
                Checkpoint(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, ckpt.task, info),
                self.model_id,
            )
            self.saved, self.store_error = self.saved + 1, None
        except StoreError as err:
            self.store_error = str(err)


class JobBoard:
    """At most one job per process; every method holds the lock while it reads or writes."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.job: Job | None = None

    def start(
        self,
        owner: str,
        cfg: TrainConfig,
        store: ModelStore | None = None,
        name: str = "",
        tab: str | None = None,
    ) -> Job:
        """Start a job in a background thread; Busy if the board holds one. The model is
        kept in `store` (if given) as it trains, under the job's model_id."""
        with self.lock:
            self._drop_abandoned()
            if self.job is not None:
                raise Busy(self.job.seconds_left())
            name = name or model_name(cfg, [], time.strftime("%H:%M"))
            job = self.job = Job(owner, replace(cfg), tab=tab, name=name, store=store)
        threading.Thread(
            target=self._run, args=(job,), name=f"train-{owner[:8]}", daemon=True
        ).start()
        return job

    def _run(self, job: Job) -> None:
        try:
            result = train(
                job.config, on_progress=job.report, log=lambda _m: None, on_save=job.keep
            )
            result.checkpoint.model.eval()
            job.result = result
        except Exception as err:  # shown on the page as a message, never a traceback
            job.error = f"{type(err).__name__}: {err}"
        finally:
            job.finished = time.monotonic()

    def _drop_abandoned(self) -> None:
        job = self.job
        if job and job.finished is not None and time.monotonic() - job.finished > ABANDONED_AFTER:
            self.job = None

    def current(self) -> Job | None:
        with self.lock:
            self._drop_abandoned()
            return self.job

    def stop(self, owner: str) -> bool:
        """Ask the owner's job to stop after its next step; False if it is not theirs."""
        with self.lock:
            if self.job is None or self.job.owner != owner:
                return False
            self.job.stop_flag.set()
            return True

    def claim(
        self, model_id: str, owner: str, tab: str | None, tab_open: Callable[[str | None], bool]
    ) -> Claim:
        """Who trains the model `model_id`: "mine" (the job now belongs to `owner` in `tab`:
        the student reloaded, the tab that started it is gone), "another tab" (that tab is
        still open: someone opened a copy of its link; it keeps its job), "no job"."""
        with self.lock:
            self._drop_abandoned()
            job = self.job
            if job is None or job.model_id != model_id:
                return "no job"
            if tab_open(job.tab):
                return "another tab"
            job.owner, job.tab = owner, tab
            return "mine"

    def collect(self, owner: str) -> Job | None:
        """The owner's finished job (and the board is free again), else None."""
        with self.lock:
            job = self.job
            if job is None or job.owner != owner or not job.done:
                return None
            self.job = None
            return job


@st.cache_resource
def board() -> JobBoard:
    """The one board of this server process (shared by every session)."""
    return JobBoard()


def session_owner() -> str:
    """This session's id on the board (a uuid in st.session_state, never shared)."""
    return st.session_state.setdefault(OWNER, uuid.uuid4().hex)


def model_name(cfg: TrainConfig, taken: set[str] | list[str], clock: str) -> str:
    """A readable name not yet in `taken`: 'reverse-additive-d64 (trained 14:03)'."""
    name = ModelName(cfg.task, cfg.attention, cfg.hidden, trained=clock)
    return models.unique_name(str(name), taken)


def this_tab() -> str | None:
    """This browser tab's Streamlit session id (None outside a script run)."""
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else None


def tab_open(tab: str | None) -> bool:
    """Whether browser tab `tab` is still connected to this server (a reloaded tab is not).
    AppTest runs no server, only a mock of one, whose answers are not True: no tab is open."""
    if tab is None or not Runtime.exists():
        return False
    return Runtime.instance().is_active_session(tab) is True


def start(cfg: TrainConfig) -> Job:
    """Start this session's job (the Train page's Start button): the model is kept in the
    model store as it trains, and the link carries its id from now on. Busy if the board
    holds another job."""
    name = model_name(cfg, set(models.trained_models()), time.strftime("%H:%M"))
    job = board().start(session_owner(), cfg, models.model_store(), name, this_tab())
    st.session_state[models.TRAINING] = job.model_id
    return job


def claim(model_id: str) -> Claim:
    """A link's model id that names the job on the board: if the tab that trains it is gone
    (the student reloaded it), the job passes to this session, its live view and its model;
    if that tab is still open, this session waits for the model (`open_waiting`)."""
    outcome = board().claim(model_id, session_owner(), this_tab(), tab_open)
    if outcome == "mine":
        st.session_state[models.TRAINING] = model_id
    elif outcome == "another tab":
        models.waiting_ids().append(model_id)
    return outcome


WATCH_S = 2.0  # how often a tab waiting for a model looks at the board


def _still_training(model_id: str) -> bool:
    job = board().current()
    return job is not None and job.model_id == model_id and not job.done


def open_waiting() -> None:
    """The models this session waits for (a link opened while another tab trained them):
    each joins the Model list, and becomes the sidebar's model, once its job is done. The
    frame calls this at every run; while some still train, a fragment looks at the board
    every WATCH_S seconds and reruns the page when one has finished."""
    waiting = models.waiting_ids()
    for model_id in list(waiting):
        if _still_training(model_id):
            continue
        waiting.remove(model_id)
        try:
            name = models.open_stored(model_id)
        except StoreError as err:
            st.warning(f"The model this link was waiting for could not be opened: {err}")
            continue
        _select(st.session_state, models.trained_models()[name].task, name)
        st.toast(
            f"**{name}** has finished training: it is now the sidebar's model.",
            icon=":material/model_training:",
        )
    if waiting:
        st.fragment(_watch, run_every=WATCH_S)()


def _watch() -> None:
    if not all(_still_training(model_id) for model_id in models.waiting_ids()):
        st.rerun()  # the whole page: open_waiting opens the model


def _select(ss, task: str, name: str) -> None:
    """Make model `name` of `task` the sidebar's (with the task's default input if the task
    changes): every page opens with it."""
    if ss.get("task") != task:
        ss["input"] = tasks.get_task(task).default_input
    ss["task"], ss["model"] = task, name
    session.restart()


def deliver(ss) -> bool:
    """Hand this session's finished job (if any) to it: the model joins its own models and
    becomes the sidebar's task and model, so every page opens with it. The frame (app.py)
    calls this before it draws the sidebar. Returns True if a job was taken off the board."""
    job = board().collect(session_owner())
    if job is None:
        return False
    ss.pop(models.TRAINING, None)
    if job.error is not None or job.result is None:
        ss.train_error = f"Training failed: {job.error}"
        return True
    own = models.trained_models()
    name = models.unique_name(job.name, own)
    result = job.result
    own[name] = result.checkpoint
    if job.saved and job.store_error is None:  # its last state is in the store
        models.stored_ids()[name] = job.model_id
    ss.train_last = {
        "name": name,
        "stopped_by": result.stopped_by,
        "history": figures_training.thin(result.history),
        "held_out": result.checkpoint.info.get("held_out", {}),
        "store_error": job.store_error,
    }
    _select(ss, job.config.task, name)
    st.toast(
        f"Your model **{name}** has finished training: it is now the sidebar's model.",
        icon=":material/model_training:",
    )
    return True
