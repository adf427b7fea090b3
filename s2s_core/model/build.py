"""One model from its config: the RNN encoder-decoder or the Transformer."""

from __future__ import annotations

from s2s_core.model.config import ModelConfig
from s2s_core.model.rnn import Seq2Seq
from s2s_core.model.transformer import TransformerSeq2Seq

Model = Seq2Seq | TransformerSeq2Seq  # both speak the step interface of steps.py


def build_model(cfg: ModelConfig) -> Model:
    """A fresh model (weights from torch's current seed) of the kind `cfg.attention` says."""
    return TransformerSeq2Seq(cfg) if cfg.is_transformer else Seq2Seq(cfg)
