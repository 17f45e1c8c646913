"""Which minimizers a figure marks: all of them, unless there are so many that stars would hide
the surface (Rastrigin lists 121); then the global one(s) and the few nearest the start."""

from __future__ import annotations

import numpy as np

#: At most this many stars on one figure.
MAX_SHOWN = 5


def shown_minima(surface, near=None, limit: int = MAX_SHOWN) -> np.ndarray:
    """The minimizers worth a star, as an (m, 2) array (m = 0 where the surface lists none).

    Every listed minimizer when there are at most ``limit``; otherwise the global minimizers
    (the lowest f, within 10⁻⁹ of it) and then the ones nearest ``near`` (default: the
    surface's start point) up to ``limit`` in all.

    Parameters
    ----------
    surface : surfaces.Surface
    near : array_like (2,), optional
    limit : int
    """
    minima = np.asarray(surface.minima, dtype=float).reshape(-1, 2)
    if len(minima) <= limit:
        return minima
    values = np.asarray(surface.value(minima[:, 0], minima[:, 1]), dtype=float)
    best = np.flatnonzero(values <= values.min() + 1e-9 * max(1.0, abs(values.min())))
    centre = np.asarray(surface.start if near is None else near, dtype=float)
    order = np.argsort(np.hypot(*(minima - centre).T), kind="stable")
    chosen = list(best[:limit])
    chosen += [int(i) for i in order if i not in chosen][: max(0, limit - len(chosen))]
    return minima[sorted(chosen)]
