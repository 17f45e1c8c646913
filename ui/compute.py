"""Cached work behind the pages: surfaces, their static layers, runs and sweeps.

Every function takes plain hashable arguments (names, tuples of numbers), so moving the
learning rate reuses the cached surface and its raster, and only the run is recomputed.
"""

from __future__ import annotations

import streamlit as st

import optimizers
import surfaces
from optimizers.suggest import suggested_lr as _suggested_lr
from viz.layers import SurfaceLayers, surface_layers

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
        surface(name, params), optimizer, x0=x0, steps=steps, tol=tol,
        batch_size=batch_size, noise=noise, seed=seed,
    )


@st.cache_data(max_entries=64, show_spinner=False)
def reference_curvature(name: str, params: ParamsKey, start: tuple[float, float]):
    """The Hessian the learning-rate hints use, and a phrase saying where it was taken."""
    return surfaces.reference_curvature(surface(name, params), start)


@st.cache_data(max_entries=64, show_spinner=False)
def suggested_lr(name: str, params: ParamsKey, optimizer_name: str,
                 start: tuple[float, float]) -> float:
    """A learning rate that behaves well for this rule on this surface (see optimizers.suggest)."""
    return _suggested_lr(surface(name, params), optimizer_name, start)
