"""The traces the pages show, each computed once: per session, per room, or for everyone.

A trace (a whole decoding), a beam search, an attribution or Home's step view is computed
once and kept:

    everyone's   a shipped model's (`public`): every session may see it, so the whole
                 process shares it (ui/shared.py public): a class typing the same suggested
                 words decodes each word once, and a second session's input costs a look-up
    the room's   a lecture follower's (ui/shared.py shared): the presenter's input, drawn
                 once for every follower (of a shipped model: taken from everyone's)
    the session  anything else (a session's own model, a what-if): in its own small LRU
                 cache (st.session_state), which no other session reads

So Next and Back never recompute, and no session is ever shown another's own model or
what-if.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from functools import partial
from typing import TypeVar

import streamlit as st

from s2s_core.attribution import QUICK_S, Attribution, AttributionMethod, attribute
from s2s_core.model.decoding import (
    Hypothesis,
    Trace,
    beam_search,
    encode_source,
    greedy_trace,
    new_trace,
)
from s2s_core.shipped import ModelName
from s2s_core.training.checkpoints import Checkpoint

from . import lecture, models
from .session import max_steps
from .shared import SharedCache, public, public_views, shared

MAX_CACHED_TRACES = 32  # per session
T = TypeVar("T")


def shipped(name: str) -> bool:
    """`name` is a shipped model here (not one of this session's own): its traces may be
    shown to every session."""
    parsed = ModelName.parse(name)
    own = models.trained_models()
    return parsed is not None and name not in own and name in models.shipped(parsed.task)


def cached(key: tuple, compute: Callable[[], T], everyone: SharedCache | None = None) -> T:
    """compute() once per key: in the public cache `everyone` if given (a shipped model's,
    no what-if), for a lecture's followers, or else in this session (an LRU cache of
    MAX_CACHED_TRACES entries)."""
    if lecture.following():  # the room counts what it computes (a shipped model's: public)
        inner = compute if everyone is None else partial(everyone.get, key, compute)
        return shared().get(key, inner)
    if everyone is not None:
        return everyone.get(key, compute)
    cache: OrderedDict = st.session_state.setdefault("_traces", OrderedDict())
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    value = cache[key] = compute()
    if len(cache) > MAX_CACHED_TRACES:
        cache.popitem(last=False)
    return value


def _public_if(shareable: bool) -> SharedCache | None:
    return public() if shareable else None


def step_view(key: tuple, draw: Callable[[], bytes], everyone: bool) -> bytes:
    """Home's step view (its bytes, `draw()`), drawn once per `key` (the trace and how it is
    shown) for every session if `everyone` (a shipped model's, no what-if), once for every
    follower of a lecture, else for this run (a session's own big values are not kept)."""
    if not everyone and not lecture.following():
        return draw()
    return cached(("stepview", *key), draw, public_views() if everyone else None)


def greedy(name: str, ckpt: Checkpoint, source: str, force: dict[int, str]) -> Trace:
    key = ("greedy", name, id(ckpt), source, tuple(sorted(force.items())))
    return cached(
        key,
        lambda: greedy_trace(
            ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, source, max_steps(ckpt.task), force=force
        ),
        everyone=_public_if(not force and shipped(name)),
    )


def beam(name: str, ckpt: Checkpoint, source: str, width: int) -> list[Hypothesis]:
    key = ("beam", name, id(ckpt), source, width)
    return cached(
        key,
        lambda: beam_search(
            ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, source, width, max_steps(ckpt.task)
        ),
        everyone=_public_if(shipped(name)),
    )


def attribution(
    name: str,
    ckpt: Checkpoint,
    trace: Trace,
    method: AttributionMethod,
    complete: bool = False,
    what_if: bool = False,
) -> Attribution:
    """The attribution of every step of `trace` (`what_if`: a trace with a forced token),
    computed once per trace and method (only when a view asks for it: integrated gradients
    costs a few hundred forward passes). Integrated gradients refines its rows while that
    fits in QUICK_S seconds, or (`complete`) until each row is within the tolerance, however
    long that takes."""
    tokens = tuple(s.token for s in trace.steps)
    key = ("attribution", name, id(ckpt), trace.source, tokens, method, complete)
    budget = None if complete else QUICK_S
    return cached(
        key,
        lambda: attribute(
            ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, trace.source, trace, method, budget_s=budget
        ),
        everyone=_public_if(not what_if and shipped(name)),
    )


def hypothesis_trace(ckpt: Checkpoint, source: str, hyp: Hypothesis) -> Trace:
    """A beam hypothesis shown like a greedy trace (its own steps and attention)."""
    enc = encode_source(ckpt.model, ckpt.src_vocab, source)
    trace = new_trace(ckpt.model, source, enc, ckpt.tgt_vocab.separator)
    trace.steps = hyp.steps
    return trace
