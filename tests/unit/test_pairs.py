"""A teacher's own pairs: reading them (every hostile file gets its one-line message), the
task they make (seeded held-out split, alternatives), and the command line."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from s2s_core import tasks
from s2s_core.cli.train import main as train_main
from s2s_core.tasks.pairs import PairsTask, split, task_name
from s2s_core.tasks.pairs_file import PairsError, read_pairs
from s2s_core.training.checkpoints import load
from tests.support.hostile_pairs import GOOD, cases, tsv

ROOT = Path(__file__).resolve().parents[2]
CASES = cases()


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 100
    assert len({name for name, _, _ in CASES}) == len(CASES)


def check(data: bytes, expect: str) -> None:
    """`expect` (see tests/support/hostile_pairs.py) holds for read_pairs(data)."""
    kind, _, words = expect.partition(" ")
    if kind == "error:":
        with pytest.raises(PairsError) as err:
            read_pairs(data)
        message = str(err.value)
        assert words in message and "\n" not in message and len(message) < 300
        return
    read = read_pairs(data)
    if kind == "kept":
        assert len(read.pairs) == int(words) and not read.refused
    else:
        count, _, reason = words.partition(": ")
        assert len(read.refused) == int(count) and reason in read.refused[0].reason
        assert read.refused[0].line == 13  # its number, as an editor counts
        assert len(read.pairs) == 12


@pytest.mark.parametrize(("name", "data", "expect"), CASES, ids=[c[0] for c in CASES])
def test_every_hostile_file_gets_its_message(name, data, expect):
    check(data, expect)


def test_text_is_kept_as_text():
    read = read_pairs(tsv(GOOD) + b"<script>alert(1)</script>\t=cmd|' /C calc'!A0\n")
    assert ("<script>alert(1)</script>", "=cmd|' /C calc'!A0") in read.pairs


def test_words_are_suggested_where_every_line_has_a_space():
    pairs = [(f"a{i} b", f"c{i}") for i in range(12)]
    read = read_pairs(tsv(pairs))
    assert read.suggested == ("words", "chars") == read.tokens
    chosen = read_pairs(tsv(pairs), ("chars", "chars"))
    assert chosen.tokens == ("chars", "chars")
    task = PairsTask.of(read, "words")
    assert "a3" in task.source_symbols() and "b" in task.source_symbols()
    assert task.typed_source("  a3   b ") == "a3 b"


# --- the task ----------------------------------------------------------------------------------


def example_task(n: int = 300) -> PairsTask:
    pairs = [(f"w{i}", f"v{i}") for i in range(n)]
    return PairsTask.of(read_pairs(tsv(pairs)), "example")


def test_the_split_is_seeded_by_source_and_never_overlaps():
    task = example_task()
    assert len(task.held) == 30 and len(task.training) == 270  # 10%
    assert not set(task.held) & set(task.training)
    assert split(task.name, list(task.targets)) == (task.training, task.held)  # the same
    assert example_task().held == task.held


def test_a_small_file_holds_at_least_20_out_or_none():
    assert len(example_task(60).held) == 20  # 10% would be 6
    small = example_task(30)  # 30 - 20 leaves too few to train
    assert small.held == () and small.scored_on_training
    assert set(small.held_out_pool()) == set(small.training)


def test_a_source_with_two_targets_accepts_both():
    pairs = [*GOOD, ("src00", "other")]
    task = PairsTask.of(read_pairs(tsv(pairs)), "two")
    example = task.solve("src00")
    assert example is not None and example.target == "tgt00"
    assert example.accepts("other") and not example.accepts("else")
    assert task.solve("never given") is None


def test_the_task_travels_as_json_and_its_name_is_its_content():
    task = example_task()
    again = PairsTask.from_json(json.loads(json.dumps(task.to_json())))
    assert again == task and again.held == task.held
    assert task.name == task_name(task.pairs, task.tokens) and task.name.startswith("own")
    forged = task.to_json() | {"name": "own000000000000"}
    with pytest.raises(ValueError, match="other pairs"):
        PairsTask.from_json(forged)


def test_registered_tasks_are_found_and_shipped_names_are_refused():
    task = example_task(120)
    tasks.register(task)
    assert tasks.get_task(task.name) is task
    with pytest.raises(ValueError):
        tasks.register(
            PairsTask.of(read_pairs(tsv(GOOD)), "x").__class__(
                **{**task.__dict__, "name": "reverse"}
            )
        )


# --- the command line ----------------------------------------------------------------------


def test_the_cli_trains_from_a_tsv_and_the_model_carries_its_task(tmp_path, capsys):
    out = tmp_path / "run"
    code = train_main(
        [
            "--pairs",
            str(ROOT / "examples" / "en-de-numbers.tsv"),
            "--out",
            str(out),
            "--max-steps",
            "30",
            "--eval-every",
            "30",
            "--hidden",
            "16",
        ]
    )
    assert code == 0
    said = capsys.readouterr()
    assert "1,000 pairs kept" in said.err and "100 sources held out" in said.err
    assert (out / "task.json").is_file()
    name = json.loads((out / "config.json").read_text())["task"]
    tasks.OWN_TASKS.pop(name)  # as a fresh process: the task comes back with the model
    ckpt = load(out)
    assert tasks.get_task(ckpt.task).solve("twenty-four").target == "vierundzwanzig"


@pytest.mark.parametrize(
    ("name", "data", "expect"),
    [c for c in CASES if c[2].startswith("error:")],
    ids=[c[0] for c in CASES if c[2].startswith("error:")],
)
def test_the_cli_refuses_hostile_files_in_one_line(tmp_path, capsys, name, data, expect):
    path = tmp_path / "pairs.csv"
    path.write_bytes(data)
    before = set(os.listdir(tmp_path))
    assert train_main(["--pairs", str(path), "--out", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and expect.removeprefix("error: ") in err[0]
    assert set(os.listdir(tmp_path)) == before  # nothing written


def test_the_cli_names_a_missing_file(tmp_path, capsys):
    assert train_main(["--pairs", str(tmp_path / "nope.tsv"), "--out", str(tmp_path / "o")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_a_file_too_small_to_hold_pairs_out_trains_and_says_so(tmp_path, capsys):
    path = tmp_path / "small.tsv"
    path.write_bytes(tsv([(f"w{i}", f"v{i}") for i in range(30)]))
    code = train_main(
        [
            "--pairs",
            str(path),
            "--out",
            str(tmp_path / "run"),
            "--max-steps",
            "5",
            "--eval-every",
            "5",
            "--hidden",
            "16",
        ]
    )
    assert code == 0
    assert "scored on the training pairs" in capsys.readouterr().err
    assert json.loads((tmp_path / "run" / "config.json").read_text())["held_out"]["n"] == 30


def test_a_model_of_own_pairs_is_labelled_by_its_kind_not_its_digest():
    from ui import models

    assert models.label("ownf07adc8ef750-additive-d64 (trained 10:41)") == (
        "additive attention, d = 64 (trained 10:41)"
    )
    assert models.label("own0123456789ab-none-d16 (trained 09:05) #2") == (
        "no attention (fixed context c), d = 16 (trained 09:05) #2"
    )
    assert models.label("reverse-dot-d16 (trained 10:41)") == "reverse-dot-d16 (trained 10:41)"
