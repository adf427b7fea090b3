"""Plotly and Altair figures: pure functions, a trace or a table in, a figure out.

    heatmap/        the attention and attribution heatmaps, row i = step, column j = x_j
                    (its __init__ lists its rooms)
    step_charts.py  the small charts of one step: top-k P(y_i), ||c_i|| over the steps
    frames.py       a figure that steps: a base figure and per-step operations
    plotly_spec.py  a Plotly figure from a spec written out whole (no validation)
    explorer.py     the Attention explorer's grids, heads, beams; Theory's length chart
    bottleneck.py   the Bottleneck page's charts
    training.py     the Train page's curves
    diagrams.py     the model drawn as a graph, with a step's numbers in it

Each module's docstring lists what it draws, with the symbols of the paper.
"""
