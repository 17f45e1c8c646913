"""Messages for students: run results and errors, shown the same way on every page."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import streamlit as st

import optimizers
import surfaces
from optimizers.numbers import format_number, format_point
from viz.minima import shown_minima

T = TypeVar("T")


def opening(text: str) -> None:
    """The page's first sentence under its title: what a student should do here."""
    st.markdown(f"**{text}**")


def run_or_explain(work: Callable[[], T]) -> T:
    """Call ``work``; on bad input show its message (never a traceback) and stop this run."""
    try:
        return work()
    except (ValueError, TypeError) as error:
        st.error(f"These settings cannot run: {error}")
        st.stop()


def status(trajectory: optimizers.Trajectory, surface: surfaces.Surface) -> None:
    """The status line: what happened, the final loss and the distance to the nearest minimum."""
    # With weight decay the run minimises f + (λ/2)‖x‖², whose minimizer is not f's.
    weight_decay = trajectory.optimizer.weight_decay
    nearest = optimizers.objective_minimizer(surface, weight_decay, trajectory.final_point)
    detail = f"Final loss **{format_number(trajectory.final_loss)}**"
    distance = None if nearest is None else float(np.hypot(*(trajectory.final_point - nearest)))
    if distance is not None and math.isfinite(distance):
        of = " of f + (λ/2)‖x‖²" if weight_decay else ""
        detail += f" · distance to the nearest minimizer{of} **{format_number(distance)}**"
    if not weight_decay:
        detail += _which_minimum(surface, trajectory.final_point)
    show = {
        "converged": st.success,
        "diverged": st.error,
        "undefined": st.warning,
        "stopped": st.warning,
    }.get(trajectory.status, st.info)
    # icon="" (no icon, as by default) also skips Streamlit's search for a leading emoji in a
    # text that is not plain ASCII (this one has "·"): that search imports its emoji catalog
    # and compiles a pattern of every emoji, ≈ 90 ms of a cold server's first run.
    show(f"{trajectory.message}  \n{detail}", icon="")


def _which_minimum(surface: surfaces.Surface, point) -> str:
    """Which of the starred minima (viz.minima.shown_minima) the run ended at, where the plot
    stars more than one: the lowest, or a local one with the lowest named."""
    marked = shown_minima(surface)
    if len(marked) < 2 or not np.all(np.isfinite(point)):
        return ""
    distances = np.hypot(*(marked - np.asarray(point, dtype=float)).T)
    here = int(np.argmin(distances))
    # Ended at a starred point: within 1 % of the plot's half-diagonal of it.
    if distances[here] > 1e-2 * surface.half_diagonal:
        return ""
    values = np.asarray(surface.value(marked[:, 0], marked[:, 1]), dtype=float)
    lowest = int(np.argmin(values))
    ties = values <= values[lowest] + 1e-9 * max(1.0, abs(values[lowest]))
    if ties[here] and ties.sum() > 1:  # Himmelblau: four minima, all at f = 0
        return (
            f" · it ended at one of the {int(ties.sum())} lowest starred minima (all at f = "
            f"{format_number(values[lowest])})"
        )
    if ties[here]:
        return f" · it ended at the lowest of the {len(marked)} starred minima"
    return (
        f" · it ended in a local minimum (f = {format_number(values[here])}); the lowest "
        f"starred one is at {format_point(marked[lowest])} with f = "
        f"{format_number(values[lowest])}"
    )
