"""The baseline page for the browser benchmark: one button and one number."""

import streamlit as st

st.session_state.setdefault("n", 0)
if st.button("Next"):
    st.session_state.n += 1
st.markdown(f"### count {st.session_state.n}")
