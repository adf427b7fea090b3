"""Figures, tables, LaTeX and sentences: data in, something to show out. No Streamlit, and
no model: what runs a model or measures lives in analysis/, one layer below.

formulas.py        the seed's formulas: LaTeX, the function that computes each (by name),
                   deviations
step_formulas.py   those formulas with the numbers of one decoding step
theory.py          the seed's sections in our words, and its §9 limitations table
theory_latex.py    the Theory page's worked examples (analysis/examples.py) as LaTeX
theory_doc.py      docs/theory.md, written from theory.py and the registry
bottleneck.py      the Bottleneck page's tables (accuracy by length, norms, capacity)
truth.py           attention against attribution, from metrics.json, as tables and sentences
verdicts.py        is an output right, per symbol and as a whole
heads.py           a Transformer trace shown one head at a time
stepping.py        the step view: every step's figures and formulas, sent once
text.py, style.py  how numbers and tokens are written; font sizes and colours
figures/           Plotly and Altair figures (heatmap, step charts, explorer, ...)
"""
