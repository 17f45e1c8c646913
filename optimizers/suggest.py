"""Sensible starting learning rates per surface, so every rule shows something on first load."""

from __future__ import annotations

from surfaces.curvature import reference_curvature

#: Adaptive rules move each coordinate by about lr per step (RMSprop by lr/√(1−ρ) at first),
#: so their learning rate is a fraction of the plot's half-diagonal.
ADAPTIVE_FRACTION = {"adagrad": 0.25, "rmsprop": 0.01, "adam": 0.02}


def suggested_lr(surface, name: str, start=None) -> float:
    """A learning rate that makes rule ``name`` behave well from ``start`` on ``surface``.

    GD takes the best fixed step 2/(λmin + λmax) of the reference Hessian (at the minimizer
    nearest the start, or at the start where there is none), or 0.5/|λ|max where that Hessian
    is not positive definite; momentum and Nesterov take 1/|λ|max (stable for β = 0.9, whose
    limits are 3.8/λmax and 1.36/λmax); adaptive rules scale with the plot; Newton takes 1.
    """
    if name == "newton":
        return 1.0
    if name in ADAPTIVE_FRACTION:
        return ADAPTIVE_FRACTION[name] * surface.half_diagonal
    curvature, _ = reference_curvature(surface, start)
    largest = max(abs(curvature.lambda_min), abs(curvature.lambda_max), 1e-12)
    if name == "gd":
        if curvature.best_fixed_step is not None:
            return curvature.best_fixed_step
        return 0.5 / largest
    return 1.0 / largest
