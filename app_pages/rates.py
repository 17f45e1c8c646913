"""Convergence rates: the Playground's run split along the Hessian's eigenvectors, then the
steps to converge against the condition number κ for GD and momentum."""

import math
from functools import partial

import streamlit as st

from ui import compute, controls, explain, rates

st.title("Convergence rates")
explain.opening(
    "Move the learning rate in the sidebar and watch which eigen-direction of the error "
    "shrinks slowest; below, see how the steps grow with κ."
)
settings = controls.playground_sidebar()
controls.stop_if_formula_broken()
surface = compute.surface_of(settings)
trajectory = explain.run_or_explain(partial(compute.run, settings))

st.subheader("Your run, one eigen-direction at a time")
st.markdown(
    "On a quadratic $f(\\mathbf x) = f^* + \\tfrac12 (\\mathbf x - \\mathbf x^*)^\\top H "
    "(\\mathbf x - \\mathbf x^*)$ the gradient is $H(\\mathbf x - \\mathbf x^*)$, so gradient "
    "descent moves each eigenvector $\\mathbf v_i$ of $H$ on its own: the error along it is "
    "multiplied by $1 - \\eta\\lambda_i$ every step, "
    "$\\;\\mathbf v_i^\\top(\\mathbf x_t - \\mathbf x^*) = (1 - \\eta\\lambda_i)^t\\, "
    "\\mathbf v_i^\\top(\\mathbf x_0 - \\mathbf x^*)$. The direction with the largest "
    "$|1 - \\eta\\lambda_i|$ shrinks slowest and sets the pace. Below "
    "$\\eta = 2/(\\lambda_{\\min} + \\lambda_{\\max})$ that is the flat direction (small "
    "$\\lambda$); above it the steep one, whose factor $1 - \\eta\\lambda_{\\max}$ is negative "
    "and grows in size until it passes $-1$ at $\\eta = 2/\\lambda_{\\max}$."
)
sentence = rates.slow_direction_sentence(
    compute.quadratic_curvature(settings.surface, settings.surface_params),
    settings.optimizer,
    settings.lr,
)
if sentence:
    st.info(sentence)
if not surface.minima:
    st.info(
        f"The {surface.title} surface has no minimizer, so there is no error "
        "$\\mathbf x_t - \\mathbf x^*$ to split into directions. Pick a surface with a minimum "
        "(the quadratic bowl or the least-squares fit show the theory exactly)."
    )
else:
    if not surface.is_quadratic:
        st.info(
            f"The {surface.title} surface is not a quadratic: its Hessian changes from point "
            "to point. The split below uses the Hessian at the minimizer nearest the run's "
            "end, a **local** picture that holds once the run is close to it."
        )
    st.plotly_chart(
        explain.run_or_explain(lambda: compute.eigen_error_figure(settings)),
        key="rates_eigen",
        width="stretch",
        height="stretch",
        theme=None,
    )
    if settings.optimizer == "gd":
        st.caption(
            "Solid: the run's error along each eigenvector. Dashed: $(1-\\eta\\lambda_i)^t$ "
            "times the starting error; on a quadratic they coincide, step for step."
        )
    elif settings.optimizer in ("momentum", "nesterov"):
        st.caption(
            "Solid: the run's error along each eigenvector. Dashed: the asymptotic rate "
            "$r_i^t$ of each direction, the spectral radius of the momentum iteration's "
            "2×2 matrix for $\\lambda_i$; the error oscillates around this slope."
        )
    else:
        st.caption(
            "Solid: the run's error along each eigenvector. Adaptive rules and Newton's "
            "method rescale each step, so no fixed-rate line is drawn for them."
        )
explain.status(trajectory, surface)

st.subheader("Steps to converge against the condition number")
st.markdown(
    "Each point is one run on the quadratic bowl with eigenvalues $1$ and $\\kappa$, from "
    f"$({rates.SWEEP_START[0]:g}, {rates.SWEEP_START[1]:g})$ until "
    f"$\\lVert\\nabla f\\rVert < 10^{{{round(math.log10(rates.SWEEP_TOL))}}}$, "
    "with each rule at its standard setting. The error shrinks by a factor $r$ per step, "
    "so shrinking it by a factor $\\varepsilon$ takes "
    "$\\ln(1/\\varepsilon)/\\ln(1/r)$ steps:\n\n"
    "| rule | setting | rate $r$ per step | steps $\\approx$ |\n"
    "|---|---|---|---|\n"
    "| GD | $\\eta = \\frac{2}{\\lambda_{\\min}+\\lambda_{\\max}}$ "
    "| $\\frac{\\kappa-1}{\\kappa+1} \\approx 1 - \\frac{2}{\\kappa}$ "
    "| $\\frac{\\kappa}{2}\\ln\\frac{1}{\\varepsilon}$ |\n"
    "| heavy ball | $\\eta^* = \\big(\\frac{2}{\\sqrt{\\lambda_{\\max}}"
    "+\\sqrt{\\lambda_{\\min}}}\\big)^2,\\ \\beta^* = r^2$ "
    "| $\\frac{\\sqrt\\kappa-1}{\\sqrt\\kappa+1} \\approx 1 - \\frac{2}{\\sqrt\\kappa}$ "
    "| $\\frac{\\sqrt\\kappa}{2}\\ln\\frac{1}{\\varepsilon}$ |\n"
    "| Nesterov | $\\eta = \\frac{1}{\\lambda_{\\max}},\\ "
    "\\beta = \\frac{\\sqrt\\kappa-1}{\\sqrt\\kappa+1}$ "
    "| $1 - \\frac{1}{\\sqrt\\kappa}$ "
    "| $\\sqrt\\kappa\\,\\ln\\frac{1}{\\varepsilon}$ |"
)
curvature = compute.quadratic_curvature(settings.surface, settings.surface_params)
current_kappa = rates.condition_number(surface, curvature)
sweep_args = (
    rates.SWEEP_KAPPAS,
    rates.SWEEP_RULES,
    rates.SWEEP_START,
    rates.SWEEP_TOL,
    rates.SWEEP_MAX_STEPS,
)
st.plotly_chart(
    compute.condition_sweep_figure(*sweep_args, current_kappa),
    key="rates_sweep",
    width="stretch",
    height="stretch",
    theme=None,
)
sweep = compute.condition_sweep(*sweep_args)
st.caption(rates.slopes_caption(sweep, current_kappa))
