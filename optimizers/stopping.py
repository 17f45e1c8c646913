"""When a run stops: the thresholds the single runner and the sweep share, so they agree.

A run *diverges* at the first non-finite value, when the point leaves a generous escape disc
around the plot (``ESCAPE_FACTOR`` half-diagonals from its centre), or when the loss passes a
ceiling far above anything the plot shows. Slow divergence, a learning rate just past the
stability limit, grows by a few percent a step and may stay inside those limits for the whole
budget; :func:`still_growing` catches it at the end from the last quarter of the run.
"""

from __future__ import annotations

import numpy as np

#: Escape radius in half-diagonals of the plot bounds, measured from their centre.
ESCAPE_FACTOR = 20.0
#: The loss ceiling in units of the largest |loss| on the plot (or at the start).
LOSS_FACTOR = 1e4
#: Points per axis of the coarse grid that measures the surface's loss scale.
SCALE_GRID = 25


def loss_scale(surface) -> float:
    """max |f| over a coarse grid of the plot bounds (ignoring non-finite values), at least 1."""
    _, _, values = surface.grid(SCALE_GRID)
    finite = np.abs(values[np.isfinite(values)])
    return max(1.0, float(finite.max())) if finite.size else 1.0


def escape_radius(surface) -> float:
    return ESCAPE_FACTOR * surface.half_diagonal


def loss_ceiling(surface, loss0):
    """The loss above which a run counts as diverged; ``loss0`` may be an array (sweeps)."""
    return LOSS_FACTOR * np.maximum(loss_scale(surface), np.abs(loss0))


def quarter_mark(steps: int) -> int:
    """The step whose loss and position :func:`still_growing` compares the end with."""
    return (3 * steps) // 4


def still_growing(loss0, loss_mark, loss_end, distance_mark, distance_end):
    """True where a run that reached its budget is diverging slowly.

    Three signs together: the loss ends above where it started, it more than doubled its
    magnitude over the last quarter, and the point moved away from the plot's centre.
    Works elementwise on arrays.
    """
    return (
        (loss_end > loss0)
        & (loss_end - loss_mark > np.abs(loss_mark))
        & (distance_end > distance_mark)
    )
