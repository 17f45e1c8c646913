"""Playground: one optimizer on one surface, animated over the contour."""

from functools import partial

import streamlit as st

from ui import compute, controls, explain, export, rates, scrub, state

st.title("Playground")
explain.opening(
    "Pick a surface and an optimizer in the sidebar, press ▶ under the chart, and watch where"
    " the path goes: change the learning rate and run it again."
)
settings = controls.playground_sidebar()
controls.stop_if_formula_broken()
surface = compute.surface_of(settings)
trajectory = explain.run_or_explain(partial(compute.run, settings))

if scrub.toggle():
    scrub.chart(settings)
else:
    st.plotly_chart(
        compute.path_figure((settings,), theory=True),
        key="playground_chart",
        on_select=partial(
            controls.set_start_from_click, controls.SurfaceChoice.of(settings), "playground_chart"
        ),
        selection_mode="points",
        width="stretch",
        # Fills its element, whose height follows the window (ui/style.py).
        height="stretch",
        theme=None,
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
