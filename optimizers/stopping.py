"""When a run stops and what it is called: the rules the single runner and the sweep share.

Every verdict is a claim about the whole run, so none of them compares two samples of the
loss. The statuses, in the order the runner checks them at each point x_k:

``'diverged'``
    The iterates are leaving every bounded region: the point overflowed to ±∞, or it is
    farther from the plot's centre than :func:`escape_radius` (``ESCAPE_FACTOR``
    half-diagonals of the plot) plus the start's distance from it (:func:`escape_radius_sq`),
    or f overflowed to infinity, or the loss passed a ceiling (:func:`loss_ceiling`) that no
    point within the escape radius reaches.
``'undefined'``
    x_k is a finite point where f or ∇f is not defined (a logarithm of a number ≤ 0, a
    square root of a negative number, a division by zero, the tip of a cone).
``'converged'``
    ‖∇F(x_k)‖ < tol for the objective F = f + (λ/2)‖x‖² (λ = weight decay, 0 by default).
``'stopped'``
    A deterministic rule whose step can only shrink (gradient descent, AdaGrad, Newton)
    made a step of exactly zero: x_{k+1} = x_k, so every later step is zero too.
``'bouncing'``
    At a checkpoint T (:data:`FIRST_CHECK` · 2ʲ ≤ budget) the run's swings neither grew nor
    shrank by more than :data:`SETTLE_RATE` per step between the windows [T/2, 3T/4) and
    [3T/4, T), along neither axis did its largest step grow by more than
    :data:`AXIS_GROWTH`, and its lowest loss did not fall (:func:`not_settling`): it stays
    in a bounded region without settling (a cycle, chaos, or noise).
``'max_steps'``
    Still moving: none of the above by the end of the budget.

The first five are established once they happen and do not change with a longer budget
(a checkpoint's windows are fixed steps of the run, so a longer budget re-finds it).
"""

from __future__ import annotations

import math

import numpy as np

#: Escape radius in half-diagonals of the plot bounds, from their centre and from the start.
ESCAPE_FACTOR = 20.0
#: The loss ceiling in units of the largest |loss| within the escape radius (or at the start).
LOSS_FACTOR = 1e4
#: Points per axis of the coarse grid that measures the surface's loss scale.
SCALE_GRID = 25
#: The first checkpoint of the bouncing test; later ones double it.
FIRST_CHECK = 32
#: A run whose largest step changes by less than this fraction per step is not settling.
SETTLE_RATE = 1e-3
#: Between the two windows a bounded run's largest step along one axis may vary, but not grow
#: by more than this factor: faster growth is an escape along an axis whose steps are still
#: below the rounding of the other axis's (GD at lr·λ = 2 on the saddle x² − y² from y = 10⁻²⁰⁰:
#: x swaps ±2 for ever, y triples every step, and loss and step length stay 4 in floats).
AXIS_GROWTH = 2.0
#: Rules whose step, once exactly zero at a point, stays zero there (deterministic runs).
STOPPABLE = frozenset({"gd", "adagrad", "newton"})


def loss_scale(surface) -> float:
    """max |f| over a coarse grid of the box around the escape disc (finite values), ≥ 1."""
    cx, cy = surface.center
    radius = escape_radius(surface)
    xs = np.linspace(cx - radius, cx + radius, SCALE_GRID)
    ys = np.linspace(cy - radius, cy + radius, SCALE_GRID)
    values = np.abs(surface._value_at(*np.meshgrid(xs, ys)))
    finite = values[np.isfinite(values)]
    return max(1.0, float(finite.max())) if finite.size else 1.0


def escape_radius(surface) -> float:
    return ESCAPE_FACTOR * surface.half_diagonal


def escape_radius_sq(surface, sx, sy):
    """(escape radius + the start's distance from the plot's centre)²: beyond it, measured
    from the centre, a run has left the plot *and* its start far behind. ``sx``, ``sy`` may
    be arrays (sweeps); NumPy's and Python's square roots round alike."""
    cx, cy = surface.center
    dx, dy = np.asarray(sx, dtype=float) - cx, np.asarray(sy, dtype=float) - cy
    with np.errstate(over="ignore"):  # a start near the largest float: an infinite disc
        distance = np.sqrt(dx * dx + dy * dy)
        return (escape_radius(surface) + distance) ** 2


def loss_ceiling(surface, loss0):
    """The loss above which a run counts as diverged; ``loss0`` may be an array (sweeps)."""
    return LOSS_FACTOR * np.maximum(loss_scale(surface), np.abs(loss0))


def checkpoints(steps: int) -> list[int]:
    """The checkpoints T ≤ ``steps`` of the bouncing test: 32, 64, 128, …"""
    marks, mark = [], FIRST_CHECK
    while mark <= steps:
        marks.append(mark)
        mark *= 2
    return marks


def window(k: int) -> tuple[int, int]:
    """(checkpoint T, 0 for [T/2, 3T/4) or 1 for [3T/4, T)) of step or point k ≥ 16."""
    mark = FIRST_CHECK
    while k >= mark:
        mark *= 2
    return mark, int(4 * k >= 3 * mark)


def not_settling(step_sq_a, step_sq_b, low_a, low_b, mark: int, axes_a=None, axes_b=None):
    """True where the windows before checkpoint ``mark`` show a run that does not settle.

    ``step_sq_a``/``step_sq_b`` are the largest squared step lengths in [T/2, 3T/4) and
    [3T/4, T), ``low_a``/``low_b`` the lowest losses there, ``axes_a``/``axes_b`` (optional,
    shape (2, …)) the largest |Δx| and |Δy| there. Not settling: the largest step did not
    grow and shrank by less than ``SETTLE_RATE`` per step, the lowest loss did not fall, and
    along neither axis did the largest step grow by more than ``AXIS_GROWTH``. Works
    elementwise on arrays.
    """
    shrink = math.exp(-2.0 * SETTLE_RATE * (mark // 4))  # squared lengths: twice the rate
    bounded = (
        (step_sq_a > 0)
        & (step_sq_b <= step_sq_a)
        & (step_sq_b >= shrink * step_sq_a)
        & (low_b >= low_a)
    )
    if axes_a is None:
        return bounded
    grew = np.asarray(axes_b) > AXIS_GROWTH * np.asarray(axes_a)
    return bounded & ~(grew[0] | grew[1])
