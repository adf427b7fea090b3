"""Does attention (or attribution) point where the output comes from? Measured on one trace.

A task with a gold (or derived) alignment knows, for each output step, the span of source
positions it comes from. These count the steps whose argmax falls inside that span: of the
attention row alpha_i., of one Transformer head's row, or of an attribution row a_i..
(The held-out versions, over many sources, are s2s_core/training/evaluation.py's.)
"""

from __future__ import annotations

from s2s_core.tasks import Example
from s2s_core.trace import Trace
from s2s_core.training.evaluation import Prediction


def _argmax(row: list[float]) -> int:
    return max(range(len(row)), key=row.__getitem__)


def _agreement(trace: Trace, argmax: list[int], expected: Example | None) -> tuple[int, int] | None:
    """(steps whose argmax lies in the gold span, steps with a gold span); None where it
    cannot be measured: no known answer, no gold alignment, an output other than the answer."""
    if expected is None or expected.alignment is None:
        return None
    hits, total = Prediction(expected, trace.output, argmax).alignment_hits()
    return (hits, total) if total else None


def attention_argmax(trace: Trace) -> list[int] | None:
    """argmax_j alpha_ij for every step i (None without attention)."""
    if not trace.has_attention:
        return None
    return [_argmax(s.attention) for s in trace.steps if s.attention is not None]


def alignment_agreement(trace: Trace, expected: Example | None) -> tuple[int, int] | None:
    """(steps whose argmax alpha_ij lies in the gold span, steps with a gold span).

    None where it cannot be measured: no known answer, no gold alignment, no attention.
    """
    argmax = attention_argmax(trace)
    return None if argmax is None else _agreement(trace, argmax, expected)


def attribution_agreement(
    trace: Trace, argmax: list[int], expected: Example | None
) -> tuple[int, int] | None:
    """alignment_agreement for attribution: `argmax` the largest a_ij's position per step."""
    return _agreement(trace, argmax, expected)


def head_agreement(trace: Trace, expected: Example | None) -> list[list[float]] | None:
    """[layer][head]: the share of this trace's steps whose largest weight of that head falls
    on the gold (or derived) alignment; None where it cannot be measured."""
    first = next((s.heads for s in trace.steps if s.heads is not None), None)
    if first is None or alignment_agreement(trace, expected) is None:
        return None

    def share(layer: int, h: int) -> float:
        argmax = [_argmax(s.heads[layer][h]) for s in trace.steps if s.heads is not None]
        hits, total = _agreement(trace, argmax, expected) or (0, 1)
        return hits / total

    return [[share(layer, h) for h in range(len(first[0]))] for layer in range(len(first))]
