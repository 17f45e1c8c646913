"""Himmelblau's function: four minima of equal depth, so the start decides the answer."""

from __future__ import annotations

import functools

from surfaces.base import Surface
from surfaces.curvature import refine_stationary_point

#: The display name (see :func:`surfaces.registry.title`).
TITLE = "Himmelblau's function"
PARAMS = ()

#: Published 6-digit approximations; refined to full precision at build time.
APPROXIMATE_MINIMA = (
    (3.0, 2.0),
    (-2.805118, 3.131312),
    (-3.779310, -3.283186),
    (3.584428, -1.848126),
)


class Himmelblau(Surface):
    r"""f(x, y) = (x² + y − 11)² + (x + y² − 7)².

    With A = x² + y − 11 and B = x + y² − 7:
    ∂f/∂x = 4xA + 2B,  ∂f/∂y = 2A + 4yB;
    ∂²f/∂x² = 12x² + 4y − 42,  ∂²f/∂x∂y = 4(x + y),  ∂²f/∂y² = 12y² + 4x − 26.

    Four minima with f = 0: (3, 2), (−2.805…, 3.131…), (−3.779…, −3.283…), (3.584…, −1.848…);
    a local maximum near (−0.2708, −0.9230) where all four basins meet, and four saddles.
    """

    def _value(self, x, y):
        return (x * x + y - 11.0) ** 2 + (x + y * y - 7.0) ** 2

    def _gradient(self, x, y):
        first = x * x + y - 11.0
        second = x + y * y - 7.0
        return 4.0 * x * first + 2.0 * second, 2.0 * first + 4.0 * y * second

    def _hessian(self, x, y):
        return 12.0 * x * x + 4.0 * y - 42.0, 4.0 * (x + y), 12.0 * y * y + 4.0 * x - 26.0


def _surface(minima: list) -> Himmelblau:
    return Himmelblau(
        name="himmelblau",
        params={},
        title=TITLE,
        formula=r"f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        description=(
            "Four equally deep minima around a central hill: which one an optimizer reaches "
            "depends on where it starts and on its step size."
        ),
        bounds=((-5.0, 5.0), (-5.0, 5.0)),
        minima=minima,
        # Beside the central maximum (−0.2708, −0.9230), where all four basins meet: a small
        # change of start, or of the step size, sends descent to another minimum.
        start=(-0.3, -0.9),
        is_quadratic=False,
    )


@functools.cache
def _refined_minima() -> tuple[tuple[float, float], ...]:
    probe = _surface([])
    return tuple(refine_stationary_point(probe, guess) for guess in APPROXIMATE_MINIMA)


def build() -> Himmelblau:
    return _surface(list(_refined_minima()))
