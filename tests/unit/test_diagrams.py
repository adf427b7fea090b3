"""The seed's §8 diagrams (presentation/figures/diagrams.py): the picture of the model at one
step, its edges as wide as the attention weights of that step."""

import re

import pytest

from presentation.figures import diagrams
from s2s_core.model.decoding import greedy_trace
from tests.support.models import tiny_checkpoint


def trace_of(kind, source="attention"):
    ckpt = tiny_checkpoint(kind)
    return greedy_trace(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, source, 6)


def edges_into_attention(dot):
    """{j: pen width} of the edges h_j -> att (0-based j)."""
    return {int(j): float(w) for j, w in re.findall(r"h(\d+) -> att \[penwidth=([\d.]+)", dot)}


@pytest.mark.parametrize("kind", ["additive", "transformer"])
def test_each_h_j_feeds_the_attention_as_wide_as_its_weight(kind):
    t = trace_of(kind)
    for step in (1, 3):
        alpha = t.steps[step - 1].attention
        widths = edges_into_attention(diagrams.diagram(t, step))
        assert sorted(widths) == list(range(len(t.source_tokens)))  # every position
        assert widths == {j: diagrams.width(a) for j, a in enumerate(alpha)}
        heaviest = max(range(len(alpha)), key=alpha.__getitem__)
        assert max(widths, key=widths.get) == heaviest
    assert diagrams.diagram(t, 1) != diagrams.diagram(t, 3)  # stepping changes the picture


def test_the_fixed_context_picture_has_one_c_for_every_step():
    t = trace_of("none")
    dot = diagrams.diagram(t, 3)
    assert "-> att" not in dot  # no attention node
    assert f"c  ‖{t.fixed_context_norm:.2f}‖" in dot
    assert all(f"c -> s{i};" in dot for i in (1, 2, 3))  # c feeds every step
    assert f'h0 [label="h1  ‖{t.encoder_norms[0]:.1f}‖"' in dot  # ||h_j|| on each node


def test_nodes_carry_this_steps_numbers():
    t = trace_of("additive")
    s = t.steps[2]
    dot = diagrams.diagram(t, 3)
    assert f"c3  ‖{s.context_norm:.2f}‖" in dot and "c3 -> s3;" in dot and "c3 -> s2" not in dot
    assert f"P {s.prob:.2f}" in dot and 'x0 [label="x1 = a"' in dot
    assert f"s3  ‖{s.state_norm:.1f}‖" in dot


def test_the_transformer_draws_its_self_attention_over_the_outputs_so_far():
    t = trace_of("transformer")
    dot = diagrams.diagram(t, 3)
    inputs = re.findall(r"in(\d+) -> dec \[penwidth=([\d.]+)", dot)
    assert [int(k) for k, _ in inputs] == [0, 1, 2]  # <sos>, y_1, y_2
    mean = [sum(h[k] for layer in t.steps[2].self_attention for h in layer) / 8 for k in range(3)]
    assert [float(w) for _, w in inputs] == [diagrams.width(a) for a in mean]
    assert "mean of 2×4 heads" in dot and 'label="y0 = <sos>"' in dot


def test_a_long_input_is_drawn_by_its_first_and_last_positions():
    t = trace_of("additive", "abcdefghijklmnopqrstuvwxyz")
    dot = diagrams.diagram(t, 2)
    assert len(edges_into_attention(dot)) == diagrams.MAX_SOURCE
    assert 'x25 [label="x26 = z"' in dot and "x10 " not in dot and "…" in dot


def test_labels_are_quoted_safely():
    assert diagrams._quote('say "hi" \\') == '"say \\"hi\\" \\\\"'
    assert diagrams.width(0) == 0.3 and diagrams.width(1) == 8.0 and diagrams.width(2) == 8.0
