"""A teacher's own pairs, read from a file or a pasted text: checked line by line.

    source<TAB>target        one pair per line (a pasted text; a .tsv file)
    source,target            a .csv file (quoted cells as CSV writes them)
    source,target            a first line that says exactly this is a header, skipped

UTF-8, with or without a byte-order mark, lines ending in LF, CRLF or CR. Within the
limits below, every line is kept or refused with its number and why; what cannot be read
at all (a zip, an image, UTF-16, too large, too many lines) is refused as a whole, with
one line that says what the file is and what to do (PairsError).

Symbols are characters, or whitespace-separated words for a side whose every line has a
space (the suggestion; the teacher may choose). Nothing here is ever run or rendered: a
pair's text is only text (HTML, Markdown, "=cmd|" cells are symbols like any other).
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from s2s_core.tasks.base import normalize

Tokens = Literal["chars", "words"]

MAX_BYTES = 2 * 2**20  # the file or pasted text
MAX_PAIRS = 50_000
MAX_SYMBOLS = 60  # per side of a pair, in symbols (characters or words)
MAX_VOCABULARY = 200  # distinct symbols per side
MIN_PAIRS = 10  # fewer cannot train anything worth stepping through
LIMITS = (
    f"UTF-8 text, at most {MAX_BYTES // 2**20} MB and {MAX_PAIRS:,} pairs; each side at most "
    f"{MAX_SYMBOLS} symbols; at most {MAX_VOCABULARY} distinct symbols per side"
)
# Bidirectional overrides and isolates: they reorder what a reader sees (Trojan Source)
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_CONTROL_BYTES = bytes(c for c in range(32) if c not in (9, 10, 13))  # all but tab, LF, CR
_MAGIC = {
    b"PK\x03\x04": "a zip archive",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"\x1f\x8b": "gzip-compressed data",
}


class PairsError(ValueError):
    """A file or text that cannot be read as pairs at all; the message says why in one line."""


@dataclass(frozen=True)
class Refused:
    """A line left out: its number (1-based, as an editor counts), why, and its start."""

    line: int
    reason: str
    text: str = ""


@dataclass
class PairsFile:
    """What a file gave: the pairs kept (in order, each once) and the lines refused."""

    pairs: list[tuple[str, str]]
    refused: list[Refused] = field(default_factory=list)
    duplicates: int = 0  # pairs merged because they were given more than once
    header: bool = False
    suggested: tuple[Tokens, Tokens] = ("chars", "chars")
    tokens: tuple[Tokens, Tokens] = ("chars", "chars")


def symbols(text: str, tokens: Tokens) -> list[str]:
    """A side's symbols: its characters, or its whitespace-separated words."""
    return text.split() if tokens == "words" else list(text)


def _sniff(data: bytes) -> None:
    """Refuse, in one line, what is no UTF-8 text file at all."""
    if len(data) > MAX_BYTES:
        raise PairsError(f"the file has {len(data) / 2**20:.1f} MB; at most {LIMITS}")
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise PairsError(f"this is {what}, not a text file of pairs; expected {LIMITS}")
    odd, even = data[1:400:2], data[0:400:2]  # UTF-16 of Latin text: every other byte 0
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or any(
        len(half) >= 8 and half.count(0) > 0.9 * len(half) for half in (odd, even)
    ):
        raise PairsError("this is UTF-16 text: save it as UTF-8 (any editor's 'Save as')")
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls > 2 + len(data) // 20:  # a text has a stray one at most
        raise PairsError("this is binary data (control bytes), not a text file of pairs")


def _lines(data: bytes) -> list[tuple[int, bytes]]:
    """(number, bytes) of each non-blank line: LF, CRLF or CR; a UTF-8 BOM dropped."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    raw = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    if len(raw) > MAX_PAIRS + 2:  # a header and a final newline beside the pairs
        raise PairsError(f"the file has {len(raw):,} lines; at most {MAX_PAIRS:,} pairs")
    return [(k, line) for k, line in enumerate(raw, start=1) if line.strip()]


def _cells(text: str, tab: bool) -> list[str]:
    if tab:
        return text.split("\t")
    return next(csv.reader([text]), [])


def _bad_character(text: str) -> str | None:
    for ch in text:
        if ch in BIDI_CONTROLS or unicodedata.category(ch) == "Cc":
            return f"a control character (U+{ord(ch):04X})"
    return None


def _pair(number: int, line: bytes, tab: bool) -> tuple[str, str] | Refused:
    """One line as a (source, target) pair, or why it is refused."""
    shown = line[:40].decode("utf-8", "replace")
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return Refused(number, "undecodable bytes (not UTF-8)", shown)
    cells = [normalize(c).strip() for c in _cells(text, tab)]
    if len(cells) == 1:
        return Refused(number, "one column: write source, a tab (or comma), then target", shown)
    if len(cells) > 2:
        return Refused(number, f"{len(cells)} columns: a third column", shown)
    if not cells[0] or not cells[1]:
        return Refused(number, "an empty " + ("source" if not cells[0] else "target"), shown)
    bad = _bad_character(cells[0] + cells[1])
    return Refused(number, bad, shown) if bad else (cells[0], cells[1])


def _suggest(pairs: list[tuple[str, str]], side: int) -> Tokens:
    return "words" if pairs and all(" " in p[side] for p in pairs) else "chars"


def _within_limits(
    kept: list[tuple[int, tuple[str, str]]], tokens: tuple[Tokens, Tokens]
) -> tuple[list[tuple[str, str]], list[Refused], int]:
    """The pairs whose sides fit MAX_SYMBOLS, each once; the refused; duplicates merged."""
    pairs: dict[tuple[str, str], None] = {}
    refused: list[Refused] = []
    duplicates = 0
    for number, pair in kept:
        for side, name in ((0, "source"), (1, "target")):
            n = len(symbols(pair[side], tokens[side]))
            if n > MAX_SYMBOLS:
                refused.append(
                    Refused(
                        number,
                        f"the {name} has {n} symbols; at most {MAX_SYMBOLS}",
                        pair[side][:40],
                    )
                )
                break
        else:
            duplicates += pair in pairs
            pairs[pair] = None
    return list(pairs), refused, duplicates


def _check_vocabularies(pairs: list[tuple[str, str]], tokens: tuple[Tokens, Tokens]) -> None:
    for side, name in ((0, "sources"), (1, "targets")):
        found = {s for p in pairs for s in symbols(p[side], tokens[side])}
        if len(found) > MAX_VOCABULARY:
            hint = " (try characters instead of words)" if tokens[side] == "words" else ""
            raise PairsError(
                f"the {name} have {len(found):,} distinct symbols; at most {MAX_VOCABULARY}{hint}"
            )


def read_pairs(
    data: bytes | str, tokens: tuple[Tokens | None, Tokens | None] = (None, None)
) -> PairsFile:
    """The pairs of `data` (a file's bytes, or pasted text), checked. `tokens` chooses how
    each side is cut into symbols; None: the suggestion (words where every line has a space)."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    _sniff(raw)
    lines = _lines(raw)
    tab = any(b"\t" in line for _, line in lines)
    header = bool(lines) and _cells(lines[0][1].decode("utf-8", "replace"), tab) in (
        ["source", "target"],
        ["Source", "Target"],
    )
    if len(lines) - header > MAX_PAIRS:
        raise PairsError(f"the file has {len(lines) - header:,} lines; at most {MAX_PAIRS:,} pairs")
    read = [(k, _pair(k, line, tab)) for k, line in lines[1 if header else 0 :]]
    kept = [(k, p) for k, p in read if isinstance(p, tuple)]
    refused = [p for _, p in read if isinstance(p, Refused)]
    if not kept:
        why = refused[0].reason if refused else "the file is empty"
        raise PairsError(f"no pair could be read ({why}); expected {LIMITS}")
    plain = [p for _, p in kept]
    suggested = (_suggest(plain, 0), _suggest(plain, 1))
    chosen = (tokens[0] or suggested[0], tokens[1] or suggested[1])
    pairs, too_long, duplicates = _within_limits(kept, chosen)
    refused = sorted(refused + too_long, key=lambda r: r.line)
    if len(pairs) < MIN_PAIRS:
        raise PairsError(
            f"{len(pairs)} distinct pair{'s' * (len(pairs) != 1)} kept; at least "
            f"{MIN_PAIRS} are needed to train"
        )
    _check_vocabularies(pairs, chosen)
    return PairsFile(pairs, refused, duplicates, header, suggested, chosen)
