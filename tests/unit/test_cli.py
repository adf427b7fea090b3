"""The command lines: train, evaluate, decode; their clean error messages; g2p's phonemes."""

import json
import shutil
import subprocess
import sys

import pytest

from s2s_core.cli import decode, evaluate, train
from s2s_core.shipped import CHECKPOINT_DIR

CLI_ERRORS = [
    (["--input", ""], "empty"),
    (["--input", "   "], "empty"),
    (["--input", "Hello"], "unknown symbol 'H'"),
    (["--input", "x" * 500], "at most 40"),
    (["--input", "<script>alert(1)</script>"], "unknown symbols"),
]


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "reverse-additive"
    rc = train.main(
        [
            "--task",
            "reverse",
            "--attention",
            "additive",
            "--out",
            str(out),
            "--max-steps",
            "30",
            "--hidden",
            "16",
            "--embedding",
            "8",
            "--eval-every",
            "15",
            "--eval-size",
            "50",
            "--batch-size",
            "32",
        ]
    )
    assert rc == 0
    return out


def test_train_writes_a_checkpoint_with_its_facts(tiny_run):
    config = json.loads((tiny_run / "config.json").read_text())
    assert config["task"] == "reverse" and config["model"]["attention"] == "additive"
    assert config["training"]["steps"] == 30 and config["training"]["seconds"] > 0
    assert 0 <= config["held_out"]["exact_match"] <= 1 and config["held_out"]["n"] > 1000
    assert (tiny_run / "optimizer.safetensors").is_file()


def test_train_resumes_where_it_stopped(tiny_run, tmp_path):
    rc = train.main(
        [
            "--task",
            "reverse",
            "--out",
            str(tiny_run),
            "--resume",
            "--max-steps",
            "40",
            "--hidden",
            "16",
            "--embedding",
            "8",
            "--eval-every",
            "10",
            "--eval-size",
            "20",
            "--batch-size",
            "32",
        ]
    )
    assert rc == 0
    assert json.loads((tiny_run / "config.json").read_text())["training"]["steps"] == 40


def test_evaluate_writes_metrics_by_length(tiny_run, capsys):
    assert evaluate.main(["--checkpoint", str(tiny_run), "--json"]) == 0
    metrics = json.loads((tiny_run / "metrics.json").read_text())
    assert json.loads(capsys.readouterr().out) == metrics
    lows = [b["lengths"][0] for b in metrics["buckets"]]
    assert lows == [1, 6, 11, 16, 21, 26, 31, 36]
    assert [b["extrapolation"] for b in metrics["buckets"]][-2:] == [True, True]
    assert metrics["overall"]["alignment"] is not None  # reverse knows its alignment
    assert sum(b["n"] for b in metrics["buckets"]) == metrics["overall"]["n"] == 2000


def test_decode_json_has_the_trace_contract(tiny_run, capsys):
    assert decode.main(["--checkpoint", str(tiny_run), "--input", "attention", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["input"] == "attention" and isinstance(out["output"], str)
    for step in out["steps"]:
        assert {"index", "token", "prob", "topk", "attention", "context_norm", "state_norm"} <= set(
            step
        )
        assert len(step["attention"]) == 9


def test_decode_a_file_gives_a_line_per_input(tiny_run, tmp_path, capsys):
    f = tmp_path / "inputs.txt"
    f.write_text("abc\nBAD\nsequence\n")
    assert decode.main(["--checkpoint", str(tiny_run), "--input-file", str(f), "--json"]) == 1
    captured = capsys.readouterr()
    lines = [json.loads(x) for x in captured.out.splitlines()]
    assert [x["input"] for x in lines] == ["abc", "BAD", "sequence"]
    assert "error" in lines[1] and "output" in lines[2]
    assert "line 2: unknown symbols 'B', 'A', 'D'" in captured.err


def test_decode_beam(tiny_run, capsys):
    assert (
        decode.main(["--checkpoint", str(tiny_run), "--input", "abcd", "--beam", "3", "--json"])
        == 0
    )
    beams = json.loads(capsys.readouterr().out)["beam"]
    assert len(beams) == 3 and beams[0]["score"] >= beams[1]["score"] >= beams[2]["score"]


@pytest.mark.parametrize(("args", "message"), CLI_ERRORS)
def test_decode_bad_input_is_one_clean_line(tiny_run, args, message):
    r = subprocess.run(
        [sys.executable, "-m", "s2s_core.cli.decode", "--checkpoint", str(tiny_run), *args],
        capture_output=True,
        text=True,
    )
    assert r.returncode != 0
    assert "Traceback" not in r.stderr and message in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("module", ["decode", "evaluate"])
def test_not_a_checkpoint_is_one_clean_line(tmp_path, module):
    (tmp_path / "config.json").write_text("[]")
    extra = ["--input", "abc"] if module == "decode" else []
    r = subprocess.run(
        [sys.executable, "-m", f"s2s_core.cli.{module}", "--checkpoint", str(tmp_path), *extra],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.startswith("error: ") and "config.json" in r.stderr


def test_unreadable_input_file(tiny_run, tmp_path):
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "s2s_core.cli.decode",
            "--checkpoint",
            str(tiny_run),
            "--input-file",
            str(tmp_path / "missing.txt"),
        ],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2 and "cannot read" in r.stderr and "Traceback" not in r.stderr


def test_train_rejects_an_unknown_task(tmp_path):
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "s2s_core.cli.train",
            "--task",
            "poems",
            "--out",
            str(tmp_path / "x"),
        ],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2 and "unknown task 'poems'" in r.stderr
    assert "Traceback" not in r.stderr


# --- g2p: the commands the README gives, on a copy of the shipped model -------------------


@pytest.fixture(scope="module")
def g2p_copy(tmp_path_factory):
    out = tmp_path_factory.mktemp("g2p") / "g2p-additive"
    shutil.copytree(CHECKPOINT_DIR / "g2p-additive", out)
    (out / "metrics.json").unlink()  # evaluate writes it again
    return out


def test_evaluate_g2p_reports_wer_per_and_derived_alignment(g2p_copy):
    args = ["--checkpoint", str(g2p_copy), "--json", "--attribution-sample", "0"]
    r = subprocess.run(
        [sys.executable, "-m", "s2s_core.evaluate", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    overall = json.loads(r.stdout)["overall"]
    shipped = json.loads((CHECKPOINT_DIR / "g2p-additive" / "metrics.json").read_text())
    assert overall["n"] == 5925  # every held-out word
    for key in ("wer", "per", "alignment"):
        assert overall[key] == pytest.approx(shipped["overall"][key], abs=1e-9), key
    assert overall["wer"] == pytest.approx(1 - overall["exact_match"])
    assert (g2p_copy / "metrics.json").is_file()
    assert "attribution" not in json.loads(r.stdout)  # --attribution-sample 0: not measured


def _decode(checkpoint, text: str) -> subprocess.CompletedProcess:
    """`python -m s2s_core.decode --checkpoint ... --input text`, as the issue types it."""
    return subprocess.run(
        [sys.executable, "-m", "s2s_core.decode", "--checkpoint", str(checkpoint), "--input", text],
        capture_output=True,
        text=True,
    )


def test_decode_g2p_prints_phonemes(g2p_copy):
    r = _decode(g2p_copy, "Knight")
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert lines[0] == "input  'knight'  (6 positions)"
    assert lines[1] == "output 'N AY T'" and lines[2] == "expected 'N AY T': correct"
    assert "in the dictionary, a training word" in lines[3]
    assert [line.split()[1] for line in lines[4:]] == ["y='N'", "y='AY'", "y='T'", "y='<eos>'"]
    bad = _decode(g2p_copy, "4ever")
    assert bad.returncode == 1 and bad.stderr.startswith("error: unknown symbol '4'")


# --- attribution beside attention -------------------------------------------------------------


def test_decode_adds_an_attribution_row_per_step(capsys):
    checkpoint = str(CHECKPOINT_DIR / "reverse-dot")
    args = ["--checkpoint", checkpoint, "--input", "attention", "--json", "--attribution", "ig"]
    assert decode.main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["attribution"]["method"] == "ig" and out["attribution"]["completeness_gap"] < 0.05
    for step, change in zip(out["steps"], out["attribution"]["changes"]):
        assert len(step["attribution"]) == len(step["attention"]) == 9
        assert sum(step["attribution"]) == pytest.approx(change, rel=0.05, abs=1e-3)
    # the classroom example: dot attention looks one position after the letter it writes,
    # attribution lands on the letter itself (gold: y_i comes from x_{10-i})
    letters = out["steps"][:9]
    looks = [max(range(9), key=s["attention"].__getitem__) for s in letters]
    uses = [max(range(9), key=s["attribution"].__getitem__) for s in letters]
    gold = [9 - i for i in range(1, 10)]
    assert sum(a == g for a, g in zip(looks, gold)) <= 2
    assert sum("attention"[u] == "attention"[g] for u, g in zip(uses, gold)) >= 8
    assert (
        decode.main(["--checkpoint", checkpoint, "--input", "attention", "--attribution", "ixg"])
        == 0
    )
    assert "uses j=" in capsys.readouterr().out


def test_evaluate_sets_attention_and_attribution_side_by_side(tmp_path, capsys):
    out = tmp_path / "reverse-dot"
    shutil.copytree(CHECKPOINT_DIR / "reverse-dot", out)
    args = ["--checkpoint", str(out), "--json", "--attribution-sample", "15"]
    assert evaluate.main(args) == 0
    a = json.loads(capsys.readouterr().out)["attribution"]
    assert a["examples"] == 15 and a["steps"] > 15 * 3  # every letter of 15 right reversals
    assert a["attention"] < 0.15  # the one-position shift
    assert a["integrated_gradients"] > 0.8 and a["input_x_gradient"] > 0.8
    assert a["completeness_gap"] < 0.05
    assert evaluate.main(["--checkpoint", str(out), "--attribution-sample", "5"]) == 0
    assert "argmax on the alignment, the same" in capsys.readouterr().out
