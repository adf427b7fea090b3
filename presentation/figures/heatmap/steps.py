"""The heatmaps of Home's step view: one base figure and, for each step, the operations
that turn it into that step's figure (frames.py explains the operations).

Step i of a trace of n steps shows the first i rows and their labels, outlines row i and
colours the strip by row i; step 0 shows no row, the strip white and a hint where the rows
will be. The base is step n's figure, so each step only cuts the rows ("head") and sets
the strip, its label and the outline.
"""

from __future__ import annotations

from presentation.figures.frames import Frames, Op, plain
from presentation.figures.heatmap.cells import outline, strip_label
from presentation.figures.heatmap.layout import Look, rows_spec
from s2s_core.trace import Trace


def step_frames(
    trace: Trace,
    heat: dict,
    strip_rows: list[list[float]],
    large: bool,
    title: str | None,
    hint: str | None,
    attribution: bool,
) -> Frames:
    """The figures of steps 0..n with the source strip, all with room for the n rows: the
    base is step n's (every row, the last one outlined); step i keeps the first i rows and
    their labels, outlines row i and colours the strip by its row (step 0: no row, the
    hint). `heat`: the heatmap trace of all n rows."""
    n, T = len(trace.steps), len(trace.source_tokens)
    look = Look(large, title, True, hint, attribution)
    base = plain(rows_spec(trace, trace.steps, heat, strip_rows, n, look))  # step n: every row
    empty = plain(rows_spec(trace, [], dict(heat), [], None, look, rows=n))  # step 0: none
    steps: list[list[Op]] = []
    for i in range(n):
        rows: list[Op] = [["head", ["data", 0, key], i] for key in ("z", "customdata", "text", "y")]
        rows += [["head", ["layout", "yaxis", key], i] for key in ("tickvals", "ticktext")]
        if i == 0:  # the strip uncoloured, the hint where the rows will be, no outline
            rows += [
                ["set", ["data", 1], empty["data"][1]],
                ["set", ["layout", "annotations"], empty["layout"]["annotations"]],
                ["del", ["layout", "shapes"]],
            ]
        else:
            rows += [
                ["set", ["data", 1, "z"], [list(map(float, strip_rows[i - 1]))]],
                ["set", ["layout", "annotations", 1, "text"], strip_label(i, attribution)],
                ["set", ["layout", "shapes", 0], plain(outline(i, T))],
            ]
        steps.append(rows)
    return Frames(base, [*steps, []])
