"""The link students open: an address the class can reach, never a loopback one unsaid."""

from __future__ import annotations

import io

import pytest
import segno

from ui import lecture


@pytest.mark.parametrize(
    ("browser", "link", "reachable"),
    [
        ("http://10.0.0.5:8501/", "http://10.0.0.5:8501/?lecture=K7M3PX", True),
        (
            "https://lab.example.edu/seq2seq/theory",
            "https://lab.example.edu/seq2seq/?lecture=K7M3PX",
            True,
        ),
        ("http://localhost:8501/", "http://localhost:8501/?lecture=K7M3PX", False),
        ("http://127.0.0.1:8501/explorer", "http://127.0.0.1:8501/?lecture=K7M3PX", False),
        (None, "/?lecture=K7M3PX", False),
    ],
)
def test_the_link_comes_from_the_browsers_address(monkeypatch, browser, link, reachable):
    monkeypatch.delenv(lecture.PUBLIC_URL, raising=False)
    assert lecture.student_link("K7M3PX", browser) == (link, reachable)


def test_a_configured_public_address_wins(monkeypatch):
    monkeypatch.setenv(lecture.PUBLIC_URL, "http://10.1.2.3:8600/")
    assert lecture.student_link("K7M3PX", "http://localhost:8501/") == (
        "http://10.1.2.3:8600/?lecture=K7M3PX",
        True,
    )


def test_the_qr_code_holds_the_link():
    link = "http://10.0.0.5:8501/?lecture=K7M3PX"
    png = lecture.qr_png(link)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    expected = io.BytesIO()  # the symbol of exactly this link, medium error correction
    segno.make(link, error="m").save(expected, kind="png", scale=8, border=2)
    assert png == expected.getvalue()
    assert png != lecture.qr_png(link.replace("K7M3PX", "K7M3PY"))
