"""Home's step view: a Streamlit component that steps through a whole trace in the browser.

The trace's figures for every step come from presentation/stepping.py as plain data; the
component (the ES modules of presentation/stepview/, Streamlit components v2, drawn in the
page itself rather than in a frame) shows step i of them at each Next, Back, Play or key,
with no server run. The server runs again only when the trace or its view changes.

The modules are plain ES modules with relative imports, the same files Node's tests load
(tests/js/): Streamlit serves their folder as the files of a (v1) component, and the
component's own script (components v2 takes one script) imports index.js from there.
plotly.min.js, which draws the figures, is the one inside the installed plotly package,
served the same way. KaTeX, which typesets the formulas, is the copy inside Streamlit's own
static files (st.latex uses it too). So the app needs no network.

This module is where Streamlit's names live: the addresses above, and the class Streamlit
gives a keyed container (st-key-<key>), by which the view shows only the current step's
blocks (presentation/stepping.py step_key).

The data travels as UTF-8 JSON bytes: encoded once here (a dict would be encoded twice,
once more to name the element), and the browser decodes it once. The large part, a trace's
figures and formulas, is encoded once for every session that shows it (`encode`, cached by
ui/traces.py); each run adds only its own few members (the step, a quiz, a lecture).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import plotly
import streamlit as st
import streamlit.components.v1 as components_v1

import presentation
from presentation.stepping import STEP_KEY_PREFIX, StepView

MODULES = Path(presentation.__file__).parent / "stepview"  # index.js and the modules it imports
PLOTLY_JS = Path(plotly.__file__).parent / "package_data"  # holds plotly.min.js
STREAMLIT_JS = Path(st.__file__).parent / "static" / "static" / "js"  # served at static/js/


def _katex_url() -> str | None:
    """The address of Streamlit's KaTeX module (its name carries a build hash), or None."""
    found = sorted(STREAMLIT_JS.glob("katex.*.js"))
    return f"static/js/{found[0].name}" if found else None


KATEX = _katex_url()
# A v1 component's files are served at component/<module>.<name>/<file>.
PLOTLY = f"component/{__name__}.plotly/plotly.min.js"
ENTRY = f"component/{__name__}.modules/index.js"
BLOCKS = f"st-key-{STEP_KEY_PREFIX}"  # the class of a container keyed step_key(i, what)
# Home's whole-output cards ("Expected", "This model", "Fixed-context"): a container keyed
# CARDS, hidden while the view asks where the decoder will look (body.sv-asking).
CARDS = "lecture-cards"
ASKING_CSS = f"body.sv-asking .st-key-{CARDS} {{ visibility: hidden; }}"

components_v1.declare_component("plotly", path=str(PLOTLY_JS))
components_v1.declare_component("modules", path=str(MODULES))

# The component's script: index.js's `mount`, imported by address (relative imports work
# from there); Streamlit awaits it and keeps the clean-up it returns.
LOADER = f"""
const entry = import(new URL("{ENTRY}", document.baseURI).href)
export default async function (component) {{
  return (await entry).default(component)
}}
"""

_mount = st.components.v2.component(
    "stepview",
    js=LOADER,
    css=(MODULES / "stepview.css").read_text() + ASKING_CSS,
    isolate_styles=False,  # Plotly's own styles (hover, camera button) live in the page
)


def encode(view: StepView) -> bytes:
    """The step view's data as the members of one JSON object, without its braces and
    without the step to open at: the large, shareable part (every session typing this input
    gets the same bytes; `step_view` adds the session's own members around them)."""
    data = {**view.to_json(), "plotly": PLOTLY, "katex": KATEX, "blocks": BLOCKS}
    del data["step"]  # the session's: see step_view
    return _members(data)


def _members(data: dict[str, Any]) -> bytes:
    # allow_nan=False: a NaN would reach the browser as invalid JSON; fail here instead
    encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return encoded[1:-1].encode()


def step_view(
    view: bytes,
    step: int,
    on_force: Callable[[], None],
    extra: dict[str, Any] | None = None,
    on_lecture: Callable[[], None] = lambda: None,
) -> Any:
    """Mount the step view `view` (`encode`'s bytes) at `step`; `on_force` runs when a
    what-if button is pressed (its value: st.session_state.stepview["force"] = {"step": i,
    "token": ..., "key": trace key}). `extra`: more data for the view ("quiz", "lecture",
    "guess": ui/lecture.py and presentation/guess.py), this session's own, encoded beside the
    view's bytes rather than with them; `on_lecture` runs when a lecture's view asks for a
    new run (the room's content changed, or it ended)."""
    own = _members({"step": step, **(extra or {})})
    return _mount(
        key="stepview",
        data=b"{" + view + b"," + own + b"}",
        on_force_change=on_force,
        on_lecture_change=on_lecture,
    )
