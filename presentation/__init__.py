"""Figures and formulas that need no Streamlit: data in, a figure, a table or LaTeX out.

formulas.py        the seed's formulas: LaTeX, the function that computes each, deviations
step_formulas.py   those formulas with the numbers of one decoding step
theory.py          the seed's sections in our words, with live numbers from a trace
bottleneck.py      the bottleneck page's analyses (accuracy by length, norms, timing)
verdicts.py        is an output right, per symbol and as a whole; attention on gold
text.py, style.py  how numbers and tokens are written; font sizes and colours
figures/           Plotly and Altair figures (heatmap, step charts, explorer, ...)
"""
