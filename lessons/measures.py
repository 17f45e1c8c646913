"""Measurements of a path that the judges use (public: tests and notebooks use them too)."""

from __future__ import annotations

import numpy as np

import optimizers
import surfaces


def zigzags(points: np.ndarray, direction, min_step: float) -> int:
    """How often the path reverses along ``direction``: sign changes of the steps' component
    along it, counting only steps whose component is longer than ``min_step``."""
    components = np.diff(np.asarray(points, dtype=float), axis=0) @ np.asarray(direction, float)
    signs = np.sign(components[np.abs(components) > min_step])
    return int(np.count_nonzero(signs[1:] != signs[:-1]))


def overshoot(points: np.ndarray, minimum) -> float:
    """How far the path swings past ``minimum``, measured along the line from the start to it:
    max over t of ⟨p_t − p*, u⟩ with u the unit vector from p_0 towards p* (0 if never past)."""
    points = np.asarray(points, dtype=float)
    minimum = np.asarray(minimum, dtype=float)
    towards = minimum - points[0]
    towards = towards / np.linalg.norm(towards)
    return max(0.0, float(np.max((points - minimum) @ towards)))


def steps_near(points: np.ndarray, center, radius: float) -> int:
    """Number of points of the path within ``radius`` of ``center``."""
    offsets = np.asarray(points, dtype=float) - np.asarray(center, dtype=float)
    return int(np.count_nonzero(np.hypot(offsets[:, 0], offsets[:, 1]) < radius))


def first_step_beyond(points: np.ndarray, center, direction, distance: float) -> int | None:
    """The first step whose offset from ``center`` along ``direction`` exceeds ``distance``
    in size (None if the path never gets that far)."""
    along = np.abs((np.asarray(points, dtype=float) - np.asarray(center, float)) @ direction)
    beyond = np.flatnonzero(along > distance)
    return int(beyond[0]) if beyond.size else None


def spread(points: np.ndarray, center, tail: float = 0.5) -> float:
    """Root-mean-square distance from ``center`` over the last ``tail`` fraction of the path."""
    points = np.asarray(points, dtype=float)
    last = points[int(len(points) * (1.0 - tail)) :]
    offsets = last - np.asarray(center, dtype=float)
    return float(np.sqrt(np.mean(np.sum(offsets**2, axis=1))))


def excess_loss(trajectory: optimizers.Trajectory, f_star: float, tail: float = 0.25) -> float:
    """Mean of f − f* over the last ``tail`` fraction of the run."""
    losses = trajectory.losses[int(len(trajectory.losses) * (1.0 - tail)) :]
    return float(np.mean(losses) - f_star)


def distance_to_nearest_minimum(surface: surfaces.Surface, point) -> float:
    minima = np.asarray(surface.minima, dtype=float)
    return float(np.min(np.hypot(*(minima - np.asarray(point, dtype=float)).T)))


def nearest_minimum(surface: surfaces.Surface, point) -> int:
    """Index into ``surface.minima`` of the minimizer nearest ``point``."""
    minima = np.asarray(surface.minima, dtype=float)
    return int(np.argmin(np.hypot(*(minima - np.asarray(point, dtype=float)).T)))


def adagrad_effective_steps(trajectory: optimizers.Trajectory) -> np.ndarray:
    r"""AdaGrad's per-coordinate step size :math:`\eta/(\sqrt{s_{t+1}} + \epsilon)` at each
    step, replayed from the exact gradients of a deterministic run (no noise, no clipping,
    no decay), shape (steps, 2)."""
    optimizer = trajectory.optimizer
    sums = np.cumsum(trajectory.gradients[:-1] ** 2, axis=0)
    return optimizer.lr / (np.sqrt(sums) + optimizer.hyperparameters["eps"])


def quadratic_model(surface: surfaces.Surface) -> surfaces.Curvature:
    """The curvature at the surface's first listed minimizer (the whole Hessian of a quadratic)."""
    return surfaces.curvature(surface, surface.minima[0])
