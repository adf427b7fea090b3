"""What a guessing step view needs ("Quiz me", a lecture's question): each step's row.

    sources      x_1..x_T as the page writes them (one per source position, the columns)
    alpha        alpha_i. for each output step i = 1..n: the row the guess is scored against
    attribution  per step, the position whose a_ij is largest (None: not computed)

A student guesses where the decoder will look for y_{i+1}, that is argmax_j alpha_{i+1,j};
a Transformer's row is the one shown (the mean of its heads, or the head picked).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from s2s_core.trace import Trace

from .text import token_text

if TYPE_CHECKING:  # a type only: the presentation runs no attribution
    from s2s_core.attribution import Attribution


def largest(row: list[float]) -> int:
    """The position of a row's largest value (the first, on a tie)."""
    return max(range(len(row)), key=row.__getitem__)


def guess_data(trace: Trace, attribution: Attribution | None) -> dict | None:
    """The rows a guess is checked against, as plain data; None for a model with no
    attention (there is nowhere it looks)."""
    if not trace.has_attention:
        return None
    alpha = [list(step.attention or []) for step in trace.steps]
    return {
        "sources": [token_text(t) for t in trace.source_tokens],
        "alpha": alpha,
        "attribution": None if attribution is None else [largest(r) for r in attribution.rows],
    }
