"""python -m s2s_lab export: one decoding as an offline HTML page, a GIF or an MP4.

    python -m s2s_lab export --checkpoint checkpoints/reverse-additive --input attention \\
        [--view attention|attribution|both] [--head 2.1] [--beam 4] \\
        [--html out.html] [--gif out.gif] [--mp4 out.mp4] [--size 1920x1080]

Bad arguments get one line on stderr and exit status 2; nothing is half written.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from .animation import SIZES
from .decoding import VIEWS, ExportError, decode


def _head(text: str) -> tuple[int, int]:
    layer, _, head = text.partition(".")
    if not (layer.isdigit() and head.isdigit()):
        raise argparse.ArgumentTypeError(f"{text!r}: write a head as LAYER.HEAD, e.g. 2.1")
    return int(layer), int(head)


def _out(text: str) -> Path:
    """An output file whose folder exists and can be written, and which is no folder."""
    path = Path(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text}: is a folder; give a file name")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(f"{text}: no folder {folder}")
    if not os.access(folder, os.W_OK):
        raise argparse.ArgumentTypeError(f"{text}: the folder {folder} cannot be written")
    return path


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m s2s_lab", description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("export", help="a decoding as HTML, GIF or MP4")
    ex.add_argument("--checkpoint", required=True, help="a checkpoint folder")
    ex.add_argument("--input", required=True, help="the input to decode")
    ex.add_argument("--view", choices=VIEWS, default="attention", help="the heatmap(s) shown")
    ex.add_argument("--head", type=_head, help="a Transformer's head, LAYER.HEAD (1-based)")
    ex.add_argument("--beam", type=int, help="the best hypothesis of a beam of this width")
    ex.add_argument("--html", type=_out, help="the offline page to write")
    ex.add_argument("--gif", type=_out, help="the animation to write")
    ex.add_argument("--mp4", type=_out, help="the video to write (needs imageio-ffmpeg)")
    ex.add_argument("--size", choices=SIZES, default="1920x1080", help="the animation's size")
    return ap


def export(args: argparse.Namespace) -> None:
    if not (args.html or args.gif or args.mp4):
        raise ExportError("nothing to write: give --html, --gif or --mp4")
    decoding = decode(args.checkpoint, args.input, args.view, beam=args.beam, head=args.head)
    if args.html:
        from . import html

        began = time.perf_counter()
        size = html.write(decoding, args.html)
        print(f"{args.html}: {size / 1e6:.2f} MB in {time.perf_counter() - began:.1f} s")
    if args.gif or args.mp4:
        from . import animation

        width, height = SIZES[args.size]
        kinds: tuple[tuple[Path | None, animation.Kind], ...] = (
            (args.gif, "gif"),
            (args.mp4, "mp4"),
        )
        for path, kind in kinds:
            if path:
                began = time.perf_counter()
                frames = animation.write(decoding, path, kind, width, height)
                took = time.perf_counter() - began
                mb = path.stat().st_size / 1e6
                print(f"{path}: {frames} frames, {mb:.2f} MB in {took:.1f} s")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        export(args)
    except (ExportError, OSError) as err:
        print(f"python -m s2s_lab export: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
