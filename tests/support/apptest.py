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

from presentation.figures.frames import apply
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


def step_view(at: AppTest) -> dict:
    """The data Home's step view received (presentation/stepping.py StepView.to_json)."""
    (el,) = at.get("bidi_component")
    return json.loads(el.proto.bytes)  # UTF-8 JSON (ui/stepview.py)


def step_figure(at: AppTest, name: str, step: int | None = None) -> dict | None:
    """Figure `name` of the step view at `step` (default: the step it opens at), as the
    browser draws it; None when the view does not show it."""
    view = step_view(at)
    frames = view["figures"].get(name)
    if frames is None:
        return None
    return apply(frames["base"], frames["steps"][view["step"] if step is None else step])


def go_to(at: AppTest, step: int) -> AppTest:
    """Open Home at `step`, as a link with ?step= does (stepping itself runs in the browser:
    tests/browser/test_stepview.py)."""
    at.session_state["step"] = step
    return at.run()


def _chart_maps(at: AppTest, attribution: bool) -> list[dict]:
    """The heatmap traces of the page's Plotly charts whose y axis is labelled with the
    steps: attention's, or (with `attribution`) attribution's, told apart by the colour
    bar's title (the Explorer draws them with st.plotly_chart)."""
    out = []
    for fig in plotly_figures(at):
        trace = fig["data"][0]
        if trace.get("type") == "heatmap" and "tickvals" in fig["layout"].get("yaxis", {}):
            title = trace.get("colorbar", {}).get("title", {}).get("text")
            if (title == ATTRIBUTION_BAR) == attribution:
                out.append(trace)
    return out


def heatmaps(at: AppTest, step: int | None = None) -> list[np.ndarray]:
    """z of every attention heatmap: on Home, the step view's at `step` (a list of one, or
    none shown); on other pages, of every chart."""
    if not at.get("bidi_component"):
        return [
            array(t["z"]) if t.get("z") is not None else np.zeros((0, 0))
            for t in _chart_maps(at, attribution=False)
        ]
    fig = step_figure(at, "attention", step)
    return [] if fig is None else [_rows(fig["data"][0]["z"], fig)]


def attribution_maps(at: AppTest, step: int | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
    """(scaled z, raw a_ij from the hover's customdata) of the step view's attribution
    heatmap at `step` (a list of one, or none shown); on other pages, of every chart."""
    if not at.get("bidi_component"):
        return [
            (array(t["z"]), array(t["customdata"]))
            if t.get("z") is not None
            else (np.zeros((0, 0)),) * 2
            for t in _chart_maps(at, attribution=True)
        ]
    fig = step_figure(at, "attribution", step)
    if fig is None:
        return []
    return [(_rows(fig["data"][0]["z"], fig), _rows(fig["data"][0]["customdata"], fig))]


def _rows(values: list, fig: dict) -> np.ndarray:
    T = len(fig["layout"]["xaxis"]["tickvals"])
    return np.asarray(values, dtype=float).reshape(len(values), T)


def step_label(at: AppTest) -> str:
    """ "step i of n": where the step view opens."""
    view = step_view(at)
    return f"step {view['step']} of {view['n']}"


def latex_bodies(at: AppTest, step: int | None = None) -> list[str]:
    """The LaTeX of every st.latex on the page, without Streamlit's $$ wrapping; with
    `step`, what Home's step view typesets at that step: its formulas (general, live, ...),
    then its attribution row's."""
    if step is None:
        return [
            el.proto.body.strip().removeprefix("$$").removesuffix("$$").strip()
            for el in at.get("latex")
        ]
    view = step_view(at)
    out = []
    for name in ("formulas", "attribution_formulas"):
        t = view[name]
        if t is not None:
            out += [tex for g, live in t["steps"][step] for tex in (t["general"][g], live)]
    return out
