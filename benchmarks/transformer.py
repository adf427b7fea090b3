"""The Transformer against the RNN, side by side in one run.

`make bench` (the group "transformer", about a minute):

    transformer_vs_rnn_tokens_per_s   training throughput at equal parameter count (the shipped
                                      reverse Transformer's sizes and a matching additive RNN),
                                      our trainer, alternated, median of `runs`
    transformer_step_ms               one cached decoder step of the shipped reverse-transformer,
                                      batch 1, at position 10, beside the same step recomputing
                                      the decoder over the whole prefix (no cache; the encoder's
                                      memory reused)

`make bench-long` (the group "transformer_to_99", about 45-90 min on 2 CPU cores):

    seconds_to_99_transformer         wall seconds to 99% held-out exact match on reverse 3-30,
                                      the shipped recipe, median over the seeds (about 15-30 min
                                      each), beside the additive RNN's on the same seeds in the
                                      same run (seconds_to_99_rnn_beside_transformer)
    transformer_to_99_vs_rnn          the first over the second
"""

from __future__ import annotations

import statistics
import time
from dataclasses import replace

import torch

from s2s_core.model.config import ModelConfig
from s2s_core.model.transformer import TransformerSeq2Seq
from s2s_core.model.vocab import SOS_ID, Vocab
from s2s_core.shipped import CHECKPOINT_DIR
from s2s_core.tasks import get_task
from s2s_core.training import throughput
from s2s_core.training.checkpoints import Checkpoint, load
from s2s_core.training.loop import TrainConfig, train
from s2s_core.training.recipes import TRANSFORMER_SETTINGS

from . import core
from .core import quiet

SHIPPED = "reverse-transformer"  # the model whose cached step is timed
RECIPE = TrainConfig(task="reverse", attention="transformer", **TRANSFORMER_SETTINGS["reverse"])


def model_config(cfg: TrainConfig) -> ModelConfig:
    """The ModelConfig `train` builds for `cfg` (the task's vocabularies, its sizes)."""
    task = get_task(cfg.task)
    return ModelConfig(
        len(Vocab(list(task.source_alphabet))),
        len(Vocab(task.target_symbols())),
        cfg.attention,
        cfg.hidden,
        cfg.embedding,
        layers=cfg.layers,
        heads=cfg.heads,
    )


def rnn_partner(cfg: TrainConfig) -> TrainConfig:
    """The additive RNN with the Transformer's parameter count, same batch and task."""
    model = throughput.matching_rnn(model_config(cfg))
    return replace(cfg, attention="additive", hidden=model.hidden, embedding=model.embedding)


def tokens_per_s(cfg: TrainConfig, steps: int, seed: int) -> float:
    quick = replace(cfg, max_steps=steps, eval_every=10**9, eval_size=1, seed=seed)
    return train(quick, log=quiet).history[-1].tokens_per_s


def equal_size_throughput(runs: int = 3, steps: int = 60) -> dict:
    rnn_cfg = rnn_partner(RECIPE)
    tf, rnn = [], []
    for seed in range(runs):
        tf.append(tokens_per_s(RECIPE, steps, seed))
        rnn.append(tokens_per_s(rnn_cfg, steps, seed))
    return {
        "transformer_tokens_per_s": statistics.median(tf),
        "rnn_equal_size_tokens_per_s": statistics.median(rnn),
        "transformer_vs_rnn_tokens_per_s": statistics.median(tf) / statistics.median(rnn),
        "rnn_equal_size_hidden": rnn_cfg.hidden,
        "runs": {"transformer_tokens_per_s": tf, "rnn_equal_size_tokens_per_s": rnn},
    }


def seconds_to_99(seeds: tuple[int, ...] = (0, 1, 2)) -> dict:
    """The shipped recipe until 99% held-out exact match (checked every 500 steps), per seed."""
    times: list[float | None] = []
    steps: list[int] = []
    for seed in seeds:
        result = train(
            replace(RECIPE, seed=seed, eval_every=500, eval_size=500, target_exact=0.99), log=quiet
        )
        reached = result.stopped_by == "target_exact"
        times.append(result.history[-1].seconds if reached else None)
        steps.append(result.history[-1].step)
    done = [t for t in times if t is not None]
    return {  # None (JSON null) when fewer than half of the seeds reached 99%
        "seconds_to_99_transformer": statistics.median(done)
        if 2 * len(done) > len(seeds)
        else None,
        "runs": {"transformer_seconds_to_99": times, "transformer_steps_to_99": steps},
    }


@torch.inference_mode()
def cached_step(ckpt: Checkpoint, position: int = 10, repeats: int = 500) -> dict:
    """One decoder step at `position` with the K/V cache, and the same logits recomputed
    from the whole prefix (what a step would cost without the cache)."""
    model = ckpt.model.eval()
    assert isinstance(model, TransformerSeq2Seq)
    src = torch.tensor([ckpt.src_vocab.encode("abcdefghijklmnopqrs")])
    src_len = torch.tensor([src.size(1)])
    enc = model.encode(src, src_len)
    memory, src_mask, _ = model.encoder_stack(src, src_len)
    cache = model.begin(enc)
    prefix = torch.tensor([[SOS_ID] + [4] * position])
    for k in range(position):
        cache, _ = model.advance(prefix[:, k], cache, enc)
    y_prev = prefix[:, position]
    cached, full = [], []
    for _ in range(repeats):
        t = time.perf_counter()
        model.advance(y_prev, cache, enc)
        cached.append(time.perf_counter() - t)
        t = time.perf_counter()
        model.decode_all(memory, src_mask, prefix)  # every position of the prefix again
        full.append(time.perf_counter() - t)
    return {
        "transformer_step_ms": 1000 * statistics.median(cached),
        "transformer_uncached_step_ms": 1000 * statistics.median(full),
    }


def run() -> dict:
    """The quick group: throughput at equal size, and the shipped model's cached step."""
    return equal_size_throughput() | cached_step(load(CHECKPOINT_DIR / SHIPPED))


def run_long(seeds: tuple[int, ...] = (0, 1, 2)) -> dict:
    """The long group: seconds to 99% of the Transformer and of the additive RNN, same seeds,
    same run; their ratio."""
    rnn, _ = core.seconds_to_99(seeds)
    tf = seconds_to_99(seeds)
    rnn_s, tf_s = rnn["seconds_to_99_reverse"], tf["seconds_to_99_transformer"]
    return {
        "seconds_to_99_transformer": tf_s,
        "seconds_to_99_rnn_beside_transformer": rnn_s,
        "transformer_to_99_vs_rnn": tf_s / rnn_s if tf_s is not None else None,
        "runs": tf["runs"] | {"rnn_seconds_to_99_beside_transformer": rnn["runs"]["seconds"]},
    }
