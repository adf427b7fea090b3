"""First page load: a fresh server, Chromium opens the app, until Home's heatmap is drawn.

    first_load_ms            this tree, Home on its default task (reverse, "attention")
    first_load_g2p_ms        this tree, a link to Home on g2p ("knight"): the first page that
                             reads CMUdict and the alignment table
    first_load_baseline_ms   the same first load of BASELINE (before the g2p task), checked
                             out in a temporary git worktree and run side by side

Every round starts new server processes (nothing cached, nothing imported), alternating the
trees, so that both meet the same machine load; medians over the rounds. The target: the g2p
task leaves the first page load no more than 0.5 s slower than before it.
"""

from __future__ import annotations

import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from harness.chromium import browser
from harness.servers import ROOT, app_server

BASELINE = "b574c40"  # main before the g2p task was added
READY = """() =>
    [...document.querySelectorAll('h3')].some(h => h.textContent.startsWith('step 0 of'))
    && [...document.querySelectorAll('.js-plotly-plot')].some(p => p._fullData)"""


def load_ms(root: Path, query: str = "") -> float:
    """One cold first load: start the server in `root`, open the page, wait for the heatmap."""
    with app_server(root=root) as url, browser() as b:
        page = b.new_page(viewport={"width": 1400, "height": 1000})
        start = time.perf_counter()
        page.goto(f"{url}/{query}")
        page.wait_for_function(READY, polling="raf", timeout=120_000)
        return 1000 * (time.perf_counter() - start)


def run(rounds: int = 5) -> dict:
    runs: dict[str, list[float]] = {"first_load_baseline_ms": [], "first_load_ms": []}
    runs["first_load_g2p_ms"] = []
    with tempfile.TemporaryDirectory() as tmp:
        baseline = Path(tmp) / "baseline"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(baseline), BASELINE],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        try:
            for _ in range(rounds):
                runs["first_load_baseline_ms"].append(load_ms(baseline))
                runs["first_load_ms"].append(load_ms(ROOT))
                runs["first_load_g2p_ms"].append(load_ms(ROOT, "?task=g2p&input=knight"))
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(baseline)], cwd=ROOT, check=False
            )
    med = {name: statistics.median(v) for name, v in runs.items()}
    return {
        **med,
        "first_load_vs_baseline_s": (med["first_load_ms"] - med["first_load_baseline_ms"]) / 1000,
        "first_load_g2p_vs_baseline_s": (med["first_load_g2p_ms"] - med["first_load_baseline_ms"])
        / 1000,
        "runs": runs,
    }
