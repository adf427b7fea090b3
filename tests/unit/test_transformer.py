"""The Transformer: its formulas, its masks, and decoding with a key/value cache."""

import json
import math

import pytest
import torch

from presentation.heads import head_choices, head_label, with_head
from s2s_core.cli import decode, train
from s2s_core.model.config import ModelConfig
from s2s_core.model.decoding import greedy_trace
from s2s_core.model.transformer import (
    TransformerSeq2Seq,
    causal_mask,
    scaled_dot_product_attention,
    sinusoidal_positions,
    with_end_marker,
)
from s2s_core.model.vocab import EOS_ID, PAD_ID, SOS_ID
from s2s_core.tasks import get_task
from s2s_core.training.checkpoints import load
from s2s_core.training.evaluation import Prediction, scores_dict, summarize
from tests.support.models import tiny_checkpoint


def test_scaled_dot_product_attention_is_the_formula():
    torch.manual_seed(0)
    Q, K, V = torch.randn(2, 3, 8), torch.randn(2, 5, 8), torch.randn(2, 5, 8)
    out, w = scaled_dot_product_attention(Q, K, V)
    expected = torch.softmax(Q @ K.transpose(1, 2) / math.sqrt(8), dim=-1)
    torch.testing.assert_close(w, expected)
    torch.testing.assert_close(out, expected @ V)
    mask = torch.tensor([True, True, False, True, False]).expand(2, 3, 5)
    _, w = scaled_dot_product_attention(Q, K, V, mask)
    assert torch.all(w[..., [2, 4]] == 0)  # masked keys get -inf: weight 0
    torch.testing.assert_close(w.sum(-1), torch.ones(2, 3))


def test_positions_are_sines_and_cosines():
    pe = sinusoidal_positions(50, 16)
    assert pe.shape == (50, 16)
    assert pe[0, 0::2].abs().max() == 0 and torch.all(pe[0, 1::2] == 1)  # sin 0, cos 0
    assert pe[7, 2] == pytest.approx(math.sin(7 / 10000 ** (2 / 16)), abs=1e-6)
    torch.testing.assert_close(sinusoidal_positions(3, 16, start=7), pe[7:10])


def test_every_source_gets_an_end_marker_after_its_last_token():
    src = torch.tensor([[4, 5, 6], [7, 8, 0]])  # the second is padded
    marked, lengths = with_end_marker(src, torch.tensor([3, 2]))
    assert marked.tolist() == [[4, 5, 6, EOS_ID], [7, 8, EOS_ID, PAD_ID]]
    assert lengths.tolist() == [4, 3]


def test_the_encoder_reads_the_end_marker_and_the_decoder_only_the_letters():
    torch.manual_seed(0)
    model = TransformerSeq2Seq(ModelConfig(12, 10, "transformer", hidden=32, heads=4)).eval()
    src, src_len = torch.tensor([[4, 5, 6], [7, 8, 0]]), torch.tensor([3, 2])
    memory, mask, self_attention = model.encoder_stack(src, src_len)
    assert memory.shape == (2, 3, 32) and mask.tolist() == [[[True] * 3], [[True, True, False]]]
    w = self_attention[0]  # (B, H, T+1, T+1): x_1..x_T and <eos>
    assert w.shape == (2, 4, 4, 4)
    assert torch.all(w[0, :, :, 3] > 0)  # every letter reads the marker...
    assert torch.all(w[1, :, :3, 2] > 0) and torch.all(w[1, :, :, 3] == 0)  # ...not padding
    # so the letters' memory depends on where the source ends: the same three letters with
    # a fourth after them are encoded differently
    longer, _, _ = model.encoder_stack(torch.tensor([[4, 5, 6, 7]]), torch.tensor([4]))
    assert not torch.allclose(longer[0, :3], memory[0], atol=1e-3)
    ckpt = tiny_checkpoint("transformer")
    trace = greedy_trace(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, "abc", 3)
    assert trace.source_tokens == ["a", "b", "c"] and len(trace.encoder_norms) == 3
    for step in trace.steps:  # every cross-attention row sums to 1 over the 3 letters
        assert len(step.attention) == 3 and sum(step.attention) == pytest.approx(1, abs=1e-6)
        assert step.heads is not None and all(
            len(row) == 3 for layer in step.heads for row in layer
        )


def test_the_causal_mask_hides_the_future():
    assert causal_mask(3, torch.device("cpu")).tolist() == [
        [True, False, False],
        [True, True, False],
        [True, True, True],
    ]


@pytest.fixture
def model():
    torch.manual_seed(0)
    cfg = ModelConfig(12, 10, "transformer", hidden=32, heads=4, layers=2)
    return TransformerSeq2Seq(cfg).eval()


def test_decoding_with_the_cache_gives_the_teacher_forced_logits(model):
    src = torch.tensor([[4, 5, 6, 7, 0], [8, 9, 4, 0, 0]])  # padded with <pad> = 0
    src_len = torch.tensor([4, 3])
    tgt_in = torch.tensor([[1, 5, 6, 7], [1, 8, 8, 4]])  # <sos> = 1, then any tokens
    full = model(src, src_len, tgt_in)  # every position at once, causal mask
    enc = model.encode(src, src_len)
    cache = model.begin(enc)
    for i in range(tgt_in.size(1)):
        cache, out = model.advance(tgt_in[:, i], cache, enc)
        torch.testing.assert_close(out.logits, full[:, i], atol=1e-5, rtol=1e-4)
        assert cache.position == i + 1 and cache.layers[0].self_K.size(2) == i + 1
        # 5 columns, the padded source's: the end marker is the encoder's alone
        assert out.heads.shape == (2, 2, 4, 5) and out.self_attention.shape == (2, 2, 4, i + 1)
        torch.testing.assert_close(out.heads.sum(-1), torch.ones(2, 2, 4))
        assert torch.all(out.heads[1, ..., 3:] == 0)  # the second source: 3 letters
        torch.testing.assert_close(out.self_attention.sum(-1), torch.ones(2, 2, 4))
        torch.testing.assert_close(out.alpha, out.heads.mean(dim=(1, 2)))  # the shown mean


def test_a_later_target_token_never_changes_an_earlier_logit(model):
    src, src_len = torch.tensor([[4, 5, 6]]), torch.tensor([3])
    a = model(src, src_len, torch.tensor([[1, 5, 6, 7]]))
    b = model(src, src_len, torch.tensor([[1, 5, 9, 9]]))
    torch.testing.assert_close(a[:, :2], b[:, :2])


def test_the_cache_keeps_the_rows_beam_search_asks_for(model):
    enc = model.encode(torch.tensor([[4, 5], [6, 7]]), torch.tensor([2, 2]))
    cache, _ = model.advance(torch.tensor([1, 1]), model.begin(enc), enc)
    kept = model.keep(cache, torch.tensor([1, 1, 0]))
    assert kept.position == 1 and kept.layers[1].cross_K.size(0) == 3
    torch.testing.assert_close(kept.layers[0].self_K[2], cache.layers[0].self_K[0])


def test_a_cached_trace_equals_decoding_the_whole_prefix_again():
    """Each step of greedy_trace costs one position (the K/V cache); re-running the model on
    the whole prefix at every step, uncached, gives the same tokens and probabilities."""
    ckpt = tiny_checkpoint("transformer")
    trace = greedy_trace(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, "attention", 12)
    src = torch.tensor([ckpt.src_vocab.encode("attention")])
    prefix = [SOS_ID]
    for step in trace.steps:
        with torch.no_grad():
            logits = ckpt.model(src, torch.tensor([9]), torch.tensor([prefix]))[0, -1]  # uncached
        probs = torch.softmax(logits, 0)
        token = ckpt.tgt_vocab.stoi[step.token]
        assert int(probs.argmax()) == token
        assert float(probs[token]) == pytest.approx(step.prob, rel=1e-4)
        prefix.append(token)
    assert len(trace.steps) == 12  # the cap: this untrained model never writes <eos>


def test_train_and_decode_a_transformer_from_the_command_line(tmp_path, capsys):
    out = tmp_path / "reverse-transformer"
    args = ["--task", "reverse", "--attention", "transformer", "--out", str(out)]
    sizes = ["--hidden", "16", "--embedding", "16", "--layers", "2", "--heads", "2"]
    steps = ["--max-steps", "20", "--eval-every", "10", "--eval-size", "20"]
    assert train.main(args + sizes + steps) == 0
    ckpt = load(out)
    assert isinstance(ckpt.model, TransformerSeq2Seq) and ckpt.model.cfg.layers == 2
    capsys.readouterr()
    assert decode.main(["--checkpoint", str(out), "--input", "attention", "--json"]) == 0
    trace = json.loads(capsys.readouterr().out)
    assert trace["attention_kind"] == "transformer"
    for step in trace["steps"]:
        heads = torch.tensor(step["heads"])  # [layer][head][source position]
        assert heads.shape == (2, 2, 9)  # a t t e n t i o n
        torch.testing.assert_close(heads.sum(-1), torch.ones(2, 2))
        assert len(step["self_attention"][0][0]) == step["index"]


def test_a_trace_is_shown_one_head_at_a_time_or_as_their_mean():
    ckpt = tiny_checkpoint("transformer")
    trace = greedy_trace(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, "attention", 4)
    choices = head_choices(trace)
    assert choices[0] is None and len(choices) == 1 + 2 * 4  # the mean, then L x H
    assert head_label(None) == "mean of all layers and heads"
    assert head_label((1, 2)) == "layer 2, head 3"
    assert with_head(trace, None) is trace
    one = with_head(trace, (1, 2))
    for s, shown in zip(trace.steps, one.steps):
        assert shown.attention == s.heads[1][2] and shown.token == s.token
        assert sum(shown.attention) == pytest.approx(1, abs=1e-5)
    assert trace.steps[0].attention != one.steps[0].attention  # the original stays as it was
    rnn = tiny_checkpoint("additive")
    plain = greedy_trace(rnn.model, rnn.src_vocab, rnn.tgt_vocab, "attention", 4)
    assert head_choices(plain) == [None] and with_head(plain, (0, 0)) is plain


def test_each_head_is_scored_against_the_gold_alignment_on_its_own():
    """metrics.json of a Transformer says, per layer and head, how often that head's largest
    weight hits the gold position: hand-made argmaxes on reverse ("abc" -> "cba": gold 2, 1, 0)."""
    example = get_task("reverse").example("abc")
    on_gold = [[[2, 0]], [[1, 1]], [[0, 2]]]  # [step][layer][head]: head 1 follows the gold
    right = Prediction(example, "cba", [2, 1, 0], head_argmax=on_gold)
    hits, steps = right.head_hits()
    assert hits == [[3, 1]] and steps == 3
    wrong = Prediction(example, "cbb", [2, 1, 1], head_argmax=on_gold)  # not scored: wrong
    assert summarize([right, wrong]).heads == [[1.0, 1 / 3]]
    assert summarize([Prediction(example, "cba", [2, 1, 0])]).heads is None  # an RNN
    assert "heads" not in scores_dict(summarize([Prediction(example, "cba", [2, 1, 0])]))
