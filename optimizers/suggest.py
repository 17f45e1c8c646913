"""Sensible starting settings per surface, so every rule shows something on first load.

A suggestion is checked, not only derived: the curvature gives a first learning rate, and a
short run from the start point must not diverge with it (a quartic such as (x² − 1)² curves far
more at the edge of the plot than at its minimum, so a step that suits the minimum can blow up
on the way there). The learning rate is halved until the run stays bounded.
"""

from __future__ import annotations

import math

from optimizers.registry import get
from optimizers.runner import run
from surfaces.curvature import reference_curvature

#: Adaptive rules move each coordinate by about lr per step (RMSprop by lr/√(1−ρ) at first),
#: so their learning rate is a fraction of the plot's half-diagonal.
ADAPTIVE_FRACTION = {"adagrad": 0.25, "rmsprop": 0.01, "adam": 0.05}
#: Gradient descent's suggestion never goes past this fraction of the stability limit
#: 2/λmax: the fraction κ/(κ + 1) that the best fixed step 2/(λmin + λmax) has at κ = 10 (the
#: Playground's default, unchanged). Above it the best step creeps up to the limit (0.99 of it
#: at κ = 100), the steep direction's factor 1 − ηλmax to −1 (−0.98), and the path's swings
#: across the valley barely shrink: 200 steps drew a solid orange fan, not a zig-zag. At
#: 10/11 of the limit the swings shrink by 9/11 ≈ 0.82 a step, so the room sees the lecture's
#: picture of an ill-conditioned valley: a few bounces across it, then the slow crawl along
#: its flat floor, at a cost of about 1/(ηλmin) steps per e-fold: 55 instead of 50.5 at
#: κ = 100.
GD_LIMIT_FRACTION = 10 / 11
#: At most this many halvings while a checked run diverges (2⁻¹² ≈ 2.4e-4 of the first value).
MAX_HALVINGS = 12
#: Steps of the checking run: long enough to meet the steep walls a path crosses on its way in.
CHECK_STEPS = 200


def suggested_hyperparameters(surface, name: str, start=None) -> dict[str, float]:
    """Learning rate and, for momentum rules, β that make rule ``name`` behave well.

    On a minimum with positive definite Hessian H (eigenvalues λmin ≤ λmax, κ = λmax/λmin)
    heavy-ball momentum takes the optimal pair of the theory,
    η* = (2/(√λmax + √λmin))², β* = ((√κ − 1)/(√κ + 1))² (rate (√κ − 1)/(√κ + 1) per step),
    and Nesterov takes η = 1/λmax with β = (√κ − 1)/(√κ + 1); elsewhere they keep β = 0.9
    and take :func:`suggested_lr`. Other rules get only a learning rate.

    Parameters
    ----------
    surface : surfaces.Surface
    name : str
        An optimizer name, e.g. ``'momentum'``.
    start : array_like (2,), optional
        The start point (defaults to ``surface.start``).

    Returns
    -------
    dict
        ``{'lr': η}`` or ``{'lr': η, 'momentum': β}``, the learning rate checked by a run.
    """
    start = surface.start if start is None else start
    if name in ("momentum", "nesterov"):
        curvature, _ = reference_curvature(surface, start)
        if curvature.kind == "minimum" and curvature.momentum_lr is not None:
            root_kappa = math.sqrt(curvature.condition_number)
            if name == "momentum":
                lr, beta = curvature.momentum_lr, curvature.momentum_beta
            else:
                lr, beta = 1.0 / curvature.lambda_max, (root_kappa - 1) / (root_kappa + 1)
            beta = round(min(max(beta, 0.01), 0.99), 2)  # on the slider's 0.01 grid
            return {"lr": _checked(surface, name, start, lr, momentum=beta), "momentum": beta}
    return {"lr": suggested_lr(surface, name, start)}


def suggested_lr(surface, name: str, start=None) -> float:
    """A learning rate that makes rule ``name`` behave well from ``start`` on ``surface``.

    GD takes the best fixed step 2/(λmin + λmax) of the reference Hessian (at the minimizer
    nearest the start, or at the start where there is none), but at most
    :data:`GD_LIMIT_FRACTION` of the limit 2/λmax (the same for κ ≤ 10), or 0.5/|λ|max where
    that Hessian is not positive definite; momentum and Nesterov take 1/|λ|max (stable for
    β = 0.9, whose limits are 3.8/λmax and 1.36/λmax); adaptive rules scale with the plot;
    Newton takes 1. Then the value is halved while a run of :data:`CHECK_STEPS` steps from
    ``start`` with the rule's default hyperparameters diverges (at most :data:`MAX_HALVINGS`
    times).
    """
    start = surface.start if start is None else start
    if name == "newton":
        return 1.0
    if name in ADAPTIVE_FRACTION:
        lr = ADAPTIVE_FRACTION[name] * surface.half_diagonal
    else:
        curvature, _ = reference_curvature(surface, start)
        largest = max(abs(curvature.lambda_min), abs(curvature.lambda_max), 1e-12)
        if name == "gd":
            lr = curvature.best_fixed_step
            if lr is None:
                lr = 0.5 / largest
            else:  # at most 10/11 of the limit 2/λmax: the zig-zag stays a zig-zag
                lr = min(lr, GD_LIMIT_FRACTION * 2.0 / curvature.lambda_max)
        else:
            lr = 1.0 / largest
    return _checked(surface, name, start, lr)


def _checked(surface, name: str, start, lr: float, **hyperparameters) -> float:
    """``lr``, halved while a run from ``start`` diverges with it."""
    for _ in range(MAX_HALVINGS):
        try:
            trajectory = run(
                surface, get(name, lr=lr, **hyperparameters), x0=start, steps=CHECK_STEPS
            )
        except (ValueError, ArithmeticError):
            return lr  # the run itself cannot start here: the page says why, not the suggestion
        if trajectory.status != "diverged":
            return lr
        lr /= 2
    return lr
