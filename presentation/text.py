"""How numbers and tokens are written on the pages, in Markdown and in LaTeX."""

from __future__ import annotations

_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "&": r"\&",
    "^": r"\hat{}",
    "~": r"\sim{}",
    " ": r"\ ",
}


def number(x: float, digits: int = 2) -> str:
    """x with `digits` decimals and no minus on zero: a log P of -0.001 is "0.00"."""
    return f"{round(x, digits) + 0.0:.{digits}f}"  # + 0.0 turns -0.0 into 0.0


def latex_token(token: str) -> str:
    """A token as safe LaTeX text: '<eos>' -> ⟨eos⟩, 'a' -> \\text{\\textquoteleft a...}."""
    if token.startswith("<") and token.endswith(">") and len(token) > 2:
        return r"\langle\text{" + token[1:-1] + r"}\rangle"
    return r"\text{``" + "".join(_LATEX_SPECIAL.get(ch, ch) for ch in token) + "''}"


def token_text(token: str) -> str:
    """A token as the pages write it: <eos> as ‹eos›, so Markdown never reads it as a tag."""
    return token.replace("<", "‹").replace(">", "›")


def sentence(text: str) -> str:
    """A clause as a sentence: 'in the dictionary' -> 'In the dictionary.'"""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def escape_markdown(text: str) -> str:
    """Text shown literally inside Streamlit Markdown: no formatting, links, math or HTML."""
    return "".join("\\" + ch if ch in "\\`*_{}[]()#+-.!$<>|~" else ch for ch in text)
