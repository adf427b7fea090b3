"""Home's step view: a Streamlit component that steps through a whole trace in the browser.

The trace's figures for every step come from presentation/stepping.py as plain data; the
component (ui/assets/stepview.js and stepview.css, Streamlit components v2, drawn in the
page itself rather than in a frame) shows step i of them at each Next, Back, Play or key,
with no server run. The server runs again only when the trace or its view changes.

plotly.min.js, which draws the figures, is the one inside the installed plotly package:
Streamlit serves that folder as the files of a (v1) component. KaTeX, which typesets the
formulas, is the copy inside Streamlit's own static files (st.latex uses it too). So the
app needs no network.

The data travels as UTF-8 JSON bytes: encoded once here (a dict would be encoded twice,
once more to name the element), and the browser decodes it once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import plotly
import streamlit as st
import streamlit.components.v1 as components_v1

from presentation.stepping import StepView

ASSETS = Path(__file__).parent / "assets"
PLOTLY_JS = Path(plotly.__file__).parent / "package_data"  # holds plotly.min.js
STREAMLIT_JS = Path(st.__file__).parent / "static" / "static" / "js"  # served at static/js/


def _katex_url() -> str | None:
    """The address of Streamlit's KaTeX module (its name carries a build hash), or None."""
    found = sorted(STREAMLIT_JS.glob("katex.*.js"))
    return f"static/js/{found[0].name}" if found else None


KATEX = _katex_url()

# Served at component/ui.stepview.plotly/plotly.min.js (stepview.js loads it from there).
components_v1.declare_component("plotly", path=str(PLOTLY_JS))
_mount = st.components.v2.component(
    "stepview",
    js=(ASSETS / "stepview.js").read_text(),
    css=(ASSETS / "stepview.css").read_text(),
    isolate_styles=False,  # Plotly's own styles (hover, camera button) live in the page
)


def step_view(view: StepView, on_force: Callable[[], None]) -> Any:
    """Mount the step view; `on_force` runs when a what-if button is pressed (its value:
    st.session_state.stepview["force"] = {"step": i, "token": ..., "key": trace key})."""
    # allow_nan=False: a NaN would reach the browser as invalid JSON; fail here instead
    data = json.dumps(
        view.to_json(), ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode()
    return _mount(key="stepview", data=data, on_force_change=on_force)
