"""What training minimises: the negative log-likelihood of the target symbols.

With label smoothing eps (Szegedy et al. 2016; the Transformer paper trains with eps = 0.1)
the target is no longer one-hot: it keeps 1 - eps on y_i and spreads eps evenly over all V
symbols, so the model is never pushed towards infinitely confident logits:

    L_eps = (1 - eps) * (-log P(y_i)) + eps * (1/V) sum_v (-log P(v))
"""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor

from s2s_core.model.vocab import PAD_ID


# L = -(1/N) sum_i log P(y_i | y_<i, X)
def token_nll(logits: Tensor, targets: Tensor, smoothing: float = 0.0) -> Tensor:
    """The mean over the N real (non-<pad>) target symbols: logits (B, T', V), targets (B, T')
    -> a scalar. Cross-entropy is -log softmax(logits)[y_i]; `smoothing` is eps above (0: the
    plain negative log-likelihood)."""
    return F.cross_entropy(
        logits.flatten(0, 1), targets.flatten(), ignore_index=PAD_ID, label_smoothing=smoothing
    )
