"""A decoding taken away: the offline page's size and time, the animation's time.

    export_html_mb          the offline page of a 30-step trace (29 letters and <eos>, both
                            heatmaps: attention and attribution), megabytes (target <= 5)
    export_html_s           seconds to write it, the decoding and attribution excluded
    export_gif_s            seconds for the GIF of that trace at 1920x1080 (target <= 10)
    export_gif_720_s        the same at 1280x720
    export_mp4_s            the MP4 at 1920x1080
    export_gif_mb           the 1920x1080 GIF's size

Each a median of RUNS runs, after one untimed (Plotly's and KaTeX's packing is cached
per process, as in the app). The model: reverse-additive, one process, 2 CPU threads.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from s2s_core.shipped import CHECKPOINT_DIR
from s2s_lab import animation, html
from s2s_lab.decoding import decode

SOURCE = "abcdefghijklmnopqrstuvwxyzabc"  # 29 letters: 30 steps
RUNS = 3


def _median_s(fn: Callable[[], object], runs: int = RUNS) -> tuple[float, list[float]]:
    fn()  # untimed: the caches a process fills once
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times), times


def run() -> dict:
    d = decode(CHECKPOINT_DIR / "reverse-additive", SOURCE, "both")
    assert len(d.trace.steps) == 30
    out: dict = {"runs": {}}
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "out.html"
        out["export_html_s"], out["runs"]["export_html_s"] = _median_s(lambda: html.write(d, page))
        out["export_html_mb"] = page.stat().st_size / 1e6
        sizes: tuple[tuple[str, animation.Kind, tuple[int, int]], ...] = (
            ("export_gif_s", "gif", (1920, 1080)),
            ("export_gif_720_s", "gif", (1280, 720)),
            ("export_mp4_s", "mp4", (1920, 1080)),
        )
        for key, kind, size in sizes:
            path = Path(folder) / f"out.{kind}"
            write = partial(animation.write, d, path, kind, *size)
            out[key], out["runs"][key] = _median_s(write)
            if key == "export_gif_s":
                out["export_gif_mb"] = path.stat().st_size / 1e6
    return out


if __name__ == "__main__":
    for k, v in run().items():
        print(k, v)
