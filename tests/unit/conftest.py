"""Fixtures the unit tests share."""

import pytest

from s2s_core.model.decoding import Trace, greedy_trace
from tests.support.models import tiny_checkpoint


@pytest.fixture(scope="module")
def tiny_traces() -> dict[str, Trace]:
    """Greedy traces of "attention" by untrained tiny models without and with attention."""
    out = {}
    for kind in ("none", "additive"):
        ckpt = tiny_checkpoint(kind)
        out[kind] = greedy_trace(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, "attention", 12)
    return out
