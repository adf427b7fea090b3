"""Plotly and Altair figures: pure functions, a trace or a table in, a figure out."""
