"""Playground: one optimizer on one surface, animated over the contour."""

from functools import partial

import streamlit as st

from ui import compute, controls, explain, export, live_chart, rates, scrub, state

st.title("Playground")
# One line at 1280×800, so Play and the status line stay above the fold (issue 11).
explain.opening(
    "Pick a surface and an optimizer in the sidebar, press ▶, then change the learning rate."
)
settings = controls.playground_sidebar()
controls.stop_if_formula_broken()
surface = compute.surface_of(settings)
trajectory = explain.run_or_explain(partial(compute.run, settings))

# In the sidebar, under the controls it switches: above the chart it pushed Play and the
# status line under the fold at 1280×800; at the bottom it moves none of the controls.
with st.sidebar:
    scrubbing = scrub.toggle()
if scrubbing:
    scrub.chart(settings)
else:
    # Drawn in place over the last figure (Plotly.react), not remounted: ui/live_chart.py.
    # It fills its element, whose height follows the window (ui/style.py).
    live_chart.show(
        compute.path_figure((settings,), theory=True),
        key="playground_chart",
        on_click=partial(controls.set_start, controls.SurfaceChoice.of(settings)),
    )
explain.status(trajectory, surface)
rate = compute.rate_curve(settings)
if rate is not None:
    st.caption(rates.rate_caption(rate))
st.caption("Click anywhere on the contour to start from there. Press ▶ to replay the run.")
export.downloads(settings, trajectory, theory=True)

state.default("dl_show_3d", False, kind="bool")
if st.toggle("Show the 3-D surface", key="dl_show_3d"):
    st.plotly_chart(compute.surface_3d_figure((settings,)), width="stretch", theme=None)

with st.expander("The update rule", expanded=True):
    st.latex(trajectory.optimizer.formula)
    st.markdown(f"**{surface.title}** — {surface.description}")
    st.latex(surface.formula)
