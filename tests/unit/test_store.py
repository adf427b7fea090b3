"""The model store (s2s_core/store.py): ids nobody can guess or turn into a path, models that
come back whole, and limits that keep a class from filling the disk."""

from __future__ import annotations

import os

import pytest
import torch

from s2s_core.store import (
    DEFAULT_ROOT,
    ID_PATTERN,
    Limits,
    ModelStore,
    StoreError,
    check_id,
    configured,
    new_id,
)
from tests.support.models import tiny_checkpoint


def test_ids_are_128_random_bits_in_22_url_safe_characters():
    ids = {new_id() for _ in range(1000)}
    assert len(ids) == 1000 and all(ID_PATTERN.fullmatch(i) for i in ids)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "../../etc/passwd",
        "a/b",
        "..",
        "x" * 21,
        "x" * 23,
        "A" * 21 + "\x00",
        "é" * 22,
        "A" * 21 + "/",
        None,
        12,
        ["A" * 22],
    ],
)
def test_a_malformed_id_is_refused_before_any_path_is_made(tmp_path, bad):
    with pytest.raises(StoreError, match="not a valid id"):
        check_id(bad)
    with pytest.raises(StoreError):
        ModelStore(tmp_path).get(bad)  # type: ignore[arg-type]


def test_a_stored_model_comes_back_with_the_same_weights(tmp_path):
    ckpt = tiny_checkpoint("additive")
    store = ModelStore(tmp_path / "store")
    model_id = store.put(ckpt)
    back = ModelStore(tmp_path / "store").get(model_id)  # another process: another object
    assert back.task == "reverse" and back.model.cfg == ckpt.model.cfg
    for (k, a), (_, b) in zip(ckpt.model.state_dict().items(), back.model.state_dict().items()):
        assert torch.equal(a, b), k
    assert store.put(ckpt, model_id) == model_id  # stored again while it trains: same id
    assert [d.name for _, _, d in store.stored()] == [model_id]
    assert not [p for p in (tmp_path / "store").iterdir() if p.name.startswith(".")]


def test_an_unknown_or_damaged_model_is_refused_with_a_message(tmp_path):
    store = ModelStore(tmp_path)
    with pytest.raises(StoreError, match="no stored model has this id"):
        store.get(new_id())
    model_id = store.put(tiny_checkpoint("dot"))
    (tmp_path / model_id / "model.safetensors").write_bytes(b"half a file")
    with pytest.raises(StoreError, match="damaged"):
        store.get(model_id)


def test_the_caps_refuse_a_large_model_and_clean_the_oldest_and_the_too_old(tmp_path):
    ckpt = tiny_checkpoint("additive")
    one = ModelStore(tmp_path / "probe")
    assert one.stored() == []  # no folder yet: nothing stored
    first = one.put(ckpt)
    bytes_each = one.stored()[0][1]
    with pytest.raises(StoreError, match="keeps models of at most"):
        ModelStore(tmp_path / "small", Limits(model_bytes=bytes_each - 1)).put(ckpt)
    store = ModelStore(tmp_path / "two", Limits(total_bytes=2 * bytes_each))
    a, b = store.put(ckpt), store.put(ckpt)
    os.utime(tmp_path / "two" / a, (1, 1))  # a is the oldest
    c = store.put(ckpt)  # room for two: a goes
    assert {d.name for _, _, d in store.stored()} == {b, c}
    aged = ModelStore(tmp_path / "two", Limits(max_age_s=60.0))
    assert sorted(aged.clean(now=os.path.getmtime(tmp_path / "two" / c) + 3600)) == sorted([b, c])
    assert first in {d.name for _, _, d in one.stored()}


def test_a_store_that_cannot_be_written_says_so(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    with pytest.raises(StoreError, match="cannot be written"):
        ModelStore(blocked).put(tiny_checkpoint("none"))


def test_the_environment_names_the_folder_and_the_caps(tmp_path):
    store = configured(
        {
            "S2S_MODEL_STORE": str(tmp_path),
            "S2S_MODEL_STORE_MB": "64",
            "S2S_MODEL_MB": "0.5",
            "S2S_MODEL_STORE_DAYS": "1",
        }
    )
    assert store.root == tmp_path
    assert store.limits == Limits(model_bytes=2**19, total_bytes=64 * 2**20, max_age_s=86400.0)
    assert configured({}).root == DEFAULT_ROOT and configured({}).limits == Limits()
    for bad in ("", "-5", "0", "nan", "inf", "lots"):  # not a positive number: the default
        assert configured({"S2S_MODEL_STORE_MB": bad}).limits == Limits()


def test_a_model_stored_again_has_a_new_version(tmp_path):
    store = ModelStore(tmp_path)
    model_id = store.put(tiny_checkpoint("dot"))
    first = store.version(model_id)
    os.utime(tmp_path / model_id / "config.json", ns=(first - 10**9, first - 10**9))
    store.put(tiny_checkpoint("dot", seed=1), model_id)
    assert store.version(model_id) > first - 10**9
    with pytest.raises(StoreError, match="no stored model"):
        store.version(new_id())


def test_clean_up_removes_writes_a_stopped_server_left_unfinished(tmp_path):
    store = ModelStore(tmp_path)
    kept = store.put(tiny_checkpoint("dot"))
    stale, fresh = tmp_path / f".incoming-{new_id()}-0000", tmp_path / f".incoming-{new_id()}-1"
    stale.mkdir()
    fresh.mkdir()  # a write going on right now
    os.utime(stale, (1, 1))
    store.clean()
    assert not stale.exists() and fresh.exists() and store.get(kept)
