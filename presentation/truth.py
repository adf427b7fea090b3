"""Is the heatmap telling the truth? Attention against attribution, from metrics.json.

Every shipped model of a task with a gold (or derived) alignment records, on the same
gold-aligned steps of a held-out sample, how often the argmax of its attention alpha_i.
falls on the gold span, and how often the argmax of each attribution method does
(s2s_core/training/evaluation.py: attribution_agreement). These functions turn those
numbers into a table and into plain sentences for the pages. Pure: dicts in, text out.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

GAP = 0.2  # attention and attribution "disagree" when their shares differ by 20 points or more


@dataclass(frozen=True)
class Agreement:
    """One model's shares of gold-aligned steps whose argmax falls on the gold span."""

    label: str  # the model, as the pages name it
    attention: float | None  # alpha (None: a model without attention)
    integrated_gradients: float
    input_x_gradient: float
    steps: int
    examples: int

    @property
    def disagrees(self) -> bool:
        return self.attention is not None and abs(self.integrated_gradients - self.attention) >= GAP


def agreements(metrics: dict[str, dict]) -> list[Agreement]:
    """The models (label -> metrics.json) that measured attribution, in the given order."""
    out = []
    for label, m in metrics.items():
        a = m.get("attribution")
        if a and a["steps"]:
            out.append(
                Agreement(
                    label,
                    a["attention"],
                    a["integrated_gradients"],
                    a["input_x_gradient"],
                    a["steps"],
                    a["examples"],
                )
            )
    return out


def agreement_frame(rows: list[Agreement]) -> pd.DataFrame:
    """A table: model, the three shares (in %), and the sample they come from."""
    return pd.DataFrame(
        {
            "model": [r.label for r in rows],
            "attention α": [None if r.attention is None else 100 * r.attention for r in rows],
            "integrated gradients": [100 * r.integrated_gradients for r in rows],
            "input × gradient": [100 * r.input_x_gradient for r in rows],
            "steps (examples)": [f"{r.steps:,} ({r.examples})" for r in rows],
        }
    )


def verdict(row: Agreement, alignment: str = "gold alignment") -> str:
    """One model's result as a sentence a student can check against the heatmaps."""
    ig = f"integrated gradients' on {row.integrated_gradients:.1%}"
    if row.attention is None:
        used = (
            "so it does use the right symbols, through the one fixed c"
            if row.integrated_gradients >= 0.75
            else "a weak sign of which symbols it used"
        )
        return (
            f"{row.label}: no attention to check; its {ig} of {row.steps:,} steps on the "
            f"{alignment}: {used}."
        )
    said = (
        f"{row.label}: the largest α on the {alignment} at {row.attention:.1%} of "
        f"{row.steps:,} steps, {ig}"
    )
    if row.disagrees and row.integrated_gradients > row.attention:
        return (
            said + ". The heatmap points elsewhere than the model's own gradients: it does "
            "not show what the model used."
        )
    if row.disagrees:
        return (
            said + ". Here attention follows the alignment more closely than the gradients "
            "do: attribution is not ground truth either (its path starts at an all-‹pad› "
            "input no model has seen; contributions of opposite signs can cancel)."
        )
    return said + ": attention and attribution agree."
