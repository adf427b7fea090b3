"""Checkpoints: round trip, and every broken or unsafe file refused with a clear message."""

import json
import pickle
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file

from s2s_core.model.decoding import greedy_trace
from s2s_core.training.checkpoints import CheckpointError, load, save, store_half
from tests.support.models import tiny_checkpoint

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def saved(tmp_path):
    ckpt = tiny_checkpoint("additive")
    ckpt.info = {"held_out": {"exact_match": 0.5}}
    return ckpt, save(ckpt, tmp_path / "reverse-additive")


def test_round_trip_gives_the_same_model(saved):
    ckpt, path = saved
    assert sorted(p.name for p in path.iterdir()) == ["config.json", "model.safetensors"]
    again = load(path)
    assert again.task == "reverse" and again.info["held_out"]["exact_match"] == 0.5
    assert again.model.cfg == ckpt.model.cfg and again.src_vocab.itos == ckpt.src_vocab.itos
    a = greedy_trace(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, "attention", 12)
    b = greedy_trace(again.model, again.src_vocab, again.tgt_vocab, "attention", 12)
    assert a.to_json() == b.to_json()
    assert {"python", "torch", "babel", "num2words"} <= set(again.info["versions"])


def test_missing_config_names_the_file(saved):
    _, path = saved
    (path / "config.json").unlink()
    with pytest.raises(CheckpointError, match=r"config\.json: missing"):
        load(path)


def test_not_a_directory(tmp_path):
    with pytest.raises(CheckpointError, match="not a checkpoint directory"):
        load(tmp_path / "nothing-here")


def test_truncated_weights_name_the_file(saved):
    _, path = saved
    weights = path / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:1000])
    with pytest.raises(CheckpointError, match=r"model\.safetensors: not a valid safetensors"):
        load(path)


def test_corrupt_config_names_the_file(saved):
    _, path = saved
    (path / "config.json").write_text("{ not json")
    with pytest.raises(CheckpointError, match=r"config\.json: not readable JSON"):
        load(path)


def test_weights_of_another_model_are_named(saved, tmp_path):
    _, path = saved
    other = save(tiny_checkpoint("dot"), tmp_path / "other")  # no additive attention weights
    (path / "model.safetensors").write_bytes((other / "model.safetensors").read_bytes())
    with pytest.raises(CheckpointError, match=r"'decoder\.attention\.v_a' is missing"):
        load(path)


def test_shape_mismatch_is_named(saved):
    _, path = saved
    config = json.loads((path / "config.json").read_text())
    config["model"]["embedding"] = 12
    (path / "config.json").write_text(json.dumps(config))
    with pytest.raises(CheckpointError, match=r"'encoder\.embed\.weight' has shape \(30, 8\)"):
        load(path)


def test_a_pickle_payload_is_refused_and_never_runs(saved, tmp_path):
    _, path = saved
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (Path.touch, (marker,))

    (path / "model.safetensors").write_bytes(pickle.dumps(Payload()))
    with pytest.raises(CheckpointError, match=r"model\.safetensors: not a valid safetensors"):
        load(path)
    torch.save({"x": Payload()}, path / "model.safetensors")  # a torch.save'd pickle too
    with pytest.raises(CheckpointError, match=r"model\.safetensors"):
        load(path)
    assert not marker.exists()


def test_no_code_path_unpickles():
    packages = ("s2s_core", "presentation", "ui", "pages")  # the code moved out of s2s_core
    for py in [f for p in packages for f in (ROOT / p).rglob("*.py")] + list(ROOT.glob("*.py")):
        text = py.read_text()
        assert "pickle.load" not in text, py
        torch_load = "torch." + "load("  # two parts: this line is not a call to check
        for line in text.splitlines():
            if torch_load in line:
                assert "weights_only=True" in line, f"{py}: {line}"


def test_float16_storage_halves_the_file_and_loads_as_float32(saved):
    """Shipped checkpoints store float16 (recipes.measure): the loaded model computes in
    float32, its weights within float16's rounding of the originals, the same trace."""
    ckpt, path = saved
    before = (path / "model.safetensors").stat().st_size
    after = store_half(path)
    assert after < 0.55 * before
    stored = load_file(str(path / "model.safetensors"))
    assert {t.dtype for t in stored.values()} == {torch.float16}
    again = load(path)
    for name, p in again.model.state_dict().items():
        assert p.dtype == torch.float32
        torch.testing.assert_close(p, ckpt.model.state_dict()[name], rtol=1e-3, atol=1e-4)
    a = greedy_trace(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, "attention", 12)
    b = greedy_trace(again.model, again.src_vocab, again.tgt_vocab, "attention", 12)
    assert a.output == b.output
    assert [s.prob for s in a.steps] == pytest.approx([s.prob for s in b.steps], abs=1e-3)


def test_weights_of_another_dtype_are_refused(saved):
    _, path = saved
    weights = {k: v.to(torch.int32) for k, v in load_file(str(path / "model.safetensors")).items()}
    save_file(weights, str(path / "model.safetensors"))
    with pytest.raises(CheckpointError, match=r"is torch\.int32, expected float32 or float16"):
        load(path)
