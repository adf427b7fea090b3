"""Streamlit helpers shared by the pages: model loading, session state, the step view.

What is not about widgets or layout lives below: figures, formulas and texts in
presentation/, the model and its data in s2s_core/ (neither imports Streamlit).
"""
