"""Saddle points: the plain saddle x² − y² and the degenerate monkey saddle x³ − 3xy²."""

from __future__ import annotations

from surfaces.base import Param, Surface

#: The display name at the default shape (see :func:`surfaces.registry.title`).
TITLE = "Saddle point"
PARAMS = (
    Param(
        "variant",
        "saddle",
        "Shape",
        kind="choice",
        choices=("saddle", "monkey"),
        help="saddle: x² − y², curved up along x and down along y. "
        "monkey: x³ − 3xy², flat at the origin (zero Hessian) with three ways down.",
    ),
)


class Saddle(Surface):
    r"""The saddle f(x, y) = x² − y².

    ∇f = (2x, −2y); ∇²f = diag(2, −2) everywhere, so the origin is a saddle point and there is
    no minimizer. Gradient descent started near the x-axis slides in towards the origin, slows
    down there, and escapes along y as the tiny y-offset grows by a factor (1 + 2·lr) per step.
    """

    def _value(self, x, y):
        return x * x - y * y

    def _gradient(self, x, y):
        return 2.0 * x, -2.0 * y

    def _hessian(self, x, y):
        return 2.0, 0.0, -2.0


class MonkeySaddle(Surface):
    r"""The monkey saddle f(x, y) = x³ − 3xy² = r³ cos 3θ.

    ∇f = (3x² − 3y², −6xy); ∇²f = [[6x, −6y], [−6y, −6x]], which vanishes at the origin: a
    degenerate stationary point with three descending valleys (θ = 60°, 180°, 300°) and no
    minimizer.
    """

    def _value(self, x, y):
        return x * x * x - 3.0 * x * y * y

    def _gradient(self, x, y):
        return 3.0 * (x * x - y * y), -6.0 * x * y

    def _hessian(self, x, y):
        return 6.0 * x, -6.0 * y, -6.0 * x


def build(variant: str) -> Surface:
    common = {
        "name": "saddle",
        "params": {"variant": variant},
        "bounds": ((-2.0, 2.0), (-2.0, 2.0)),
        "minima": [],
    }
    if variant == "monkey":
        return MonkeySaddle(
            title="Monkey saddle",
            formula=r"f(x, y) = x^3 - 3\,x\,y^2",
            description=(
                "A flat stationary point with three valleys going down: the gradient and the "
                "curvature both vanish at the origin, so descent stalls there before escaping."
            ),
            # Just off the ridge θ = 0: descent crawls towards the flat origin, then turns off
            # into the valley at θ = 60°.
            start=(1.5, 0.05),
            is_quadratic=False,
            **common,
        )
    return Saddle(
        title=TITLE,
        formula=r"f(x, y) = x^2 - y^2",
        description=(
            "Curved up along x and down along y: descent slides towards the flat centre, "
            "slows down, and escapes along y."
        ),
        # Slightly off the stable manifold y = 0, so the escape takes a visible while.
        start=(-1.5, 0.05),
        is_quadratic=True,
        **common,
    )
