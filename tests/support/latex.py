"""LaTeX checks: what KaTeX (in the browser) must be able to typeset."""

from __future__ import annotations

import re

KATEX_COMMANDS = {
    "alpha",
    "big",  # attribution: \big( ... \big)
    "int",
    "nabla",
    "bar",
    "begin",
    "cdot",
    "cdots",
    "cos",
    "ell",
    "end",
    "exp",
    "frac",
    "hat",
    "in",
    "infty",
    "langle",
    "ldots",
    "left",
    "log",
    "longmapsto",
    "lVert",
    "mathbb",
    "mathrm",
    "max",
    "mid",
    "neq",
    "overleftarrow",
    "overrightarrow",
    "prod",
    "quad",
    "rangle",
    "right",
    "Rightarrow",
    "rVert",
    "sim",
    "sin",
    "sqrt",
    "sum",
    "tanh",
    "text",
    "textbackslash",
    "textbf",  # a formula's name above it (Home's step view)
    "textstyle",
    "times",
    "to",
    "top",
    "xrightarrow",
}


def assert_wellformed_latex(formula: str) -> None:
    """Non-empty, braces balanced (escaped \\{ \\} aside), only commands KaTeX knows."""
    assert formula.strip()
    depth = 0
    for token in re.findall(r"\\[{}]|[{}]", formula):
        if token in "{}":
            depth += 1 if token == "{" else -1
            assert depth >= 0, formula
    assert depth == 0, formula
    for cmd in re.findall(r"\\([A-Za-z]+)", formula):
        assert cmd in KATEX_COMMANDS, f"\\{cmd} in {formula}"
