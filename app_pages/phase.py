"""Phase diagram: steps to converge over learning rate × momentum, with the theory's limits."""

from functools import partial

import streamlit as st

from ui import compute, controls, explain
from ui import phase as controls_phase
from viz import phase

st.title("Phase diagram")
explain.opening(
    "Find the learning rate and momentum that converge fastest: click a cell of the map to "
    "run that setting."
)
st.markdown(
    "Every cell is one run from the same start with its own learning rate $\\eta$ (x, log "
    "scale) and momentum $\\beta$ (y; $\\beta_1$ for Adam, $\\rho$ for RMSprop), coloured by "
    "the steps it needs to reach $\\lVert\\nabla f\\rVert <$ tol. On a quadratic heavy ball "
    "is stable exactly for $\\eta < 2(1+\\beta)/\\lambda_{\\max}$ (the dashed line), but a "
    "budget shows that edge only roughly: just past it the swings grow slowly and may not "
    "leave the plot in time (grey, still moving, not yet dark red), and with $\\beta$ near 1 "
    "the swings just below it shrink so slowly that those runs are still moving too. "
    "Gradient descent has no $\\beta$: it gets the one-dimensional slice only."
)
settings = controls_phase.sidebar()
controls.stop_if_formula_broken()
surface = compute.surface_of(settings)
# A new surface or κ sweeps the whole grid again (seconds): say so, where the map will be.
with st.spinner("Running every cell of the grid…", show_time=True):
    data = explain.run_or_explain(
        lambda: compute.phase_data(
            settings.surface,
            settings.surface_params,
            settings.optimizer,
            settings.hyperparameters,
            settings.x0,
            settings.steps,
            settings.tol,
            controls.LR_OPTIONS,
        )
    )
layers = compute.layers(settings.surface, settings.surface_params)

left, right = st.columns([2, 1])
run_chart = phase.run_figure(layers, surface, data.trajectory)
slice_chart = phase.slice_figure(data)
slice_args = {
    "key": controls_phase.SLICE_CHART_KEY,
    "selection_mode": "points",
    "theme": None,
    "on_select": partial(controls_phase.on_slice_click, settings),
    "width": "stretch",
    "height": "stretch",
}
if data.has_map and len(data.ys) < len(phase.y_values(settings.optimizer)):
    left.caption(
        f"A coarser {len(data.ys)} × {len(data.lrs)} grid: at {settings.steps} steps this "
        "surface's gradients (one per data point) would keep the server busy too long. Fewer "
        "steps or samples give a finer map."
    )
if data.has_map:
    left.plotly_chart(
        phase.map_figure(data),
        key=controls_phase.MAP_CHART_KEY,
        on_select=partial(controls_phase.on_map_click, settings),
        selection_mode="points",
        theme=None,
        width="stretch",
        height="stretch",
    )
    left.caption(
        "Click a cell to use its η and β: the run on the right and the Playground "
        "both switch to it. Cyan ring: the current setting."
    )
else:  # gradient descent: its one knob is the slice
    left.plotly_chart(slice_chart, **slice_args)
    left.caption(
        "Click a point to use its η: the run on the right and the Playground both switch to it."
    )
right.plotly_chart(run_chart, key="phase_run", theme=None, width="stretch", height="stretch")
explain.status(data.trajectory, surface)
if data.has_map:
    st.plotly_chart(slice_chart, **slice_args)
    st.caption("The map's row at the current β in full resolution. Click a point to use its η.")

with st.expander("The theory behind the lines", expanded=not data.has_map):
    st.markdown(
        "On a quadratic $f(\\mathbf p) = \\tfrac12 \\mathbf p^\\top H \\mathbf p$ with "
        "eigenvalues $\\lambda_{\\min} \\le \\lambda_{\\max}$ and "
        "$\\kappa = \\lambda_{\\max}/\\lambda_{\\min}$, each rule is a linear recurrence, "
        "stable exactly when"
    )
    st.latex(
        r"\text{GD: } 0 < \eta < \frac{2}{\lambda_{\max}}, \qquad "
        r"\text{heavy ball: } 0 < \eta < \frac{2(1+\beta)}{\lambda_{\max}}, \qquad "
        r"\text{Nesterov: } 0 < \eta < \frac{2(1+\beta)}{(1+2\beta)\,\lambda_{\max}}"
    )
    st.markdown(
        "The fastest GD step and the fastest heavy-ball pair, with the factor by which "
        "the error shrinks each step:"
    )
    st.latex(
        r"\eta_{GD} = \frac{2}{\lambda_{\min}+\lambda_{\max}},\ "
        r"\text{rate } \frac{\kappa-1}{\kappa+1}; \qquad "
        r"\eta^* = \Big(\frac{2}{\sqrt{\lambda_{\max}}+\sqrt{\lambda_{\min}}}\Big)^2,\ "
        r"\beta^* = \Big(\frac{\sqrt\kappa-1}{\sqrt\kappa+1}\Big)^2,\ "
        r"\text{rate } \frac{\sqrt\kappa-1}{\sqrt\kappa+1}"
    )
    curvature = data.curvature
    if curvature is not None:
        st.markdown(controls_phase.optimum_sentence(curvature))
    else:
        st.markdown(
            "This surface is not a quadratic with a positive definite Hessian, so no "
            "line is drawn: its curvature changes along the path."
        )
    st.markdown(
        "Adam and RMSprop divide each step by a running gradient scale, so no limit of "
        "this form applies to them; their map shows where they settle within the "
        "budget. Cells agree with the Playground's run of the same setting (without "
        "decay, clipping or noise)."
    )
