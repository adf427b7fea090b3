"""Step-wise decoding and its trace: the contract between the core and the app.

Decoding produces y_1, y_2, ... one token at a time (seed §5):

    y_i = argmax_y P(y | y_<i, X)          greedy
    y_i = a token you choose               forced (follow a target, or a what-if at step i)
    the k best partial outputs             beam search

Every step is recorded as a `Step`: the token and its probability, the top-k
alternatives, the attention row alpha_i. and scores e_i. over the source positions,
the context vector c_i with its norm, and the decoder state norm ||s_i||. Step, Trace and
Hypothesis are plain data (s2s_core/trace.py): the pages read them without torch. A
generator yields the steps one at a time, so a caller can stop, step or replay
without recomputing the prefix.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

import torch
from torch import Tensor

from s2s_core.model.build import Model
from s2s_core.model.steps import Encoded, StepTensors
from s2s_core.model.vocab import EOS, EOS_ID, PAD_ID, SOS, SOS_ID, InputError, Vocab
from s2s_core.trace import Hypothesis, Step, Trace

TOP_K = 5


def check_source(text: str, src_vocab: Vocab, max_len: int) -> None:
    """Raise InputError with a one-line reason if the model cannot take `text`."""
    if not text.strip():
        raise InputError("the input is empty: type a few symbols first")
    if len(text) > max_len:
        raise InputError(f"the input has {len(text)} symbols; this model accepts at most {max_len}")
    src_vocab.encode(text)  # raises UnknownSymbolError naming the symbols


@torch.inference_mode()
def encode_source(model: Model, src_vocab: Vocab, source: str) -> Encoded:
    """Run the encoder on one source: h_1..h_T and c."""
    ids = torch.tensor([src_vocab.encode(source)], device=model.device)
    return model.encode(ids, torch.tensor([ids.size(1)], device=model.device))


def _record(
    i: int,
    token_id: int | None,
    probs: Tensor,
    out: StepTensors,
    row: int,
    tgt_vocab: Vocab,
    forced: bool,
    k: int = TOP_K,
) -> Step:
    """Batch row `row` of one step's tensors as a Step of plain Python numbers.

    probs: P(y_i | y_<i, X) of that row (V,). token_id None: the most likely token (greedy).
    """
    top_p, top_i = (t.tolist() for t in probs.topk(min(k, probs.numel())))
    if token_id is None:
        token_id = top_i[0]
    prob = top_p[top_i.index(token_id)] if token_id in top_i else probs[token_id].item()
    c, s = out.c[row], out.s[row]
    norms = torch.linalg.vector_norm(torch.stack([c, s]), dim=1).tolist()
    return Step(
        index=i,
        token=tgt_vocab.itos[token_id],
        prob=prob,
        topk=list(zip([tgt_vocab.itos[t] for t in top_i], top_p)),
        attention=None if out.alpha is None else out.alpha[row].tolist(),
        scores=None if out.e is None else out.e[row].tolist(),
        context=c.tolist(),
        context_norm=norms[0],
        state_norm=norms[1],
        forced=forced,
        heads=None if out.heads is None else out.heads[row].tolist(),
        self_attention=None if out.self_attention is None else out.self_attention[row].tolist(),
    )


def forced_tokens(
    tgt_vocab: Vocab, force: dict[int, str] | None, target: str | None
) -> dict[int, str]:
    """{step i: token} to impose: a what-if's `force`, or a whole `target` and then <eos>.
    InputError for a token the model may not write (not a symbol, or <pad>, <sos>, <unk>)."""
    force = dict(force or {})
    if target is not None:
        tokens = tgt_vocab.tokens(target)
        force.update({i + 1: tok for i, tok in enumerate(tokens)})
        force[len(tokens) + 1] = EOS
    for i, tok in force.items():
        if not tgt_vocab.may_write(tok):  # <pad>, <sos>, <unk> are never written either
            raise InputError(f"cannot force {tok!r} at step {i}: not an output symbol here")
    return force


@torch.inference_mode()
def greedy_steps(
    model: Model,
    src_vocab: Vocab,
    tgt_vocab: Vocab,
    source: str,
    max_steps: int,
    force: dict[int, str] | None = None,
    target: str | None = None,
    enc: Encoded | None = None,
) -> Iterator[Step]:
    """Yield the steps of greedy decoding, one at a time, until <eos> or max_steps.

    force={i: token} imposes y_i = token at step i and continues greedily (a what-if);
    target="..." follows that whole output (forced decoding), then <eos>.
    enc: the source already encoded (encode_source), to skip encoding it again.
    """
    force = forced_tokens(tgt_vocab, force, target)
    if target is not None:
        max_steps = len(tgt_vocab.tokens(target)) + 1
    enc = enc or encode_source(model, src_vocab, source)
    state: Any = model.begin(enc)
    every_id = torch.arange(len(tgt_vocab), device=model.device)  # made once: views per step
    token_id = SOS_ID
    for i in range(1, max_steps + 1):
        y_prev = every_id[token_id : token_id + 1]  # y_{i-1}, a batch of one
        state, out = model.advance(y_prev, state, enc)
        chosen = tgt_vocab.stoi[force[i]] if i in force else None
        step = _record(
            i, chosen, torch.softmax(out.logits[0], dim=0), out, 0, tgt_vocab, forced=i in force
        )
        yield step
        token_id = tgt_vocab.stoi[step.token]
        if token_id == EOS_ID:
            return


def new_trace(model: Model, source: str, enc: Encoded, separator: str = "") -> Trace:
    """An empty trace for `source`, with the encoder's norms filled in; `separator`: the
    target vocabulary's."""
    return Trace(
        source=source,
        source_tokens=list(source),
        attention_kind=model.cfg.attention,
        memory=model.cfg.memory,
        encoder_norms=enc.memory[0].norm(dim=1).tolist(),
        fixed_context_norm=float(enc.context[0].norm()),
        separator=separator,
    )


def greedy_trace(
    model: Model, src_vocab: Vocab, tgt_vocab: Vocab, source: str, max_steps: int, **kwargs
) -> Trace:
    """The whole greedy (or forced) decoding of `source` as a Trace."""
    enc = encode_source(model, src_vocab, source)
    trace = new_trace(model, source, enc, tgt_vocab.separator)
    trace.steps = list(
        greedy_steps(model, src_vocab, tgt_vocab, source, max_steps, enc=enc, **kwargs)
    )
    return trace


def _expand(enc: Encoded, n: int) -> Encoded:
    """One source's encoding as a batch of n identical rows (the beam's hypotheses)."""
    keys = None if enc.keys is None else enc.keys.expand(n, -1, -1)
    return Encoded(enc.memory.expand(n, -1, -1), enc.context.expand(n, -1), None, keys)


@torch.inference_mode()
def beam_search(
    model: Model, src_vocab: Vocab, tgt_vocab: Vocab, source: str, width: int, max_steps: int
) -> list[Hypothesis]:
    """The `width` best outputs by total log-probability, best first.

    All live hypotheses advance together as one batch. A hypothesis that emits <eos>
    is finished; search stops when `width` are finished or max_steps is reached.
    Width 1 is greedy decoding.
    """
    if width < 1:
        raise InputError("beam width must be at least 1")
    enc = encode_source(model, src_vocab, source)
    live: list[Hypothesis] = [Hypothesis([], 0.0, tgt_vocab.separator)]
    finished: list[Hypothesis] = []
    states: Any = model.begin(enc)
    for i in range(1, max_steps + 1):
        prev = [h.steps[-1].token if h.steps else SOS for h in live]
        y_prev = torch.tensor([tgt_vocab.stoi[t] for t in prev], device=model.device)
        states, out = model.advance(y_prev, states, _expand(enc, len(live)))
        log_p = torch.log_softmax(out.logits, dim=1)  # (n, V)
        total = torch.tensor([h.score for h in live], device=model.device)[:, None] + log_p
        best = total.flatten().topk(min(width - len(finished), total.numel()))
        keep_rows: list[int] = []  # the rows of the hypotheses that go on
        new_live: list[Hypothesis] = []
        for score, flat in zip(best.values.tolist(), best.indices.tolist()):
            row, token_id = divmod(flat, log_p.size(1))
            step = _record(i, token_id, log_p[row].exp(), out, row, tgt_vocab, forced=False)
            hyp = Hypothesis(live[row].steps + [step], score, tgt_vocab.separator)
            if token_id == EOS_ID:
                finished.append(hyp)
            else:
                new_live.append(hyp)
                keep_rows.append(row)
        if len(finished) >= width or not new_live:
            break
        live = new_live
        states = model.keep(states, torch.tensor(keep_rows, device=model.device))
    ranked = finished + (new_live if len(finished) < width else [])
    return sorted(ranked, key=lambda h: h.score, reverse=True)[:width]


class BatchDecoding(NamedTuple):
    """What greedy_batch returns: the ids and where the model looked at each step."""

    ids: Tensor  # (B, n), n <= max_steps; rows end with <eos>, then <pad>
    alpha: Tensor | None  # (B, n, T) the attention weights (None: a model without attention)
    heads: Tensor | None  # (B, n, L, H, T) a Transformer's every layer and head (else None)


@torch.inference_mode()
def greedy_batch(model: Model, src: Tensor, src_len: Tensor, max_steps: int) -> BatchDecoding:
    """Greedy decoding of a whole batch at once (for evaluation)."""
    enc = model.encode(src, src_len)
    state: Any = model.begin(enc)
    y = torch.full((src.size(0),), SOS_ID, device=src.device)
    done = torch.zeros(src.size(0), dtype=torch.bool, device=src.device)
    ids, alphas, heads = [], [], []
    for _ in range(max_steps):
        state, out = model.advance(y, state, enc)
        y = out.logits.argmax(1).masked_fill(done, PAD_ID)
        ids.append(y)
        if out.alpha is not None:
            alphas.append(out.alpha)
        if out.heads is not None:
            heads.append(out.heads)
        done |= y == EOS_ID
        if bool(done.all()):
            break
    return BatchDecoding(
        torch.stack(ids, 1),
        torch.stack(alphas, 1) if alphas else None,
        torch.stack(heads, 1) if heads else None,
    )
