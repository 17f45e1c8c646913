"""Rastrigin's function: a bowl covered in a regular grid of local minima."""

from __future__ import annotations

import functools
import math

import numpy as np

from surfaces.base import Surface

#: The display name (see :func:`surfaces.registry.title`).
TITLE = "Rastrigin's function"
PARAMS = ()

TWO_PI = 2.0 * math.pi


class Rastrigin(Surface):
    r"""f(x, y) = 20 + (x² − 10 cos 2πx) + (y² − 10 cos 2πy).

    Separable: ∂f/∂x = 2x + 20π sin 2πx (likewise in y); ∂²f/∂x² = 2 + 40π² cos 2πx,
    ∂²f/∂x∂y = 0. The global minimum is f(0, 0) = 0; near every pair of integers (i, j) there is
    a local minimum (xᵢ, yⱼ), where xᵢ solves 2x + 20π sin 2πx = 0 next to i — 11 × 11 = 121 in
    [−5.12, 5.12]².
    """

    def _value(self, x, y):
        return 20.0 + x * x - 10.0 * np.cos(TWO_PI * x) + y * y - 10.0 * np.cos(TWO_PI * y)

    def _gradient(self, x, y):
        return (
            2.0 * x + 20.0 * math.pi * np.sin(TWO_PI * x),
            2.0 * y + 20.0 * math.pi * np.sin(TWO_PI * y),
        )

    def _hessian(self, x, y):
        curvature = 40.0 * math.pi * math.pi
        return 2.0 + curvature * np.cos(TWO_PI * x), 0.0, 2.0 + curvature * np.cos(TWO_PI * y)


@functools.cache
def _minima_1d() -> tuple[float, ...]:
    """Local minimizers of x² − 10 cos 2πx in [−5.12, 5.12], one next to each integer −5…5.

    On [k − 0.2, k + 0.2] the derivative 2x + 20π sin 2πx changes sign (|2k| ≤ 10 < 20π sin 0.4π)
    and is increasing (cos 2πx > 0), so it has exactly one root there, and that root is a minimum.
    """

    def slope(x):
        return 2.0 * x + 20.0 * math.pi * math.sin(TWO_PI * x)

    def curvature(x):
        return 2.0 + 40.0 * math.pi * math.pi * math.cos(TWO_PI * x)

    from scipy import optimize  # lazily: ~0.3 s to import, not needed for the first chart

    positive = []
    for k in range(1, 6):
        root = optimize.brentq(slope, k - 0.2, k + 0.2, xtol=1e-15, rtol=4 * np.finfo(float).eps)
        for _ in range(3):
            root -= slope(root) / curvature(root)
        positive.append(root)
    # f is even, so the minimizers come in pairs ±x; the one at 0 is exact.
    return (0.0, *positive, *(-root for root in positive))


def build() -> Rastrigin:
    coordinates = _minima_1d()
    depth = {x: x * x - 10.0 * math.cos(TWO_PI * x) for x in coordinates}
    # Sorted by value, so the global minimum (0, 0) comes first.
    minima = sorted(
        ((x, y) for x in coordinates for y in coordinates),
        key=lambda point: (depth[point[0]] + depth[point[1]], point),
    )
    return Rastrigin(
        name="rastrigin",
        params={},
        title=TITLE,
        formula=r"f(x, y) = 20 + \sum_{u \in \{x, y\}} \left(u^2 - 10\cos 2\pi u\right)",
        description=(
            "A gentle bowl covered in ripples: 121 local minima, and only a lucky or "
            "well-damped optimizer reaches the global one at the centre."
        ),
        bounds=((-5.12, 5.12), (-5.12, 5.12)),
        minima=minima,
        start=(-3.3, 2.7),
        is_quadratic=False,
    )
