"""Debian's Chromium driven by Playwright for Python, and helpers that read the app's page.

Nothing is downloaded: Playwright drives /usr/bin/chromium (installed by `make browser`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from .servers import ROOT

ARTIFACTS = ROOT / "artifacts"  # screenshots (git-ignored)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextlib.contextmanager
def browser() -> Iterator:
    """A headless Chromium (Playwright's Browser); closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def wait_for_app(page, timeout: float = 60_000) -> None:
    """Wait until Streamlit has finished running the script (no 'running' indicator)."""
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector(\"[data-testid='stStatusWidget']\")", timeout=timeout
    )


def heatmap_z(page, index: int = 0) -> list:
    """The decoded z matrix of the index-th Plotly heatmap on the page (from _fullData)."""
    return page.evaluate(
        """(index) => {
            const plots = [...document.querySelectorAll('.js-plotly-plot')]
                .filter(p => p._fullData && p._fullData[0] && p._fullData[0].type === 'heatmap'
                             && p._fullData[0].z
                             && p.layout && p.layout.yaxis && p.layout.yaxis.tickvals);
            if (index >= plots.length) return null;
            const z = plots[index]._fullData[0].z;
            return Array.from(z, row => Array.from(row));
        }""",
        index,
    )
