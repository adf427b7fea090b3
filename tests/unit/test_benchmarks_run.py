"""`make bench` and `make bench-long` write one benchmarks/latest.json: each run merges its
groups' results in and keeps the others' (with the date and commit that made them)."""

from __future__ import annotations

import json

import pytest

from benchmarks import run


@pytest.fixture
def groups(tmp_path, monkeypatch):
    """Two fake quick groups and a fake long one; latest.json in a temporary folder."""
    calls: list[str] = []

    def group(name: str, results: dict):
        def measure() -> dict:
            calls.append(name)
            return json.loads(json.dumps(results))  # a fresh copy each call

        return measure

    quick = {
        "core": group("core", {"decode_step_ms": 0.05, "runs": {"steps": [1, 2]}}),
        "browser": group("browser", {"browser_step_ms": 80.0, "runs": {"clicks": [80.0]}}),
    }
    long = {"transformer_to_99": group("long", {"seconds_to_99_transformer": 900.0})}
    monkeypatch.setattr(run, "QUICK", quick)
    monkeypatch.setattr(run, "LONG", long)
    monkeypatch.setattr(run, "GROUPS", quick | long)
    monkeypatch.setattr(run, "LATEST", tmp_path / "latest.json")
    return calls


def latest() -> dict:
    return json.loads(run.LATEST.read_text())


def test_make_bench_runs_the_quick_groups_and_bench_long_the_long_ones(groups):
    assert run.main([]) == 0
    assert groups == ["core", "browser"]
    assert run.main(["--long"]) == 0
    assert groups == ["core", "browser", "long"]
    assert set(run.QUICK).isdisjoint(run.LONG)


def test_the_long_results_survive_a_quick_run_and_each_group_says_when_it_ran(groups):
    run.main(["--long"])
    run.main([])
    out = latest()
    assert out["seconds_to_99_transformer"] == 900.0  # kept
    assert out["decode_step_ms"] == 0.05 and out["browser_step_ms"] == 80.0
    assert out["runs"] == {"steps": [1, 2], "clicks": [80.0]}
    assert set(out["groups"]) == {"core", "browser", "transformer_to_99"}
    assert out["groups"]["core"]["metrics"] == ["decode_step_ms"]
    assert out["groups"]["transformer_to_99"]["seconds"] >= 0
    assert out["command"] == "python -m benchmarks.run"


def test_a_rerun_group_replaces_its_old_results_and_no_other(groups, monkeypatch):
    run.main([])
    changed = {"trace20_ms": 2.5, "runs": {"traces": [2.5]}}
    monkeypatch.setitem(run.GROUPS, "core", lambda: dict(changed))
    run.main(["--only", "core"])
    out = latest()
    assert "decode_step_ms" not in out and out["trace20_ms"] == 2.5  # core's old keys gone
    assert out["runs"] == {"clicks": [80.0], "traces": [2.5]}
    assert out["browser_step_ms"] == 80.0  # the other group untouched


def test_the_report_marks_targets_met_and_missed():
    lines = run.report({"decode_step_ms": 0.05, "trace20_ms": 4.0, "unrelated": 1})
    assert any(ln.startswith("decode_step_ms") and ln.endswith("ok") for ln in lines)
    assert any(ln.startswith("trace20_ms") and ln.endswith("MISSED") for ln in lines)
    assert len(lines) == 3  # the heading and the two targets measured
