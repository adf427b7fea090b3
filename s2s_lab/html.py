"""One decoding as one self-contained HTML file: the step view, working, with no network.

The page holds everything it runs:

    the step view    the app's own modules (presentation/stepview/), bundled (bundle.py)
    its data         the step view's data, normal and in Classroom mode (a toggle in the
                     page), as gzip in base64
    Plotly           the installed plotly package's plotly.min.js, as gzip in base64
    KaTeX            Streamlit's copy of KaTeX (the app's), as gzip in base64: it writes
                     MathML, which the browser typesets without fonts or style sheets

and unpacks the compressed parts with the browser's own DecompressionStream. Opened from
file://, it asks nothing of any network (tests/browser/test_export.py blocks every request).
"""

from __future__ import annotations

import base64
import gzip
import html
import json
import re
from datetime import date
from functools import cache
from importlib.util import find_spec
from pathlib import Path

import plotly

from . import bundle
from .decoding import Decoding

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
# Streamlit's static files, found without importing Streamlit (which a notebook needn't load)
_STREAMLIT = find_spec("streamlit")
STREAMLIT_JS = Path((_STREAMLIT and _STREAMLIT.origin) or ".").parent / "static" / "static" / "js"


def _packed(data: bytes) -> str:
    """gzip, then base64: text a page can hold and DecompressionStream can unpack."""
    return base64.b64encode(gzip.compress(data, compresslevel=9, mtime=0)).decode("ascii")


@cache
def katex_script() -> str:
    """KaTeX as a classic script that leaves it in `globalThis.katex` (Streamlit ships it as
    an ES module whose one export is the default)."""
    found = sorted(STREAMLIT_JS.glob("katex.*.js"))
    if not found:
        raise FileNotFoundError(f"no KaTeX module in {STREAMLIT_JS}")
    text = found[0].read_text(encoding="utf-8")
    default = r"export\s*\{\s*(\w+)\s+as\s+default\s*\};?\s*$"
    script, count = re.subn(default, r"globalThis.katex=\1;", text)
    if count != 1:
        raise ValueError(f"{found[0].name}: its export is not the one default it used to be")
    return script


@cache
def vendor() -> tuple[str, str]:
    """Plotly and KaTeX, packed once per process (they never change while it runs)."""
    return _packed(PLOTLY_JS.read_bytes()), _packed(katex_script().encode())


def scores(metrics: dict) -> str:
    """The held-out scores of metrics.json in one line ('' without them)."""
    overall = metrics.get("overall") or {}
    parts = [
        f"{label} {100 * overall[key]:.1f}%"
        for key, label in (
            ("exact_match", "exact match"),
            ("token_accuracy", "token accuracy"),
            ("alignment", "attention on the alignment"),
        )
        if isinstance(overall.get(key), int | float)
    ]
    if not parts:
        return ""
    n = overall.get("n")
    return "Held-out scores" + (f" ({n:,} examples)" if n else "") + ": " + ", ".join(parts)


def _views(decoding: Decoding) -> bytes:
    """The step view's data, normal and large, as the page's JSON (no addresses: the page
    has Plotly and KaTeX itself, and no link to rewrite)."""
    local = {"plotly": None, "katex": None, "blocks": None, "link": False}
    views = {
        "normal": decoding.step_view(large=False) | local,
        "large": decoding.step_view(large=True) | local,
    }
    return json.dumps(views, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


# gzip in base64 -> text, with the browser's own DecompressionStream (the page and the widget)
UNPACK = """
const unpack = async (text) => {
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0))
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))
  return new Response(stream).text()
}
"""

HOST = """
const packed = (id) => unpack(document.getElementById(id).textContent)
const run = (0, eval) // a vendor script, run as if loaded by a <script> tag
const root = document.getElementById("sv-root")
const classroom = document.getElementById("sv-classroom")
Promise.all([packed("sv-plotly"), packed("sv-katex"), packed("sv-data")])
  .then(([plotlyJs, katexJs, data]) => {
    run(plotlyJs)
    run(katexJs)
    const views = JSON.parse(data)
    const show = () => stepview.default({
      parentElement: root,
      data: views[classroom.checked ? "large" : "normal"],
      setTriggerValue() {}, // what-if and lecture events need the app
    })
    classroom.onchange = show
    show()
    root.querySelector(".stepview")?.focus({ preventScroll: true })
  })
  .catch((err) => { root.textContent = "This page could not start: " + err })
"""

PAGE_CSS = """
body { font-family: "Source Sans Pro", system-ui, sans-serif; margin: 1.5rem auto;
  max-width: 1200px; padding: 0 1rem; color: #31333f; background: #fff; }
header h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
header p { margin: .2rem 0; }
header .sv-scores, footer { color: #555; font-size: .9rem; }
header label { display: inline-block; margin: .5rem 0; cursor: pointer; }
footer { margin-top: 2rem; }
"""


def _inline(script: str) -> str:
    """A script's text, safe inside <script>...</script>."""
    if re.search(r"</script|<!--", script, re.I):
        raise ValueError("a script that would end its <script> element early")
    return script


def page(decoding: Decoding, title: str | None = None) -> str:
    """The whole HTML page of `decoding`."""
    plotly_packed, katex_packed = vendor()
    ckpt, task = decoding.checkpoint, decoding.task
    layer, h = decoding.head or (0, 0)
    title = title or f"{task.title}: “{decoding.source}” decoded step by step"
    facts = [
        ("Task", f"{task.title}. {task.description}"),
        ("Model", ckpt.name + (f" (head {layer + 1}.{h + 1})" if decoding.head else "")),
        ("Input", decoding.source),
        ("Heatmap", decoding.view),
    ]
    esc = html.escape
    header = "".join(f"<p><b>{esc(k)}:</b> {esc(v)}</p>" for k, v in facts)
    score_line = scores(decoding.metrics)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<style>{PAGE_CSS}{bundle.css()}</style>
</head>
<body>
<header>
<h1>{esc(title)}</h1>
{header}
{f'<p class="sv-scores">{esc(score_line)}</p>' if score_line else ""}
<label><input type="checkbox" id="sv-classroom"> Classroom mode (large text and figures)</label>
</header>
<main id="sv-root"></main>
<footer>Seq2Seq Attention Lab, exported {date.today().isoformat()}. Next, Back, Reset, Play and
the arrow keys work offline: this file holds the step view, its data, Plotly and KaTeX.</footer>
<script type="application/octet-stream" id="sv-data">{_packed(_views(decoding))}</script>
<script type="application/octet-stream" id="sv-plotly">{plotly_packed}</script>
<script type="application/octet-stream" id="sv-katex">{katex_packed}</script>
<script>
{_inline(bundle.bundle() + UNPACK + HOST)}
</script>
</body>
</html>
"""


def write(decoding: Decoding, path: str | Path, title: str | None = None) -> int:
    """Write `decoding`'s page to `path`; its size in bytes."""
    data = page(decoding, title).encode()
    Path(path).write_bytes(data)
    return len(data)
