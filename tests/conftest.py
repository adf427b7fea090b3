"""Shared fixtures: small untrained models of every attention kind (fast, seeded)."""

import pytest
import torch

from s2s_core.model.attention import ATTENTION_KINDS
from s2s_core.training.checkpoints import Checkpoint
from tests.support.models import tiny_checkpoint

# One intra-op thread in the test process: these models are tiny, and the app servers and
# training subprocesses the tests start need the other core (two threads each on 2 cores
# made some tests many times slower).
torch.set_num_threads(1)


@pytest.fixture(params=ATTENTION_KINDS)
def any_kind(request) -> Checkpoint:
    return tiny_checkpoint(request.param)


@pytest.fixture(params=[k for k in ATTENTION_KINDS if k != "none"])
def attentive(request) -> Checkpoint:
    return tiny_checkpoint(request.param)
