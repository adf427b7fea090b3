"""What a teacher's pairs file gave, as tables and sentences (the Train page shows them).

Every value is plain text for a table cell or a code block: a pair's symbols are never
read as Markdown or HTML (a file may hold either).
"""

from __future__ import annotations

import statistics

import pandas as pd

from s2s_core.tasks.pairs_file import PairsFile, Tokens, symbols

SIDES = ("source", "target")
TOKEN_NAMES: dict[Tokens, str] = {"chars": "characters", "words": "words"}


def lengths(file: PairsFile) -> pd.DataFrame:
    """Per side: the symbols it is cut into, and the shortest, median and longest pair."""
    rows = []
    for side, name in enumerate(SIDES):
        n = [len(symbols(p[side], file.tokens[side])) for p in file.pairs]
        rows.append(
            {
                "side": name,
                "symbols": TOKEN_NAMES[file.tokens[side]],
                "shortest": min(n),
                "median": statistics.median(n),
                "longest": max(n),
                "distinct symbols": len(
                    {s for p in file.pairs for s in symbols(p[side], file.tokens[side])}
                ),
            }
        )
    return pd.DataFrame(rows)


def vocabulary(file: PairsFile, side: int) -> str:
    """A side's distinct symbols, sorted, space-separated (␣ for a space character)."""
    found = sorted({s for p in file.pairs for s in symbols(p[side], file.tokens[side])})
    return " ".join("␣" if s == " " else s for s in found)


def examples(file: PairsFile, n: int = 10) -> pd.DataFrame:
    """The first n pairs kept."""
    return pd.DataFrame(file.pairs[:n], columns=list(SIDES))


def refused(file: PairsFile, n: int = 200) -> pd.DataFrame:
    """The first n lines refused: their numbers, why, and how they start."""
    return pd.DataFrame(
        [(r.line, r.reason, r.text) for r in file.refused[:n]],
        columns=["line", "why", "starts with"],
    )


def headline(file: PairsFile, held: int, training: int) -> str:
    """One sentence: what was kept, merged and refused, and the held-out split."""
    parts = [f"{len(file.pairs):,} pairs kept"]
    if file.duplicates:
        parts.append(f"{file.duplicates:,} duplicates merged")
    if file.refused:
        parts.append(f"{len(file.refused):,} lines refused (listed below)")
    if file.header:
        parts.append("the header line skipped")
    split = (
        f"{held:,} sources held out for scoring (10%, seeded), {training:,} to train on"
        if held
        else "too few pairs to hold any out: the model is trained and scored on the same pairs"
    )
    return "; ".join(parts) + ". " + split + "."
