"""Each formula of the registry against a literal transcription of it, on small random tensors.

The registry (presentation/formulas.py) names the function that computes each formula of the
seed; here every one of them is checked against the formula written out the slow, obvious way
(loops, explicit matrix products), so a student can trust that the code is the formula. (That
each is one short function with its formula above it, written nowhere else:
tests/unit/test_formula_homes.py.)
"""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from analysis import formulas as code
from presentation.formulas import FORMULAS
from s2s_core import attribution, trace
from s2s_core.model import attention, rnn, transformer
from s2s_core.model.config import ModelConfig
from s2s_core.model.rnn import Seq2Seq
from s2s_core.training.objective import token_nll

B, T, d, E, V = 2, 5, 6, 4, 7  # batch, source length, state size, embedding, vocabulary


@pytest.fixture(autouse=True)
def seeded():
    torch.manual_seed(0)


def close(a: torch.Tensor, b: torch.Tensor) -> bool:
    return torch.allclose(a, b, atol=1e-5, rtol=1e-5)


def gru_literal(x, h, W_ih, W_hh, b_ih, b_hh):
    """r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(...), n = tanh(W_in x + b_in + r(W_hn h
    + b_hn)), h' = (1 − z) n + z h (PyTorch's order of the gates: r, z, n)."""
    W_ir, W_iz, W_in = W_ih.chunk(3)
    W_hr, W_hz, W_hn = W_hh.chunk(3)
    b_ir, b_iz, b_in = b_ih.chunk(3)
    b_hr, b_hz, b_hn = b_hh.chunk(3)
    r = torch.sigmoid(x @ W_ir.T + b_ir + h @ W_hr.T + b_hr)
    z = torch.sigmoid(x @ W_iz.T + b_iz + h @ W_hz.T + b_hz)
    n = torch.tanh(x @ W_in.T + b_in + r * (h @ W_hn.T + b_hn))
    return (1 - z) * n + z * h


def lstm_literal(x, h, cell, W_ih, W_hh, b_ih, b_hh):
    """i, f, g, o gates; cell' = f cell + i g; h' = o tanh(cell')."""
    gates = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh
    i, f, g, o = gates.chunk(4, dim=1)
    cell = torch.sigmoid(f) * cell + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(cell), cell


# --- one literal check per formula ---------------------------------------------------------


def check_sequence() -> None:
    probs = [0.5, 0.25, 0.8]
    log_p = trace.sequence_log_probability(probs)
    assert math.exp(log_p) == pytest.approx(0.5 * 0.25 * 0.8)  # the product over t
    assert trace.sequence_log_probability([1.0, 0.0]) == pytest.approx(math.log(1e-300))


def check_encoder_step() -> None:
    for kind in ("gru", "lstm"):
        net = (nn.GRU if kind == "gru" else nn.LSTM)(
            E, d // 2, batch_first=True, bidirectional=True
        )
        x, h = torch.randn(B, E), torch.randn(B, d // 2)
        for direction, suffix in ((0, "_l0"), (1, "_l0_reverse")):
            w = [
                getattr(net, f"{name}{suffix}")
                for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
            ]
            if kind == "gru":
                assert close(rnn.encoder_step(net, direction, x, h), gru_literal(x, h, *w))
            else:
                cell = torch.randn(B, d // 2)
                got = rnn.encoder_step(net, direction, x, (h, cell))
                want = lstm_literal(x, h, cell, *w)
                assert close(got[0], want[0]) and close(got[1], want[1])


def check_annotation() -> None:
    fwd, bwd = torch.randn(B, T, d // 2), torch.randn(B, T, d // 2)
    h = rnn.annotation(fwd, bwd)
    for j in range(T):
        assert close(h[:, j, : d // 2], fwd[:, j]) and close(h[:, j, d // 2 :], bwd[:, j])


def check_fixed_context() -> None:
    enc = Seq2Seq(ModelConfig(V, V, "none", hidden=d, embedding=E)).encoder
    src = torch.randint(4, V, (B, T))
    memory, c = enc(src, torch.full((B,), T))
    # c = [->h_T ; <-h_1]: the forward state at the last position, the backward at the first
    assert close(c, torch.cat([memory[:, T - 1, : d // 2], memory[:, 0, d // 2 :]], dim=1))


def check_initial_state() -> None:
    W_init, c = nn.Linear(d, d), torch.randn(B, d)
    assert close(rnn.initial_state(W_init, c), torch.tanh(c @ W_init.weight.T + W_init.bias))


def check_decoder_step() -> None:
    cell = nn.GRUCell(E + d, d)
    E_y, s, c = torch.randn(B, E), torch.randn(B, d), torch.randn(B, d)
    w = (cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
    assert close(rnn.decoder_step(cell, E_y, s, c), gru_literal(torch.cat([E_y, c], 1), s, *w))


def check_readout() -> None:
    W_o, s, c = nn.Linear(2 * d, V), torch.randn(B, d), torch.randn(B, d)
    logits = rnn.readout(W_o, s, c)
    literal = torch.cat([s, c], 1) @ W_o.weight.T + W_o.bias  # W_o [s_i ; c_i] + b_o
    assert close(logits, literal)
    assert close(torch.softmax(logits, 1).sum(1), torch.ones(B))


def literal_scores(kind: str, att: attention.Attention, s, h) -> torch.Tensor:
    """e_ij for every j, one at a time."""
    e = torch.zeros(B, T)
    for b in range(B):
        for j in range(T):
            if kind == "additive":  # v_a^T tanh(W_a s + U_a h_j)
                e[b, j] = att.v_a @ torch.tanh(att.W_a.weight @ s[b] + att.U_a.weight @ h[b, j])
            elif kind == "dot":  # s^T h_j
                e[b, j] = sum(s[b, k] * h[b, j, k] for k in range(d))
            else:  # s^T W_a h_j
                e[b, j] = s[b] @ (att.W_a.weight @ h[b, j])
    return e


def check_score() -> None:
    s, h = torch.randn(B, d), torch.randn(B, T, d)
    for kind in attention.SCORES:
        att = attention.Attention(kind, d)
        assert close(att.scores(s, att.precompute(h)), literal_scores(kind, att, s, h))


def check_additive() -> None:
    att, s, h = attention.Attention("additive", d), torch.randn(B, d), torch.randn(B, T, d)
    e = attention.additive_score(att.W_a(s), att.U_a(h), att.v_a)
    assert close(e, literal_scores("additive", att, s, h))


def check_dot() -> None:
    s, h = torch.randn(B, d), torch.randn(B, T, d)
    assert close(
        attention.dot_score(s, h), literal_scores("dot", attention.Attention("dot", d), s, h)
    )


def check_general() -> None:
    att, s, h = attention.Attention("general", d), torch.randn(B, d), torch.randn(B, T, d)
    assert close(attention.general_score(s, att.W_a(h)), literal_scores("general", att, s, h))


def check_mask() -> None:
    e = torch.randn(B, T)
    mask = torch.tensor([[True] * T, [True, True, False, False, False]])
    masked = attention.mask_padding(e, mask)
    assert torch.isneginf(masked[1, 2:]).all() and close(masked[mask], e[mask])
    assert attention.mask_padding(e, None) is e  # nothing padded: nothing to do
    alpha = attention.attention_weights(masked)
    assert (alpha[1, 2:] == 0).all() and close(alpha.sum(1), torch.ones(B))


def check_softmax() -> None:
    e = torch.randn(B, T)
    alpha = attention.attention_weights(e)
    for b in range(B):
        total = sum(math.exp(e[b, k]) for k in range(T))
        for j in range(T):
            assert alpha[b, j].item() == pytest.approx(math.exp(e[b, j]) / total, rel=1e-5)


def check_context() -> None:
    alpha, h = torch.softmax(torch.randn(B, T), 1), torch.randn(B, T, d)
    literal = torch.stack([sum(alpha[b, j] * h[b, j] for j in range(T)) for b in range(B)])
    assert close(attention.context_vector(alpha, h), literal)


def check_loss() -> None:
    logits = torch.randn(B, T, V)
    targets = torch.randint(4, V, (B, T))
    targets[1, 3:] = 0  # <pad>: not counted
    log_p = torch.log_softmax(logits, 2)
    picked = [log_p[b, i, targets[b, i]] for b in range(B) for i in range(T) if targets[b, i]]
    assert token_nll(logits, targets).item() == pytest.approx(
        -sum(picked).item() / len(picked), rel=1e-5
    )
    # label smoothing eps: (1 - eps) (-log P(y_i)) + eps (1/V) sum_v (-log P(v)), per symbol
    eps = 0.1
    smoothed = [
        (1 - eps) * -log_p[b, i, targets[b, i]] + eps * -log_p[b, i].mean()
        for b in range(B)
        for i in range(T)
        if targets[b, i]
    ]
    assert token_nll(logits, targets, eps).item() == pytest.approx(
        sum(smoothed).item() / len(smoothed), rel=1e-5
    )


def check_scaled_dot_product() -> None:
    Q, K, W = torch.randn(B, 3, d), torch.randn(B, T, d), torch.randn(B, T, d)
    out, weights = transformer.scaled_dot_product_attention(Q, K, W)
    for b in range(B):
        for n in range(3):
            scores = [float(Q[b, n] @ K[b, m]) / math.sqrt(d) for m in range(T)]
            total = sum(math.exp(x) for x in scores)
            row = [math.exp(x) / total for x in scores]
            assert weights[b, n].tolist() == pytest.approx(row, rel=1e-5)
            assert close(out[b, n], sum(row[m] * W[b, m] for m in range(T)))


def check_multi_head() -> None:
    H = 2
    mha = transformer.MultiHeadAttention(d, H)
    x, mem = torch.randn(B, 3, d), torch.randn(B, T, d)
    out, _ = mha(x, *mha.keys_values(mem), None)
    k = d // H
    heads = []
    for h in range(H):  # head_h = Attention(Q W_h^Q, K W_h^K, V W_h^V): its own slice
        rows = slice(h * k, (h + 1) * k)
        q = x @ mha.W_Q.weight[rows].T + mha.W_Q.bias[rows]
        kk = mem @ mha.W_K.weight[rows].T + mha.W_K.bias[rows]
        v = mem @ mha.W_V.weight[rows].T + mha.W_V.bias[rows]
        heads.append(torch.softmax(q @ kk.transpose(1, 2) / math.sqrt(k), -1) @ v)
    assert close(out, mha.W_O(torch.cat(heads, dim=-1)))


def check_positions() -> None:
    pe = transformer.sinusoidal_positions(6, 8)
    for pos in range(6):
        for k in range(4):
            angle = pos / 10000 ** (2 * k / 8)
            assert pe[pos, 2 * k].item() == pytest.approx(math.sin(angle), abs=1e-6)
            assert pe[pos, 2 * k + 1].item() == pytest.approx(math.cos(angle), abs=1e-6)


def check_transformer_readout() -> None:
    model = transformer.TransformerSeq2Seq(ModelConfig(E, V, "transformer", hidden=d, heads=2))
    with torch.no_grad():
        model.ln_dec.weight.uniform_(0.5, 1.5)
        model.ln_dec.bias.uniform_(-0.5, 0.5)
    z = torch.randn(B, d)
    mean, var = z.mean(-1, keepdim=True), z.var(-1, unbiased=False, keepdim=True)
    ln = (z - mean) / torch.sqrt(var + 1e-5) * model.ln_dec.weight + model.ln_dec.bias
    assert close(model.readout(z), ln @ model.W_o.weight.T + model.W_o.bias)


def check_keep_symbol() -> None:
    """m_j = h_j + W_x E x_j, and the "h+x" encoder's memory is exactly that."""
    W_x = torch.nn.Linear(E, d, bias=False)
    h, E_x = torch.randn(B, T, d), torch.randn(B, T, E)
    literal = torch.stack(
        [torch.stack([h[b, j] + W_x.weight @ E_x[b, j] for j in range(T)]) for b in range(B)]
    )
    assert close(rnn.keep_symbol(h, W_x, E_x), literal)
    enc = Seq2Seq(ModelConfig(V, V, "dot", hidden=d, embedding=E, memory="h+x")).encoder
    plain = Seq2Seq(ModelConfig(V, V, "dot", hidden=d, embedding=E)).encoder
    plain.load_state_dict({k: v for k, v in enc.state_dict().items() if k != "W_x.weight"})
    src = torch.randint(4, V, (B, T))
    memory, c = enc(src, torch.tensor([T, T]))
    h_only, c_plain = plain(src, torch.tensor([T, T]))
    assert enc.W_x is not None and close(memory, rnn.keep_symbol(h_only, enc.W_x, enc.embed(src)))
    assert close(c, c_plain)  # the fixed context c is the final states, unchanged


def literal_attributions() -> tuple[torch.Tensor, torch.Tensor, nn.Module, attribution.Rows]:
    """Integrated gradients as its integral, by a plain midpoint sum of 400 gradients along
    the straight path from the all-<pad> embedding b = 0 to e; input x gradient as e . grad."""
    model = Seq2Seq(ModelConfig(V + 4, V + 4, "additive", hidden=d, embedding=E)).eval()
    src, src_len = torch.randint(4, V + 4, (1, T)), torch.tensor([T])
    tgt_in, target, step = torch.tensor([[1, 5, 6]]), torch.tensor([7]), torch.tensor([2])
    e = model.encoder.embed(src).detach()  # (1, T, E)
    scale: list[torch.Tensor] = []
    model.encoder.embed.register_forward_hook(lambda _m, _i, _o: scale[0])

    def grad_at(point: torch.Tensor) -> torch.Tensor:
        point = point.clone().requires_grad_(True)
        scale[:] = [point]
        f = attribution.chosen_log_probability(model, src, src_len, tgt_in, target, step)
        (g,) = torch.autograd.grad(f.sum(), point)
        return g

    m = 400
    mean_grad = sum(grad_at((k + 0.5) / m * e) for k in range(m)) / m
    literal_ig = (e * mean_grad).sum(-1)  # (1, T)
    literal_ixg = (e * grad_at(e)).sum(-1)
    model.encoder.embed._forward_hooks.clear()
    return literal_ig, literal_ixg, model, attribution.Rows(src, src_len, tgt_in, target, step)


def check_attribution() -> None:
    literal_ig, _, model, rows = literal_attributions()
    ig, change, points = attribution.integrated_gradients(model, rows)
    assert torch.allclose(ig, literal_ig, atol=1e-4, rtol=1e-3)
    assert ig.sum().item() == pytest.approx(change.item(), abs=1e-4)  # complete
    assert points.tolist() == [attribution.IG_STEPS]  # a smooth path: the first pass suffices


def check_input_x_gradient() -> None:
    _, literal_ixg, model, rows = literal_attributions()
    assert torch.allclose(
        attribution.input_x_gradient(model, rows), literal_ixg, atol=1e-5, rtol=1e-4
    )


LITERAL = {
    "sequence": check_sequence,
    "encoder_step": check_encoder_step,
    "annotation": check_annotation,
    "fixed_context": check_fixed_context,
    "initial_state": check_initial_state,
    "decoder_step": check_decoder_step,
    "readout": check_readout,
    "score": check_score,
    "additive": check_additive,
    "dot": check_dot,
    "general": check_general,
    "mask": check_mask,
    "softmax": check_softmax,
    "context": check_context,
    "loss": check_loss,
    "scaled_dot_product": check_scaled_dot_product,
    "multi_head": check_multi_head,
    "positions": check_positions,
    "transformer_readout": check_transformer_readout,
    "attribution": check_attribution,
    "input_x_gradient": check_input_x_gradient,
    "keep_symbol": check_keep_symbol,
}


@pytest.mark.parametrize("key", list(FORMULAS))
def test_the_implementation_is_the_formula(key):
    """A formula added to the registry without its literal check fails here."""
    LITERAL[key]()


# --- the fused paths against the step-by-step reference ------------------------------------


@pytest.mark.parametrize("kind,memory", [("gru", "h"), ("lstm", "h"), ("gru", "h+x")])
def test_fused_encoder_equals_the_loop_of_f(kind, memory):
    enc = Seq2Seq(
        ModelConfig(V, V, "additive", hidden=d, embedding=E, rnn=kind, memory=memory)
    ).encoder
    src = torch.randint(4, V, (1, T))
    memory, c = enc(src, torch.tensor([T]))
    step_memory, step_c = enc.stepwise(src)
    assert close(memory, step_memory) and close(c, step_c)


def test_padded_batch_gives_each_source_its_own_context():
    enc = Seq2Seq(ModelConfig(V, V, "additive", hidden=d, embedding=E)).encoder
    src = torch.randint(4, V, (2, T))
    lengths = torch.tensor([T, 3])
    src[1, 3:] = 0
    memory, c = enc(src, lengths)
    alone_memory, alone_c = enc.stepwise(src[1:, :3])
    assert close(memory[1:, :3], alone_memory) and close(c[1:], alone_c)


def test_the_attention_module_chains_score_mask_softmax_context():
    att = attention.Attention("general", d)
    s, h = torch.randn(B, d), torch.randn(B, T, d)
    mask = torch.tensor([[True] * T, [True] * 3 + [False] * 2])
    c, alpha, e = att(s, att.precompute(h), h, mask)
    want_e = attention.mask_padding(literal_scores("general", att, s, h), mask)
    assert close(e[mask], want_e[mask]) and torch.isneginf(e[~mask]).all()
    assert close(alpha, attention.attention_weights(want_e))
    assert close(c, attention.context_vector(alpha, h))


# --- the registry itself -------------------------------------------------------------------


def test_every_formula_shows_its_code_with_the_formula_above_it():
    for f in FORMULAS.values():
        function, source = code.implementation(f.implementation), code.source(f.implementation)
        assert f"def {function.__name__}(" in source and function.__qualname__ == f.qualname
        assert f.where == f"{function.__module__.replace('.', '/')}.py · {function.__qualname__}"
        assert source.lstrip().startswith("#"), f"{f.key}: no formula comment above it"


def test_the_readout_names_its_deviation_from_the_seed():
    assert "W_o [s_i ; c_i]" in FORMULAS["readout"].latex
    assert "softmax(W_o s_t + b_o)" in (FORMULAS["readout"].deviation or "")
    assert "c = h_T" in (FORMULAS["fixed_context"].deviation or "")
