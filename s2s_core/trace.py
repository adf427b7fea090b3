"""What a decoding records, as plain data: the contract between the model and the pages.

Decoding (model/decoding.py) writes y_1, y_2, ... one token at a time and records each step
as a `Step`: the token and its probability, the top-k alternatives, the attention row
alpha_i. and the scores e_i. over the source positions j, the context vector c_i with its
norm, and the decoder state norm ||s_i||. A whole decoding is a `Trace`, a beam-search
candidate a `Hypothesis`; attribution (attribution.py) adds an `Attribution` per trace.

Plain Python numbers only, no torch: the layers that draw (presentation/) read these
records and never import the model that made them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Literal

from s2s_core.model.vocab import EOS

if TYPE_CHECKING:  # names of kinds only: nothing of the model runs here
    from s2s_core.model.attention import AttentionKind
    from s2s_core.model.config import MemoryKind


@dataclass
class Step:
    """One decoding step i: everything the app shows about it."""

    index: int  # i = 1, 2, ...
    token: str  # y_i, the token emitted ("<eos>" ends the output)
    prob: float  # P(y_i | y_<i, X)
    topk: list[tuple[str, float]]  # the k most likely tokens with their probabilities
    attention: list[float] | None  # alpha_i. (a weight per source position; None: no attention)
    scores: list[float] | None  # e_i. (the scores before the softmax)
    context: list[float]  # c_i (the fixed c for a model without attention)
    context_norm: float  # ||c_i||
    state_norm: float  # ||s_i||
    forced: bool = False  # True when y_i was imposed rather than chosen by the model
    # Transformer only: the cross-attention row of every layer and head over the source,
    # [layer][head][j] (`attention` is their mean), and the decoder's
    # self-attention over its inputs so far, [layer][head][k] for y_0 = <sos>, y_1 .. y_{i-1}
    heads: list[list[list[float]]] | None = None
    self_attention: list[list[list[float]]] | None = None


class Written:
    """What a list of steps wrote: a Trace and a beam Hypothesis both have `steps`."""

    steps: list[Step]
    separator: str  # '' between characters; ' ' between words (g2p's phonemes: "N AY T")

    @property
    def output(self) -> str:
        """The symbols written, <eos> left out, joined by the separator."""
        return self.separator.join(s.token for s in self.steps if s.token != EOS)

    @property
    def finished(self) -> bool:
        """The last step wrote <eos>."""
        return bool(self.steps) and self.steps[-1].token == EOS


@dataclass
class Trace(Written):
    """A whole decoding: the source, its steps and the output."""

    source: str
    source_tokens: list[str]  # one per position j (repeated symbols stay distinct positions)
    attention_kind: AttentionKind
    steps: list[Step] = field(default_factory=list)
    encoder_norms: list[float] = field(default_factory=list)  # ||h_j||, one per source_tokens
    fixed_context_norm: float = 0.0  # ||c||, the encoder's final state
    separator: str = ""  # the target vocabulary's (Vocab.separator)
    memory: MemoryKind = "h"  # what the attention reads: h_j, or "h+x" h_j + W_x E x_j

    @property
    def has_attention(self) -> bool:
        """The one place that says whether the steps carry alpha_i. and e_i. (a model with
        attention) or not (one fixed c for every step)."""
        return self.attention_kind != "none"

    def attention_matrix(self) -> list[list[float]] | None:
        """alpha as rows i (steps) by columns j (source positions); None without attention."""
        if not self.has_attention:
            return None
        return [s.attention for s in self.steps if s.attention is not None]

    def to_json(self) -> dict:
        return {
            "input": self.source,
            "output": self.output,
            "attention_kind": self.attention_kind,
            "finished": self.finished,
            "fixed_context_norm": self.fixed_context_norm,
            "encoder_norms": self.encoder_norms,
            "steps": [asdict(s) for s in self.steps],
        }


@dataclass
class Hypothesis(Written):
    """One beam-search candidate: its tokens, log-probability and its own steps."""

    steps: list[Step]
    score: float  # log P(y_1..y_n | X) = sum_i log P(y_i | y_<i, X)
    separator: str = ""


# log P(Y | X) = sum_t log P(y_t | y_<t, X)
def sequence_log_probability(step_probs: Sequence[float]) -> float:
    """The log-probability of a whole output from its steps' P(y_t | y_<t, X) (a step with
    P = 0, a forced token the model rules out, counts as 1e-300)."""
    return sum(math.log(max(p, 1e-300)) for p in step_probs)


# --- attribution: which source positions each step's output depended on --------------------

AttributionMethod = Literal["ig", "ixg"]  # integrated gradients | input x gradient
METHODS: dict[AttributionMethod, str] = {"ig": "integrated gradients", "ixg": "input × gradient"}


@dataclass
class Attribution:
    """Each step's attribution to each source position: rows [step i][position j]."""

    method: AttributionMethod
    rows: list[list[float]]  # a_ij, signed, in units of log-probability (nats)
    # integrated gradients only: f_i(X) - f_i(b), what each row should sum to, per step,
    # and the integration steps that row took (more where the path is hard to integrate)
    changes: list[float] | None = None
    ig_steps: list[int] | None = None

    def argmax(self) -> list[int]:
        """For each step, the position with the largest (most positive) attribution."""
        return [max(range(len(row)), key=row.__getitem__) for row in self.rows]

    @property
    def completeness_gap(self) -> float | None:
        """sum_i |sum_j a_ij - (f_i(X) - f_i(b))| / sum_i |f_i(X) - f_i(b)|: how far the
        rows are from summing to what they explain, as a share (None: input x gradient)."""
        if self.changes is None:
            return None
        gaps = [abs(sum(row) - change) for row, change in zip(self.rows, self.changes)]
        return sum(gaps) / max(sum(abs(c) for c in self.changes), 1e-12)

    def to_json(self) -> dict:
        return {
            "method": self.method,
            "rows": self.rows,
            "changes": self.changes,
            "ig_steps": self.ig_steps,
            "completeness_gap": self.completeness_gap,
        }
