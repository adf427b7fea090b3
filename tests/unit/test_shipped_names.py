"""Model names are built and parsed in one place (s2s_core/shipped.py); metrics read safely."""

from __future__ import annotations

from dataclasses import replace

import pytest

from s2s_core import tasks
from s2s_core.shipped import (
    DEFAULT_MODELS,
    ModelName,
    capacity_names,
    default_name,
    read_metrics,
    shipped_names,
)
from s2s_core.training.recipes import recipes


def test_names_round_trip():
    for name in ("reverse-additive", "dates-none", "reverse-none-d32", "numbers-general"):
        parsed = ModelName.parse(name)
        assert parsed is not None and str(parsed) == name
    assert ModelName.parse("reverse-none-d32") == ModelName("reverse", "none", 32)
    hx = ModelName.parse("reverse-dot-hx")  # attention that reads h_j + W_x E x_j
    assert hx == ModelName("reverse", "dot", memory="h+x") and str(hx) == "reverse-dot-hx"
    assert recipes()["reverse-dot-hx"].memory == "h+x"
    assert recipes()["reverse-dot-hx"] == replace(recipes()["reverse-dot"], memory="h+x")


@pytest.mark.parametrize(
    "name",
    [
        "reverse",
        "reverse-luong",
        "../reverse-none",
        "Reverse-dot",
        "",
        "reverse-none-dx",
        "reverse-hx",
    ],
)
def test_anything_else_is_not_a_shipped_name(name):
    assert ModelName.parse(name) is None


def test_a_model_trained_in_the_browser_is_named_the_same_way():
    name = ModelName.parse("reverse-additive-d64 (trained 14:03) #2")
    assert name == ModelName("reverse", "additive", 64, trained="14:03", copy=2)
    assert str(name) == "reverse-additive-d64 (trained 14:03) #2"
    assert ModelName.parse("reverse-additive-d64 (trained 14:03)").copy is None


def test_every_recipe_has_a_parsable_name():
    for name in recipes():
        assert str(ModelName.parse(name)) == name


def test_shipped_names_in_the_order_of_the_kinds():
    assert shipped_names("reverse") == [
        "reverse-none",
        "reverse-additive",
        "reverse-dot",
        "reverse-general",
        "reverse-transformer",
        "reverse-dot-hx",
    ]
    assert shipped_names("no-such-task") == []


def test_every_task_opens_with_one_of_its_recipes():
    """The default is chosen in one place (shipped.DEFAULT_MODELS), for known tasks only; a
    task it does not name opens with its additive model."""
    assert set(DEFAULT_MODELS) <= set(tasks.TASKS)
    for task in tasks.TASKS:
        name = ModelName.parse(default_name(task))
        assert name is not None and name.task == task and str(name) in recipes()
        assert name.has_attention and name.attention != "transformer"
    assert default_name("numbers") == "numbers-additive"


def test_a_checkpoint_without_metrics_is_still_a_model(tmp_path):
    (tmp_path / "reverse-dot").mkdir()
    (tmp_path / "reverse-dot" / "config.json").write_text("{}")
    assert shipped_names("reverse", tmp_path) == ["reverse-dot"]
    assert shipped_names("reverse", tmp_path, with_metrics=True) == []


def test_capacity_names_smallest_d_first():
    names = capacity_names("reverse")
    sizes = [read_metrics(n)["hidden"] for n in names]
    assert sizes == sorted(sizes) and len(names) == 4 and "reverse-none" in names


@pytest.mark.parametrize("name", ["../checkpoints/reverse-none", "..", ".", "", "a/b"])
def test_a_path_is_never_read_as_a_name(name):
    assert read_metrics(name, missing_ok=True) is None
    with pytest.raises(FileNotFoundError):
        read_metrics(name)


def test_a_memory_that_keeps_its_symbol_needs_an_rnn_with_attention():
    from s2s_core.model.config import ModelConfig

    assert ModelConfig(10, 10, "dot", memory="h+x").memory == "h+x"
    for kind in ("none", "transformer"):
        with pytest.raises(ValueError, match="needs an RNN with attention"):
            ModelConfig(10, 10, kind, hidden=64, memory="h+x")
    with pytest.raises(ValueError, match="unknown memory"):
        ModelConfig(10, 10, "dot", memory="x")  # type: ignore[arg-type]
