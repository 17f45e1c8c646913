"""Cached work behind the pages: surfaces, their static layers, runs and sweeps.

Every function takes plain hashable arguments (names, tuples of numbers), so moving the
learning rate reuses the cached surface and its raster, and only the run is recomputed.
"""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

import optimizers
import optimizers.theory
import surfaces
from optimizers import suggest
from optimizers.numbers import format_number
from viz.animation import (
    MAX_FRAMES,
    loss_distance_figure,
    path_figure_dict,
    trajectory_3d_figure,
)
from viz.clicks import click_grid_trace
from viz.dict_figure import DictFigure, encode_arrays
from viz.layers import SurfaceLayers, surface_layers

# The other pages' figure modules (viz.phase, viz.curvature, viz.sgd, viz.theory, viz.export)
# are imported by the functions that use them: a cold server's first Playground chart waited
# for them to load (and to compile, where Python keeps no bytecode cache).

#: A surface's parameters as a sorted tuple of (name, value) pairs: hashable for the caches.
ParamsKey = tuple


@st.cache_resource(max_entries=64, show_spinner=False)
def surface(name: str, params: ParamsKey) -> surfaces.Surface:
    """The surface ``name`` built with ``params`` (shared, immutable)."""
    return surfaces.get(name, **dict(params))


@st.cache_data(max_entries=32, show_spinner=False)
def layers(name: str, params: ParamsKey, resolution: int = 160) -> SurfaceLayers:
    """The colour raster and level lines of a surface."""
    return surface_layers(surface(name, params), resolution)


@st.cache_data(max_entries=256, show_spinner=False)
def trajectory(
    name: str,
    params: ParamsKey,
    optimizer_name: str,
    hyperparameters: tuple,
    options: tuple,
    x0: tuple[float, float],
    steps: int,
    tol: float,
    batch_size: int | None = None,
    noise: float = 0.0,
    seed: int = 0,
) -> optimizers.Trajectory:
    """One run of ``optimizer_name`` (with ``hyperparameters`` and ``options`` as pairs)."""
    optimizer = optimizers.get(optimizer_name, **dict(hyperparameters), **dict(options))
    return optimizers.run(
        surface(name, params),
        optimizer,
        x0=x0,
        steps=steps,
        tol=tol,
        batch_size=batch_size,
        noise=noise,
        seed=seed,
    )


def run(spec: optimizers.RunSpec) -> optimizers.Trajectory:
    """The cached trajectory of ``spec`` (:func:`trajectory` of its fields: the label is not
    part of the key, so a lesson's run and the same run in the Playground share one entry)."""
    return trajectory(
        spec.surface,
        spec.surface_params,
        spec.optimizer,
        spec.hyperparameters,
        spec.options,
        spec.x0,
        spec.steps,
        spec.tol,
        spec.batch_size,
        spec.noise,
        spec.seed,
    )


def surface_of(spec: optimizers.RunSpec) -> surfaces.Surface:
    """The cached surface ``spec`` runs on."""
    return surface(spec.surface, spec.surface_params)


@st.cache_data(max_entries=64, show_spinner=False)
def reference_curvature(name: str, params: ParamsKey, start: tuple[float, float]):
    """The Hessian the learning-rate hints use, and a phrase saying where it was taken."""
    return surfaces.reference_curvature(surface(name, params), start)


@st.cache_data(max_entries=64, show_spinner=False)
def suggested_lr(
    name: str, params: ParamsKey, optimizer_name: str, start: tuple[float, float]
) -> float:
    """A learning rate that behaves well for this rule on this surface (see optimizers.suggest)."""
    return suggest.suggested_lr(surface(name, params), optimizer_name, start)


@st.cache_data(max_entries=64, show_spinner=False)
def suggested_hyperparameters(
    name: str, params: ParamsKey, optimizer_name: str, start: tuple[float, float]
) -> dict[str, float]:
    """Learning rate and (momentum rules) β tuned to this surface (see optimizers.suggest)."""
    return suggest.suggested_hyperparameters(surface(name, params), optimizer_name, start)


@st.cache_data(max_entries=64, show_spinner=False)
def path_figure(
    runs: tuple,
    labels: tuple | None = None,
    max_frames: int = MAX_FRAMES,
    show_arrows: bool = True,
    theory: bool = False,
):
    """The animated contour-and-loss figure for ``runs`` (a tuple of RunSpec, one surface).

    Cached as a whole: building its animation frames (at most :data:`MAX_FRAMES`) costs about
    as much as the run itself.
    ``theory`` adds each run's theoretical loss curve where one applies (:func:`rate_curve`).
    Built as a plain dict and returned as a :class:`viz.dict_figure.DictFigure` (a go.Figure)
    holding its JSON-ready form: ~1 ms to pickle into the cache and out again, and
    ``st.plotly_chart`` sends it without validating its ~200 frame traces.
    """
    first = runs[0]
    trajectories = [run(settings) for settings in runs]
    surface_layers_ = layers(first.surface, first.surface_params)
    spec = path_figure_dict(
        surface_layers_,
        surface_of(first),
        trajectories,
        labels=list(labels) if labels else None,
        max_frames=max_frames,
        show_arrows=show_arrows,
        theory=[rate_curve(settings) for settings in runs] if theory else None,
    )
    # Frames name the traces they change: appending one is safe.
    spec["data"].append(click_grid_trace(surface_layers_.bounds))
    return DictFigure(encode_arrays(spec))


@st.cache_data(max_entries=3, show_spinner=False)
def animation_html(runs: tuple, title: str, theory: bool = False) -> bytes:
    """:func:`path_figure` of ``runs`` as a standalone HTML file that plays offline
    (viz.export). About 5 MB each (plotly.js is inside), hence so few entries; build it only
    when someone downloads it."""
    from viz.export import figure_html

    return figure_html(path_figure(runs, theory=theory), title).encode("utf-8")


@st.cache_data(max_entries=16, show_spinner=False)
def surface_3d_figure(runs: tuple):
    """The 3-D surface with the paths of ``runs`` lifted onto it."""
    # As its JSON-ready dict: a cache hit then costs no re-validation (viz.dict_figure).
    return DictFigure.from_figure(
        trajectory_3d_figure(surface_of(runs[0]), [run(settings) for settings in runs])
    )


@st.cache_data(max_entries=32, show_spinner=False)
def race_curves(runs: tuple, labels: tuple):
    """Loss and distance-to-minimizer curves of every racer."""
    # As its JSON-ready dict: a cache hit then costs no re-validation (viz.dict_figure).
    return DictFigure.from_figure(
        loss_distance_figure(surface_of(runs[0]), [run(s) for s in runs], list(labels))
    )


@st.cache_data(max_entries=32, show_spinner=False)
def race_table(runs: tuple) -> list[dict]:
    """One row per racer: status, steps to tolerance, final loss, distance to a minimizer."""
    rows = []
    for settings in runs:
        trajectory = run(settings)
        # With weight decay the racer minimises f + (λ/2)‖x‖²: measure to that minimizer.
        nearest = optimizers.objective_minimizer(
            surface_of(settings), trajectory.optimizer.weight_decay, trajectory.final_point
        )
        distance = None if nearest is None else float(np.hypot(*(trajectory.final_point - nearest)))
        rows.append(
            {
                "Optimizer": trajectory.optimizer.label(),
                "Status": optimizers.status_label(trajectory.status),
                # Words and 3 significant figures, never "None" (a table of strings).
                "Steps to tolerance": format_number(trajectory.steps)
                if trajectory.status == "converged"
                else "not reached",
                "Final loss": format_number(trajectory.final_loss),
                "Distance to nearest minimizer": "no minimizer"
                if distance is None
                else format_number(distance),
            }
        )
    return rows


# ----- Curvature page -------------------------------------------------------------------------
@st.cache_data(max_entries=32, show_spinner=False)
def curvature_grid(name: str, params: ParamsKey, resolution: int = 120):
    """λ₁, λ₂ of the Hessian on a grid over the plot (for the log₁₀ κ and sign maps)."""
    from viz.curvature import curvature_grid as _curvature_grid

    return _curvature_grid(surface(name, params), resolution)


@st.cache_data(max_entries=256, show_spinner=False)
def point_curvature(name: str, params: ParamsKey, point: tuple[float, float]):
    """:func:`surfaces.curvature` at ``point``."""
    return surfaces.curvature(surface(name, params), point)


@st.cache_data(max_entries=32, show_spinner=False)
def curvature_view(name: str, params: ParamsKey, point: tuple[float, float]):
    """The layers, the curvature at ``point`` and the curvature map: the Curvature page's one
    call. Each piece is cached too, so a new point only recomputes one 2×2 Hessian."""
    from viz.curvature import CurvatureView

    return CurvatureView(
        layers(name, params), point_curvature(name, params, point), curvature_grid(name, params)
    )


# ----- GD vs SGD page -------------------------------------------------------------------------
@st.cache_data(max_entries=128, show_spinner=False)
def gradient_cloud(
    name: str,
    params: ParamsKey,
    point: tuple[float, float],
    batch_size: int,
    draws: int = 200,
    seed: int = 0,
):
    """``draws`` mini-batch gradients of size ``batch_size`` at ``point`` (viz.sgd)."""
    from viz.sgd import gradient_cloud as _gradient_cloud

    return _gradient_cloud(surface(name, params), point, batch_size, draws=draws, seed=seed)


@st.cache_data(max_entries=64, show_spinner=False)
def gd_vs_sgd(
    name: str,
    params: ParamsKey,
    hyperparameters: tuple,
    x0: tuple[float, float],
    steps: int,
    tol: float,
    batch_size: int,
    n_seeds: int,
    decay: float,
    step: int,
):
    """Batch GD, mini-batch SGD with seeds 0 … n_seeds − 1 (learning rate η/(1 + decay·t)),
    and the gradient cloud at GD's point after ``step`` updates: the GD-vs-SGD page's one
    call. The runs are cached on their own, so moving ``step`` only redraws the cloud."""
    from viz.sgd import SgdView, point_at

    target = surface(name, params)
    gd = trajectory(name, params, "gd", hyperparameters, (), x0, steps, tol)
    options = (("decay", float(decay)),) if decay else ()
    seeds = tuple(range(n_seeds))
    sgd = tuple(
        trajectory(
            name, params, "gd", hyperparameters, options, x0, steps, tol, batch_size, 0.0, seed
        )
        for seed in seeds
    )
    longest = max(len(run.points) for run in (gd, *sgd)) - 1
    step = min(max(int(step), 0), longest)
    here = point_at(gd, step)
    cloud = gradient_cloud(name, params, (float(here[0]), float(here[1])), batch_size)
    f_star = min(float(target.value(*minimum)) for minimum in target.minima)
    return SgdView(layers(name, params), gd, sgd, seeds, f_star, step, cloud)


@st.cache_data(max_entries=32, show_spinner=False)
def phase_sweep(
    name: str,
    params: ParamsKey,
    optimizer_name: str,
    x0: tuple[float, float],
    steps: int,
    tol: float,
    lrs: tuple,
    y_name: str | None = None,
    ys: tuple = (),
    fixed: tuple = (),
) -> optimizers.SweepResult:
    """One sweep over ``lrs`` (columns) × ``ys`` of hyperparameter ``y_name`` (rows).

    ``fixed`` holds the rule's other hyperparameters as pairs. Without ``y_name`` the result
    has one row. Cached apart from the page's other work, so moving the learning rate redraws
    the map without re-running it.
    """
    grid = {"lr": np.asarray(lrs, dtype=float)[None, :], **dict(fixed)}
    if y_name is not None:
        grid[y_name] = np.asarray(ys, dtype=float)[:, None]
    return optimizers.sweep(
        surface(name, params), optimizer_name, x0=x0, steps=steps, tol=tol, **grid
    )


#: Cell-steps (in analytic-gradient units) one phase sweep may take: 120 × 100 cells × 2,000
#: steps on an analytic surface, about 2 s here.
PHASE_BUDGET = 24e6


@st.cache_data(max_entries=32, show_spinner=False)
def phase_data(
    name: str,
    params: ParamsKey,
    optimizer_name: str,
    hyperparameters: tuple,
    x0: tuple[float, float],
    steps: int,
    tol: float,
    lr_stops: tuple,
    lr_count: int = 120,
):
    """The Phase diagram page's numbers: map, slice at the current y value, current run.

    ``hyperparameters`` are the current sliders as pairs (``lr`` and the rule's others);
    ``lr_stops`` are the learning-rate slider's options, which the map's columns are taken
    from (so a clicked cell is exactly a slider stop). See :mod:`viz.phase`.
    """
    from viz import phase

    hyper = dict(hyperparameters)
    y_name = phase.Y_AXES.get(optimizer_name)
    fixed = tuple((k, v) for k, v in hyperparameters if k not in ("lr", y_name))
    curvature, _ = reference_curvature(name, params, x0)
    anchor = phase.lr_anchor(
        curvature, optimizer_name, suggested_lr(name, params, optimizer_name, x0)
    )
    shown = surface(name, params)
    theory = curvature if shown.is_quadratic else None
    # A gradient of a data surface costs about n_samples/2 times an analytic one: thin the grid
    # so the sweep's work stays within the budget (a classroom server must not stall).
    # (A surface may say what one gradient costs instead: a network's grows with its width.)
    cost = steps * max(1.0, getattr(shown, "gradient_cost", (shown.n_samples or 0) / 2))
    stride = max(
        1, math.ceil(math.sqrt(len(phase.y_values("momentum")) * lr_count * cost / PHASE_BUDGET))
    )
    lrs, ys, result = (
        phase.lr_grid(lr_stops, anchor, optimizer_name, max(8, lr_count // stride)),
        (),
        None,
    )
    if y_name is not None:
        ys = phase.y_values(optimizer_name)[::stride]
        result = phase_sweep(name, params, optimizer_name, x0, steps, tol, lrs, y_name, ys, fixed)
    slice_lrs = phase.lr_grid(lr_stops, anchor, optimizer_name)
    slice_lrs = slice_lrs[:: max(1, math.ceil(len(slice_lrs) * cost / PHASE_BUDGET))]
    y = hyper.get(y_name) if y_name else None
    cut = phase_sweep(
        name,
        params,
        optimizer_name,
        x0,
        steps,
        tol,
        slice_lrs,
        y_name,
        (y,) if y_name else (),
        fixed,
    )
    return phase.PhaseData(
        optimizer=optimizer_name,
        y_name=y_name,
        lrs=np.asarray(lrs),
        ys=np.asarray(ys),
        steps_to_converge=None if result is None else result.steps_to_converge,
        diverged=None if result is None else result.diverged,
        outcome=None if result is None else result.outcome,
        slice_lrs=np.asarray(slice_lrs),
        slice_steps=cut.steps_to_converge[0],
        slice_diverged=cut.diverged[0],
        slice_final_loss=cut.final_loss[0],
        lr=float(hyper["lr"]),
        y=None if y is None else float(y),
        steps=int(steps),
        tol=float(tol),
        curvature=theory if theory is not None and theory.gd_stability_limit else None,
        trajectory=trajectory(name, params, optimizer_name, hyperparameters, (), x0, steps, tol),
    )


# ----- Theory on the charts: the Playground's rate curve, the Convergence rates page ----------
@st.cache_data(max_entries=64, show_spinner=False)
def rate_curve(settings):
    """The theory's loss curve of the run ``settings`` (a RunSpec), or None where the
    linear theory does not apply: not a positive definite quadratic, an adaptive rule or
    Newton, decay, clipping or weight decay, or a noisy or mini-batch gradient."""
    if settings.noise or settings.batch_size is not None:
        return None
    trajectory_ = run(settings)
    return optimizers.theory.rate_curve(
        surface_of(settings), trajectory_.optimizer, trajectory_.points[0], trajectory_.steps
    )


@st.cache_data(max_entries=64, show_spinner=False)
def quadratic_curvature(name: str, params: ParamsKey):
    """The constant Hessian of a quadratic surface (None for other surfaces, or if not
    positive definite)."""
    return optimizers.theory.quadratic_curvature(surface(name, params))


@st.cache_data(max_entries=32, show_spinner=False)
def eigen_error_figure(settings):
    """The run ``settings`` split along the Hessian's eigenvectors (viz.theory); the theory
    lines only for exact gradients."""
    from viz.theory import eigen_error_figure as _eigen_error_figure

    exact = not settings.noise and settings.batch_size is None
    return _eigen_error_figure(surface_of(settings), run(settings), theory=exact)


@st.cache_data(max_entries=4, show_spinner=False)
def condition_sweep(
    kappas: tuple, names: tuple, x0: tuple[float, float], tol: float, max_steps: int
):
    """Steps to converge against κ on the quadratic bowl (optimizers.theory.condition_sweep)."""
    return optimizers.theory.condition_sweep(kappas, names, x0, tol, max_steps)


@st.cache_data(max_entries=16, show_spinner=False)
def condition_sweep_figure(
    kappas: tuple,
    names: tuple,
    x0: tuple[float, float],
    tol: float,
    max_steps: int,
    current_kappa: float | None = None,
):
    """The κ sweep's log–log figure, with the sidebar surface's κ as a vertical line."""
    from viz.theory import condition_sweep_figure as _condition_sweep_figure

    return _condition_sweep_figure(
        condition_sweep(kappas, names, x0, tol, max_steps), current_kappa
    )
