"""A decoding taken away from the app: an offline page, an animation, a notebook widget.

    from s2s_lab import show                      # in a notebook (anywidget)
    show("checkpoints/reverse-additive", "attention")

    python -m s2s_lab export --checkpoint checkpoints/reverse-additive --input attention \\
        --html out.html --gif out.gif

decoding.py   a checkpoint and an input -> the step view's data (as the app computes it)
bundle.py     the app's step view modules (presentation/stepview/) as one script
html.py       one self-contained HTML page: the step view, its data, Plotly and KaTeX
animation.py  a GIF or MP4, one frame per step, painted from the step view's figures
widget.py     the step view as an anywidget: the same modules, stepping in the cell
__main__.py   the command line
"""

from __future__ import annotations

from typing import Any


def show(*args: Any, **kwargs: Any) -> Any:
    """The step view of a checkpoint decoding an input, in a notebook cell (widget.show)."""
    from .widget import show as show_widget  # anywidget, only where a notebook asks

    return show_widget(*args, **kwargs)


__all__ = ["show"]
