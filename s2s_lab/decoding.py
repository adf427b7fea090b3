"""One decoding to take away: a checkpoint, an input, and the step view's data for it.

What Home shows for an input, computed without the app: the greedy trace (or a beam's
best hypothesis), the attribution if the view shows it, a Transformer's picked head, the
answer to mark each token against, and the fixed-context model's ||c|| when its checkpoint
sits beside this one. The step view's data is presentation/stepping.py's, as in the app.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from presentation import stepping
from presentation.heads import Head, with_head
from s2s_core import tasks
from s2s_core.attribution import Attribution, AttributionMethod, attribute
from s2s_core.cli.decode import max_steps
from s2s_core.model.decoding import (
    beam_search,
    check_source,
    encode_source,
    greedy_trace,
    new_trace,
)
from s2s_core.shipped import ModelName
from s2s_core.trace import Trace
from s2s_core.training.checkpoints import Checkpoint, CheckpointError, load

HeatView = Literal["attention", "attribution", "both"]
VIEWS: tuple[HeatView, ...] = ("attention", "attribution", "both")
MAX_INPUT = 200  # characters (a task's inputs are far shorter; the app's links say the same)


class ExportError(ValueError):
    """What cannot be taken away, in one line a person can act on."""


@dataclass
class Decoding:
    """One input decoded by one checkpoint, with what its step view needs."""

    checkpoint: Checkpoint
    source: str
    trace: Trace  # as shown: a Transformer's picked head, else the trace itself
    view: HeatView = "attention"
    head: Head = None
    attribution: Attribution | None = None
    expected: tasks.Example | None = None
    fixed_norm: float | None = None
    metrics: dict = field(default_factory=dict)  # metrics.json's held-out scores

    @property
    def task(self) -> tasks.Task:
        return tasks.get_task(self.checkpoint.task)

    def step_view(self, large: bool = False) -> dict:
        """The step view's data (as the app sends it), opening at step 0, no what-if."""
        key = stepping.trace_key(self.checkpoint.name, self.source, self.view, self.head)
        params = stepping.StepViewParams(
            self.trace,
            key,
            0,
            self.view,
            self.expected,
            attribution=self.attribution,
            fixed_norm=self.fixed_norm,
            large=large,
            what_if=False,  # a what-if decodes again: it needs the app
            rnn=self.checkpoint.model.cfg.rnn,
            head=self.head,
        )
        return stepping.step_view(params).to_json()


def open_checkpoint(path: str | Path) -> Checkpoint:
    """A checkpoint folder, or a one-line reason it is not one."""
    folder = Path(path)
    if not folder.is_dir():
        raise ExportError(f"{folder}: no such checkpoint folder")
    if not (folder / "config.json").is_file():
        raise ExportError(f"{folder}: not a checkpoint (it has no config.json)")
    try:
        return load(folder)
    except CheckpointError as err:
        raise ExportError(str(err)) from None


def metrics_of(ckpt: Checkpoint) -> dict:
    """The held-out scores beside a checkpoint (metrics.json), or {} (a model in training)."""
    path = ckpt.path / "metrics.json" if ckpt.path else None
    try:
        return json.loads(path.read_text()) if path and path.is_file() else {}
    except (OSError, ValueError):
        return {}


def _fixed_norm(ckpt: Checkpoint, source: str) -> float | None:
    """||c|| of the fixed-context model beside this checkpoint (<task>-none), if there is one."""
    if ckpt.path is None or ckpt.model.cfg.attention == "none":
        return None
    folder = ckpt.path.parent / str(ModelName(ckpt.task, "none"))
    if not (folder / "config.json").is_file():
        return None
    fixed = load(folder)
    trace = greedy_trace(fixed.model, fixed.src_vocab, fixed.tgt_vocab, source, max_steps(ckpt))
    return trace.fixed_context_norm


def _head(trace: Trace, head: tuple[int, int] | None) -> Head:
    """A Transformer's head (1-based layer and head, as the app writes them), checked."""
    if head is None:
        return None
    heads = next((s.heads for s in trace.steps if s.heads), None)  # [layer][head][j]
    layers, per_layer = (len(heads), len(heads[0])) if heads else (0, 0)
    layer, h = head
    if not (1 <= layer <= layers and 1 <= h <= per_layer):
        have = f"{layers} layers of {per_layer} heads" if layers else "no heads (not a Transformer)"
        raise ExportError(f"no head {layer}.{h}: this model has {have}")
    return (layer - 1, h - 1)


def decode(
    checkpoint: str | Path | Checkpoint,
    source: str,
    view: HeatView = "attention",
    *,
    beam: int | None = None,
    head: tuple[int, int] | None = None,
    method: AttributionMethod = "ig",
) -> Decoding:
    """Decode `source` as Home does: greedy, or the best of a beam of width `beam`; `head`
    (layer, head), 1-based, picks a Transformer's head; `view` says which heatmaps."""
    ckpt = checkpoint if isinstance(checkpoint, Checkpoint) else open_checkpoint(checkpoint)
    if view not in VIEWS:
        raise ExportError(f"no view {view!r}: choose one of {', '.join(VIEWS)}")
    if len(source) > MAX_INPUT:
        raise ExportError(f"the input has {len(source):,} characters; at most {MAX_INPUT}")
    task = tasks.get_task(ckpt.task)
    try:
        check_source(source, ckpt.src_vocab, task.max_source_len)
    except ValueError as err:
        raise ExportError(f"this input can't be decoded: {err}") from None
    m, sv, tv = ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab
    if beam is None:
        trace = greedy_trace(m, sv, tv, source, max_steps(ckpt))
    else:
        if not 2 <= beam <= 8:
            raise ExportError(f"a beam of width {beam}: choose 2 to 8")
        best = beam_search(m, sv, tv, source, beam, max_steps(ckpt))[0]
        trace = new_trace(m, source, encode_source(m, sv, source), tv.separator)
        trace.steps = best.steps  # the best hypothesis, shown like a greedy trace
    picked = _head(trace, head)
    attribution = (
        None if view == "attention" else attribute(m, sv, tv, source, trace, method, budget_s=None)
    )
    return Decoding(
        ckpt,
        source,
        with_head(trace, picked),
        view,
        picked,
        attribution,
        task.solve(source),
        _fixed_norm(ckpt, source),
        metrics_of(ckpt),
    )
