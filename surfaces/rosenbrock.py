"""Rosenbrock's banana valley: easy to find, slow to follow."""

from __future__ import annotations

from surfaces.base import Param, Surface

#: The display name (see :func:`surfaces.registry.title`).
TITLE = "Rosenbrock valley"
PARAMS = (
    Param(
        "a",
        1.0,
        "Minimizer a",
        low=0.1,
        high=3.0,
        help="The minimum sits at (a, a²) at the bottom of a curved valley.",
    ),
    Param(
        "b",
        100.0,
        "Valley steepness b",
        low=1.0,
        high=1000.0,
        log=True,
        help="How steep the valley walls are: the larger b, the thinner the valley.",
    ),
)


class Rosenbrock(Surface):
    r"""f(x, y) = (a − x)² + b (y − x²)².

    The minimizer is (a, a²) with f = 0, at the bottom of the parabolic valley y = x².

    ∂f/∂x = −2(a − x) − 4bx(y − x²),  ∂f/∂y = 2b(y − x²);
    ∂²f/∂x² = 2 − 4by + 12bx²,  ∂²f/∂x∂y = −4bx,  ∂²f/∂y² = 2b.

    Examples
    --------
    >>> import surfaces
    >>> s = surfaces.get("rosenbrock")
    >>> s.hessian((1.0, 1.0)).tolist()
    [[802.0, -400.0], [-400.0, 200.0]]
    """

    def _value(self, x, y):
        a, b = self.params["a"], self.params["b"]
        return (a - x) ** 2 + b * (y - x * x) ** 2

    def _gradient(self, x, y):
        a, b = self.params["a"], self.params["b"]
        valley = y - x * x
        return -2.0 * (a - x) - 4.0 * b * x * valley, 2.0 * b * valley

    def _hessian(self, x, y):
        b = self.params["b"]
        return 2.0 - 4.0 * b * y + 12.0 * b * x * x, -4.0 * b * x, 2.0 * b


def build(a: float, b: float) -> Rosenbrock:
    scale = max(1.0, a)
    return Rosenbrock(
        name="rosenbrock",
        params={"a": a, "b": b},
        title=TITLE,
        formula=r"f(x, y) = (a - x)^2 + b\,(y - x^2)^2",
        description=(
            "A curved, flat-bottomed valley: gradient descent finds the valley at once "
            "but then creeps along it towards the minimum at (a, a²)."
        ),
        bounds=((-2.0 * scale, 2.0 * scale), (-1.0 * scale * scale, 3.0 * scale * scale)),
        minima=[(float(a), float(a * a))],
        start=(-1.5 * scale, 2.0 * scale * scale),
        is_quadratic=False,
    )
