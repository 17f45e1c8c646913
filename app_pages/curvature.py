"""Curvature: the Hessian at a point, its eigen-axes, κ, and why a large κ makes GD slow."""

from functools import partial

import streamlit as st

from ui import compute, controls, curvature_panel, explain
from viz.curvature import axes_figure, map_figure

st.title("Curvature: what the Hessian says about a point")
explain.opening(
    "Click a point on the contour and read what the Hessian says there: which way f bends, "
    "how sharply, and how large a step is safe."
)
st.markdown(
    "Near a point p every smooth loss looks like its second-order model "
    r"$f(p+d) \approx f(p) + g^\top d + \tfrac12\, d^\top H d$, with the gradient "
    r"$g = \nabla f(p)$ and the Hessian $H = \nabla^2 f(p) = V\,\mathrm{diag}(\lambda_1, "
    r"\lambda_2)\,V^\top$. The eigenvectors $v_i$ are the directions where f bends the most and "
    r"the least, the eigenvalues $\lambda_i$ how sharply. **Click the contour** (or type a point "
    "in the sidebar) to see them there."
)

with st.sidebar:
    choice = controls.surface_controls()
    surface = controls.checked_surface(choice)
    hyperparameters = controls.hyperparameter_controls(
        choice, "gd", controls.start_point_value(choice), hint=False
    )
    point = curvature_panel.point_controls(choice)
controls.stop_if_formula_broken()

lr = dict(hyperparameters)["lr"]
view = explain.run_or_explain(lambda: compute.curvature_view(choice.name, choice.params, point))
curvature_panel.warn_if_off_plot(surface, point)
axis_labels = surface.extras.get("axis_labels", ("x", "y"))

axes_column, numbers_column = st.columns([3, 2], gap="medium")
with axes_column:
    st.plotly_chart(
        axes_figure(view.layers, surface, view.curvature, axis_labels),
        key="curvature_axes_chart",
        theme=None,
        height="stretch",
        selection_mode="points",
        on_select=partial(curvature_panel.set_point_from_click, choice, "curvature_axes_chart"),
    )
    st.caption(
        "Axis length ∝ 1/√|λ|: the semi-axes of the model's level ellipse (dotted). "
        "Blue: f curves up along the axis (λ > 0); orange: down (λ < 0)."
    )
with numbers_column:
    curvature_panel.kind_heading(view.curvature)
    curvature_panel.matrices(view.curvature)
    curvature_panel.metrics(view.curvature)
    curvature_panel.step_factors(view.curvature, lr)

map_column, text_column = st.columns([3, 2], gap="medium")
with map_column:
    st.plotly_chart(
        map_figure(view.grid, view.layers, point, curvature_panel.map_mode(), axis_labels),
        key="curvature_map_chart",
        theme=None,
        height="stretch",
        selection_mode="points",
        on_select=partial(curvature_panel.set_point_from_click, choice, "curvature_map_chart"),
    )
    curvature_panel.map_mode_control()
with text_column:
    st.subheader("Why a large κ makes gradient descent slow")
    st.markdown(
        r"Near a minimum $p^*$ the gradient is $\nabla f(p) \approx H\,(p - p^*)$, so a step "
        r"$p \leftarrow p - \eta \nabla f(p)$ multiplies the error $e = p - p^*$ by "
        r"$I - \eta H$. Written in the eigenvectors, $e = \sum_i c_i v_i$, each component "
        r"changes on its own:"
    )
    st.latex(r"c_i \;\leftarrow\; (1 - \eta\lambda_i)\, c_i .")
    st.markdown(
        r"It shrinks only if $|1 - \eta\lambda_i| < 1$ in **every** direction, so the most "
        r"curved one sets the speed limit $\eta < 2/\lambda_{\max}$. Near that limit the "
        r"steep direction is the slow one (its factor $1 - \eta\lambda_{\max}$ is close "
        r"to $-1$: it bounces across the valley) and the flat one keeps about "
        r"$1 - 2/\kappa$. The best fixed step balances the two:"
    )
    st.latex(
        r"\eta = \frac{2}{\lambda_{\min} + \lambda_{\max}}: \quad "
        r"|1 - \eta\lambda_{\min}| = |1 - \eta\lambda_{\max}| = "
        r"\frac{\kappa - 1}{\kappa + 1},\qquad \kappa = \frac{\lambda_{\max}}{\lambda_{\min}}"
    )
    st.markdown(
        r"per step in both directions: about $\kappa/2$ steps per factor e ≈ 2.7, so a "
        r"valley with $\kappa = 1000$ needs thousands of steps (the Convergence rates page "
        r"counts them). A round bowl ($\kappa = 1$) is solved in one step of $\eta = 1/\lambda$ "
        r"(at $\eta = 2/\lambda$ it bounces between two points for ever). Exact line "
        r"search ($\alpha^* = g^\top g / g^\top H g$ each step) zig-zags for the same reason."
    )
    sentence = curvature_panel.gd_speed_sentence(view.curvature)
    if sentence:
        st.info(sentence)
