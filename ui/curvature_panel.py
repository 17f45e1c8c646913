"""Widgets of the Curvature page: the point (typed or clicked), the map choice, the numbers.

The point is remembered per surface under ``dl_curv.<surface>.x`` / ``.y``, apart from the
Playground's start point: looking at the Hessian somewhere should not move the start.
"""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

import surfaces
from ui.controls import SurfaceChoice
from ui.state import default, set_value
from viz.curvature import eigen_latex, hessian_latex

MAP_MODES = {
    "condition": "log₁₀ κ (how stretched the bowl is)",
    "sign": "sign pattern (minimum / saddle / maximum-like)",
}
KIND_TEXT = {
    "minimum": "bowl: minimum-like",
    "maximum": "dome: maximum-like",
    "saddle": "saddle",
    "degenerate": "degenerate (a flat direction)",
}


def point_keys(choice: SurfaceChoice) -> tuple[str, str]:
    return f"dl_curv.{choice.name}.x", f"dl_curv.{choice.name}.y"


def point_controls(choice: SurfaceChoice) -> tuple[float, float]:
    """Two number inputs for the point; a click on either chart also sets them.

    They have no min/max on purpose: Streamlit refuses a session-state value outside those
    limits with an exception, and a point off the plot is a fair question with an answer (the
    page warns that its axes are off the picture).
    """
    surface = choice.surface
    key_x, key_y = point_keys(choice)
    default(key_x, float(surface.start[0]), kind="float")
    default(key_y, float(surface.start[1]), kind="float")
    left, right = st.columns(2)
    x = left.number_input("Point x", step=0.1, key=key_x, format="%.3f")
    y = right.number_input("Point y", step=0.1, key=key_y, format="%.3f")
    return float(x), float(y)


def set_point_from_click(choice: SurfaceChoice, chart_key: str) -> None:
    """``on_select`` callback of either curvature chart: the clicked point becomes the point."""
    event = st.session_state.get(chart_key) or {}
    points = event.get("selection", {}).get("points", [])
    if not points:
        return
    x, y = points[0].get("x"), points[0].get("y")
    if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in (x, y)):
        return
    key_x, key_y = point_keys(choice)
    set_value(key_x, round(float(x), 4))
    set_value(key_y, round(float(y), 4))


def map_mode() -> str:
    """The chosen map, readable before its radio is drawn (the radio sits under the chart)."""
    return default("dl_curv.map", "condition", options=list(MAP_MODES))


def map_mode_control() -> str:
    """Which map the second figure shows."""
    default("dl_curv.map", "condition", options=list(MAP_MODES))
    return st.radio(
        "Colour the plot by",
        list(MAP_MODES),
        key="dl_curv.map",
        format_func=MAP_MODES.get,
        horizontal=True,
    )


def warn_if_off_plot(surface: surfaces.Surface, point: tuple[float, float]) -> None:
    (xmin, xmax), (ymin, ymax) = surface.bounds
    if not (xmin <= point[0] <= xmax and ymin <= point[1] <= ymax):
        st.warning(
            f"The point ({point[0]:.4g}, {point[1]:.4g}) is outside the plotted window "
            f"x ∈ [{xmin:.3g}, {xmax:.3g}], y ∈ [{ymin:.3g}, {ymax:.3g}]: the numbers below "
            "are for that point, but its axes are off the picture. Click the contour to pick "
            "a point inside."
        )


def kind_heading(curvature: surfaces.Curvature) -> None:
    """What kind of point H describes, in words, and whether p is a stationary point."""
    signs = {
        "minimum": "λ₁, λ₂ > 0",
        "maximum": "λ₁, λ₂ < 0",
        "saddle": "λ₁ < 0 < λ₂",
        "degenerate": "some λ ≈ 0",
    }[curvature.kind]
    st.markdown(f"#### {KIND_TEXT[curvature.kind].capitalize()} ({signs})")
    gradient_norm = float(np.hypot(*curvature.gradient))
    scale = max(1.0, float(np.abs(curvature.eigenvalues).max()))
    if gradient_norm <= 1e-6 * scale:
        st.success(
            f"∇f ≈ 0 here (‖∇f‖ = {gradient_norm:.2g}): p is a stationary point, "
            f"and H makes it a {KIND_TEXT[curvature.kind]}."
        )
    else:
        st.caption(
            f"‖∇f(p)‖ = {gradient_norm:.3g}: p is not a stationary point; the kind "
            "says how f curves around p."
        )


def matrices(curvature: surfaces.Curvature) -> None:
    """The Hessian and its eigen-decomposition."""
    st.latex(hessian_latex(curvature))
    st.latex(eigen_latex(curvature))


def metrics(curvature: surfaces.Curvature) -> None:
    """κ, the GD stability limit, the exact line-search step and ‖∇f‖, as big numbers."""
    top, bottom = st.columns(2), st.columns(2)
    kappa = curvature.condition_number
    top[0].metric(
        "Condition number κ",
        _big(kappa),
        help="κ = |λ|max / |λ|min: how much steeper the steepest direction is than the flattest.",
    )
    lam_max = curvature.lambda_max
    top[1].metric(
        "GD limit 2/λmax",
        _big(2.0 / lam_max) if lam_max > 0 else "none",
        help="Gradient descent is stable along every direction that curves up when η < 2/λmax.",
    )
    alpha = curvature.line_search_step
    bottom[0].metric(
        "Line search α*",
        _big(alpha) if alpha is not None else "none",
        help="α* = gᵀg / gᵀHg: the step along −g that minimises the quadratic model.",
    )
    bottom[1].metric("‖∇f(p)‖", _big(float(np.hypot(*curvature.gradient))))
    if alpha is None:
        st.caption(
            "No line-search step α*: g = 0, or f curves down along −g (gᵀHg ≤ 0), so "
            "the quadratic model has no minimum in that direction."
        )


def _big(value: float) -> str:
    """At most about six characters, so a metric is not cut off in a laptop-width column."""
    if math.isinf(value):
        return "∞"
    if value != 0 and (abs(value) >= 1e5 or abs(value) < 1e-3):
        return f"{value:.2e}"
    return f"{value:.4g}" if abs(value) < 1000 else f"{value:,.0f}"


def step_factors(curvature: surfaces.Curvature, lr: float) -> None:
    """|1 − ηλᵢ| at the current learning rate, what it means, and a warning when it exceeds 1."""
    factors = curvature.gd_factors(lr)
    st.markdown(
        f"**One GD step with η = {lr:g}** scales the error along each eigen-direction by |1 − ηλᵢ|:"
    )
    rows = (f"|1 - \\eta\\lambda_{i + 1}| &= {factors[i]:.4g}" for i in range(2))
    st.latex(r"\begin{aligned} " + r" \\ ".join(rows) + r" \end{aligned}")
    notes, growing = [], []
    for i in range(2):
        label = f"v{'₁₂'[i]}"
        factor, eigenvalue = float(factors[i]), float(curvature.eigenvalues[i])
        if factor < 1.0:
            steps = math.log(10.0) / -math.log(factor) if factor > 0 else 1.0
            notes.append(
                f"along {label} the error shrinks tenfold in ≈ {steps:,.0f} "
                f"step{'s' if steps >= 1.5 else ''}"
            )
        elif factor == 1.0:
            notes.append(f"along {label} nothing changes")
        elif eigenvalue > 0:
            growing.append(
                f"along {label} it grows ×{factor:.3g} per step: η = {lr:g} is above "
                f"2/λ{'₁₂'[i]} = {2.0 / eigenvalue:.3g}, so GD diverges"
            )
        else:
            notes.append(
                f"along {label} (λ < 0) it grows ×{factor:.3g} per step: GD slides away "
                "from p, downhill"
            )
    if notes:
        st.markdown("Here " + "; ".join(notes) + ".")
    if growing:
        st.warning("Too large a step: " + "; ".join(growing) + ". Lower the learning rate.")
