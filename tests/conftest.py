"""Shared fixtures: small untrained models of every attention kind (fast, seeded), and a
model store of the test run's own (never the repository's model_store/)."""

import os

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


@pytest.fixture(autouse=True, scope="session")
def model_store(tmp_path_factory):
    """The app's model store for this test run (the app servers the tests start inherit it)."""
    root = tmp_path_factory.mktemp("model_store")
    os.environ["S2S_MODEL_STORE"] = str(root)
    return root
