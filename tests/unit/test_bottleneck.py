"""The Bottleneck page's tables (presentation.bottleneck) and figures
(presentation.figures.bottleneck), without Streamlit.

The numbers are checked against what they claim to be: Wilson intervals against known
values, shipped accuracies and capacities against each checkpoint's metrics.json. (The
measurements, re-evaluation, norms and timing: tests/unit/test_analysis_bottleneck.py; the
page through AppTest: tests/pages/test_bottleneck.py; in Chromium:
tests/browser/test_bottleneck.py.)
"""

from __future__ import annotations

import json
import math
import shutil

import pandas as pd
import pytest

from presentation import bottleneck as bn
from presentation import style
from presentation.figures import bottleneck as figs
from s2s_core import shipped, tasks
from s2s_core.shipped import CHECKPOINT_DIR

SHIPPED = sorted(p.parent.name for p in CHECKPOINT_DIR.glob("*/metrics.json"))
REVERSE = tasks.get_task("reverse")


def metrics_file(name: str) -> dict:
    """metrics.json read directly, independently of the code under test."""
    return json.loads((CHECKPOINT_DIR / name / "metrics.json").read_text())


def layer_data(chart) -> list[pd.DataFrame]:
    """The DataFrame behind each layer of an Altair layer chart."""
    return [layer.data for layer in chart.layer]


# --- Wilson intervals ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "n", "expected"),
    [
        (0.5, 10, (0.2365931, 0.7634069)),  # R: binom::binom.confint(5, 10, method = "wilson")
        (0.1, 10, (0.0178762, 0.4041500)),  # binom.confint(1, 10)
        (0.0, 10, (0.0, 0.2775328)),  # at p = 0 the upper end is z²/(n + z²)
        (1.0, 10, (0.7224672, 1.0)),
    ],
)
def test_wilson_matches_known_values(p, n, expected):
    assert bn.wilson(p, n) == pytest.approx(expected, abs=1e-6)


def test_wilson_narrows_with_n_and_knows_nothing_at_n_zero():
    widths = [hi - lo for lo, hi in (bn.wilson(0.3, n) for n in (10, 100, 1000))]
    assert widths[0] > widths[1] > widths[2]
    assert bn.wilson(0.3, 0) == (0.0, 1.0)
    lo, hi = bn.wilson(0.3, 1000)
    assert lo < 0.3 < hi and hi - lo == pytest.approx(2 * 1.96 * math.sqrt(0.21 / 1000), rel=0.01)


# --- shipped metrics -----------------------------------------------------------------------


@pytest.mark.parametrize("name", SHIPPED)
def test_metrics_load_for_every_shipped_checkpoint(name):
    m = shipped.read_metrics(name)
    frame = bn.accuracy_frame({name: m})
    measures = 4 if "wer" in m["overall"] else 2  # exact match, token accuracy (g2p: WER, PER)
    assert len(frame) == measures * len(m["buckets"]) and len(bn.measures(frame)) == measures
    em = frame[frame.metric == "exact match"]
    assert list(em.value) == [b["exact_match"] for b in metrics_file(name)["buckets"]]
    assert list(em.n) == [b["n"] for b in m["buckets"]]
    assert (frame.low <= frame.value + 1e-12).all() and (frame.value <= frame.high + 1e-12).all()
    assert ((frame.low >= 0) & (frame.high <= 1)).all()  # (a PER above 1 would pass 1: none here)


def test_trend_reads_the_shortest_and_longest_bucket():
    frame = bn.accuracy_frame({"fixed": shipped.read_metrics("reverse-none")})
    (line,) = bn.trend(frame, "exact match")
    assert line == "fixed: 98% at lengths 1–5 → 0% at 36–40"


# --- the accuracy chart ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def reverse_metrics() -> dict[str, dict]:
    return {
        name: shipped.read_metrics(name)
        for name in shipped.shipped_names("reverse", with_metrics=True)
    }


def test_accuracy_chart_has_one_line_per_model_and_marks_extrapolation(reverse_metrics):
    frame = bn.accuracy_frame(reverse_metrics)
    chart = figs.accuracy_chart(frame, "exact match", bn.train_max_length(reverse_metrics))
    region, label, band, lines, points = layer_data(chart)
    assert region.x0.tolist() == [30.5]  # trained on lengths up to 30
    assert label.label.tolist() == [figs.EXTRAPOLATION_LABEL]
    assert list(dict.fromkeys(lines.model)) == list(reverse_metrics)  # one line per model
    assert (band.low <= band.value).all() and (band.value <= band.high).all()
    assert points.groupby("model").size().tolist() == [8] * len(reverse_metrics)  # per bucket
    for _, rows in lines.groupby("model"):
        beyond = rows[rows.segment == figs.BEYOND]
        assert beyond.lo.tolist() == [26, 31, 36]  # dashed from the last trained bucket on
        assert set(rows[rows.segment == figs.INSIDE].hi) == {5, 10, 15, 20, 25, 30}
    spec = chart.to_dict()  # a valid Vega-Lite spec
    assert spec["layer"][3]["encoding"]["strokeDash"]["field"] == "segment"


def test_accuracy_chart_without_a_training_length_has_no_extrapolation_region():
    m = {
        name: shipped.read_metrics(name)
        for name in shipped.shipped_names("dates", with_metrics=True)
    }
    frame = bn.accuracy_frame(m)
    chart = figs.accuracy_chart(frame, "token accuracy", bn.train_max_length(m))
    assert bn.train_max_length(m) is None
    assert len(chart.layer) == 3  # band, lines, points
    assert set(layer_data(chart)[1].segment) == {figs.INSIDE}
    assert set(layer_data(chart)[2].metric) == {"token accuracy"}


def test_models_are_coloured_by_attention_kind(reverse_metrics):
    scale = figs.model_colors(bn.accuracy_frame(reverse_metrics))
    kinds = ("none", "additive", "dot", "general", "transformer")
    assert scale.range[:5] == [style.KIND_COLORS[k] for k in kinds]
    # reverse-dot-hx, a second dot model: a colour of its own
    assert scale.domain[5] == "reverse-dot-hx" and scale.range[5] not in scale.range[:5]
    twice = bn.accuracy_frame(
        {"a": reverse_metrics["reverse-additive"], "b": reverse_metrics["reverse-additive"]}
    )
    assert len(set(figs.model_colors(twice).range)) == 2  # a second additive model: own colour


def test_classroom_mode_makes_fonts_larger(reverse_metrics):
    frame = bn.accuracy_frame(reverse_metrics)
    small = figs.accuracy_chart(frame, "exact match", 30).to_dict()["config"]["axis"]
    large = figs.accuracy_chart(frame, "exact match", 30, large=True).to_dict()["config"]["axis"]
    assert large["labelFontSize"] > small["labelFontSize"]


# --- capacity ---------------------------------------------------------------------------------


def test_capacity_comes_from_metrics_json_and_increases_with_d():
    names = shipped.capacity_names("reverse")
    assert names == ["reverse-none-d32", "reverse-none", "reverse-none-d128", "reverse-none-d256"]
    frame = bn.capacity_frame({n: shipped.read_metrics(n) for n in names})
    assert frame.d.tolist() == [32, 64, 128, 256]
    assert frame.exact_match.tolist() == [
        metrics_file(n)["in_training_range"]["exact_match"] for n in names
    ]
    assert frame.exact_match.is_monotonic_increasing and frame.exact_match.nunique() == 4
    chart = figs.capacity_chart(frame, reference=1.0, reference_label="additive")
    assert layer_data(chart)[1] is frame
    chart.to_dict()


def test_capacity_follows_the_files_not_a_list(tmp_path):
    """Change a copied metrics.json: the capacity numbers change with it."""
    for name in shipped.capacity_names("reverse"):
        shutil.copytree(
            CHECKPOINT_DIR / name, tmp_path / name, ignore=shutil.ignore_patterns("*.safetensors")
        )
    path = tmp_path / "reverse-none-d32" / "metrics.json"
    m = json.loads(path.read_text())
    m["in_training_range"]["exact_match"] = 0.5
    path.write_text(json.dumps(m))
    names = shipped.capacity_names("reverse", tmp_path)
    frame = bn.capacity_frame({n: shipped.read_metrics(n, tmp_path) for n in names})
    assert frame.set_index("d").exact_match[32] == 0.5


def test_capacity_by_length_has_a_line_per_d():
    names = shipped.capacity_names("reverse")
    frame = bn.capacity_buckets({n: shipped.read_metrics(n) for n in names})
    assert frame.groupby("d").size().to_dict() == {32: 8, 64: 8, 128: 8, 256: 8}
    first = frame[frame.lo == 6].set_index("d").value
    assert first[32] < first[64] < first[128] < first[256]  # lengths 6-10: bigger d, better
    figs.capacity_by_length_chart(frame).to_dict()
