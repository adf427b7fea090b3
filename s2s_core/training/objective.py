"""What training minimises: the negative log-likelihood of the target symbols."""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor

from s2s_core.model.vocab import PAD_ID


# L = -(1/N) sum_i log P(y_i | y_<i, X)
def token_nll(logits: Tensor, targets: Tensor) -> Tensor:
    """The mean over the N real (non-<pad>) target symbols: logits (B, T', V), targets (B, T')
    -> a scalar. Cross-entropy is -log softmax(logits)[y_i]."""
    return F.cross_entropy(logits.flatten(0, 1), targets.flatten(), ignore_index=PAD_ID)
