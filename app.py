"""Seq2Seq Attention Lab: the entrypoint, a frame around every page.

Streamlit runs this file at every click: first the frame (ui/frame.py: page config,
navigation, the link, a finished training job, the shared sidebar), then the page the
student is on (pages/*.py: widgets, state and calls, nothing else).

The model and its decoding trace come from s2s_core/, the figures and formulas from
presentation/, the Streamlit helpers the pages share from ui/.
"""

from __future__ import annotations

from ui import frame

with frame.run_slot():  # at most two page runs at a time: ui/frame.py says why
    page = frame.draw()
    frame.run(page)
