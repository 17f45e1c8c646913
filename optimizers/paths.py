"""Whole paths for many learning rates at once: the data behind scrubbing η in the browser.

:func:`optimizers.sweep` keeps one number per cell (steps to converge, diverged or not); a
teacher who drags the learning rate wants to *see* each run, so :func:`lr_paths` keeps every
point of every run. It runs the same update rule on a stack of points, one row per learning
rate, with the stop rules of :func:`optimizers.run` (:mod:`optimizers.stopping`), so row i is
the single run at ``lrs[i]``: the same points, the same stop step, the same status.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from optimizers import domain, stopping
from optimizers.registry import Optimizer
from optimizers.runner import _check_run_arguments, run
from optimizers.sweep import sweep
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
        What :func:`optimizers.run` says for each row: ``'converged'``, ``'diverged'``,
        ``'bouncing'``, ``'stopped'``, ``'undefined'`` or ``'max_steps'``.
    """

    lrs: np.ndarray
    points: np.ndarray
    losses: np.ndarray
    last_steps: np.ndarray
    statuses: tuple[str, ...]

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
    f(x_k) and ∇f(x_k); its path ends before x_k where x_k overflowed, left the escape disc
    where f is undefined, or f or ∇f is undefined there, and at x_k where it left the escape
    disc, passed the loss ceiling or converged (‖∇F(x_k)‖ < ``tol``, F = f + (λ/2)‖x‖²), or
    where the next step is exactly zero (gradient descent, AdaGrad, Newton); otherwise it
    steps with

    .. math:: \tilde g_k = \min\!\Big(1, \frac{c}{\lVert g_k\rVert}\Big) g_k + \lambda x_k,
        \qquad \eta_k = \frac{\eta_i}{1 + d\,k}

    (clip c, weight decay λ and decay d from ``optimizer``; η_i = ``lrs[i]``). Each row's
    status is :func:`optimizers.sweep`'s outcome for its learning rate, which equals the
    runner's cell for cell (a rule with clipping, which the sweep lacks, asks the runner).

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
    stoppable = optimizer.name in stopping.STOPPABLE
    lr0 = lrs[:, None]

    points = np.full((count, steps + 1, 2), np.nan)
    losses = np.full((count, steps + 1), np.nan)
    last_steps = np.full(count, steps, dtype=int)
    cx, cy = surface.center
    radius_sq = float(stopping.escape_radius_sq(surface, start[0], start[1]))

    p = np.repeat(start[None, :].astype(float), count, axis=0)
    state = rule.init(p)
    alive = np.ones(count, dtype=bool)
    with np.errstate(all="ignore"):
        loss0 = float(surface._value(start[0], start[1]))
        g0 = surface._gradient(start[0], start[1])
        if not (np.isfinite(loss0) and np.all(np.isfinite(g0))):
            raise ValueError(domain.start_error(surface, start[0], start[1], loss0, g0))
        ceiling = float(stopping.loss_ceiling(surface, loss0))
        # Where each row's path ends, in optimizers.run's order of checks: a point that
        # overflowed, left the escape disc or where f or ∇f is undefined ends the path before
        # it (an escaped point where both are defined is drawn), a loss over the ceiling,
        # convergence or a zero step after it.
        for k in range(steps + 1):
            x, y = p[:, 0], p[:, 1]
            loss = np.broadcast_to(surface._value(x, y), count)
            raw_x, raw_y = (np.broadcast_to(g, count) for g in surface._gradient(x, y))
            gx, gy = raw_x, raw_y
            finite = np.isfinite(x + y)
            defined = finite & np.isfinite(loss) & np.isfinite(gx) & np.isfinite(gy)
            far = alive & finite & ((x - cx) * (x - cx) + (y - cy) * (y - cy) > radius_sq)
            ended_before = alive & (~finite | (far & ~defined) | (~far & ~defined))
            last_steps[ended_before] = k - 1
            alive &= ~ended_before
            points[alive, k] = p[alive]
            losses[alive, k] = loss[alive]
            if weight_decay:  # the objective f + (λ/2)‖x‖² decides convergence
                gx, gy = gx + weight_decay * x, gy + weight_decay * y
            norm = np.hypot(gx, gy)
            ended = alive & (far | (loss > ceiling) | (norm < tol) | (norm == 0.0))
            last_steps[ended] = k
            alive &= ~ended
            if k == steps or not alive.any():
                break
            if clip is None:
                g = np.stack((gx, gy), axis=-1)  # ∇f + λx, as the runner adds them
            else:  # the runner clips ∇f, then adds λx
                g = _clipped(np.stack((raw_x, raw_y), axis=-1), clip)
                if weight_decay:
                    g = g + weight_decay * p
            lr = lr0 / (1.0 + decay * k) if decay else lr0
            if needs_hessian:
                hessian = surface._hessian_at(p)
                hessian[:, 0, 0] += weight_decay
                hessian[:, 1, 1] += weight_decay
                new_p, state = rule.step(p, g, state, lr=lr, hessian=hessian)
            else:
                new_p, state = rule.step(p, g, state, lr=lr, **hyper)
            if stoppable:
                delta = new_p - p
                stopped = alive & (delta[:, 0] * delta[:, 0] + delta[:, 1] * delta[:, 1] == 0.0)
                last_steps[stopped] = k
                alive &= ~stopped
            p = new_p
    statuses = _statuses(surface, optimizer, lrs, x0, steps, tol)
    return LrPaths(lrs, points, losses, last_steps, statuses)


def _clipped(g: np.ndarray, clip: float) -> np.ndarray:
    """Each row of ``g`` scaled to norm ``clip`` where it is longer, as the runner does it
    (math.hypot: NumPy's hypot may differ in the last bit)."""
    size = np.array([math.hypot(gx, gy) for gx, gy in g.tolist()])[:, None]
    return np.where(size > clip, g * (clip / size), g)


def _statuses(surface, optimizer, lrs, x0, steps, tol) -> tuple[str, ...]:
    """What :func:`optimizers.run` says for each learning rate: the sweep's outcome, which
    equals it cell for cell; the sweep has no clipping, so a clipped rule asks the runner."""
    if optimizer.clip is None:
        hyper = {key: v for key, v in optimizer.hyperparameters.items() if key != "lr"}
        result = sweep(
            surface,
            optimizer.name,
            x0=x0,
            steps=steps,
            tol=tol,
            lr=lrs,
            decay=optimizer.decay,
            weight_decay=optimizer.weight_decay,
            **hyper,
        )
        return tuple(result.statuses.tolist())
    return tuple(
        run(
            surface,
            replace(optimizer, hyperparameters={**optimizer.hyperparameters, "lr": float(lr)}),
            x0=x0,
            steps=steps,
            tol=tol,
        ).status
        for lr in lrs
    )
