"""Streamlit helpers shared by the pages: model loading, session state, the step view.

Everything that is not about widgets or layout lives in s2s_core (no Streamlit there).
"""
