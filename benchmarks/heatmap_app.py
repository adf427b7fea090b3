"""A minimal heatmap page for the browser benchmark: a Next button and the attention heatmap."""

import streamlit as st

from presentation.figures import heatmap as figures
from s2s_core.model.decoding import greedy_trace
from s2s_core.shipped import CHECKPOINT_DIR
from s2s_core.training.checkpoints import load


@st.cache_resource
def trace():
    ckpt = load(CHECKPOINT_DIR / "reverse-additive")
    return greedy_trace(
        ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, "abcdefghijklmnopqrstuvwxyzabcd", 41
    )


st.session_state.setdefault("n", 0)
if st.button("Next"):
    st.session_state.n += 1
st.markdown(f"### count {st.session_state.n}")
st.plotly_chart(
    figures.attention_heatmap(
        trace(), upto=st.session_state.n, current=st.session_state.n, strip=True
    ),
    theme=None,
)  # the home page's heatmap, drawn the same way
