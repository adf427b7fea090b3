"""Streamlit helpers shared by the pages: model loading, session state, the step view.

What is not about widgets or layout lives below: figures, formulas and texts in
presentation/, the model and its data in s2s_core/ (neither imports Streamlit).
"""

import os

# Decoding one input is many small tensor operations. OpenMP's worker threads spin between
# them by default, burning a core each that other sessions need (the server's CPU per new
# input fell by a third when they sleep instead: BENCHMARKS.md, load group). It must be
# said before torch loads OpenMP, and ui/ is the first thing the app imports.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
