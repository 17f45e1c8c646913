"""Whole paths for many learning rates at once: the data behind scrubbing η in the browser.

:func:`optimizers.sweep` keeps one number per cell (steps to converge, diverged or not); a
teacher who drags the learning rate wants to *see* each run, so :func:`lr_paths` keeps every
point of every run. It runs the same update rule on a stack of points, one row per learning
rate, with the stop rules of :func:`optimizers.run` (:mod:`optimizers.stopping`), so row i is
the single run at ``lrs[i]``: the same points, the same stop step, the same status.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from optimizers import stopping
from optimizers.registry import Optimizer
from optimizers.runner import _check_run_arguments
from surfaces.base import Surface, as_point

#: The most learning rates one batch may hold (40 stops × 300 steps is the scrub's budget).
MAX_RATES = 200


@dataclass(frozen=True, eq=False)
class LrPaths:
    """One run per learning rate, stacked.

    Attributes
    ----------
    lrs : ndarray (n,)
        The learning rates, as given.
    points : ndarray (n, steps + 1, 2)
        Row i holds x₀, x₁, …, x_k of the run at ``lrs[i]``, then NaN after it stopped.
    losses : ndarray (n, steps + 1)
        f at each point, NaN after the stop.
    last_steps : ndarray of int (n,)
        k, the last step of each run: ``points[i, : last_steps[i] + 1]`` is its path.
    statuses : tuple of str
        What :func:`optimizers.run` says for each row: ``'converged'``, ``'diverged'`` or
        ``'max_steps'``.
    reasons : tuple of str
        Why a diverged row stopped: ``'nonfinite'``, ``'escaped'``, ``'ceiling'`` or
        ``'growing'`` (slowly, caught at the end); ``''`` for the others.
    """

    lrs: np.ndarray
    points: np.ndarray
    losses: np.ndarray
    last_steps: np.ndarray
    statuses: tuple[str, ...]
    reasons: tuple[str, ...]

    def path(self, index: int) -> np.ndarray:
        """The points of run ``index``, without the NaN padding."""
        return self.points[index, : self.last_steps[index] + 1]

    def loss_curve(self, index: int) -> np.ndarray:
        """The losses of run ``index``, without the NaN padding."""
        return self.losses[index, : self.last_steps[index] + 1]


def lr_paths(
    surface: Surface,
    optimizer: Optimizer,
    lrs,
    x0=None,
    steps: int = 300,
    tol: float = 1e-8,
) -> LrPaths:
    r"""Run ``optimizer`` once per learning rate in ``lrs``, all in one NumPy loop.

    Every row follows :func:`optimizers.run` with exact gradients: at step k it evaluates
    f(x_k) and ∇f(x_k), stops when ‖∇f(x_k)‖ < ``tol`` (converged) or when x_k is not finite,
    leaves the escape disc or passes the loss ceiling (diverged), and otherwise steps with

    .. math:: \tilde g_k = \min\!\Big(1, \frac{c}{\lVert g_k\rVert}\Big) g_k + \lambda x_k,
        \qquad \eta_k = \frac{\eta_i}{1 + d\,k}

    (clip c, weight decay λ and decay d from ``optimizer``; η_i = ``lrs[i]``). A row that
    used its whole budget is *diverged* when it is growing slowly
    (:func:`optimizers.stopping.still_growing`), else *max_steps* (still moving).

    Parameters
    ----------
    surface : Surface
    optimizer : Optimizer
        The rule and its other hyperparameters (its own ``lr`` is ignored).
    lrs : sequence of float
        Learning rates, each > 0; at most :data:`MAX_RATES`.
    x0 : (2,) sequence of float, optional
        The start of every run; ``surface.start`` if omitted.
    steps : int
        Step budget of each run.
    tol : float
        Convergence threshold on the exact gradient norm.

    Returns
    -------
    LrPaths
    """
    _check_run_arguments(surface, optimizer, steps, tol, 0.0, 0)
    spec = next(h for h in optimizer.rule.HYPERPARAMETERS if h.name == "lr")
    lrs = np.atleast_1d(spec.validate(np.asarray(lrs, dtype=float), rule=optimizer.name))
    if lrs.ndim != 1 or not 1 <= lrs.size <= MAX_RATES:
        raise ValueError(
            f"lrs must be a list of 1 to {MAX_RATES} learning rates, got shape {lrs.shape}."
        )
    start = as_point(surface.start if x0 is None else x0, "x0", finite=True)
    if start.shape != (2,):
        raise ValueError(f"x0 must be one point (x, y), got shape {start.shape}.")

    count = lrs.size
    rule = optimizer.rule
    needs_hessian = getattr(rule, "NEEDS_HESSIAN", False)
    hyper = {key: value for key, value in optimizer.hyperparameters.items() if key != "lr"}
    clip, weight_decay, decay = optimizer.clip, optimizer.weight_decay, optimizer.decay
    lr0 = lrs[:, None]

    points = np.full((count, steps + 1, 2), np.nan)
    losses = np.full((count, steps + 1), np.nan)
    last_steps = np.full(count, steps, dtype=int)
    statuses = np.full(count, "max_steps", dtype=object)
    reasons = np.full(count, "", dtype=object)
    cx, cy = surface.center
    radius_sq = stopping.escape_radius(surface) ** 2

    p = np.repeat(start[None, :].astype(float), count, axis=0)
    state = rule.init(p)
    alive = np.ones(count, dtype=bool)
    with np.errstate(all="ignore"):
        loss0 = float(surface._value(start[0], start[1]))
        if not np.isfinite(loss0):
            raise ValueError(
                f"The loss is not defined at x0 = {tuple(start)}: choose another start."
            )
        ceiling = float(stopping.loss_ceiling(surface, loss0))
        for k in range(steps + 1):
            x, y = p[:, 0], p[:, 1]
            loss = np.broadcast_to(surface._value(x, y), count)
            gx, gy = (np.broadcast_to(g, count) for g in surface._gradient(x, y))
            norm = np.hypot(gx, gy)
            finite = np.isfinite(loss) & np.isfinite(norm) & np.isfinite(x + y)
            # The runner records a point only once f and ∇f are finite there.
            undefined = alive & ~finite
            _stop(undefined, k - 1, "diverged", "nonfinite", last_steps, statuses, reasons)
            if k == 0 and undefined.any():
                raise ValueError(f"The gradient is not defined at x0 = {tuple(start)}.")
            alive &= finite
            points[alive, k] = p[alive]
            losses[alive, k] = loss[alive]
            escaped = alive & ((x - cx) ** 2 + (y - cy) ** 2 > radius_sq)
            _stop(escaped, k, "diverged", "escaped", last_steps, statuses, reasons)
            alive &= ~escaped
            exploded = alive & (loss > ceiling)
            _stop(exploded, k, "diverged", "ceiling", last_steps, statuses, reasons)
            alive &= ~exploded
            settled = alive & (norm < tol)
            _stop(settled, k, "converged", "", last_steps, statuses, reasons)
            alive &= ~settled
            if k == steps or not alive.any():
                break
            g = np.stack((gx, gy), axis=-1)
            if clip is not None:
                # math.hypot, as the runner's: NumPy's hypot may differ in the last bit.
                size = np.array([math.hypot(gx_, gy_) for gx_, gy_ in g.tolist()])[:, None]
                # Only a gradient longer than the clip is scaled, as in the runner.
                g = np.where(size > clip, g * (clip / size), g)
            if weight_decay:
                g = g + weight_decay * p
            lr = lr0 / (1.0 + decay * k) if decay else lr0
            if needs_hessian:
                p, state = rule.step(p, g, state, lr=lr, hessian=surface._hessian_at(p))
            else:
                p, state = rule.step(p, g, state, lr=lr, **hyper)

    if steps >= 8:
        running = np.flatnonzero(statuses == "max_steps")
        if running.size:
            mark = stopping.quarter_mark(steps)
            distances = np.hypot(points[running, :, 0] - cx, points[running, :, 1] - cy)
            growing = stopping.still_growing(
                losses[running, 0],
                losses[running, mark],
                losses[running, steps],
                distances[:, mark],
                distances[:, steps],
            )
            statuses[running[growing]] = "diverged"
            reasons[running[growing]] = "growing"
    return LrPaths(lrs, points, losses, last_steps, tuple(statuses), tuple(reasons))


def _stop(mask, step, status, reason, last_steps, statuses, reasons) -> None:
    """Record that the rows in ``mask`` stopped at ``step`` with ``status``."""
    if mask.any():
        last_steps[mask] = step
        statuses[mask] = status
        reasons[mask] = reason
