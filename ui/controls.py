"""The controls every page shares: surface, optimizer, learning rate, steps, start, seed.

Keys are explicit and start with ``dl_`` (see :mod:`ui.state`): a choice made on one page is
the same choice on the next. Parameters are remembered per surface (``dl_surface.<name>.<param>``),
learning rates per surface and optimizer (a good step on the bowl is a bad one on Rosenbrock).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import streamlit as st

import optimizers
import surfaces
from ui import compute
from ui.state import default, peek, set_value

#: The learning-rate slider's stops: 1e-4 … 10 on a log scale, as plain numbers (3 digits).
LR_OPTIONS: tuple[float, ...] = tuple(
    sorted({float(f"{value:.3g}") for value in np.geomspace(1e-4, 10.0, 401)})
)
STEP_CHOICES = (10, 2000)
TOLERANCES = (1e-3, 1e-4, 1e-6, 1e-8, 1e-10)


@dataclass(frozen=True)
class SurfaceChoice:
    """The chosen surface as plain, hashable values (the cache keys)."""

    name: str
    params: tuple

    @classmethod
    def of(cls, spec: optimizers.RunSpec) -> SurfaceChoice:
        """The surface ``spec`` runs on."""
        return cls(spec.surface, spec.surface_params)

    @property
    def surface(self) -> surfaces.Surface:
        return compute.surface(self.name, self.params)


def snap_lr(value: float) -> float:
    """The slider stop nearest ``value`` on the log scale (clamped to 1e-4 … 10)."""
    value = min(max(float(value), LR_OPTIONS[0]), LR_OPTIONS[-1])
    logs = np.log(LR_OPTIONS)
    return LR_OPTIONS[int(np.argmin(np.abs(logs - math.log(value))))]


def surface_title(name: str) -> str:
    return compute.surface(name, ()).title if name != "custom" else "Custom formula"


def surface_controls(allowed: tuple[str, ...] | None = None) -> SurfaceChoice:
    """Surface picker and that surface's own parameters."""
    names = list(allowed or surfaces.names())
    if default("dl_surface", names[0], options=names, format_func=surface_title) not in names:
        set_value("dl_surface", names[0])
    name = st.selectbox("Surface", names, key="dl_surface", format_func=surface_title)
    values = {}
    for spec in surfaces.parameters(name):
        key = f"dl_surface.{name}.{spec.name}"
        default(key, spec.default, **param_validity(name, spec))
        values[spec.name] = _param_widget(spec, key)
    return SurfaceChoice(name, tuple(sorted(values.items())))


def param_validity(name: str, spec: surfaces.Param) -> dict:
    """What the widget of surface ``name``'s parameter ``spec`` accepts, as keyword arguments
    of :func:`ui.state.default` (a formula must also build the surface)."""
    if spec.kind == "bool":
        return {"kind": "bool"}
    if spec.kind == "choice":
        return {"kind": "str", "options": spec.choices}
    if spec.kind == "text":
        return {
            "kind": "str",
            "max_length": int(spec.high or 200),
            "check": lambda text: surfaces.get(name, **{spec.name: text}),
        }
    if spec.kind == "int":
        return {"kind": "int", "low": int(spec.low), "high": int(spec.high)}
    if spec.log:
        return {"kind": "float", "options": log_options(spec)}
    return {"kind": "float", "low": float(spec.low), "high": float(spec.high)}


def log_options(spec: surfaces.Param) -> tuple[float, ...]:
    """The stops of a log-scale parameter's slider (3 digits, and the default)."""
    return tuple(
        sorted(
            {float(f"{v:.3g}") for v in np.geomspace(spec.low, spec.high, 61)}
            | {float(spec.default)}
        )
    )


def _param_widget(spec: surfaces.Param, key: str):
    label, help_text = spec.label, spec.help or None
    if spec.kind == "bool":
        return st.toggle(label, key=key, help=help_text)
    if spec.kind == "choice":
        return st.selectbox(label, spec.choices, key=key, help=help_text)
    if spec.kind == "text":
        return st.text_input(label, key=key, help=help_text, max_chars=int(spec.high or 200))
    if spec.kind == "int":
        return int(
            st.number_input(
                label,
                min_value=int(spec.low),
                max_value=int(spec.high),
                step=1,
                key=key,
                help=help_text,
            )
        )
    if spec.log:
        options = log_options(spec)
        if st.session_state[key] not in options:
            set_value(key, min(options, key=lambda o: abs(math.log(o / st.session_state[key]))))
        return st.select_slider(
            label, options=options, key=key, help=help_text, format_func=lambda v: f"{v:g}"
        )
    return st.slider(
        label, min_value=float(spec.low), max_value=float(spec.high), key=key, help=help_text
    )


def optimizer_picker(
    key: str = "dl_optimizer", label: str = "Optimizer", allowed: tuple[str, ...] | None = None
) -> str:
    names = list(allowed or optimizers.names())
    if default(key, names[0], options=names, format_func=optimizer_title) not in names:
        set_value(key, names[0])
    return st.selectbox(label, names, key=key, format_func=optimizer_title)


def optimizer_title(name: str) -> str:
    return optimizers.get(name).title


def hyperparameter_controls(
    choice: SurfaceChoice,
    name: str,
    start: tuple[float, float],
    key_prefix: str = "dl",
    hint: bool = True,
) -> tuple:
    """Learning rate (log slider with the stability hints) and the rule's other knobs."""
    lr_key = f"{key_prefix}_lr.{choice.name}.{name}"
    default(
        lr_key,
        lambda: snap_lr(compute.suggested_lr(choice.name, choice.params, name, start)),
        options=LR_OPTIONS,
    )
    lr = st.select_slider(
        "Learning rate",
        options=LR_OPTIONS,
        key=lr_key,
        format_func=lambda v: f"{v:g}",
        help="Step size η, on a log scale from 0.0001 to 10.",
    )
    values = {"lr": lr}
    for spec in optimizers.hyperparameters(name):
        if spec.name in ("lr", "eps"):
            continue
        key = f"{key_prefix}_hp.{name}.{spec.name}"
        low = 0.01 if spec.low_open else spec.low
        high = 0.999 if spec.name == "b2" else 0.99
        default(key, spec.default, kind="float", low=low, high=high)
        if not low <= st.session_state[key] <= high:
            set_value(key, min(max(st.session_state[key], low), high))
        values[spec.name] = st.slider(
            spec.label,
            min_value=low,
            max_value=high,
            key=key,
            step=0.001 if spec.name == "b2" else 0.01,
            format="%.3f" if spec.name == "b2" else "%.2f",
        )
    if hint:
        stability_hint(choice, name, start, values)
    return tuple(values.items())


def stability_hint(choice: SurfaceChoice, name: str, start, values: dict) -> None:
    """Show 2/λmax and the best fixed step next to the learning rate, and say where H is taken."""
    try:
        curvature, where = compute.reference_curvature(choice.name, choice.params, start)
    except (ValueError, TypeError) as error:
        # A typed formula may have no real derivatives at the start (sqrt(e - x) for x > e):
        # no hint then, and the run below says what happens there.
        st.caption(f"No stability limit to show: {error}")
        return
    if curvature.gd_stability_limit is None:
        st.caption(
            f"No stability limit from the Hessian {where}: it is not positive definite "
            f"({curvature.kind}), so no fixed step is safe everywhere."
        )
        return
    text = (
        f"Stability limit 2/λmax = **{curvature.gd_stability_limit:.3g}** · best fixed "
        f"step 2/(λmin+λmax) = **{curvature.best_fixed_step:.3g}**"
    )
    if name == "momentum":
        limit = curvature.momentum_stability_limit(values.get("momentum", 0.0))
        text += f" · with momentum 2(1+β)/λmax = **{limit:.3g}**"
    elif name == "nesterov":
        beta = values.get("momentum", 0.0)
        limit = 2 * (1 + beta) / ((1 + 2 * beta) * curvature.lambda_max)
        text += f" · Nesterov 2(1+β)/((1+2β)λmax) = **{limit:.3g}**"
    st.caption(f"{text} (Hessian {where}; κ = {curvature.condition_number:.3g}).")


def run_controls(
    choice: SurfaceChoice, optimizer_name: str, hyperparameters: tuple, stochastic: bool = True
) -> optimizers.RunSpec:
    """Steps, start point, seed and the options in an expander; returns the full settings."""
    surface = choice.surface
    default("dl_steps", 200, low=STEP_CHOICES[0], high=STEP_CHOICES[1], step=10)
    steps = st.slider(
        "Steps", min_value=STEP_CHOICES[0], max_value=STEP_CHOICES[1], step=10, key="dl_steps"
    )
    x0 = start_controls(choice)
    batch_size, noise, seed = None, 0.0, 0
    with st.expander("Noise, schedule and regularisation"):
        if stochastic and surface.n_samples:
            n = surface.n_samples
            default("dl_full_batch", True, kind="bool")
            full = st.toggle("Full batch (exact gradient)", key="dl_full_batch")
            if not full:
                key = "dl_batch_size"
                default(key, 1, kind="int", low=1, high=n)
                set_value(key, min(max(int(st.session_state[key]), 1), n))
                batch_size = int(st.slider("Mini-batch size", 1, n, key=key))
        elif stochastic:
            default("dl_noise", 0.0, kind="float", low=0.0, high=5.0)
            noise = st.slider("Gradient noise σ", 0.0, 5.0, step=0.05, key="dl_noise")
        if stochastic:
            default("dl_seed", 0, kind="int", low=0, high=10_000)
            seed = int(
                st.number_input("Seed", min_value=0, max_value=10_000, step=1, key="dl_seed")
            )
        default("dl_decay", 0.0, kind="float", low=0.0, high=10.0)
        decay = st.number_input(
            "Learning-rate decay d (η/(1 + d·t))",
            min_value=0.0,
            max_value=10.0,
            step=0.01,
            key="dl_decay",
            format="%.3f",
        )
        default("dl_clip", 0.0, kind="float", low=0.0, high=1e6)
        clip = st.number_input(
            "Clip gradient norm at (0 = off)", min_value=0.0, max_value=1e6, step=1.0, key="dl_clip"
        )
        default("dl_weight_decay", 0.0, kind="float", low=0.0, high=10.0)
        weight_decay = st.number_input(
            "L2 weight decay λ",
            min_value=0.0,
            max_value=10.0,
            step=0.01,
            key="dl_weight_decay",
            format="%.3f",
        )
        default("dl_tol", 1e-6, options=TOLERANCES)
        tol = st.select_slider(
            "Converged when ‖∇f‖ <",
            options=TOLERANCES,
            key="dl_tol",
            format_func=lambda v: f"{v:g}",
        )
    options = (("decay", float(decay)), ("weight_decay", float(weight_decay)))
    if clip > 0:
        options += (("clip", float(clip)),)
    return optimizers.RunSpec(
        choice.name,
        choice.params,
        optimizer_name,
        hyperparameters,
        options,
        x0,
        int(steps),
        float(tol),
        batch_size,
        float(noise),
        seed,
    )


def start_keys(choice: SurfaceChoice) -> tuple[str, str]:
    return f"dl_start.{choice.name}.x", f"dl_start.{choice.name}.y"


def start_controls(choice: SurfaceChoice) -> tuple[float, float]:
    """Two number inputs for the start point (a click on the contour also sets them)."""
    surface = choice.surface
    key_x, key_y = start_keys(choice)
    (low_x, high_x), (low_y, high_y) = start_ranges(surface)
    default(key_x, float(surface.start[0]), kind="float", low=low_x, high=high_x)
    default(key_y, float(surface.start[1]), kind="float", low=low_y, high=high_y)
    for key, low, high in ((key_x, low_x, high_x), (key_y, low_y, high_y)):
        set_value(key, min(max(float(st.session_state[key]), low), high))
    left, right = st.columns(2)
    x = left.number_input(
        "Start x", min_value=low_x, max_value=high_x, step=0.1, key=key_x, format="%.3f"
    )
    y = right.number_input(
        "Start y", min_value=low_y, max_value=high_y, step=0.1, key=key_y, format="%.3f"
    )
    return float(x), float(y)


def start_ranges(surface: surfaces.Surface) -> tuple[tuple[float, float], tuple[float, float]]:
    """Where the start point may be: ten half-diagonals of the plot around its centre."""
    reach = 10 * surface.half_diagonal
    cx, cy = surface.center
    return (cx - reach, cx + reach), (cy - reach, cy + reach)


def set_start_from_click(choice: SurfaceChoice, chart_key: str) -> None:
    """``on_select`` callback of a contour chart: the clicked point becomes the start."""
    event = st.session_state.get(chart_key)
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    if not points:
        return
    x, y = points[0].get("x"), points[0].get("y")
    if x is None or y is None or not (math.isfinite(x) and math.isfinite(y)):
        return
    key_x, key_y = start_keys(choice)
    set_value(key_x, float(x))
    set_value(key_y, float(y))


def checked_surface(choice: SurfaceChoice) -> surfaces.Surface:
    """Build the chosen surface, or show why it cannot be built and stop this run."""
    try:
        return choice.surface
    except (ValueError, TypeError) as error:
        st.error(f"This surface cannot be built: {error}")
        st.stop()


def playground_sidebar(allowed_surfaces=None, allowed_optimizers=None) -> optimizers.RunSpec:
    """The Playground's full set of controls in the sidebar."""
    with st.sidebar:
        choice = surface_controls(allowed_surfaces)
        checked_surface(choice)
        name = optimizer_picker(allowed=allowed_optimizers)
        start = start_point_value(choice)
        hyperparameters = hyperparameter_controls(choice, name, start)
        return run_controls(choice, name, hyperparameters)


def start_point_value(choice: SurfaceChoice) -> tuple[float, float]:
    """The start point as chosen so far (before its widgets are drawn)."""
    key_x, key_y = start_keys(choice)
    surface = choice.surface
    ranges = start_ranges(surface)
    return tuple(  # as start_controls will clamp it
        min(max(float(peek(key, fallback)), low), high)
        for key, fallback, (low, high) in zip((key_x, key_y), surface.start, ranges, strict=True)
    )


RACE_DEFAULT = ("gd", "momentum", "nesterov", "adam")


def race_sidebar() -> tuple[optimizers.RunSpec, ...]:
    """Surface, start and steps shared by every racer; each racer's own learning rate."""
    with st.sidebar:
        choice = surface_controls()
        checked_surface(choice)
        default(
            "dl_race.optimizers",
            list(RACE_DEFAULT),
            kind="list",
            options=optimizers.names(),
            max_count=6,
            format_func=optimizer_title,
        )
        names = st.multiselect(
            "Optimizers in the race",
            optimizers.names(),
            key="dl_race.optimizers",
            max_selections=6,
            format_func=optimizer_title,
        )
        start = start_point_value(choice)
        racers = []
        for name in names:
            with st.expander(optimizers.get(name).title, expanded=False):
                racers.append(
                    (
                        name,
                        hyperparameter_controls(
                            choice, name, start, key_prefix="dl_race", hint=False
                        ),
                    )
                )
        base = run_controls(choice, "gd", (("lr", 0.1),), stochastic=False)
    return tuple(
        optimizers.RunSpec(
            choice.name, choice.params, name, hyper, base.options, base.x0, base.steps, base.tol
        )
        for name, hyper in racers
    )
