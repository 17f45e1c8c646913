"""Convex quadratic bowl with an adjustable condition number and orientation."""

from __future__ import annotations

import math

import numpy as np

from surfaces.base import Param, Surface

#: The display name (see :func:`surfaces.registry.title`).
TITLE = "Quadratic bowl"
PARAMS = (
    Param(
        "condition_number",
        10.0,
        "Condition number κ",
        low=1.0,
        high=1000.0,
        log=True,
        help="λmax/λmin: 1 is a round bowl, 100 a long thin valley.",
    ),
    Param("angle", 30.0, "Angle of the valley (degrees)", low=-90.0, high=90.0),
)


class Quadratic(Surface):
    r"""f(p) = ½ (p − c)ᵀ A (p − c) with A = R(θ) diag(λ₁, λ₂) R(θ)ᵀ.

    λ₁ = 1 and λ₂ = κ (the condition number); the eigenvector of λ₁ (the slow, shallow
    direction) points at ``angle`` degrees from the x-axis. The minimizer is c = (0, 0).

    ∇f = A (p − c), ∇²f = A everywhere.
    """

    def _value(self, x, y):
        a, b, d = self.extras["A_entries"]
        return 0.5 * (a * x * x + 2.0 * b * x * y + d * y * y)

    def _gradient(self, x, y):
        a, b, d = self.extras["A_entries"]
        return a * x + b * y, b * x + d * y

    def _hessian(self, x, y):
        a, b, d = self.extras["A_entries"]
        zero = 0.0 * x  # a float for a float, an array of x's shape for an array
        return a + zero, b + zero, d + zero


def build(condition_number: float, angle: float) -> Quadratic:
    theta = math.radians(angle)
    cos, sin = math.cos(theta), math.sin(theta)
    rotation = np.array([[cos, -sin], [sin, cos]])
    A = rotation @ np.diag([1.0, condition_number]) @ rotation.T
    A = 0.5 * (A + A.T)
    return Quadratic(
        name="quadratic",
        params={"condition_number": condition_number, "angle": angle},
        title=TITLE,
        formula=r"f(\mathbf{p}) = \tfrac12\,\mathbf{p}^\top A\,\mathbf{p},\quad "
        r"A = R_\theta \begin{pmatrix}1 & 0\\ 0 & \kappa\end{pmatrix} R_\theta^\top",
        description=(
            "A bowl whose curvature differs by the factor κ between its two axes: "
            "the larger κ, the longer and thinner the valley and the slower gradient descent."
        ),
        bounds=((-3.0, 3.0), (-3.0, 3.0)),
        minima=[(0.0, 0.0)],
        start=(-2.4, 1.6),
        is_quadratic=True,
        extras={"A": A, "A_entries": (A[0, 0], A[0, 1], A[1, 1])},
    )
