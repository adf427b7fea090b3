"""Seq2Seq Attention Lab core: a small, readable RNN encoder-decoder with attention.

Data flows one way (see ../shared/DESIGN.md §2):

    text -> vocab -> model -> decoding trace -> figures -> page

Nothing in this package imports Streamlit.
"""
