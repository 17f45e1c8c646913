"""The six-hump camel: two global and four local minima in a small box."""

from __future__ import annotations

import functools

from surfaces.base import Surface
from surfaces.curvature import refine_stationary_point

#: The display name (see :func:`surfaces.registry.title`).
TITLE = "Six-hump camel"
PARAMS = ()

#: Published approximations (two global, then two pairs of local minima), refined at build time.
APPROXIMATE_MINIMA = (
    (0.0898, -0.7126),
    (-0.0898, 0.7126),
    (1.7036, -0.7961),
    (-1.7036, 0.7961),
    (1.6071, 0.5687),
    (-1.6071, -0.5687),
)

#: The global minimum value, f(±(0.0898…, −0.7126…)).
GLOBAL_MINIMUM_VALUE = -1.0316284534898774


class SixHumpCamel(Surface):
    r"""f(x, y) = (4 − 2.1x² + x⁴/3) x² + xy + (−4 + 4y²) y².

    ∂f/∂x = 8x − 8.4x³ + 2x⁵ + y,  ∂f/∂y = x − 8y + 16y³;
    ∂²f/∂x² = 8 − 25.2x² + 10x⁴,  ∂²f/∂x∂y = 1,  ∂²f/∂y² = −8 + 48y².

    Six minima, symmetric under (x, y) → (−x, −y): the global pair ±(0.0898…, −0.7126…) with
    f = −1.0316284534898774, and the local pairs ±(1.7036…, −0.7961…) (f ≈ −0.2155) and
    ±(1.6071…, 0.5687…) (f ≈ 2.1043).
    """

    def _value(self, x, y):
        x2 = x * x
        y2 = y * y
        return (4.0 - 2.1 * x2 + x2 * x2 / 3.0) * x2 + x * y + (-4.0 + 4.0 * y2) * y2

    def _gradient(self, x, y):
        x2 = x * x
        return (
            8.0 * x - 8.4 * x2 * x + 2.0 * x2 * x2 * x + y,
            x - 8.0 * y + 16.0 * y * y * y,
        )

    def _hessian(self, x, y):
        x2 = x * x
        return 8.0 - 25.2 * x2 + 10.0 * x2 * x2, 1.0, -8.0 + 48.0 * y * y


def _surface(minima: list) -> SixHumpCamel:
    return SixHumpCamel(
        name="six_hump_camel",
        params={},
        title=TITLE,
        formula=r"f(x, y) = \left(4 - 2.1x^2 + \tfrac{x^4}{3}\right)x^2 + xy + (-4 + 4y^2)\,y^2",
        description=(
            "Six valleys of different depths: two global minima near the centre and four "
            "shallower traps further out, where plain descent often stops."
        ),
        bounds=((-3.0, 3.0), (-2.0, 2.0)),
        minima=minima,
        start=(-2.2, -1.2),
        is_quadratic=False,
    )


@functools.cache
def _refined_minima() -> tuple[tuple[float, float], ...]:
    probe = _surface([])
    return tuple(refine_stationary_point(probe, guess) for guess in APPROXIMATE_MINIMA)


def build() -> SixHumpCamel:
    return _surface(list(_refined_minima()))
