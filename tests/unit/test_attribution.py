"""Attribution beside attention (s2s_core/attribution.py): known answers, completeness, padding."""

from __future__ import annotations

import math

import pytest
import torch

from s2s_core import attribution
from s2s_core.attribution import (
    GAP_TOLERANCE,
    IG_STEPS,
    Rows,
    attribute,
    chosen_log_probability,
    hits,
    input_x_gradient,
    integral,
    source_embedding,
)
from s2s_core.model.decoding import greedy_trace
from s2s_core.model.vocab import PAD_ID, SOS_ID
from tests.support.models import shipped, tiny_checkpoint

KINDS = ["additive", "dot", "none", "transformer"]


def sees_only(kind: str, symbol: str):
    """A hand-built model that can see one symbol only: every other symbol's embedding is
    zero, the baseline's own value, so whatever the model does with them, they can move no
    log-probability. The answer is known: all attribution lands where `symbol` stands."""
    ckpt = tiny_checkpoint(kind)
    table = source_embedding(ckpt.model).weight
    with torch.no_grad():
        keep = table[ckpt.src_vocab.stoi[symbol]].clone()
        table.zero_()
        table[ckpt.src_vocab.stoi[symbol]] = keep * 3  # loud enough to change the outputs
    return ckpt


@pytest.mark.parametrize("kind", KINDS)
def test_a_model_that_sees_one_letter_attributes_everything_to_that_letter(kind):
    ckpt = sees_only(kind, "q")
    source = "abqcd"  # q at position 3
    trace = greedy_trace(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, source, 6)
    ig = attribute(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, source, trace, "ig")
    ixg = attribute(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, source, trace, "ixg")
    assert ig.changes is not None and len(ig.rows) == len(trace.steps) == 6
    for row, change in zip(ig.rows, ig.changes):
        assert len(row) == 5  # one per source position, whatever the architecture
        assert [row[j] for j in (0, 1, 3, 4)] == [0.0] * 4
        assert row[2] == pytest.approx(change, rel=GAP_TOLERANCE, abs=1e-4)  # complete
    for row in ixg.rows:
        assert [row[j] for j in (0, 1, 3, 4)] == [0.0] * 4
    strong = [i for i, c in enumerate(ig.changes) if abs(c) > 1e-3]
    assert strong and all(ig.argmax()[i] == 2 or ig.rows[i][2] < 0 for i in strong)


def test_input_x_gradient_is_the_embedding_times_its_gradient():
    """a_ij = sum_k e_jk d f_i / d e_jk, written out with autograd."""
    ckpt = tiny_checkpoint("additive")
    model, source = ckpt.model, "attention"
    trace = greedy_trace(model, ckpt.src_vocab, ckpt.tgt_vocab, source, 5)
    ixg = attribute(model, ckpt.src_vocab, ckpt.tgt_vocab, source, trace, "ixg")
    src = torch.tensor([ckpt.src_vocab.encode(source)])
    tokens = [ckpt.tgt_vocab.stoi[s.token] for s in trace.steps]
    tgt_in = torch.tensor([[SOS_ID, *tokens[:-1]]])
    layer = source_embedding(model)
    for i, token in enumerate(tokens):
        captured: list[torch.Tensor] = []

        def keep(_module, _inputs, output, captured=captured):
            output.retain_grad()
            captured.append(output)

        hook = layer.register_forward_hook(keep)
        f = chosen_log_probability(
            model, src, torch.tensor([9]), tgt_in, torch.tensor([token]), torch.tensor([i])
        )
        hook.remove()
        f.sum().backward()
        e = captured[0]
        expected = (e * e.grad).sum(-1)[0]  # (T,)
        torch.testing.assert_close(torch.tensor(ixg.rows[i]), expected, atol=1e-6, rtol=1e-4)
        assert math.exp(f.item()) == pytest.approx(trace.steps[i].prob, rel=1e-4)


def test_padding_gets_exactly_zero():
    ckpt = tiny_checkpoint("additive")
    src = torch.tensor([[4, 5, 6, 7], [8, 9, PAD_ID, PAD_ID]])
    src_len = torch.tensor([4, 2])
    tgt_in = torch.tensor([[SOS_ID, 5, 6], [SOS_ID, 9, 8]])
    rows = Rows(src, src_len, tgt_in, torch.tensor([7, 4]), torch.tensor([2, 1]))
    for a in (integral(ckpt.model, rows, IG_STEPS)[0], input_x_gradient(ckpt.model, rows)):
        assert a.shape == (2, 4)
        assert a[1, 2:].tolist() == [0.0, 0.0] and bool((a[1, :2] != 0).all())


@pytest.mark.parametrize("name", ["reverse-additive", "reverse-dot", "reverse-transformer"])
def test_integrated_gradients_is_complete_within_the_reported_tolerance(name):
    ckpt = shipped(name)
    source = "attentionisallyouneed"[:20]  # 20 letters: 21 steps, the late ones hard to integrate
    trace = greedy_trace(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, source, 25)
    ig = attribute(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, source, trace)
    assert ig.changes is not None and ig.ig_steps is not None
    assert ig.completeness_gap is not None and ig.completeness_gap <= GAP_TOLERANCE
    for row, change, steps in zip(ig.rows, ig.changes, ig.ig_steps):
        assert abs(sum(row) - change) <= GAP_TOLERANCE * abs(change) or steps == 512
    # the first pass has IG_STEPS points for every row; a row gets more only where the first
    # pass missed the tolerance, and the others are left as they were
    first = attribute(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, source, trace, tolerance=1e9)
    assert first.ig_steps == [IG_STEPS] * len(trace.steps) and first.changes == ig.changes
    for i, steps in enumerate(ig.ig_steps):
        first_gap = abs(sum(first.rows[i]) - first.changes[i]) / abs(first.changes[i])
        assert (steps > IG_STEPS) == (first_gap > GAP_TOLERANCE)
        if steps == IG_STEPS:
            assert ig.rows[i] == first.rows[i]


def test_each_row_explains_the_token_the_trace_shows_even_a_forced_one():
    ckpt = shipped("reverse-dot")
    trace = greedy_trace(
        ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, "attention", 12, force={2: "a"}
    )
    assert trace.steps[1].token == "a" and trace.steps[1].forced
    ig = attribute(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, "attention", trace)
    src = torch.tensor([[PAD_ID] * 9])  # the baseline: f(X) = change + f(b)
    tokens = [ckpt.tgt_vocab.stoi[s.token] for s in trace.steps]
    f_b = chosen_log_probability(
        ckpt.model,
        src.expand(len(tokens), -1),
        torch.full((len(tokens),), 9),
        torch.tensor([SOS_ID, *tokens[:-1]]).expand(len(tokens), -1),
        torch.tensor(tokens),
        torch.arange(len(tokens)),
    )
    assert ig.changes is not None
    for step, change, base in zip(trace.steps, ig.changes, f_b.tolist()):
        assert change + base == pytest.approx(math.log(step.prob), abs=1e-4)


def test_hits_count_argmaxes_inside_their_gold_spans():
    assert hits([2, 1, 0, 5], [(2, 3), (0, 1), None, (4, 6)]) == (2, 3)


def test_attribution_leaves_the_shared_model_untouched(monkeypatch):
    """The app shares one model between sessions: Captum's hooks must never be on it (another
    session's decoding would run through them), so it works on a copy; the mode stays."""
    ckpt = shipped("reverse-dot")
    trace = greedy_trace(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, "attention", 12)
    used: list[object] = []

    def recording(model, *args):
        used.append(model)
        return chosen_log_probability(model, *args)

    monkeypatch.setattr(attribution, "chosen_log_probability", recording)
    attribute(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, "attention", trace)
    assert used and all(m is not ckpt.model for m in used)
    assert not source_embedding(ckpt.model)._forward_hooks and not ckpt.model.training


def test_a_time_budget_keeps_the_first_pass_and_says_how_complete_it_is():
    """The app's quick answer: no refinement round that would overrun the budget; the gap it
    has is reported. Without a budget every row is refined into the tolerance (or to 512)."""
    ckpt = shipped("reverse-additive")
    source = "attentionisallyouneed"[:20]
    trace = greedy_trace(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, source, 25)
    quick = attribute(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, source, trace, budget_s=0)
    full = attribute(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, source, trace)
    assert quick.ig_steps == [IG_STEPS] * len(trace.steps)  # nothing fits in 0 s: first pass
    assert full.ig_steps is not None and max(full.ig_steps) > IG_STEPS  # this one needs more
    assert quick.completeness_gap is not None and full.completeness_gap is not None
    assert quick.completeness_gap > GAP_TOLERANCE >= full.completeness_gap
