"""Widgets of the GD-vs-SGD page: learning rate, updates, start, batch size, seeds, decay, step.

The learning rate has its own key (``dl_sgd_lr.<surface>.gd``) and a default half the
Playground's: the Playground's best fixed step for GD is too bold for single-example steps.
Steps and the start point are the Playground's (``dl_steps``, ``dl_start.<surface>.*``).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from optimizers.numbers import format_number
from ui import compute
from ui.controls import (
    LR_OPTIONS,
    STEP_CHOICES,
    SurfaceChoice,
    checked_surface,
    hyperparameter_controls,
    snap_lr,
    start_controls,
    start_point_value,
    surface_controls,
)
from ui.state import default, set_value

DATA_SURFACES = ("logistic", "least_squares")
MAX_SEEDS = 8
DECAY_OPTIONS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
STEP_KEY = "dl_sgd.step"


@dataclass(frozen=True)
class SgdSettings:
    """The page's choices as plain values (the arguments of :func:`ui.compute.gd_vs_sgd`)."""

    surface: SurfaceChoice
    hyperparameters: tuple
    x0: tuple[float, float]
    steps: int
    batch_size: int
    n_seeds: int
    decay: float
    n_samples: int

    @property
    def lr(self) -> float:
        return dict(self.hyperparameters)["lr"]


def sgd_sidebar() -> SgdSettings:
    """Every control of the page except the step slider, in the sidebar."""
    with st.sidebar:
        choice = surface_controls(allowed=DATA_SURFACES)
        surface = checked_surface(choice)
        start = start_point_value(choice)
        lr_key = f"dl_sgd_lr.{choice.name}.gd"
        default(
            lr_key,
            lambda: snap_lr(0.5 * compute.suggested_lr(choice.name, choice.params, "gd", start)),
            options=LR_OPTIONS,
        )
        hyperparameters = hyperparameter_controls(choice, "gd", start, key_prefix="dl_sgd")
        default("dl_steps", 200, low=STEP_CHOICES[0], high=STEP_CHOICES[1], step=10)
        steps = st.slider(
            "Updates",
            min_value=STEP_CHOICES[0],
            max_value=STEP_CHOICES[1],
            step=10,
            key="dl_steps",
            help="Parameter updates for every path.",
        )
        x0 = start_controls(choice)

        n = surface.n_samples
        batch_key = f"dl_sgd.{choice.name}.batch_size"
        default(batch_key, max(1, n // 10), kind="int", low=1, high=n)
        set_value(batch_key, min(max(int(st.session_state[batch_key]), 1), n))
        batch_size = st.slider(
            "Mini-batch size b",
            1,
            n,
            key=batch_key,
            help=f"1 is pure SGD, {n} (all examples) is batch GD.",
        )
        default("dl_sgd.seeds", 4, kind="int", low=1, high=MAX_SEEDS)
        n_seeds = st.slider(
            "Number of seeds (SGD paths)",
            1,
            MAX_SEEDS,
            key="dl_sgd.seeds",
            help="Same batch size, different shuffles of the data.",
        )
        default("dl_sgd.decay_on", False, kind="bool")
        decay_on = st.toggle(
            "Decay SGD's learning rate",
            key="dl_sgd.decay_on",
            help="ηₜ = η / (1 + d·t): big steps first, then ever smaller ones.",
        )
        decay = 0.0
        if decay_on:
            default("dl_sgd.decay", 0.05, options=DECAY_OPTIONS)
            decay = st.select_slider(
                "Decay d", options=DECAY_OPTIONS, key="dl_sgd.decay", format_func=lambda v: f"{v:g}"
            )
    return SgdSettings(
        choice, hyperparameters, x0, int(steps), int(batch_size), int(n_seeds), float(decay), int(n)
    )


def step_slider(steps: int) -> int:
    """The update whose models and gradient cloud are shown; follows the end while it is there."""
    previous_end = st.session_state.get("dl_sgd.step_end")
    default(STEP_KEY, steps, kind="int", low=0, high=steps)
    current = int(st.session_state[STEP_KEY])
    if current == previous_end or current > steps:
        set_value(STEP_KEY, steps)
    set_value("dl_sgd.step_end", steps)
    return int(
        st.slider(
            "Show the state after update",
            0,
            steps,
            key=STEP_KEY,
            help="Moves the models on the data, the current points on the "
            "contour and the cloud of mini-batch gradients.",
        )
    )


def spread_summary(cloud, n_samples: int) -> None:
    """The cloud's measured spread next to the finite-population law."""
    b = cloud.batch_size
    st.markdown("**How far mini-batch gradients scatter** (tr Cov = total variance):")
    left, right = st.columns(2)
    left.metric(
        "measured",
        format_number(cloud.spread),
        help=f"tr Cov of the {len(cloud.samples)} mini-batch gradients drawn.",
    )
    right.metric("law", format_number(cloud.law_spread), help="(n − b)/(b(n − 1)) · tr Σ")
    trace = cloud.population_trace
    st.latex(
        r"\begin{aligned}\operatorname{tr}\operatorname{Cov}(g_B) &= "
        r"\frac{n-b}{b\,(n-1)}\,\operatorname{tr}\Sigma \\ "
        f"&= \\tfrac{{{n_samples - b}}}{{{b * (n_samples - 1)}}} \\cdot "
        f"{format_number(trace, latex=True)}"
        f" = {format_number(cloud.law_spread, latex=True)}\\end{{aligned}}"
    )
    st.caption(
        "Σ is the covariance of the n per-example gradients. Doubling b roughly halves "
        "the spread; b = n leaves none, and SGD becomes batch GD."
    )
