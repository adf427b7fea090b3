"""docs/theory.md, written from the Theory page's own text and the formula registry.

    python -m presentation.theory_doc            writes docs/theory.md
    python -m presentation.theory_doc --check    exits 1 if docs/theory.md is not current

The sections (presentation/theory.py), every formula with the function that computes it and
where the code deviates from the seed (presentation/formulas.py), and the §9 limitations
table: one source for the page and the document, so neither can drift from the code. What
only the document says (longer notes on a few sections) is in NOTES below.
"""

from __future__ import annotations

import sys
from pathlib import Path

from presentation.formulas import FORMULAS, Formula
from presentation.theory import LIMITATIONS, SECTIONS, Section

DOC = Path(__file__).resolve().parents[1] / "docs" / "theory.md"

INTRO = """\
# The theory this app implements

<!-- Written by `python -m presentation.theory_doc` from presentation/theory.py and the
formula registry presentation/formulas.py: edit those, then run it again. -->

The app is built on a short course text, *Understanding the Seq2Seq Model* ("the seed"),
which explains the sequence-to-sequence model in ten sections. The pages cite it as §1–§10.
This page retells it in our own words, with its formulas in the symbols of the papers it
builds on (Sutskever et al. 2014; Cho et al. 2014; Bahdanau, Cho & Bengio 2015; Luong et al.
2015), and says where the code computes each one. The Theory page of the app shows the same
text and formulas with the live numbers of your input and the source of every function.

Every formula below has one home in the code: the registry `presentation/formulas.py` names
its LaTeX, the function that computes it and where the code deviates from the seed;
`tests/unit/test_formulas_registry.py` checks each function against the formula written out
by hand.
"""

NOTES: dict[int, str] = {
    2: """\
## §3 Architecture

Two parts: an **encoder** reads the input into states, a **decoder** writes the output from
them. §4 to §8 take them part by part.
""",
    7: """\
On `reverse-dot` and `reverse-general` the largest $\\alpha_{ij}$ sits one position after
the letter being written on almost every step, yet the output is right: the forward half of
a bidirectional $h_{j+1}$ read $x_j$ one step before, so looking next door is enough. (The
query $s_{i-1}$ is one step behind, too: scoring with the state after reading $y_{i-1}$,
Luong's order, moves the largest weight onto the letter.) Integrated gradients lands on the
letter itself, and `reverse-dot-hx`, which attends over $m_j$, puts its largest weight on
the letter. The Bottleneck page and Theory §7 give each shipped model's two shares side by
side, measured on the same held-out steps (`metrics.json`, `attribution`).
""",
    9: """\
The app's Transformer (`s2s_core/model/transformer.py`) has $L$ encoder layers
(self-attention and a feed-forward network, pre-LayerNorm) and $L$ decoder layers (masked
self-attention over $y_{<i}$, cross-attention over the encoder's output $m_j$,
feed-forward). Two choices of ours: the encoder reads the source followed by an end marker
`<eos>` (attention alone does not see where a padded source stops, and reversing a string
starts from its end), but the marker is the encoder's alone: cross-attention reads only the
$T$ source positions, so each of its rows sums to 1 over them, as the RNN's $\\alpha_i$
does; and decoding keeps every layer's keys and values (a K/V cache), so a step costs one
position. Its trained heads are the lesson: on reverse, the heads of the last layer follow
the reversed position while the first layer's heads look elsewhere (the Attention explorer
shows each head's share). It trains more tokens per second than an RNN of the same size,
and faster still as inputs grow, but on these small tasks it needs many more steps, and it
fails past the longest training input.
""",
}


def formula_markdown(f: Formula) -> str:
    """One formula: its name and code, the formula as display math, the deviation."""
    out = f"**{f.name}** (`{f.where}`)\n\n$$\n{f.latex}\n$$\n"
    return out + (f"\n*In the code:* {f.deviation}\n" if f.deviation else "")


def section_markdown(s: Section) -> str:
    """A section: its text, its statements, its formulas, where the app shows it."""
    parts = [f"## §{s.number} {s.title}\n", s.text + "\n"]
    parts += [f"$$\n{statement}\n$$\n" for statement in s.statements]
    parts += [formula_markdown(FORMULAS[key]) for key in s.formulas]
    parts.append("In the app: " + "; ".join(p.label for p in s.shown_on) + ".\n")
    return "\n".join(parts)


def limitations_markdown() -> str:
    """The seed's §9 table and what the app measures for each row."""
    rows = [f"| {lim.name} | {lim.impact} | {lim.measured} |" for lim in LIMITATIONS]
    head = "| Limitation | Theoretical impact | Measured by |\n|---|---|---|"
    return "### The limits of recurrence, measured\n\n" + "\n".join([head, *rows]) + "\n"


def render() -> str:
    """The whole of docs/theory.md."""
    parts = [INTRO]
    for s in SECTIONS:
        parts.append(section_markdown(s))
        if s.number == 9:
            parts.append(limitations_markdown())
        if s.number in NOTES:
            parts.append(NOTES[s.number])
    shown = {key for s in SECTIONS for key in s.formulas}
    rest = [FORMULAS[key] for key in FORMULAS if key not in shown]  # the Train page's loss
    parts.append("## Training\n\n" + "\n".join(formula_markdown(f) for f in rest))
    return "\n".join(parts)


def main(argv: list[str]) -> int:
    if argv == ["--check"]:
        current = DOC.read_text(encoding="utf-8") == render()
        print("docs/theory.md is current" if current else "run: python -m presentation.theory_doc")
        return 0 if current else 1
    DOC.write_text(render(), encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
