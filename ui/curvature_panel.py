"""Widgets of the Curvature page: the point (typed or clicked), the map choice, the numbers.

The point is remembered per surface under ``dl_curv.<surface>.x`` / ``.y``, apart from the
Playground's start point: looking at the Hessian somewhere should not move the start.
"""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

import surfaces
from optimizers.numbers import format_number
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
            f"The point ({format_number(point[0])}, {format_number(point[1])}) is outside the "
            f"plotted window x ∈ [{format_number(xmin)}, {format_number(xmax)}], "
            f"y ∈ [{format_number(ymin)}, {format_number(ymax)}]: the numbers below "
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
            f"∇f ≈ 0 here (‖∇f‖ = {format_number(gradient_norm)}): p is a stationary point, "
            f"and H makes it a {KIND_TEXT[curvature.kind]}."
        )
    else:
        st.caption(
            f"‖∇f(p)‖ = {format_number(gradient_norm)}: p is not a stationary point; the kind "
            "says how f curves around p."
        )


def matrices(curvature: surfaces.Curvature) -> None:
    """The Hessian and its eigen-decomposition."""
    st.latex(hessian_latex(curvature))
    st.latex(eigen_latex(curvature))


def metrics(curvature: surfaces.Curvature) -> None:
    """κ, the GD stability limit, the exact line-search step and ‖∇f‖, as big numbers."""
    top, bottom = st.columns(2), st.columns(2)
    if curvature.kind == "minimum":
        top[0].metric(
            "Condition number κ",
            format_number(curvature.condition_number),
            help="κ = |λ|max / |λ|min: how many times more sharply f curves along the most "
            "curved direction than along the least curved one. A ratio of curvatures, not of "
            "slopes (at a minimum every slope is zero).",
        )
    else:
        # κ of a saddle or a flat direction says nothing a student can use: say what the signs
        # of the eigenvalues mean instead (#11 item 9).
        top[0].metric(
            "Curvature signs",
            SIGN_WORDS[curvature.kind],
            help=SIGN_HELP[curvature.kind],
        )
    lam_max = curvature.lambda_max
    top[1].metric(
        "GD limit 2/λmax",
        format_number(2.0 / lam_max) if lam_max > 0 else "none",
        help="Gradient descent is stable along every direction that curves up when η < 2/λmax.",
    )
    alpha = curvature.line_search_step
    bottom[0].metric(
        "Line search α*",
        format_number(alpha) if alpha is not None else "none",
        help="α* = gᵀg / gᵀHg: the step along −g that minimises the quadratic model.",
    )
    bottom[1].metric("‖∇f(p)‖", format_number(float(np.hypot(*curvature.gradient))))
    if alpha is None:
        st.caption(
            "No line-search step α*: g = 0, or f curves down along −g (gᵀHg ≤ 0), so "
            "the quadratic model has no minimum in that direction."
        )


#: What a saddle's or a flat point's eigenvalue signs mean, in place of κ.
SIGN_WORDS = {
    "saddle": "one up, one down",
    "maximum": "both down",
    "degenerate": "a flat direction",
}
SIGN_HELP = {
    "saddle": "λ₁ < 0 < λ₂: f curves down along v₁ and up along v₂. Gradient descent is "
    "pulled in along v₂ and pushed away along v₁, so it escapes the saddle along v₁. "
    "κ would be the ratio |λ₂/λ₁|, which says nothing about speed here.",
    "maximum": "λ₁, λ₂ < 0: f curves down in every direction, so gradient descent moves away "
    "from p along both eigenvectors.",
    "degenerate": "Some λ ≈ 0: f is (nearly) flat along that eigenvector, so GD barely moves "
    "along it and κ is (nearly) infinite.",
}


def step_factors(curvature: surfaces.Curvature, lr: float) -> None:
    """|1 − ηλᵢ| at the current learning rate, what it means, and a warning when it exceeds 1."""
    factors = curvature.gd_factors(lr)
    st.markdown(
        f"**One GD step with η = {format_number(lr)}** scales the error along each "
        "eigen-direction by |1 − ηλᵢ|:"
    )
    rows = (
        f"|1 - \\eta\\lambda_{i + 1}| &= {format_number(factors[i], latex=True)}" for i in range(2)
    )
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
                f"along {label} it grows ×{format_number(factor)} per step: η = "
                f"{format_number(lr)} is above 2/λ{'₁₂'[i]} = {format_number(2.0 / eigenvalue)}, "
                "so GD diverges"
            )
        else:
            notes.append(
                f"along {label} (λ < 0) it grows ×{format_number(factor)} per step: GD slides away "
                "from p, downhill"
            )
    if notes:
        st.markdown("Here " + "; ".join(notes) + ".")
    if growing:
        st.warning("Too large a step: " + "; ".join(growing) + ". Lower the learning rate.")


#: The error reduction the speed sentences count steps for: a factor of a million.
SHRINK = 1e6


def steps_to_shrink(rate: float, shrink: float = SHRINK) -> int | None:
    """Steps until the error is ``shrink`` times smaller at ``rate`` per step,
    ⌈ln(shrink) / ln(1/rate)⌉; 1 for rate 0, None for rate ≥ 1 (it never shrinks)."""
    if rate >= 1.0:
        return None
    if rate <= 0.0:
        return 1
    return math.ceil(math.log(shrink) / -math.log(rate))


def gd_speed_sentence(curvature: surfaces.Curvature) -> str:
    """How fast gradient descent's best fixed step is on this point's quadratic model, computed.

    At η = 2/(λmin + λmax) both eigen-directions keep r = (κ − 1)/(κ + 1) of their error per
    step, so shrinking it a million-fold takes ⌈ln 10⁶ / ln(1/r)⌉ steps (about (κ/2)·ln 10⁶
    for large κ). Only at a minimum (both λ > 0); "" elsewhere. For κ = 1 one step of
    η = 1/λ lands on the minimizer.
    """
    if curvature.kind != "minimum":
        return ""
    kappa = curvature.condition_number
    if math.isclose(kappa, 1.0, rel_tol=1e-9):
        return (
            f"Here κ = 1: a round bowl. One step of η = 1/λ = "
            f"{format_number(1 / curvature.lambda_max)} lands on the minimizer of the model."
        )
    rate = (kappa - 1) / (kappa + 1)
    steps = steps_to_shrink(rate)
    return (
        f"Here κ = {format_number(kappa)}: at the best fixed step 2/(λmin + λmax) = "
        f"{format_number(curvature.best_fixed_step)} both directions keep "
        f"(κ − 1)/(κ + 1) = {format_number(rate)} of their error per step, so shrinking it "
        f"a million-fold takes {format_number(steps)} steps (on the quadratic model around p)."
    )
