"""The model and its attention: shapes, masking, batching, determinism, devices."""

import pytest
import torch

from s2s_core.device import pick_device
from s2s_core.model.config import ModelConfig
from s2s_core.model.data import make_batch
from s2s_core.model.decoding import greedy_batch
from s2s_core.model.rnn import Seq2Seq
from s2s_core.model.vocab import Vocab
from s2s_core.training.checkpoints import Checkpoint, load, save
from tests.support.models import tiny_checkpoint


def batch_of(ckpt, sources):
    return make_batch(sources, [s[::-1] for s in sources], ckpt.src_vocab, ckpt.tgt_vocab)


def test_attention_rows_sum_to_one_and_are_zero_on_padding(attentive):
    b = batch_of(attentive, ["attention", "ab", "sequence"])
    _, alpha, _ = greedy_batch(attentive.model, b.src, b.src_len, max_steps=12)
    assert alpha.shape[0] == 3 and alpha.shape[2] == 9  # (B, steps, T), every kind
    torch.testing.assert_close(alpha.sum(2), torch.ones(alpha.shape[:2]))
    assert torch.all(alpha[1, :, 2:] == 0)  # "ab" has 2 real positions
    assert torch.all(alpha[2, :, 8:] == 0)  # "sequence" has 8
    assert torch.all(alpha[1, :, :2] > 0)


def test_logits_have_one_row_per_target_step(any_kind):
    b = batch_of(any_kind, ["attention", "ab"])
    logits = any_kind.model(b.src, b.src_len, b.tgt_in)
    assert logits.shape == (2, 10, len(any_kind.tgt_vocab))  # 9 letters + <eos>


@pytest.mark.parametrize("rnn", ["gru", "lstm"])
def test_batched_equals_one_by_one(rnn):
    for kind in ("none", "additive", "dot", "general"):
        ckpt = tiny_checkpoint(kind, rnn)
        sources = ["attention", "ab", "sequence", "z"]
        b = batch_of(ckpt, sources)
        batched = ckpt.model(b.src, b.src_len, b.tgt_in)
        for row, s in enumerate(sources):
            one = batch_of(ckpt, [s])
            alone = ckpt.model(one.src, one.src_len, one.tgt_in)[0]
            torch.testing.assert_close(batched[row, : len(s) + 1], alone, atol=1e-5, rtol=1e-4)


def test_padding_does_not_change_the_encoder():
    ckpt = tiny_checkpoint("additive")
    short = batch_of(ckpt, ["abc"])
    padded = batch_of(ckpt, ["abc", "abcdefghij"])
    m1, c1 = ckpt.model.encoder(short.src, short.src_len)
    m2, c2 = ckpt.model.encoder(padded.src, padded.src_len)
    torch.testing.assert_close(m1[0], m2[0, :3], atol=1e-6, rtol=1e-5)
    torch.testing.assert_close(c1[0], c2[0], atol=1e-6, rtol=1e-5)


def test_dropout_acts_in_training_only_and_adds_no_weights(tmp_path):
    torch.manual_seed(0)
    vocab = Vocab(list("abcdefghijklmnopqrstuvwxyz"))
    cfg = ModelConfig(len(vocab), len(vocab), "additive", hidden=16, embedding=8, dropout=0.5)
    model = Seq2Seq(cfg)
    b = make_batch(["attention", "ab"], ["noitnetta", "ba"], vocab, vocab)
    model.train()
    assert not torch.equal(model(b.src, b.src_len, b.tgt_in), model(b.src, b.src_len, b.tgt_in))
    model.eval()  # decoding, traces and evaluation: every unit kept, the same numbers each time
    torch.testing.assert_close(
        model(b.src, b.src_len, b.tgt_in), model(b.src, b.src_len, b.tgt_in), atol=0, rtol=0
    )
    plain = Seq2Seq(ModelConfig(len(vocab), len(vocab), "additive", hidden=16, embedding=8))
    assert model.state_dict().keys() == plain.state_dict().keys()
    save(Checkpoint(model, vocab, vocab, "reverse"), tmp_path)
    assert load(tmp_path).model.cfg.dropout == 0.5


def test_same_seed_same_weights_and_every_kind_has_the_same_sizes():
    a, b = tiny_checkpoint("additive", seed=3), tiny_checkpoint("additive", seed=3)
    for (name, p), (_, q) in zip(a.model.named_parameters(), b.model.named_parameters()):
        assert torch.equal(p, q), name
    shapes = {
        k: {
            n: p.shape
            for n, p in tiny_checkpoint(k).model.named_parameters()
            if "attention" not in n
        }
        for k in ("none", "additive", "dot", "general")
    }
    assert all(s == shapes["none"] for s in shapes.values())


def test_bad_configs_are_refused_with_the_choices():
    with pytest.raises(ValueError, match="choose from: none, additive, dot, general"):
        ModelConfig(30, 30, attention="multiplicative")
    with pytest.raises(ValueError, match="even"):
        ModelConfig(30, 30, hidden=33)


def test_device_choice():
    assert pick_device("cpu").type == "cpu"
    assert pick_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="no CUDA"):
            pick_device("cuda")
