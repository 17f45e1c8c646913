"""Descent Lab: `streamlit run app.py`."""

import streamlit as st

from ui import state

st.set_page_config(page_title="Descent Lab", page_icon="⛰️", layout="wide")
state.persist()
st.navigation(
    [
        st.Page(
            "pages/playground.py", title="Playground", icon=":material/play_circle:", default=True
        ),
        st.Page("pages/curvature.py", title="Curvature", icon=":material/query_stats:"),
        st.Page("pages/gd_vs_sgd.py", title="GD vs SGD", icon=":material/scatter_plot:"),
        st.Page("pages/race.py", title="Optimizer race", icon=":material/sports_score:"),
        st.Page("pages/phase.py", title="Phase diagram", icon=":material/grid_on:"),
    ]
).run()
