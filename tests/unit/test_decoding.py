"""The decoding trace: the contract between the core and the app."""

import math

import pytest
import torch

from s2s_core.model.decoding import (
    beam_search,
    check_source,
    greedy_batch,
    greedy_steps,
    greedy_trace,
)
from s2s_core.model.vocab import InputError, UnknownSymbolError
from tests.support.models import tiny_checkpoint


def trace(ckpt, source, **kw):
    return greedy_trace(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, source, 12, **kw)


def test_every_step_carries_what_the_app_shows(any_kind):
    t = trace(any_kind, "attention")
    # 9 positions, repeated letters apart (a Transformer's end marker is its encoder's alone)
    T = 9
    assert t.source_tokens == list("attention")
    assert len(t.encoder_norms) == T and t.fixed_context_norm > 0
    for i, s in enumerate(t.steps, 1):
        assert s.index == i
        assert 0 < s.prob <= 1 and s.topk[0][1] >= s.prob - 1e-6
        assert [p for _, p in s.topk] == sorted((p for _, p in s.topk), reverse=True)
        assert len(s.context) == any_kind.model.cfg.hidden
        assert s.context_norm == pytest.approx(math.sqrt(sum(x * x for x in s.context)), rel=1e-5)
        assert s.state_norm > 0
        if any_kind.model.cfg.attention == "none":
            assert s.attention is None and s.scores is None
            assert s.context_norm == pytest.approx(t.fixed_context_norm, rel=1e-5)  # c_i = c
        elif any_kind.model.cfg.is_transformer:  # every layer and head; their mean shown
            heads = torch.tensor(s.heads)  # (L, H, T)
            assert heads.shape == (2, 4, T) and s.scores is None
            torch.testing.assert_close(heads.sum(-1), torch.ones(2, 4))
            torch.testing.assert_close(heads.mean((0, 1)), torch.tensor(s.attention))
            assert torch.tensor(s.self_attention).shape == (2, 4, i)  # over y_0..y_{i-1}
        else:
            assert len(s.attention) == len(s.scores) == 9 and s.heads is None
            assert sum(s.attention) == pytest.approx(1, abs=1e-5)
            soft = torch.softmax(torch.tensor(s.scores), 0)
            torch.testing.assert_close(soft, torch.tensor(s.attention), atol=1e-6, rtol=1e-5)
    assert len(t.steps) <= 12
    assert t.output == "".join(s.token for s in t.steps if s.token != "<eos>")


def test_greedy_picks_the_most_likely_token(attentive):
    for s in trace(attentive, "sequence").steps:
        assert s.token == s.topk[0][0]


def test_steps_come_one_at_a_time(attentive):
    gen = greedy_steps(attentive.model, attentive.src_vocab, attentive.tgt_vocab, "abc", 12)
    first = next(gen)
    assert first.index == 1
    assert next(gen).index == 2


def test_beam_width_one_equals_greedy(any_kind):
    greedy = trace(any_kind, "attention")
    (best,) = beam_search(
        any_kind.model, any_kind.src_vocab, any_kind.tgt_vocab, "attention", 1, 12
    )
    assert best.output == greedy.output
    assert [s.token for s in best.steps] == [s.token for s in greedy.steps]
    assert best.score == pytest.approx(sum(math.log(s.prob) for s in greedy.steps), abs=1e-4)


def test_beam_hypotheses_are_ranked_and_carry_their_own_attention(attentive):
    hyps = beam_search(attentive.model, attentive.src_vocab, attentive.tgt_vocab, "abcd", 3, 8)
    assert len(hyps) == 3
    assert [h.score for h in hyps] == sorted((h.score for h in hyps), reverse=True)
    assert len({h.output for h in hyps}) == 3
    for h in hyps:
        assert h.score == pytest.approx(sum(math.log(s.prob) for s in h.steps), abs=1e-4)
        assert all(len(s.attention) == 4 for s in h.steps)  # a b c d, for every kind


def test_forced_decoding_follows_the_target(any_kind):
    t = trace(any_kind, "attention", target="noitnetta")
    assert t.output == "noitnetta" and t.finished
    assert all(s.forced for s in t.steps)
    probs = {tok: p for tok, p in t.steps[0].topk}
    if "n" in probs:
        assert t.steps[0].prob == pytest.approx(probs["n"])


def test_forcing_one_step_then_continuing_greedily(attentive):
    plain = trace(attentive, "attention")
    what_if = trace(attentive, "attention", force={2: "q"})
    assert [s.token for s in what_if.steps[:1]] == [s.token for s in plain.steps[:1]]
    assert what_if.steps[1].token == "q" and what_if.steps[1].forced
    assert not what_if.steps[2].forced
    assert what_if.steps[2].token == what_if.steps[2].topk[0][0]  # greedy again after the fork


def test_forcing_an_unknown_symbol_is_refused(attentive):
    with pytest.raises(InputError, match="cannot force"):
        trace(attentive, "abc", force={1: "Z"})


def test_step_trace_matches_the_batched_decoder(attentive):
    t = trace(attentive, "attention")
    src = torch.tensor([attentive.src_vocab.encode("attention")])
    ids, alpha, _ = greedy_batch(attentive.model, src, torch.tensor([9]), 12)
    assert attentive.tgt_vocab.decode(ids[0].tolist()) == t.output
    torch.testing.assert_close(alpha[0, : len(t.steps)], torch.tensor(t.attention_matrix()))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("a" * 41, "at most 40"),
        ("abC", "unknown symbol 'C'"),
        ("ab1😀", "unknown symbols '1', '😀'"),
    ],
)
def test_bad_sources_get_a_one_line_reason(text, message):
    ckpt = tiny_checkpoint("additive")
    with pytest.raises(InputError, match=message) as info:
        check_source(text, ckpt.src_vocab, 40)
    assert "\n" not in str(info.value)
    if "unknown" in message:
        assert isinstance(info.value, UnknownSymbolError)
        assert "accepts: abcdefghijklmnopqrstuvwxyz" in str(info.value)
