"""The step view for every student (WCAG 2.1 AA): each step in words, each heatmap as a
table, and colour scales that colour-blind eyes can still read."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from presentation import describe
from presentation.figures.heatmap import COLORSCALE, DIVERGING
from s2s_lab.animation import colour_at
from s2s_lab.decoding import decode

ROOT = Path(__file__).resolve().parents[2]


def test_each_step_says_what_was_written_and_where_the_decoder_looked():
    d = decode(ROOT / "checkpoints" / "reverse-additive", "attention", "both")
    said = describe.step_sentences(d.trace, d.attribution)
    assert len(said) == len(d.trace.steps) + 1
    assert said[0].startswith("Step 0 of 10: nothing written yet")
    # step 5 writes the n of "attention" (x5), looking mostly there
    assert said[5].startswith("Step 5 of 10 writes “n” (P = ")
    assert "Attention looks at x5 “n” 0.71" in said[5]
    assert "Attribution, largest first: x5 “n” +" in said[5]
    assert said[10].startswith("Step 10 of 10 writes “‹eos›”")


def test_a_model_without_attention_says_so_and_a_head_is_named():
    fixed = decode(ROOT / "checkpoints" / "reverse-none", "attention").trace
    assert "No attention: one fixed context c (‖c‖ = " in describe.step_sentences(fixed)[1]
    head = decode(ROOT / "checkpoints" / "reverse-transformer", "attention", head=(2, 1))
    assert (
        "Attention (layer 2, head 1) looks at"
        in describe.step_sentences(head.trace, None, head.head)[1]
    )


def test_the_matrix_as_a_table_has_headers_and_the_cells_values():
    d = decode(ROOT / "checkpoints" / "reverse-additive", "attention")
    rows = [s.attention for s in d.trace.steps]
    table = describe.matrix_table(d.trace, rows, "Attention weights α_ij")
    assert table["columns"][:3] == ["i · y_i", "x1 a", "x2 t"]
    assert table["rows"][0][0] == "1 · n" and len(table["rows"]) == 10
    assert table["rows"][4][5] == f"{rows[4][4]:.2f}"  # step 5, x5: as the cell writes it
    view = d.step_view()
    assert view["tables"]["attention"] == table and view["alt"][5].startswith("Step 5")


# --- colour vision: Machado, Oliveira & Fernandes (2009), severity 1 ---------------------

MACHADO = {
    "protanopia": [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ],
    "deuteranopia": [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ],
    "tritanopia": [
        [1.255528, -0.076749, -0.178779],
        [-0.078411, 0.930809, 0.147602],
        [0.004733, 0.691367, 0.303900],
    ],
}


def _linear(rgb):
    c = np.asarray(rgb, dtype=float) / 255
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(linear):
    xyz = np.array(
        [[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]
    ) @ np.clip(linear, 0, 1)
    xyz /= np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


@pytest.mark.parametrize("vision", [None, *MACHADO])
@pytest.mark.parametrize(("name", "scale"), [("attention", COLORSCALE), ("attribution", DIVERGING)])
def test_adjacent_weight_levels_stay_distinguishable(vision, name, scale):
    """Eleven levels (0, 0.1, … 1 of the scale), seen with each colour-vision deficiency:
    every two neighbours differ by ΔE*ab ≥ 3 (a difference a reader sees side by side)."""
    seen = []
    for t in np.linspace(0, 1, 11):
        linear = _linear(colour_at(scale, float(t)))
        if vision:
            linear = np.array(MACHADO[vision]) @ linear
        seen.append(_lab(linear))
    gaps = [float(np.linalg.norm(a - b)) for a, b in pairwise(seen)]
    assert min(gaps) >= 3.0, (name, vision, [round(g, 1) for g in gaps])
