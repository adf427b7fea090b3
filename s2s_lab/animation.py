"""A decoding as an animation for slides: a GIF (or an MP4), one frame per step.

Frame i shows what the step view shows at step i: the heatmap(s) with rows 1..i and row i
outlined, the output so far (each token marked right or wrong), y_i with P(y_i) and the
top-k bars. The pictures come from the step view's own figures (the same builders as the
app: presentation/stepping.py, each step's figure = frames.apply(base, ops)); this module
only paints their cells, labels and bars, with Pillow, at slide size:

    frame i (i = 0..n)   shown FRAME_MS (the app's Play speed)
    the last frame       held END_MS more: the pause at the end

Painting a frame takes a few ms, so a 30-step trace at 1920x1080 is written in seconds
on 2 cores (BENCHMARKS.md), with no browser.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

from PIL import Image, ImageDraw, ImageFont

from presentation.figures.frames import apply

from .decoding import Decoding, ExportError

Kind = Literal["gif", "mp4"]
SIZES = {"1920x1080": (1920, 1080), "1280x720": (1280, 720)}  # slides: 16:9
FRAME_MS = 800
END_MS = 2400
MP4_FPS = 5  # FRAME_MS and END_MS are whole numbers of its frames
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu",)
INK, GREY, RIGHT, WRONG, OUTLINE = "#31333f", "#6b6f7b", "#1a7f37", "#d62728", "#d62728"
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@cache
def font(size: int, bold: bool = False) -> Font:
    """DejaVu Sans (it has α, ‹ › and the IPA a task may write), else Pillow's own font."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        if (Path(folder) / name).is_file():
            return ImageFont.truetype(str(Path(folder) / name), size)
    return ImageFont.load_default(size)


def _rgb(colour: str) -> tuple[int, int, int]:
    """'rgb(1,2,3)' or '#rrggbb' -> (r, g, b)."""
    if colour.startswith("#"):
        return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))
    r, g, b = (int(float(v)) for v in colour[colour.index("(") + 1 : -1].split(",")[:3])
    return (r, g, b)


def colour_at(scale: Sequence[Sequence[Any]], t: float) -> tuple[int, int, int]:
    """A Plotly colour scale [[t_k, colour_k], ...] at t in [0, 1], linearly between stops."""
    t = min(1.0, max(0.0, t))
    for (t0, c0), (t1, c1) in pairwise(scale):
        if t <= t1:
            w = 0.0 if t1 == t0 else (t - t0) / (t1 - t0)
            a, b = _rgb(c0), _rgb(c1)
            return (
                round(a[0] + w * (b[0] - a[0])),
                round(a[1] + w * (b[1] - a[1])),
                round(a[2] + w * (b[2] - a[2])),
            )
    return _rgb(scale[-1][1])


@dataclass(frozen=True)
class Box:
    """A rectangle of the frame, in pixels."""

    x: int
    y: int
    w: int
    h: int


def _ink(rgb: tuple[int, int, int]) -> str:
    """Dark text on a light cell, white on a dark one."""
    return "white" if 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2] < 140 else INK


def heatmap(draw: ImageDraw.ImageDraw, fig: dict, box: Box, all_rows: list[str], s: float) -> None:
    """A step view heatmap figure (its first trace: rows so far, its outline shape) in `box`,
    room kept for every row of the trace (`all_rows`, the last step's labels) so that the
    grid stays put from frame to frame."""
    trace, layout = fig["data"][0], fig["layout"]
    cols = layout["xaxis"]["ticktext"]
    rows = layout["yaxis"].get("ticktext", [])
    n = len(all_rows)
    z = trace.get("z") or []
    title = (layout.get("title") or {}).get("text") or ""
    draw.text((box.x, box.y), title.split("<br>")[0], font=font(int(24 * s)), fill=INK)
    label_w = int(max([draw.textlength(str(r), font=font(int(22 * s))) for r in all_rows] + [0]))
    left, top = box.x + label_w + int(16 * s), box.y + int(84 * s)
    room_h = box.h - 150 * s  # the column labels above, the colour bar below
    cell = max(4, min((box.w - (left - box.x)) // max(1, len(cols)), room_h // max(1, n)))
    cell = int(min(cell, 110 * s))
    lo, hi = trace.get("zmin", 0.0), trace.get("zmax", 1.0)
    label = font(int(max(12 * s, min(22 * s, cell * 0.7))))
    for j, token in enumerate(cols):
        cx = left + j * cell + cell // 2
        draw.text((cx, top - int(8 * s)), str(token), font=label, fill=INK, anchor="mb")
    number = font(int(min(18 * s, cell * 0.3)))
    for i, row in enumerate(z):
        y = top + i * cell
        draw.text(
            (left - int(10 * s), y + cell // 2), str(rows[i]), font=label, fill=INK, anchor="rm"
        )
        for j, value in enumerate(row):
            rgb = (
                (240, 240, 240)
                if value is None
                else colour_at(trace["colorscale"], (value - lo) / (hi - lo))
            )
            x = left + j * cell
            draw.rectangle((x, y, x + cell - 2, y + cell - 2), fill=rgb)
            if value is not None and cell >= 44 * s:
                draw.text(
                    (x + cell // 2, y + cell // 2),
                    f"{value:.2f}",
                    font=number,
                    fill=_ink(rgb),
                    anchor="mm",
                )
    for shape in layout.get("shapes", []):  # the current row's outline
        y0 = top + int((shape["y0"] - 0.5) * cell)
        width = max(2, int(5 * s))
        draw.rectangle(
            (left - width, y0 - width, left + len(cols) * cell + width - 2, y0 + cell + width - 2),
            outline=OUTLINE,
            width=width,
        )
    bar = Box(left, top + n * cell + int(24 * s), int(min(len(cols) * cell, 420 * s)), int(18 * s))
    colour_bar(draw, trace, bar, s)


def colour_bar(draw: ImageDraw.ImageDraw, trace: dict, box: Box, s: float) -> None:
    """The colour scale from zmin to zmax, named by its title (α, a / max|a|)."""
    lo, hi = trace.get("zmin", 0.0), trace.get("zmax", 1.0)
    for x in range(box.w):
        rgb = colour_at(trace["colorscale"], x / max(1, box.w - 1))
        draw.line((box.x + x, box.y, box.x + x, box.y + box.h), fill=rgb)
    draw.rectangle((box.x, box.y, box.x + box.w, box.y + box.h), outline=GREY)
    small = font(int(18 * s))
    title = ((trace.get("colorbar") or {}).get("title") or {}).get("text", "")
    middle = box.y + box.h // 2
    draw.text((box.x - int(8 * s), middle), f"{title}  {lo:g}", font=small, fill=INK, anchor="rm")
    draw.text((box.x + box.w + int(8 * s), middle), f"{hi:g}", font=small, fill=INK, anchor="lm")


def bars(draw: ImageDraw.ImageDraw, fig: dict, box: Box, s: float) -> None:
    """The top-k figure: P of the most likely tokens, the chosen one in its colour."""
    if not fig["data"]:
        return
    trace, layout = fig["data"][0], fig["layout"]
    names, probs = layout["yaxis"]["ticktext"], trace["x"]
    colours = trace["marker"]["color"]
    draw.text(
        (box.x, box.y), "P(y_i | y_<i, X): the most likely tokens", font=font(int(22 * s)), fill=INK
    )
    row = int(44 * s)
    width = box.w - int(190 * s)
    for k, (name, p) in enumerate(zip(names, probs)):
        y = box.y + int(44 * s) + k * row
        draw.text(
            (box.x + int(70 * s), y + row // 2),
            str(name),
            font=font(int(22 * s)),
            fill=INK,
            anchor="rm",
        )
        x0 = box.x + int(84 * s)
        draw.rectangle(
            (x0, y + int(6 * s), x0 + max(1, int(p * width)), y + row - int(8 * s)),
            fill=colours[k] if isinstance(colours, list) else colours,
        )
        draw.text(
            (x0 + int(p * width) + int(8 * s), y + row // 2),
            f"{p:.2f}",
            font=font(int(20 * s)),
            fill=GREY,
            anchor="lm",
        )


def output_so_far(
    draw: ImageDraw.ImageDraw, tokens: list[str], marks: list[bool], box: Box, s: float
) -> int:
    """The tokens written so far, each in a box edged green (right) or red (wrong); the
    height used."""
    draw.text((box.x, box.y), "Output so far", font=font(int(24 * s), bold=True), fill=INK)
    face = font(int(30 * s))
    x, y, pad = box.x, box.y + int(44 * s), int(10 * s)
    line = int(58 * s)
    for token, right in zip(tokens, marks):
        w = int(draw.textlength(token, font=face)) + 2 * pad
        if x + w > box.x + box.w:
            x, y = box.x, y + line
        draw.rounded_rectangle(
            (x, y, x + w, y + line - int(10 * s)),
            radius=int(6 * s),
            outline=RIGHT if right else WRONG,
            width=max(1, int(3 * s)),
        )
        draw.text(
            (x + w // 2, y + (line - int(10 * s)) // 2), token, font=face, fill=INK, anchor="mm"
        )
        x += w + int(8 * s)
    return y + line - box.y


def frame(decoding: Decoding, view: dict, i: int, width: int, height: int) -> Image.Image:
    """Step i of the step view `view` (its data) as one picture."""
    s = height / 1080
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    n, margin = view["n"], int(48 * s)
    title = f"{decoding.task.title}: “{decoding.source}”"
    draw.text((margin, margin), title, font=font(int(40 * s), bold=True), fill=INK)
    model = decoding.checkpoint.name + (
        f", head {decoding.head[0] + 1}.{decoding.head[1] + 1}" if decoding.head else ""
    )
    draw.text(
        (margin, margin + int(56 * s)),
        f"{model} · step {i} of {n}",
        font=font(int(26 * s)),
        fill=GREY,
    )
    top = margin + int(120 * s)
    heat_names = [k for k in ("attention", "attribution") if k in view["figures"]]
    side_w = int(width * (0.3 if len(heat_names) < 2 else 0.22))  # "both": room for two grids
    heat_w = width - side_w - 3 * margin
    each = (heat_w - margin * (len(heat_names) - 1)) // max(1, len(heat_names))
    for k, name in enumerate(heat_names):
        frames = view["figures"][name]
        box = Box(margin + k * (each + margin), top, each, height - top - margin)
        all_rows = frames["base"]["layout"]["yaxis"].get("ticktext", [])
        heatmap(draw, apply(frames["base"], frames["steps"][i]), box, all_rows, s)
    for note in view.get("notes", {}).values():
        draw.text((margin, top + int(60 * s)), note, font=font(int(24 * s)), fill=GREY)
    side = Box(width - side_w - margin, top, side_w, height - top - margin)
    used = output_so_far(draw, view["tokens"][:i], view["marks"][:i], side, s)
    if i:
        step = decoding.trace.steps[i - 1]
        draw.text(
            (side.x, side.y + used + int(24 * s)),
            f"y_{i} = {view['tokens'][i - 1]}   P = {step.prob:.2f}",
            font=font(int(30 * s), bold=True),
            fill=INK,
        )
        topk = view["figures"]["topk"]
        bars(
            draw,
            apply(topk["base"], topk["steps"][i]),
            Box(side.x, side.y + used + int(100 * s), side.w, side.h),
            s,
        )
    return image


def frames(decoding: Decoding, width: int, height: int) -> list[Image.Image]:
    """Every step's picture, 0..n."""
    view = decoding.step_view(large=True)  # Classroom mode's figures: made for a projector
    return [frame(decoding, view, i, width, height) for i in range(view["n"] + 1)]


def encode(decoding: Decoding, kind: Kind, width: int, height: int) -> bytes:
    """The animation's bytes (Home's download button)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"decoding.{kind}"
        write(decoding, path, kind, width, height)
        return path.read_bytes()


def write(decoding: Decoding, path: str | Path, kind: Kind, width: int, height: int) -> int:
    """Write the animation of `decoding` to `path`; the number of frames (one per step)."""
    pictures = frames(decoding, width, height)
    durations = [FRAME_MS] * (len(pictures) - 1) + [FRAME_MS + END_MS]
    if kind == "gif":
        palette = [
            p.quantize(colors=255, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
            for p in pictures
        ]
        palette[0].save(
            path,
            save_all=True,
            append_images=palette[1:],
            duration=durations,
            loop=0,
            optimize=False,
            disposal=1,
        )
    else:
        _mp4(pictures, durations, Path(path))
    return len(pictures)


def _mp4(pictures: list[Image.Image], durations: list[int], path: Path) -> None:
    """H.264 at MP4_FPS frames a second, each picture held for its duration (imageio-ffmpeg's
    own ffmpeg binary). The pictures stand still between steps: a few frames a second keep
    every step's timing and cost a fifth of 25 (BENCHMARKS.md)."""
    try:
        import imageio_ffmpeg
    except ImportError:
        raise ExportError("an MP4 needs imageio-ffmpeg (pip install imageio-ffmpeg)") from None
    fps = MP4_FPS
    width, height = pictures[0].size
    writer = imageio_ffmpeg.write_frames(
        str(path), (width, height), fps=fps, quality=8, macro_block_size=8
    )
    writer.send(None)  # start ffmpeg
    try:
        for picture, ms in zip(pictures, durations):
            data = picture.tobytes()
            for _ in range(max(1, round(ms * fps / 1000))):
                writer.send(data)
    finally:
        writer.close()
