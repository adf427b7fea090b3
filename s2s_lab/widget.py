"""The step view in a notebook: an anywidget running the app's own step view modules.

    from s2s_lab import show
    show("checkpoints/reverse-additive", "attention")        # the cell's output steps

The widget's JavaScript is the app's step view (bundle.py: the same files, bundled) and a
short `render` that mounts it in the cell; its data is the step view's data, as the app
sends it. Plotly and KaTeX travel with the widget (gzip in base64, unpacked by the
browser), so the cell needs no network and no notebook extension beyond anywidget's.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import anywidget
import traitlets

from . import bundle, html
from .decoding import Decoding, HeatView, decode

RENDER = """
let vendors = null // Plotly and KaTeX, run once per page
function loadVendors(model) {
  vendors ??= (async () => {
    const packed = model.get("vendor")
    if (!globalThis.Plotly) (0, eval)(await unpack(packed.plotly))
    if (!globalThis.katex) (0, eval)(await unpack(packed.katex))
  })()
  return vendors
}
async function render({ model, el }) {
  const root = document.createElement("div")
  el.appendChild(root)
  await loadVendors(model)
  const draw = () => stepview.default({
    parentElement: root, data: model.get("data"), setTriggerValue() {},
  })
  let cleanup = draw()
  const redraw = () => { cleanup?.(); cleanup = draw() }
  model.on("change:data", redraw)
  return () => { model.off("change:data", redraw); cleanup?.() }
}
export default { render }
"""


@cache
def esm() -> str:
    """The widget's module: the bundled step view and its `render`."""
    return bundle.bundle() + html.UNPACK + RENDER


class StepView(anywidget.AnyWidget):
    """One decoding's step view: Next, Back, Reset, Play and the keys work in the cell."""

    _esm = traitlets.Unicode(esm()).tag(sync=True)
    _css = traitlets.Unicode(bundle.css()).tag(sync=True)
    data = traitlets.Dict().tag(sync=True)  # the step view's data (presentation/stepping)
    vendor = traitlets.Dict().tag(sync=True)  # {"plotly": ..., "katex": ...}: gzip, base64

    def __init__(self, decoding: Decoding, large: bool = False, **kwargs: object) -> None:
        plotly, katex = html.vendor()
        super().__init__(
            data=decoding.step_view(large) | {"plotly": None, "katex": None, "link": False},
            vendor={"plotly": plotly, "katex": katex},
            **kwargs,
        )
        self.decoding = decoding


def show(
    checkpoint: str | Path,
    source: str,
    view: HeatView = "attention",
    *,
    head: tuple[int, int] | None = None,
    beam: int | None = None,
    large: bool = False,
) -> StepView:
    """The step view of `checkpoint` (a folder) decoding `source`, for a notebook cell:
    `view` "attention", "attribution" or "both"; `head` (layer, head), 1-based, a
    Transformer's; `beam` a beam's width (its best hypothesis); `large` Classroom mode."""
    return StepView(decode(checkpoint, source, view, beam=beam, head=head), large)
