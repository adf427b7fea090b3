"""Models for the tests: small untrained ones of every attention kind (fast, seeded), and
the shipped checkpoints with the traces a page should show for them."""

from __future__ import annotations

import functools

import torch

from s2s_core.model.build import build_model
from s2s_core.model.config import ModelConfig
from s2s_core.model.decoding import Trace, greedy_trace
from s2s_core.model.transformer import TransformerSeq2Seq
from s2s_core.model.vocab import EOS_ID, PAD_ID, SOS_ID, UNK_ID, Vocab
from s2s_core.shipped import CHECKPOINT_DIR
from s2s_core.tasks import get_task
from s2s_core.training.checkpoints import Checkpoint, load

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def tiny_checkpoint(attention: str, rnn: str = "gru", seed: int = 0) -> Checkpoint:
    torch.manual_seed(seed)
    vocab = Vocab(list(LETTERS))
    cfg = ModelConfig(len(vocab), len(vocab), attention, hidden=16, embedding=8, rnn=rnn)
    model = build_model(cfg).eval()
    W_o = model.W_o if isinstance(model, TransformerSeq2Seq) else model.decoder.W_o
    with torch.no_grad():  # an untrained model that rarely stops: traces run to the cap
        W_o.bias[EOS_ID] = -5.0
        W_o.bias[[PAD_ID, SOS_ID, UNK_ID]] = -20.0  # and, like a trained one, never writes these
    return Checkpoint(model, vocab, vocab, "reverse")


@functools.cache
def shipped(name: str) -> Checkpoint:
    return load(CHECKPOINT_DIR / name)


def trace_of(name: str, source: str) -> Trace:
    """What a page should show for `name` on `source`, computed without the page."""
    ckpt = shipped(name)
    return greedy_trace(
        ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, source, get_task(ckpt.task).max_target_len + 1
    )


def shipped_kinds(task: str) -> list[str]:
    return [
        k
        for k in ("none", "additive", "dot", "general", "transformer")
        if (CHECKPOINT_DIR / f"{task}-{k}").is_dir()
    ]
