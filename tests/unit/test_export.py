"""A decoding taken away (s2s_lab): the bundle, the offline page, the animation, the CLI.

The page's behaviour in a browser (offline, stepping, Play, formulas) is
tests/browser/test_export.py's; here what can be checked without one.
"""

from __future__ import annotations

import base64
import gzip
import json
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from s2s_lab import animation, bundle, html
from s2s_lab.__main__ import main
from s2s_lab.decoding import ExportError, decode

ROOT = Path(__file__).resolve().parents[2]
REVERSE = ROOT / "checkpoints" / "reverse-additive"
TRANSFORMER = ROOT / "checkpoints" / "reverse-transformer"
LONG = "abcdefghijklmnopqrstuvwxyzabc"  # 29 letters: 30 steps with <eos>


# --- the bundle: the step view's modules as one script ------------------------------------


def test_the_bundle_exports_what_the_module_files_export(tmp_path):
    """Node loads the bundle and the files: the entry's exports and every module's names
    agree, so the page and the notebook run the app's own code."""
    script = tmp_path / "bundle.mjs"
    script.write_text(bundle.bundle() + "\nexport { modules }\n", encoding="utf-8")
    check = f"""
      const bundled = (await import({json.dumps(script.as_uri())})).modules
      const out = {{}}
      for (const name of Object.keys(bundled)) {{
        const file = await import({json.dumps(bundle.MODULES.as_uri())} + "/" + name + ".js")
        out[name] = [Object.keys(bundled[name]).sort(), Object.keys(file).sort()]
      }}
      console.log(JSON.stringify(out))
    """
    found = json.loads(
        subprocess.run(
            ["node", "--input-type=module", "-e", check], capture_output=True, text=True, check=True
        ).stdout
    )
    assert {p.stem for p in bundle.MODULES.glob("*.js")} == set(found)  # every module, once
    for name, (bundled, file) in found.items():
        assert bundled == file, name
    assert "default" in found["index"][0]  # the view's mount


def test_the_bundle_refuses_what_it_cannot_rewrite(tmp_path):
    (tmp_path / "index.js").write_text('import "./side.js"\n')
    with pytest.raises(ValueError, match="only named imports"):
        bundle.bundle(tmp_path)
    (tmp_path / "index.js").write_text('import { a } from "./b.js"\nexport function x() {}\n')
    (tmp_path / "b.js").write_text('import { x } from "./index.js"\nexport const a = 1\n')
    with pytest.raises(ValueError, match="cycle"):
        bundle.bundle(tmp_path)


def test_import_lists_become_object_patterns():
    assert bundle._destructure("a, b as c,\n d") == "a, b: c, d"


# --- decoding: what the page shows ---------------------------------------------------------


def test_a_decoding_is_the_apps(tmp_path):
    d = decode(REVERSE, "attention")
    view = d.step_view()
    assert view["n"] == len(d.trace.steps) == len("attention") + 1
    assert "".join(view["tokens"][:-1]) == "noitnetta"
    assert view["what_if"] == [[] for _ in d.trace.steps]  # a what-if needs the app
    assert d.metrics["overall"]["n"] > 0
    assert d.fixed_norm is not None  # reverse-none sits beside it: ||c|| drawn beside ||c_i||
    both = decode(REVERSE, "attention", "both").step_view()
    assert set(both["figures"]) >= {"attention", "attribution", "topk"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((ROOT / "checkpoints",), "not a checkpoint"),
        ((ROOT / "no-such-folder",), "no such checkpoint"),
        ((REVERSE, "ATTENTION"), "can't be decoded"),
        ((REVERSE, "a" * 10_000), "10,000 characters"),
        ((REVERSE, "   "), "empty"),
    ],
)
def test_bad_arguments_get_one_line(args, message):
    source = args[1] if len(args) > 1 else "attention"
    with pytest.raises(ExportError, match=message) as err:
        decode(args[0], source)
    assert "\n" not in str(err.value)


def test_a_head_is_checked_and_picked():
    with pytest.raises(ExportError, match="not a Transformer"):
        decode(REVERSE, "attention", head=(1, 1))
    with pytest.raises(ExportError, match=r"no head 9\.1"):
        decode(TRANSFORMER, "attention", head=(9, 1))
    mean = decode(TRANSFORMER, "attention")
    one = decode(TRANSFORMER, "attention", head=(1, 2))
    assert one.head == (0, 1)
    heads = mean.trace.steps[0].heads
    assert heads is not None
    assert one.trace.steps[0].attention == pytest.approx(heads[0][1])


# --- the page -------------------------------------------------------------------------------


def _unpacked(page: str, element: str) -> bytes:
    found = re.search(rf'id="{element}">([^<]*)</script>', page)
    assert found, element
    return gzip.decompress(base64.b64decode(found.group(1)))


def test_the_page_holds_its_data_plotly_and_katex():
    d = decode(REVERSE, "attention")
    page = html.page(d)
    views = json.loads(_unpacked(page, "sv-data"))
    assert views["normal"]["large"] is False and views["large"]["large"] is True
    assert views["normal"]["tokens"] == d.step_view()["tokens"]
    assert views["normal"]["link"] is False  # the address of a file is left alone
    assert _unpacked(page, "sv-plotly") == html.PLOTLY_JS.read_bytes()
    assert _unpacked(page, "sv-katex").decode().endswith("globalThis.katex=Ta;")
    assert "<script src" not in page and "<link" not in page  # nothing loaded from elsewhere
    assert "attention" in page and "reverse-additive" in page and "exact match" in page


def test_a_page_of_30_steps_stays_under_5_mb(tmp_path):
    d = decode(REVERSE, LONG, "both")
    assert len(d.trace.steps) == 30
    assert html.write(d, tmp_path / "out.html") <= 5_000_000


def test_the_page_escapes_what_the_user_typed():
    assert html._inline("const a = 1") == "const a = 1"
    with pytest.raises(ValueError):
        html._inline('"</script><script>alert(1)"')


# --- the animation ---------------------------------------------------------------------------


def test_a_colour_scale_is_read_as_plotly_reads_it():
    scale = [[0.0, "rgb(0,0,0)"], [0.5, "#ff0000"], [1.0, "rgb(255,255,255)"]]
    assert animation.colour_at(scale, 0.0) == (0, 0, 0)
    assert animation.colour_at(scale, 0.25) == (128, 0, 0)
    assert animation.colour_at(scale, 0.75) == (255, 128, 128)
    assert animation.colour_at(scale, 7) == (255, 255, 255)


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)])
def test_a_gif_has_a_frame_per_step_and_a_pause(tmp_path, size):
    d = decode(REVERSE, "attention")
    path = tmp_path / "a.gif"
    frames = animation.write(d, path, "gif", *size)
    n = len(d.trace.steps)
    assert frames == n + 1  # steps 0..n
    with Image.open(path) as gif:
        assert gif.size == size
        assert gif.n_frames == n + 1
        durations = []
        for k in range(gif.n_frames):
            gif.seek(k)
            durations.append(gif.info["duration"])
    assert durations[:-1] == [animation.FRAME_MS] * n
    assert durations[-1] == animation.FRAME_MS + animation.END_MS


def test_frames_grow_row_by_row_and_mark_the_current_one():
    d = decode(REVERSE, "attention")
    pictures = [np.asarray(f) for f in animation.frames(d, 1280, 720)]
    red = [int(np.all(p == (0xD6, 0x27, 0x28), axis=-1).sum()) for p in pictures]
    assert red[0] == 0  # step 0: nothing written, no row outlined
    assert all(r > 0 for r in red[1:])  # every step: its row outlined, y_i's bar red
    left = [p[:, : p.shape[1] // 2] for p in pictures]  # the heatmap's half
    painted = [
        int((np.any(p < 235, axis=-1) & ~np.all(p == (0xD6, 0x27, 0x28), axis=-1)).sum())
        for p in left
    ]
    assert painted == sorted(painted) and painted[-1] > painted[1]  # a row more each step


def test_an_mp4_holds_each_step_for_its_time(tmp_path):
    """MP4_FPS frames a second: each step FRAME_MS, the last END_MS more (ffmpeg counts)."""
    import imageio_ffmpeg

    d = decode(REVERSE, "attention")
    animation.write(d, tmp_path / "a.mp4", "mp4", 1280, 720)
    frames, _ = imageio_ffmpeg.count_frames_and_secs(str(tmp_path / "a.mp4"))
    steps = len(d.trace.steps) + 1
    fps = animation.MP4_FPS
    assert frames == round(fps * (steps * animation.FRAME_MS + animation.END_MS) / 1000)


# --- the command line ------------------------------------------------------------------------


def test_the_command_line_writes_html_and_gif(tmp_path, capsys):
    out = tmp_path / "out.html"
    gif = tmp_path / "out.gif"
    args = ["export", "--checkpoint", str(REVERSE), "--input", "attention"]
    assert main([*args, "--html", str(out), "--gif", str(gif), "--size", "1280x720"]) == 0
    said = capsys.readouterr().out
    assert out.stat().st_size > 1_000_000 and "MB" in said
    with Image.open(gif) as g:
        assert g.size == (1280, 720)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--html", "{tmp}"], "is a folder"),
        (["--html", "{tmp}/nowhere/out.html"], "no folder"),
        (["--input", "a" * 10_000, "--html", "{tmp}/x.html"], "characters"),
        (["--input", "ATTENTION", "--html", "{tmp}/x.html"], "can't be decoded"),
        ([], "nothing to write"),
        (["--head", "x", "--html", "{tmp}/x.html"], "LAYER.HEAD"),
    ],
)
def test_bad_arguments_exit_with_one_line(tmp_path, capsys, extra, message):
    args = ["export", "--checkpoint", str(REVERSE), "--input", "attention"]
    argv = [*args, *(a.replace("{tmp}", str(tmp_path)) for a in extra)]
    code = None
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse's own refusals
        code = exit_.code
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert message in err[-1]
    assert not list(tmp_path.glob("*.html"))  # nothing half written


def test_an_unwritable_folder_is_refused(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    args = ["export", "--checkpoint", str(REVERSE), "--input", "attention"]
    try:
        code = main([*args, "--html", str(locked / "out.html")])
    except SystemExit as exit_:
        code = exit_.code
    finally:
        locked.chmod(0o700)
    if code == 0:  # root writes anywhere: the folder's mode does not stop it
        assert (locked / "out.html").is_file()
    else:
        assert code == 2 and "cannot be written" in capsys.readouterr().err


def test_the_example_notebook_is_cleared_and_its_cells_run(tmp_path, monkeypatch):
    """docs/notebook.ipynb: no outputs kept; its code cells, run in order from docs/, give
    widgets of the step view and write the page and the GIF."""
    notebook = json.loads((ROOT / "docs" / "notebook.ipynb").read_text())
    cells = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in cells)
    work = tmp_path / "docs"
    work.mkdir()
    (tmp_path / "checkpoints").symlink_to(ROOT / "checkpoints")
    monkeypatch.chdir(work)
    scope: dict = {}
    shown = []
    for cell in cells:
        source = "".join(cell["source"])
        lines = source.rstrip().splitlines()
        exec("\n".join(lines[:-1]), scope)  # a cell's last line is what it shows
        shown.append(eval(lines[-1], scope) if not lines[-1].startswith("print") else None)
        if lines[-1].startswith("print"):
            exec(lines[-1], scope)
    widgets = [w for w in shown if w is not None]
    assert [type(w).__name__ for w in widgets] == ["StepView"] * 3
    assert widgets[1].data["view"] == "both" and widgets[2].data["large"] is True
    assert (work / "attention.html").stat().st_size > 1_000_000
    assert Image.open(work / "attention.gif").n_frames == 11
