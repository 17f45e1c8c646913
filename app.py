"""Descent Lab: `streamlit run app.py`."""

import streamlit as st

from ui import favicon, preload, ratelimit, reconnect, share, state, style

# plotly.js (4.7 MB) starts loading before anything else runs: set_page_config's icon already
# imports NumPy and PIL (Streamlit's image_to_url), ~0.1 s the download need not wait for.
preload.plotly()
st.set_page_config(page_title="Descent Lab", page_icon=favicon.PAGE_ICON, layout="wide")
state.persist()
# A session rerunning faster than a person can (a script) waits; the others' threads run.
ratelimit.pace()
# After a lost WebSocket (a replica died) the page reruns by itself on the next replica.
reconnect.rerun_on_reconnect()
# The link keeps its place in the sidebar while the page runs (no jump on rerun).
share.reserve()
style.inject()
page = st.navigation(
    [
        st.Page(
            "app_pages/playground.py",
            title="Playground",
            icon=":material/play_circle:",
            default=True,
        ),
        st.Page("app_pages/lessons.py", title="Lessons", icon=":material/school:"),
        st.Page("app_pages/curvature.py", title="Curvature", icon=":material/query_stats:"),
        st.Page("app_pages/gd_vs_sgd.py", title="GD vs SGD", icon=":material/scatter_plot:"),
        st.Page("app_pages/race.py", title="Optimizer race", icon=":material/sports_score:"),
        st.Page("app_pages/phase.py", title="Phase diagram", icon=":material/grid_on:"),
        st.Page("app_pages/rates.py", title="Convergence rates", icon=":material/trending_down:"),
        st.Page("app_pages/network.py", title="Neural network", icon=":material/hub:"),
    ]
)
try:
    page.run()
finally:
    # The URL takes the settings drawn in this run (ui.state); a page that ends with
    # share.finish() has done it already, and one stopped by st.stop() keeps the last URL.
    share.finish()
