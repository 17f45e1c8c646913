"""The controls every page shares: surface, optimizer, learning rate, steps, start, seed.

Keys are explicit and start with ``dl_`` (see :mod:`ui.state`): a choice made on one page is
the same choice on the next. Parameters are remembered per surface (``dl_surface.<name>.<param>``),
learning rates per surface and optimizer (a good step on the bowl is a bad one on Rosenbrock).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import streamlit as st

import optimizers
import surfaces
from optimizers import theory
from optimizers.numbers import format_number
from ui import compute, share
from ui.state import default, note, peek, set_value

#: The learning-rate slider's stops: 1e-4 … 10 on a log scale, as plain numbers (3 digits).
LR_OPTIONS: tuple[float, ...] = tuple(
    sorted({float(f"{value:.3g}") for value in np.geomspace(1e-4, 10.0, 401)})
)
STEP_CHOICES = (10, 2000)
#: The learning rate offered where no suggestion can be computed (no derivatives at the start).
FALLBACK_LR = 0.01
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


def snap_lr_down(value: float) -> float:
    """The largest slider stop not above ``value`` (clamped to 1e-4 … 10): a suggested step
    that sits just inside a stability limit stays inside it on the slider."""
    value = min(max(float(value), LR_OPTIONS[0]), LR_OPTIONS[-1])
    below = [stop for stop in LR_OPTIONS if stop <= value * (1 + 1e-9)]
    return below[-1] if below else LR_OPTIONS[0]


def surface_title(name: str) -> str:
    # Read, not built: building every family for its label trained a network and fitted a
    # logistic regression in the first run (0.64 s of a cold Playground's 1.95 s).
    return surfaces.title(name) if name != "custom" else "Custom formula"


def surface_controls(allowed: tuple[str, ...] | None = None) -> SurfaceChoice:
    """Surface picker and that surface's own parameters."""
    names = list(allowed or surfaces.names())
    if default("dl_surface", names[0], options=names, format_func=surface_title) not in names:
        set_value("dl_surface", names[0])
    name = st.selectbox("Surface", names, key="dl_surface", format_func=surface_title)
    values = {}
    st.session_state[BROKEN_KEY] = None
    for spec in surfaces.parameters(name):
        key = f"dl_surface.{name}.{spec.name}"
        default(key, spec.default, **param_validity(name, spec))
        values[spec.name] = _param_widget(spec, key)
    choice = SurfaceChoice(name, tuple(sorted(values.items())))
    texts = [spec for spec in surfaces.parameters(name) if spec.kind == "text"]
    if not texts:
        return choice
    # A typed formula may not build: the rest of the sidebar (and the URL) then uses the last
    # formula that did, and the page shows the error where its chart would be.
    last_good = st.session_state.setdefault(LAST_GOOD_KEY, {})
    try:
        compute.surface(choice.name, choice.params)
    except (ValueError, TypeError) as error:
        fallback = last_good.get(name) or tuple(
            sorted((spec.name, spec.default) for spec in surfaces.parameters(name))
        )
        spec = texts[0]
        st.session_state[BROKEN_KEY] = FormulaError(
            key=f"dl_surface.{name}.{spec.name}",
            typed=str(values[spec.name]),
            message=str(error),
            last_good=str(dict(fallback)[spec.name]),
        )
        return SurfaceChoice(name, fallback)
    last_good[name] = choice.params
    return choice


#: This run's formula that could not be built (a :class:`FormulaError`), or None.
BROKEN_KEY = "_dl_broken_formula"
#: Per surface name, the parameters of the last formula that built (not a control: not in the URL).
LAST_GOOD_KEY = "_dl_last_good_surface"


@dataclass(frozen=True)
class FormulaError:
    """A typed formula that did not build, and the one that did before it."""

    key: str  # the text input's session key
    typed: str
    message: str
    last_good: str

    @property
    def caret(self) -> str:
        """The typed text with a caret under the position the message names
        ("at character 5", 1-based, or "at the end")."""
        found = re.search(r"at character (\d+)", self.message)
        if found:
            column = int(found.group(1)) - 1
        elif "at the end" in self.message:
            column = len(self.typed)
        else:
            return self.typed
        column = min(max(column, 0), len(self.typed))
        return f"{self.typed}\n{' ' * column}^"


def stop_if_formula_broken() -> None:
    """Where the page's chart would be: the formula's error with a caret at the problem and a
    way back to the last formula that worked; then the run ends (the sidebar is whole)."""
    broken = st.session_state.get(BROKEN_KEY)
    if broken is None:
        return
    st.error(f"This formula cannot be drawn: {broken.message}", icon=":material/error:")
    st.code(broken.caret, language=None)
    st.button(
        f"Back to the last formula that worked: {broken.last_good}",
        key="formula_back",  # not dl_: a button keeps no state
        on_click=set_value,
        args=(broken.key, broken.last_good),
        icon=":material/undo:",
    )
    share.finish()
    st.stop()


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
    tuned: bool = False,
) -> tuple:
    """Learning rate (log slider with the stability hints) and the rule's other knobs.

    The learning rate follows the surface (see :func:`follow`). With ``tuned`` (the race)
    momentum rules also start from the theory's β for this surface, which follows it too.
    """
    lr_key = f"{key_prefix}_lr.{choice.name}.{name}"

    def suggestion() -> dict[str, float]:
        try:
            if tuned:
                return compute.suggested_hyperparameters(choice.name, choice.params, name, start)
            return {"lr": compute.suggested_lr(choice.name, choice.params, name, start)}
        except (ValueError, TypeError, ArithmeticError):
            # No derivatives at the start (a typed formula may have none there): a plain
            # default; the run below says what happens at that point.
            return {"lr": FALLBACK_LR, "momentum": 0.9}

    def suggested_lr() -> float:
        return snap_lr_down(suggestion()["lr"])

    default(lr_key, suggested_lr, options=LR_OPTIONS)
    changes = [follow(lr_key, choice, suggested_lr, start, "learning rate")]
    lr = st.select_slider(
        "Learning rate",
        options=LR_OPTIONS,
        key=lr_key,
        format_func=format_number,
        help="Step size η, on a log scale from 0.0001 to 10.",
    )
    values = {"lr": lr}
    for spec in optimizers.hyperparameters(name):
        if spec.name in ("lr", "eps"):
            continue
        key = f"{key_prefix}_hp.{name}.{spec.name}"
        low = 0.01 if spec.low_open else spec.low
        high = 0.999 if spec.name == "b2" else 0.99
        if tuned and spec.name == "momentum":

            def suggested_beta(fallback=spec.default) -> float:
                return suggestion().get("momentum", fallback)  # no pair off a minimum

            default(key, suggested_beta, kind="float", low=low, high=high)
            changes.append(follow(key, choice, suggested_beta, start, "β"))
        else:
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
    changes = [change for change in changes if change]
    if changes:
        note(" ".join(changes) + steps_estimate(choice, name, start, values))
    if hint:
        stability_hint(choice, name, start, values)
    return tuple(values.items())


def steps_estimate(choice: SurfaceChoice, name: str, start, values: dict) -> str:
    """On a quadratic, how many steps rule ``name`` needs at ``values`` from ``start``, when that
    is more than the Steps slider allows (else "").

    The error shrinks by the rate r = max spectral radius of the rule's iteration (maxᵢ |1 − ηλᵢ|
    for GD) per step, so ‖∇f‖ falls from ‖∇f(x₀)‖ to the tolerance in about
    ln(‖∇f(x₀)‖/tol) / ln(1/r) steps.
    """
    surface = choice.surface
    if not surface.is_quadratic:
        return ""
    try:
        curvature, _ = compute.reference_curvature(choice.name, choice.params, start)
    except (ValueError, TypeError):
        return ""
    rate = theory.linear_rate(curvature.eigenvalues, name, values)
    steps, tol = int(peek("dl_steps", 200)), float(peek("dl_tol", 1e-6))
    gradient = float(np.hypot(*surface.gradient(start)))
    if rate is None or not 0 < rate < 1 or gradient <= tol:
        return ""
    needed = math.ceil(math.log(gradient / tol) / math.log(1 / rate))
    if needed <= steps:
        return ""
    return (
        f" At this rate ({format_number(rate)} per step) the run needs about "
        f"{format_number(needed)} steps to converge, more than the {steps} set: raise Steps."
    )


#: What each followed control held when it was last drawn (see :func:`follow`). Not a control:
#: no ``dl_`` prefix, so it stays out of the URL and :func:`ui.state.persist` skips it.
FOLLOW_KEY = "_dl_follow"
#: Per followed control, every value it was drawn with since the user last set it (an ordered
#: set: a dict of value -> None). It only grows, in place, until the user sets a value: runs cut
#: short by quick key presses may overlap and store an older :class:`_Seen` after a newer one,
#: but none of them can take a value out of this set.
DRAWN_KEY = "_dl_follow_drawn"


@dataclass(frozen=True)
class _Seen:
    """A followed control as last drawn."""

    surface: SurfaceChoice  # the surface (and its parameters) the value was chosen for
    value: float
    touched: bool  # set by the user (slider, link, click, lesson), not by the suggestion
    limit: float | None  # GD's stability limit 2/λmax there, None where H is not a minimum's
    fraction: float | None = None  # η/(2/λmax) when the user set it (a learning rate only)


def follow(key: str, choice: SurfaceChoice, suggested, start, what: str) -> str:
    """Keep a hyperparameter's *meaning* when the surface, its parameters or the formula change.

    Call it after :func:`ui.state.default` and before the widget is drawn. When the surface
    changed since the last run and the value did not:

    - a value nobody set (still the suggestion) becomes the new surface's suggestion
      ``suggested()``;
    - a learning rate the user set keeps the fraction η/(2/λmax) of the stability limit it had
      when the user set it, so a step chosen past the limit on purpose stays past it;
    - anything else the user set stays.

    The new value depends only on the surface and on what the user last set (the suggestion,
    or the fraction), never on the chain of runs in between: a run cut short cannot leave a
    stale value for the next one.

    Quick key presses cut runs short, and the browser then sends back the value it last saw,
    which the app may have replaced since. Such an *echo* (a value drawn since the user last
    set one, see :data:`DRAWN_KEY`) is not the user's choice. Streamlit's ``on_change`` cannot
    tell them apart: it compares the browser's value with the last run's, and an echo differs
    from it just as a real change does.

    Returns the sentence that reports the change ("" when nothing changed); the caller shows
    it at the top of the page (:func:`ui.state.note`).
    """
    change = ""
    seen_by_key = st.session_state.setdefault(FOLLOW_KEY, {})
    drawn = st.session_state.setdefault(DRAWN_KEY, {}).setdefault(key, {})
    seen = seen_by_key.get(key)
    value = st.session_state[key]
    limit = _stability_limit(choice, start) if what == "learning rate" else None
    echo = seen is not None and value != seen.value and value in drawn
    if echo:  # as if the browser had sent the value it was last given
        value = seen.value
        set_value(key, value)
    if seen is None or value != seen.value:
        # First sight, or set by the user: the slider, or from outside (a lesson, a link, a
        # click on the phase map), possibly together with the surface.
        touched = value != suggested() if seen is None or seen.surface != choice else True
        fraction = value / limit if touched and limit else None
        drawn.clear()
    elif seen.surface == choice:
        touched, fraction = seen.touched, seen.fraction
    else:  # the surface changed under a value the user kept: give it its meaning back
        touched, fraction = seen.touched, seen.fraction
        if not touched:
            new, why = suggested(), "the suggested value for this surface"
        elif fraction is not None and limit:
            new = snap_lr(fraction * limit)
            why = f"still {format_number(fraction)} × the stability limit 2/λmax"
        else:
            new, why = seen.value, ""
        if new != value:
            set_value(key, new)
            change = (
                f"{what.capitalize()} {format_number(seen.value)} → {format_number(new)}: "
                f"{why}, because the surface changed"
                + (f" (2/λmax is now {format_number(limit)})." if limit else ".")
            )
            value = new
    drawn[value] = None
    while len(drawn) > 256:  # bounded: the oldest go first
        del drawn[next(iter(drawn))]
    seen_by_key[key] = _Seen(choice, value, touched, limit, fraction)
    return change


def _stability_limit(choice: SurfaceChoice, start) -> float | None:
    try:
        curvature, _ = compute.reference_curvature(choice.name, choice.params, start)
    except (ValueError, TypeError):
        return None
    return curvature.gd_stability_limit


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
        f"Stability limit 2/λmax = **{format_number(curvature.gd_stability_limit)}** · best fixed "
        f"step 2/(λmin+λmax) = **{format_number(curvature.best_fixed_step)}**"
    )
    if name == "momentum":
        limit = curvature.momentum_stability_limit(values.get("momentum", 0.0))
        text += f" · with momentum 2(1+β)/λmax = **{format_number(limit)}**"
    elif name == "nesterov":
        beta = values.get("momentum", 0.0)
        limit = 2 * (1 + beta) / ((1 + 2 * beta) * curvature.lambda_max)
        text += f" · Nesterov 2(1+β)/((1+2β)λmax) = **{format_number(limit)}**"
    st.caption(f"{text} (Hessian {where}; κ = {format_number(curvature.condition_number)}).")


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
    set_start(choice, points[0].get("x"), points[0].get("y"))


def set_start(choice: SurfaceChoice, x: float | None, y: float | None) -> None:
    """A clicked point ``(x, y)`` becomes the start (nothing when it is not a finite point)."""
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
                            choice, name, start, key_prefix="dl_race", hint=False, tuned=True
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
