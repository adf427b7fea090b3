"""Hostile pair files: what a teacher (or anyone with the Train page) might upload.

`CASES`: (name, the file's bytes, what must happen). What must happen is either
"error: <words of the one-line message>" (the file refused as a whole), or
"refused <n>: <words>" (the file kept, n lines refused, the first with these words), or
"kept <n>" (n distinct pairs kept). Built on demand (`cases()`): some are megabytes.
"""

from __future__ import annotations

import gzip
import io
import zipfile

from s2s_core.tasks.pairs_file import BIDI_CONTROLS, MAX_PAIRS

GOOD = [(f"src{i:02d}", f"tgt{i:02d}") for i in range(12)]  # 12 distinct ASCII pairs


def tsv(pairs, header: bool = False, newline: str = "\n") -> bytes:
    lines = (["source\ttarget"] if header else []) + [f"{s}\t{t}" for s, t in pairs]
    return (newline.join(lines) + newline).encode()


def with_line(line: bytes) -> bytes:
    """The good pairs and one more line (the 13th)."""
    return tsv(GOOD) + line + b"\n"


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("pairs.tsv", tsv(GOOD))
    return out.getvalue()


def cases() -> list[tuple[str, bytes, str]]:
    found: list[tuple[str, bytes, str]] = [
        ("empty file", b"", "error: no pair could be read"),
        ("blank lines only", b"\n\n  \n", "error: no pair could be read"),
        ("header only", b"source\ttarget\n", "error: no pair could be read"),
        ("a single column", b"".join(f"w{i}\n".encode() for i in range(20)), "error: one column"),
        ("one pair", b"a\tb\n", "error: 1 distinct pair kept"),
        ("nine pairs", tsv(GOOD[:9]), "error: 9 distinct pairs kept"),
        ("every pair a duplicate", tsv([GOOD[0]] * 500), "error: 1 distinct pair kept"),
        ("binary", bytes(range(256)) * 40, "error: binary data"),
        ("a PNG renamed .csv", b"\x89PNG\r\n\x1a\n" + bytes(100), "error: a PNG image"),
        ("a JPEG", b"\xff\xd8\xff\xe0" + bytes(100), "error: a JPEG image"),
        ("a GIF", b"GIF89a" + bytes(100), "error: a GIF image"),
        ("a PDF", b"%PDF-1.7\n" + bytes(100), "error: a PDF document"),
        ("a zip", _zip(), "error: a zip archive"),
        ("gzip", gzip.compress(tsv(GOOD)), "error: gzip-compressed"),
        ("a 2 GB claim in a small gzip", gzip.compress(b"\0" * 2**20), "error: gzip-compressed"),
        ("UTF-16 LE with BOM", tsv(GOOD).decode().encode("utf-16"), "error: UTF-16"),
        (
            "UTF-16 BE with BOM",
            b"\xfe\xff" + tsv(GOOD).decode().encode("utf-16-be"),
            "error: UTF-16",
        ),
        ("UTF-16 LE without BOM", tsv(GOOD).decode().encode("utf-16-le"), "error: UTF-16"),
        ("10 MB", b"a\tb\n" * (10 * 2**20 // 4), "error: 10.0 MB"),
        ("just over 2 MB", b"x" * (2 * 2**20 + 1), "error: at most 2 MB"),
        ("a million short lines", b"a\n" * 1_000_000, "error: at most 50,000 pairs"),
        (
            "50,001 pairs",
            b"".join(f"s{i}\tt{i}\n".encode() for i in range(MAX_PAIRS + 1)),
            "error: at most 50,000 pairs",
        ),
        ("NUL bytes everywhere", b"a\0\tb\0\n" * 100, "error: binary data"),
        (
            "a vocabulary of 10,000 symbols",
            "".join(f"{chr(0x4E00 + i)}\t{chr(0x4E00 + i)}\n" for i in range(10_000)).encode(),
            "error: 10,000 distinct symbols",
        ),
        (
            "10,000 words",
            "".join(f"w{i} x\tv{i} y\n" for i in range(10_000)).encode(),
            "error: try characters instead of words",
        ),
        (
            "not UTF-8 at all (Latin-1)",
            "".join(f"é{i}\tà{i}\n" for i in range(20)).encode("latin-1"),
            "error: no pair could be read (undecodable bytes",
        ),
        # --- kept, with lines refused -------------------------------------------------------
        ("a third column", with_line(b"a\tb\tc"), "refused 1: a third column"),
        ("an empty source", with_line(b"\tb"), "refused 1: an empty source"),
        ("an empty target", with_line(b"a\t"), "refused 1: an empty target"),
        ("one undecodable line", with_line(b"caf\xe9\tcafe"), "refused 1: undecodable bytes"),
        ("a NUL in one line", with_line(b"a\0b\tc"), "refused 1: control character (U+0000)"),
        ("a too long source", with_line(b"a" * 61 + b"\tb"), "refused 1: the source has 61"),
        ("a too long target", with_line(b"a\t" + b"b" * 61), "refused 1: the target has 61"),
        ("a line without a tab", with_line(b"lonely"), "refused 1: one column"),
        # --- kept as plain text ---------------------------------------------------------------
        ("CRLF", tsv(GOOD, newline="\r\n"), "kept 12"),
        ("CR only", tsv(GOOD, newline="\r"), "kept 12"),
        ("a UTF-8 BOM", b"\xef\xbb\xbf" + tsv(GOOD, header=True), "kept 12"),
        ("a header", tsv(GOOD, header=True), "kept 12"),
        ("duplicates merged", tsv(GOOD + GOOD), "kept 12"),
        ("CSV", b"source,target\n" + b"".join(f"{s},{t}\n".encode() for s, t in GOOD), "kept 12"),
        (
            "CSV with quoted commas",
            b"".join(f'"{s}, x","{t}"\n'.encode() for s, t in GOOD),
            "kept 12",
        ),
        ("=cmd| CSV injection", with_line(b"=cmd|' /C calc'!A0\t=1+1"), "kept 13"),
        ("+ and @ cells", with_line(b"+SUM(A1)\t@A1"), "kept 13"),
        ("HTML in symbols", with_line(b"<script>alert(1)</script>\t<b>x</b>"), "kept 13"),
        ("Markdown in symbols", with_line(b"**bold** [a](b)\t# title"), "kept 13"),
        ("exactly 60 symbols", with_line(b"a" * 60 + b"\t" + b"b" * 60), "kept 13"),
        ("emoji", with_line("😀👍\t🎉".encode()), "kept 13"),
        ("right-to-left script", with_line("שלום\tسلام".encode()), "kept 13"),
        ("combining marks (NFC)", with_line("e\u0301\tcafe\u0301".encode()), "kept 13"),
        ("spaces around cells", with_line(b"  a b  \t  c  "), "kept 13"),
        ("non-breaking spaces", with_line("a\u00a0b\tc".encode()), "kept 13"),
    ]
    for code in range(0x20):  # every C0 control but tab, LF, CR (they cut lines and cells)
        if chr(code) not in "\t\n\r":
            found.append(
                (
                    f"control U+{code:04X}",
                    with_line(b"a" + bytes([code]) + b"b\tc"),
                    f"refused 1: control character (U+{code:04X})",
                )
            )
    found.append(("control U+007F", with_line(b"a\x7fb\tc"), "refused 1: (U+007F)"))
    for code in range(0x80, 0xA0, 2):  # C1 controls, every other one
        found.append(
            (
                f"control U+{code:04X}",
                with_line(f"a{chr(code)}b\tc".encode()),
                f"refused 1: (U+{code:04X})",
            )
        )
    for ch in sorted(BIDI_CONTROLS):  # Trojan Source: reordering what a reader sees
        found.append(
            (
                f"bidi U+{ord(ch):04X}",
                with_line(f"a{ch}b\tc".encode()),
                f"refused 1: (U+{ord(ch):04X})",
            )
        )
    return found
