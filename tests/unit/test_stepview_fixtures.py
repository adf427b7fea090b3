"""Fixtures for the step view's JavaScript tests (tests/js/ops.test.mjs): every figure of
Home's step view, at every step, of real traces of shipped models, as the browser receives
it (base figure and each step's operations) and as Python's `frames.apply` builds it.

Node applies the same operations with presentation/stepview/ops.js `applyOps` and asserts the
same JSON, step by step. `make test-js` runs this file first, then `node --test`; the
fixtures are written to artifacts/js-fixtures/ (git-ignored).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from presentation.figures.frames import apply
from presentation.heads import with_head
from presentation.stepping import StepViewParams, step_view
from s2s_core.attribution import attribute
from s2s_core.tasks import get_task
from tests.support.models import shipped, trace_of

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "artifacts" / "js-fixtures"
FIGURES = {"attention", "attribution", "topk", "norms", "context"}

# name: (model, source, Classroom mode, a Transformer's head (layer, head) or None)
CASES = {
    "reverse": ("reverse-additive", "attention", False, None),
    "g2p": ("g2p-additive", "knight", True, None),
    "reverse-transformer": ("reverse-transformer", "transformer", False, (0, 1)),
}


def fixture(model: str, source: str, large: bool, head: tuple[int, int] | None) -> dict:
    """Every figure of the step view ("both" heatmaps) at every step of `model` on `source`."""
    ckpt = shipped(model)
    trace = trace_of(model, source)
    rows = attribute(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, source, trace, "ixg")
    expected = get_task(ckpt.task).solve(source)
    shown = with_head(trace, head)
    params = StepViewParams(shown, "k", 0, "both", expected, rows, 1.0, large, head=head)
    data = step_view(params).to_json()
    figures = {
        name: {**frames, "applied": [apply(frames["base"], ops) for ops in frames["steps"]]}
        for name, frames in data["figures"].items()
    }
    return {"model": model, "source": source, "n": data["n"], "figures": figures}


@pytest.mark.parametrize("name", list(CASES))
def test_write_the_step_views_figures_for_the_javascript_tests(name):
    out = fixture(*CASES[name])
    assert set(out["figures"]) == FIGURES  # every figure of the view
    for frames in out["figures"].values():
        assert len(frames["applied"]) == out["n"] + 1 > 2  # every step 0..n
        assert frames["applied"][-1] == frames["base"]  # the base: the last step's figure
    FIXTURES.mkdir(parents=True, exist_ok=True)
    text = json.dumps(out, ensure_ascii=False, allow_nan=False)  # as the browser gets it
    (FIXTURES / f"{name}.json").write_text(text, encoding="utf-8")
    assert json.loads(text) == out  # nothing lost on the way to JSON
