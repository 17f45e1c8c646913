"""Descent Lab: `streamlit run app.py`."""

import streamlit as st

from ui import state

st.set_page_config(page_title="Descent Lab", page_icon="⛰️", layout="wide")
state.persist()
st.navigation(
    [
        st.Page("pages/playground.py", title="Playground", icon="🎢", default=True),
        st.Page("pages/curvature.py", title="Curvature", icon="🔍"),
        st.Page("pages/gd_vs_sgd.py", title="GD vs SGD", icon="🎲"),
        st.Page("pages/race.py", title="Optimizer race", icon="🏁"),
    ]
).run()
