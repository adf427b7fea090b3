"""`pip install .` into a fresh virtualenv, with no network: the package imports from there,
and its notebook widget shows the step view, its JavaScript running in real Chromium.

The fresh environment reaches the dependencies already installed in .venv (a .pth file:
the local wheels, nothing downloaded); the project itself comes only from what
`pip install --no-index` built from a copy of the repository's tracked files.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from harness.chromium import ARTIFACTS, browser
from s2s_lab.decoding import decode

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHECKPOINT = ROOT / "checkpoints" / "reverse-additive"

DUMP = """
import json, sys
import s2s_lab
from s2s_lab import show
w = show(sys.argv[1], "attention")
json.dump({"file": s2s_lab.__file__, "esm": w._esm, "css": w._css, "data": w.data,
           "vendor": w.vendor}, open(sys.argv[2], "w"))
"""

PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>{css}</style></head>
<body><div id="cell"></div>
<script>window.__traits = {traits}</script>
<script type="module">
{esm}
const model = {{ get: (k) => window.__traits[k], on() {{}}, off() {{}} }}
render({{ model, el: document.getElementById("cell") }})
</script></body></html>"""


def close(a: object, b: object) -> bool:
    """Equal structures, numbers equal within 1e-5."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, int | float) and isinstance(b, int | float) and abs(a - b) <= 1e-5
    return a == b


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh virtualenv with the project pip-installed from a copy of its tracked files."""
    tmp = tmp_path_factory.mktemp("package")
    copy = tmp / "source"
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    for name in tracked:
        if name.split("/")[0] in {"s2s_core", "analysis", "presentation", "s2s_lab"} or name in {
            "pyproject.toml",
            "requirements.txt",
        }:
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    env = tmp / "venv"
    venv.create(env, with_pip=False)
    python = env / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(site) / "lab-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [python, "-m", "pip", "install", "--no-index", "--no-build-isolation", "-q", str(copy)],
        check=True,
        cwd=tmp,
        capture_output=True,
    )
    return python


def test_the_installed_package_gives_the_apps_step_view(installed, tmp_path):
    out = tmp_path / "widget.json"
    subprocess.run(
        [installed, "-c", DUMP, str(CHECKPOINT), str(out)], check=True, cwd=tmp_path, timeout=120
    )
    widget = json.loads(out.read_text())
    assert widget["file"].startswith(str(installed.parent.parent))  # not the repository's
    assert sys.prefix not in widget["file"]
    here = decode(CHECKPOINT, "attention").step_view()
    assert widget["data"]["tokens"] == here["tokens"]
    # the same frames (numbers to float precision: the fresh process runs 2 torch threads)
    assert close(widget["data"]["figures"], json.loads(json.dumps(here["figures"])))
    assert widget["data"]["link"] is False  # a notebook's address is left alone


def test_the_widget_steps_in_a_browser(installed, tmp_path):
    out = tmp_path / "widget.json"
    subprocess.run(
        [installed, "-c", DUMP, str(CHECKPOINT), str(out)], check=True, cwd=tmp_path, timeout=120
    )
    widget = json.loads(out.read_text())
    traits = {"data": widget["data"], "vendor": widget["vendor"]}
    page_file = tmp_path / "cell.html"
    page_file.write_text(
        PAGE.format(css=widget["css"], traits=json.dumps(traits), esm=widget["esm"]),
        encoding="utf-8",
    )
    with browser() as b:
        page = b.new_page(viewport={"width": 1200, "height": 1000})
        blocked, errors = [], []
        page.route(
            "**/*",
            lambda r: (
                r.continue_()
                if r.request.url.startswith("file:")
                else (blocked.append(r.request.url), r.abort())
            ),
        )
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(page_file.as_uri())
        page.wait_for_selector(".stepview .js-plotly-plot", timeout=30_000)
        for _ in range(4):
            page.get_by_test_id("sv-next").click()
        page.wait_for_function(
            "() => document.querySelector('.sv-plot[data-figure=attention]')"
            "._fullData[0].z.length === 4"
        )
        page.wait_for_function("() => document.querySelectorAll('.stepview math').length > 3")
        page.screenshot(path=str(ARTIFACTS / "widget.png"))
        assert page.url == page_file.as_uri()  # no ?step= written into the notebook's address
        assert blocked == [] and errors == []
