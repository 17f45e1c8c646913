"""The Phase diagram page's sidebar and its click callbacks.

The learning rate and the y-axis hyperparameter are the Playground's own keys
(``dl_lr.<surface>.<optimizer>``, ``dl_hp.<optimizer>.<name>``), so a clicked cell is what the
Playground runs next; a click also makes the map's rule the Playground's optimizer.
"""

from __future__ import annotations

import math
from collections.abc import MutableMapping

import streamlit as st

import optimizers
from optimizers.numbers import format_number
from ui import controls
from ui.state import default
from viz import phase

OPTIMIZER_KEY = "dl_phase.optimizer"
MAP_CHART_KEY = "phase_map"
SLICE_CHART_KEY = "phase_slice"


def sidebar() -> optimizers.RunSpec:
    """Surface, rule (its own picker: GD, momentum, Nesterov, Adam, RMSprop), the shared
    learning rate and hyperparameters, steps, start point and tolerance."""
    with st.sidebar:
        choice = controls.surface_controls()
        controls.checked_surface(choice)
        playground = st.session_state.get("dl_optimizer")
        default(
            OPTIMIZER_KEY,
            playground if playground in phase.Y_AXES else phase.OPTIMIZERS[0],
            options=phase.OPTIMIZERS,
            format_func=controls.optimizer_title,
        )
        name = controls.optimizer_picker(key=OPTIMIZER_KEY, allowed=phase.OPTIMIZERS)
        start = controls.start_point_value(choice)
        hyperparameters = controls.hyperparameter_controls(choice, name, start, tuned=True)
        default(
            "dl_steps", 200, low=controls.STEP_CHOICES[0], high=controls.STEP_CHOICES[1], step=10
        )
        steps = st.slider(
            "Steps",
            min_value=controls.STEP_CHOICES[0],
            max_value=controls.STEP_CHOICES[1],
            step=10,
            key="dl_steps",
        )
        x0 = controls.start_controls(choice)
        default("dl_tol", 1e-6, options=controls.TOLERANCES)
        tol = st.select_slider(
            "Converged when ‖∇f‖ <",
            options=controls.TOLERANCES,
            key="dl_tol",
            format_func=lambda v: f"{v:g}",
        )
    return optimizers.RunSpec(
        choice.name, choice.params, name, hyperparameters, (), x0, int(steps), float(tol)
    )


def setting_keys(settings: optimizers.RunSpec) -> tuple[str, str | None]:
    """The session keys of the learning rate and of the map's y hyperparameter (or None)."""
    lr_key = f"dl_lr.{settings.surface}.{settings.optimizer}"
    y_name = phase.Y_AXES.get(settings.optimizer)
    return lr_key, (f"dl_hp.{settings.optimizer}.{y_name}" if y_name else None)


def apply_click(
    state: MutableMapping, event, settings: optimizers.RunSpec, use_y: bool = True
) -> bool:
    """Write the clicked point of a Plotly selection ``event`` into the shared keys.

    The learning rate snaps to the nearest slider stop; y is rounded to the slider's 0.01 and
    kept inside the rule's range. ``use_y=False`` (the slice, whose y is a step count) sets the
    learning rate only. Returns False when the event holds no usable point.
    """
    points = ((event or {}).get("selection") or {}).get("points") or []
    if not points:
        return False
    x, y = points[0].get("x"), points[0].get("y")
    if not isinstance(x, (int, float)) or not math.isfinite(x) or x <= 0:
        return False
    lr_key, y_key = setting_keys(settings)
    state[lr_key] = controls.snap_lr(x)
    if use_y and y_key is not None and isinstance(y, (int, float)) and math.isfinite(y):
        values = phase.y_values(settings.optimizer)
        state[y_key] = min(max(round(float(y), 2), values[0]), values[-1])
    state["dl_optimizer"] = settings.optimizer
    return True


def on_map_click(settings: optimizers.RunSpec) -> None:
    """``on_select`` callback of the map: the clicked cell's η and y become the setting."""
    apply_click(st.session_state, st.session_state.get(MAP_CHART_KEY), settings)


def on_slice_click(settings: optimizers.RunSpec) -> None:
    """``on_select`` callback of the slice: the clicked learning rate becomes the setting."""
    apply_click(st.session_state, st.session_state.get(SLICE_CHART_KEY), settings, use_y=False)


def optimum_sentence(curvature) -> str:
    """The bowl's eigenvalues, GD's limit and best step, and the heavy-ball optimum (η*, β*)
    with their rates per step, in three significant figures (markdown with LaTeX)."""

    def tex(value: float) -> str:
        return format_number(value, latex=True)

    return (
        f"Here $\\lambda_{{\\min}} = {tex(curvature.lambda_min)}$, "
        f"$\\lambda_{{\\max}} = {tex(curvature.lambda_max)}$, $\\kappa = "
        f"{tex(curvature.condition_number)}$: GD limit $2/\\lambda_{{\\max}} = "
        f"{tex(curvature.gd_stability_limit)}$, best GD step "
        f"{format_number(curvature.best_fixed_step)} (rate "
        f"{format_number(curvature.best_fixed_rate)}); heavy-ball optimum $\\eta^* = "
        f"{tex(curvature.momentum_lr)}$, $\\beta^* = {tex(curvature.momentum_beta)}$ (rate "
        f"{format_number(curvature.momentum_rate)})."
    )
