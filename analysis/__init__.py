"""What runs a model or measures, below the layer that draws (presentation/).

bottleneck.py   the Bottleneck page's measurements: re-evaluation on fresh samples, context
                norms by length, decode timing
examples.py     the Theory page's worked examples: the numbers of one trace, section by section
limits.py       §6 and §9 in numbers: the shipped metrics by length and by d, the throughput
agreement.py    does attention (or attribution) point at the gold alignment, on one trace
formulas.py     the registry's formulas meet the functions that compute them (and their source)

No Streamlit, no figures. examples.py reads plain traces only (no torch), so the drawing
layer may use its dataclasses; the other modules run models and stay behind the pages.
"""
