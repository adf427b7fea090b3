"""Helpers for Streamlit AppTest page tests.

Every test starts from the frame (app.py), as `streamlit run app.py` serves the app: the
frame draws the shared sidebar and runs the page st.navigation chose. (AppTest may also
start a page file alone, through Streamlit's legacy pages/ folder: the page then draws the
frame itself, ui/frame.py's `ensure`.)
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from presentation.figures.heatmap import ATTRIBUTION_BAR

ROOT = Path(__file__).resolve().parents[2]
HOME = "pages/home.py"
EXPLORER, BOTTLENECK, TRAIN, THEORY = (
    "pages/explorer.py",
    "pages/bottleneck.py",
    "pages/train.py",
    "pages/theory.py",
)


def app(page: str = HOME, **query: str) -> AppTest:
    """The app opened with these URL query parameters (a shared link), on `page` (a page file
    from the repository root), ready for its first `.run()` there.

    For a page other than Home the frame runs once first (on Home, reading the link), then
    switches: set session state or widgets between this call and `.run()`."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    if page != HOME:
        at.run()
        at.switch_page(page)
    return at


def plotly_figures(at: AppTest) -> list[dict]:
    """The Plotly figures on the page, as dicts."""
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def array(value) -> np.ndarray:
    """A figure array: a plain list, or Plotly's typed array {dtype, bdata, shape}."""
    if isinstance(value, dict) and "bdata" in value:
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = value.get("shape")
        if isinstance(shape, str):
            shape = [int(x) for x in shape.split(",")]
        return flat.reshape(shape) if shape else flat
    return np.asarray(value, dtype=float)


def _step_maps(at: AppTest, attribution: bool) -> list[dict]:
    """The heatmap traces whose y axis is labelled with the steps: attention's, or (with
    `attribution`) attribution's, told apart by the colour bar's title."""
    out = []
    for fig in plotly_figures(at):
        trace = fig["data"][0]
        if trace.get("type") == "heatmap" and "tickvals" in fig["layout"].get("yaxis", {}):
            title = trace.get("colorbar", {}).get("title", {}).get("text")
            if (title == ATTRIBUTION_BAR) == attribution:
                out.append(trace)
    return out


def heatmaps(at: AppTest) -> list[np.ndarray]:
    """z of every attention heatmap (the heatmaps whose y axis is labelled with the steps)."""
    return [
        array(t["z"]) if t.get("z") is not None else np.zeros((0, 0))
        for t in _step_maps(at, attribution=False)
    ]


def attribution_maps(at: AppTest) -> list[tuple[np.ndarray, np.ndarray]]:
    """(scaled z, raw a_ij from the hover's customdata) of every attribution heatmap."""
    return [
        (array(t["z"]), array(t["customdata"]))
        if t.get("z") is not None
        else (np.zeros((0, 0)),) * 2
        for t in _step_maps(at, attribution=True)
    ]


def step_label(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("### step"))


def latex_bodies(at: AppTest) -> list[str]:
    """The LaTeX of every st.latex on the page, without Streamlit's $$ wrapping."""
    return [
        el.proto.body.strip().removeprefix("$$").removesuffix("$$").strip()
        for el in at.get("latex")
    ]
