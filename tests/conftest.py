"""Shared fixtures: small untrained models of every attention kind (fast, seeded)."""

import pytest
import torch

from s2s_core.checkpoints import Checkpoint
from s2s_core.model import ATTENTION_KINDS, ModelConfig, Seq2Seq
from s2s_core.vocab import EOS_ID, Vocab

LETTERS = "abcdefghijklmnopqrstuvwxyz"

# One intra-op thread in the test process: these models are tiny, and the app servers and
# training subprocesses the tests start need the other core (two threads each on 2 cores
# made some tests many times slower).
torch.set_num_threads(1)


def tiny_checkpoint(attention: str, rnn: str = "gru", seed: int = 0) -> Checkpoint:
    torch.manual_seed(seed)
    vocab = Vocab(list(LETTERS))
    cfg = ModelConfig(len(vocab), len(vocab), attention, hidden=16, embedding=8, rnn=rnn)
    model = Seq2Seq(cfg).eval()
    with torch.no_grad():  # an untrained model that rarely stops: traces run to the cap
        model.decoder.W_o.bias[EOS_ID] = -5.0
    return Checkpoint(model, vocab, vocab, "reverse")


@pytest.fixture(params=ATTENTION_KINDS)
def any_kind(request) -> Checkpoint:
    return tiny_checkpoint(request.param)


@pytest.fixture(params=[k for k in ATTENTION_KINDS if k != "none"])
def attentive(request) -> Checkpoint:
    return tiny_checkpoint(request.param)
