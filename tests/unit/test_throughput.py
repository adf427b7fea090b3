"""Seed §9 counted and measured (s2s_core/training/throughput.py, analysis/examples.py and
limits.py, presentation/theory_latex.py):
the RNN's depth grows with T, the Transformer's does not; the speed comparison is fair."""

import pytest
import torch

from analysis import examples, limits
from presentation import theory_latex
from s2s_core.model.config import ModelConfig
from s2s_core.training import throughput
from s2s_core.training.throughput import Measured
from tests.support.models import tiny_checkpoint

TRANSFORMER = ModelConfig(30, 30, "transformer", hidden=32, embedding=32, layers=2, heads=4)


def test_the_rnn_is_as_deep_as_the_input_the_transformer_as_its_layers():
    rnn, tf = examples.architectures(T=9, T_out=10, layers=3)
    assert (rnn.encoder_sequential, tf.encoder_sequential) == (9, 3)
    assert (rnn.training_sequential, tf.training_sequential) == (19, 6)
    assert (rnn.decoding_sequential, tf.decoding_sequential) == (19, 33)  # both write 1 by 1
    assert (rnn.longest_path, tf.longest_path) == (8, 1)
    longer, _ = examples.architectures(T=30, T_out=31, layers=3)
    assert longer.encoder_sequential == 30 and examples.architectures(30, 31, 3)[1] == tf.__class__(
        tf.name, 3, 6, 3 + 3 * 31, 1
    )
    rows = theory_latex.architecture_rows(rnn, tf)
    assert rows[-1][tf.name] == "1  (O(1))" and rows[0][rnn.name] == "9  (O(T))"


def test_the_rnn_partner_has_the_transformers_parameter_count():
    rnn = throughput.matching_rnn(TRANSFORMER)
    assert rnn.attention == "additive" and not rnn.is_transformer
    target = throughput.parameter_count(TRANSFORMER)
    assert abs(throughput.parameter_count(rnn) - target) / target < 0.02


def test_compare_times_fresh_models_and_stops_on_time():
    ckpt = tiny_checkpoint("transformer")
    before = {k: v.clone() for k, v in ckpt.model.state_dict().items()}
    state = torch.random.get_rng_state()
    rows = throughput.compare(TRANSFORMER, [4, 8], batch=4)
    assert torch.equal(torch.random.get_rng_state(), state)  # the server's random state kept
    assert [r.length for r in rows] == [4, 8]
    for r in rows:
        assert r.rnn_encoder_ms > 0 and r.transformer_encoder_ms > 0
        assert r.rnn_tokens_per_s > 0 and r.transformer_tokens_per_s > 0
    assert len(throughput.compare(TRANSFORMER, [4, 8], seconds=0, batch=4)) == 1
    dates_sized = ModelConfig(60, 15, "transformer", hidden=32, embedding=32, heads=4)
    assert len(throughput.compare(dates_sized, [4], batch=4)) == 1  # any task's sizes
    for k, v in ckpt.model.state_dict().items():  # nothing shared was trained
        assert v.equal(before[k])
    batch = throughput.random_batch(ckpt.src_vocab, 7, 3)
    assert batch.src.shape == (3, 7) and bool((batch.src_len == 7).all())


def test_the_summary_says_how_each_encoder_grew():
    rows = [Measured(5, 0.2, 0.6, 9000, 7000), Measured(80, 2.0, 0.9, 8000, 16000)]
    text = limits.throughput_summary(rows)
    assert "16× longer" in text and "RNN encoder took 10× as long" in text
    assert "Transformer encoder 1.5×" in text and "did 2× the RNN's tokens per second" in text
    table = limits.throughput_rows(rows)
    assert table[1]["training speed, Transformer ÷ RNN"] == pytest.approx(2.0)
    assert "Only T = 5" in limits.throughput_summary(rows[:1])
