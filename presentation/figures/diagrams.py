"""The seed's §8 diagrams, live: the model drawn as a graph with this step's numbers in it.

Three pictures, one per kind of model, each a Graphviz DOT text (st.graphviz_chart draws it
in the browser; nothing to install):

    fixed_context_diagram   X -> h_1..h_T -> one c -> s_1..s_i -> Y           (seed §4-§6)
    attention_diagram       h_j -> attention (edges as wide as alpha_ij) -> c_i -> s_i -> y_i
                                                                              (seed §7)
    transformer_diagram     x_j -> encoder x L -> m_j -> cross-attention (edges as wide as
                            the heads' mean alpha_ij) -> decoder x L -> y_i; the decoder's
                            self-attention over y_<i drawn the same way       (seed §9)

`diagram(trace, step)` picks the one that fits the trace. Nodes show this step's values
(x_j, y_i, ||h_j||, ||c|| or ||c_i||, P(y_i)); as the student steps, the edges into the
attention change width. Pure functions: a Trace in, a DOT string out.
"""

from __future__ import annotations

import itertools
from typing import Literal

from s2s_core.trace import Step, Trace

MAX_SOURCE = 14  # source positions drawn; a longer input shows its first and last ones
MAX_STEPS = 4  # decoder steps drawn: the current one and the ones just before it
BLUE = "#1f5fa8"  # the colour of attention (as in the heatmaps)
GREY = "#9aa0a6"


def _quote(text: str) -> str:
    """A label as a DOT string: quotes and backslashes escaped, <eos> kept readable."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _token(token: str) -> str:
    return "␣" if token == " " else token


def _positions(T: int) -> list[int]:
    """The source positions drawn (0-based): all of them, or the first and last ones."""
    if T <= MAX_SOURCE:
        return list(range(T))
    half = MAX_SOURCE // 2
    return list(range(half)) + list(range(T - half, T))


def width(alpha: float) -> float:
    """An edge's pen width for a weight alpha in [0, 1]: 0.3 (nothing) to 8 (all of it)."""
    return round(0.3 + 7.7 * max(0.0, min(1.0, alpha)), 2)


def _head(large: bool, title: str) -> list[str]:
    size = 16 if large else 12
    return [
        "digraph {",
        f"  graph [rankdir=BT, nodesep=0.15, ranksep=0.35, label={_quote(title)}, "
        f'labelloc=t, fontsize={size + 2}, fontname="Helvetica", bgcolor="transparent"];',
        f'  node [fontname="Helvetica", fontsize={size}, shape=box, style="rounded,filled", '
        'fillcolor="#ffffff", color="#5f6368", margin="0.06,0.03"];',
        f'  edge [color="{GREY}", arrowsize=0.5];',
    ]


def _row(names: list[str]) -> str:
    return "  { rank=same; " + " ".join(names) + " }"


def _source(trace: Trace, state: str) -> list[str]:
    """x_j nodes and their h_j (or m_j) nodes, ||.|| inside, one row each."""
    lines, xs, hs = [], [], []
    shown = _positions(len(trace.source_tokens))
    for k, j in enumerate(shown):
        tok = trace.source_tokens[j]
        norm = trace.encoder_norms[j] if j < len(trace.encoder_norms) else 0.0
        lines.append(f"  x{j} [label={_quote(f'x{j + 1} = {_token(tok)}')}, shape=plaintext];")
        lines.append(
            f'  h{j} [label={_quote(f"{state}{j + 1}  ‖{norm:.1f}‖")}, fillcolor="#eef3fb"];'
        )
        lines.append(f"  x{j} -> h{j};")
        xs.append(f"x{j}")
        hs.append(f"h{j}")
        if k and shown[k - 1] != j - 1:  # a gap in a long input
            lines.append(f'  gap{j} [label="…", shape=plaintext];')
            xs.insert(-1, f"gap{j}")
    return lines + [_row(xs), _row(hs)]


def _decoder(trace: Trace, step: int, context: str, every_step: bool) -> list[str]:
    """s_i -> y_i for the last MAX_STEPS steps up to `step`, the s_i chained in order; the
    node `context` feeds every step drawn (the fixed c) or the current one only (c_i)."""
    lines, ss, ys = [], [], []
    first = max(1, step - MAX_STEPS + 1)
    for i in range(first, step + 1):
        s: Step = trace.steps[i - 1]
        current = i == step
        fill = "#fde8e7" if current else "#ffffff"
        lines.append(f'  s{i} [label={_quote(f"s{i}  ‖{s.state_norm:.1f}‖")}, fillcolor="{fill}"];')
        lines.append(
            f"  y{i} [label={_quote(f'y{i} = {_token(s.token)}  P {s.prob:.2f}')}, shape=plaintext"
            + (', fontcolor="#c5221f"' if current else "")
            + "];"
        )
        lines.append(f"  s{i} -> y{i};")
        if i > first:
            lines.append(f"  s{i - 1} -> s{i};")  # a flat edge: s_{i-1} left of s_i
        if every_step or current:
            lines.append(f"  {context} -> s{i};")
        ss.append(f"s{i}")
        ys.append(f"y{i}")
    return lines + [_row(ss), _row(ys)]


def _attention_edges(alpha: list[float], shown: list[int]) -> list[str]:
    """h_j -> the attention node, as wide as alpha_ij of this step (labelled when >= 0.1)."""
    return [
        f'  h{j} -> att [penwidth={width(alpha[j])}, color="{BLUE}", '
        f'label={_quote(f"{alpha[j]:.2f}" if alpha[j] >= 0.1 else "")}, fontcolor="{BLUE}"];'
        for j in shown
    ]


def fixed_context_diagram(trace: Trace, step: int, large: bool = False) -> str:
    """Seed §4-§6: every h_j feeds one chain that ends in c; c feeds every decoder step."""
    lines = _head(large, f"Seq2seq without attention, step {step}: one c for every step")
    lines += _source(trace, "h")
    shown = _positions(len(trace.source_tokens))
    for a, b in itertools.pairwise(shown):
        lines.append(f"  h{a} -> h{b} [dir=both];")  # the bidirectional RNN
    lines.append(
        f"  c [label={_quote(f'c  ‖{trace.fixed_context_norm:.2f}‖')}, "
        'fillcolor="#fff4d6", penwidth=2];'
    )
    lines += [f"  h{shown[-1]} -> c;", f"  h{shown[0]} -> c;"]
    if step:
        lines += _decoder(trace, step, "c", every_step=True)
    lines.append("}")
    return "\n".join(lines)


def attention_diagram(trace: Trace, step: int, large: bool = False) -> str:
    """Seed §7: every h_j into the attention, its edge as wide as alpha_ij, then c_i."""
    lines = _head(large, f"Seq2seq with {trace.attention_kind} attention, step {step}")
    lines += _source(trace, "h")
    shown = _positions(len(trace.source_tokens))
    for a, b in itertools.pairwise(shown):
        lines.append(f"  h{a} -> h{b} [dir=both];")
    if step:
        now = trace.steps[step - 1]
        lines.append(f'  att [label="attention α{step}·", shape=ellipse, fillcolor="#e8f0fe"];')
        lines += _attention_edges(now.attention or [], shown)
        lines.append(
            f"  c{step} [label={_quote(f'c{step}  ‖{now.context_norm:.2f}‖')}, "
            'fillcolor="#fff4d6", penwidth=2];'
        )
        lines.append(f"  att -> c{step};")
        lines += _decoder(trace, step, f"c{step}", every_step=False)
    lines.append("}")
    return "\n".join(lines)


def transformer_diagram(
    trace: Trace, step: int, large: bool = False, head: tuple[int, int] | None = None
) -> str:
    """Seed §9: no recurrence. The encoder stack turns x_j into m_j in L layers at once;
    at step i the decoder reads every m_j through cross-attention (edges: one head's
    alpha_ij, or the mean of all heads) and every earlier y_k through masked self-attention."""
    L = len(trace.steps[0].heads or []) if trace.steps else 0
    lines = _head(
        large,
        f"Transformer, step {step}: x_j → {L} encoder layers (self-attention + FFN, all "
        "positions at once) → m_j; every position one attention step away",
    )
    lines += _source(trace, "m")
    shown = _positions(len(trace.source_tokens))
    if step:
        now = trace.steps[step - 1]
        H = len(now.heads[0]) if now.heads else 0
        if head is None or not now.heads:
            alpha, which = now.attention or [], f"ᾱ{step}· (mean of {L}×{H} heads)"
        else:
            alpha = now.heads[head[0]][head[1]]
            which = f"α{step}· of layer {head[0] + 1}, head {head[1] + 1}"
        lines.append(
            f"  att [label={_quote('cross-attention ' + which)}, "
            'shape=ellipse, fillcolor="#e8f0fe"];'
        )
        lines += _attention_edges(alpha, shown)
        label = f"decoder ×{L} at i = {step}  ‖LN(z{step})‖ {now.state_norm:.1f}"
        lines.append(f'  dec [label={_quote(label)}, fillcolor="#fde8e7", penwidth=2];')
        lines.append("  att -> dec;")
        token = _token(now.token)
        lines.append(
            f"  y{step} [label={_quote(f'y{step} = {token}  P {now.prob:.2f}')}, "
            'shape=plaintext, fontcolor="#c5221f"];'
        )
        lines.append(f"  dec -> y{step};")
        lines += _self_attention(trace, step)
    lines.append("}")
    return "\n".join(lines)


def _self_attention(trace: Trace, step: int) -> list[str]:
    """y_0 = <sos> .. y_{i-1}, the decoder's inputs so far, each an edge into the decoder as
    wide as the masked self-attention's weight on it (mean of layers and heads)."""
    now = trace.steps[step - 1]
    if not now.self_attention:
        return []
    L, H = len(now.self_attention), len(now.self_attention[0])
    weights = [
        sum(now.self_attention[layer][h][k] for layer in range(L) for h in range(H)) / (L * H)
        for k in range(step)
    ]  # k = 0..i-1: the inputs <sos>, y_1, .., y_{i-1}
    lines, names = [], []
    first = max(0, step - MAX_STEPS)
    for k in range(first, step):
        tok = "<sos>" if k == 0 else _token(trace.steps[k - 1].token)
        lines.append(f"  in{k} [label={_quote(f'y{k} = {tok}')}, shape=plaintext];")
        lines.append(
            f'  in{k} -> dec [penwidth={width(weights[k])}, color="#c5221f", '
            f"label={_quote(f'{weights[k]:.2f}' if weights[k] >= 0.1 else '')}, "
            'fontcolor="#c5221f", style=dashed];'
        )
        names.append(f"in{k}")
    return lines + [_row(names + ["att"])]


Kind = Literal["fixed", "attention", "transformer"]


def kind(trace: Trace) -> Kind:
    """Which of the three pictures a trace gets."""
    if trace.attention_kind == "transformer":
        return "transformer"
    return "attention" if trace.has_attention else "fixed"


def diagram(
    trace: Trace, step: int, large: bool = False, head: tuple[int, int] | None = None
) -> str:
    """The picture of this trace's kind of model at `step` (0: before the first step);
    `head`: a Transformer's (layer, head) whose cross-attention is drawn (None: the mean)."""
    if kind(trace) == "transformer":
        return transformer_diagram(trace, step, large, head)
    draw = attention_diagram if kind(trace) == "attention" else fixed_context_diagram
    return draw(trace, step, large)
