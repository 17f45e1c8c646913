"""Optimizer race: several update rules from the same start on the same surface."""

from functools import partial

import streamlit as st

from ui import compute, controls, explain, live_chart, share

st.title("Optimizer race")
explain.opening(
    "Choose the racers in the sidebar (each starts at a learning rate that suits it) and see "
    "which reaches the minimum in the fewest steps."
)
racers = controls.race_sidebar()
controls.stop_if_formula_broken()
if not racers:
    st.info("Pick at least one optimizer in the sidebar to start the race.")
    share.finish()
    st.stop()
trajectories = [explain.run_or_explain(partial(compute.run, settings)) for settings in racers]
labels = tuple(t.optimizer.label() for t in trajectories)

# Drawn in place over the last figure (Plotly.react), as the Playground's: ui/live_chart.py.
# It fills its element, whose height follows the window (ui/style.py).
live_chart.show(compute.path_figure(racers, labels, show_arrows=False), key="race_chart")
st.plotly_chart(compute.race_curves(racers, labels), width="stretch", theme=None)
st.dataframe(compute.race_table(racers), hide_index=True, width="stretch")

with st.expander("The update rules", expanded=False):
    for trajectory in trajectories:
        st.markdown(f"**{trajectory.optimizer.title}**")
        st.latex(trajectory.optimizer.formula)
