"""Beale's function: flat plateaus and steep walls around a single minimum at (3, 0.5)."""

from __future__ import annotations

from surfaces.base import Surface

#: The display name (see :func:`surfaces.registry.title`).
TITLE = "Beale's function"
PARAMS = ()


class Beale(Surface):
    r"""f(x, y) = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)².

    With uₖ = cₖ − x + x yᵏ (c = 1.5, 2.25, 2.625; k = 1, 2, 3), f = Σ uₖ² and
    ∂uₖ/∂x = yᵏ − 1, ∂uₖ/∂y = k x yᵏ⁻¹, ∂²uₖ/∂x∂y = k yᵏ⁻¹, ∂²uₖ/∂y² = k(k − 1) x yᵏ⁻²:
    ∂f/∂x = 2 Σ uₖ ∂uₖ/∂x,  ∂f/∂y = 2 Σ uₖ ∂uₖ/∂y;
    ∂²f/∂x² = 2 Σ (∂uₖ/∂x)²,  ∂²f/∂x∂y = 2 Σ (∂uₖ/∂x ∂uₖ/∂y + uₖ ∂²uₖ/∂x∂y),
    ∂²f/∂y² = 2 Σ ((∂uₖ/∂y)² + uₖ ∂²uₖ/∂y²).

    The only minimizer in [−4.5, 4.5]² is (3, 0.5), where every uₖ = 0 and f = 0 exactly; the
    line x = 0 is a plateau (f ≡ 14.203125) with a saddle at (0, 1).
    """

    def _value(self, x, y):
        y2 = y * y
        return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y2) ** 2 + (2.625 - x + x * y2 * y) ** 2

    def _gradient(self, x, y):
        y2 = y * y
        y3 = y2 * y
        u1, u2, u3 = 1.5 - x + x * y, 2.25 - x + x * y2, 2.625 - x + x * y3
        dfdx = 2.0 * (u1 * (y - 1.0) + u2 * (y2 - 1.0) + u3 * (y3 - 1.0))
        dfdy = 2.0 * x * (u1 + 2.0 * y * u2 + 3.0 * y2 * u3)
        return dfdx, dfdy

    def _hessian(self, x, y):
        y2 = y * y
        y3 = y2 * y
        u1, u2, u3 = 1.5 - x + x * y, 2.25 - x + x * y2, 2.625 - x + x * y3
        a1, a2, a3 = y - 1.0, y2 - 1.0, y3 - 1.0  # ∂uₖ/∂x
        b1, b2, b3 = x, 2.0 * x * y, 3.0 * x * y2  # ∂uₖ/∂y
        dxx = 2.0 * (a1 * a1 + a2 * a2 + a3 * a3)
        dxy = 2.0 * (a1 * b1 + a2 * b2 + a3 * b3 + u1 + 2.0 * y * u2 + 3.0 * y2 * u3)
        dyy = 2.0 * (b1 * b1 + b2 * b2 + b3 * b3 + 2.0 * x * u2 + 6.0 * x * y * u3)
        return dxx, dxy, dyy


def build() -> Beale:
    return Beale(
        name="beale",
        params={},
        title=TITLE,
        formula=r"f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
        description=(
            "Nearly flat in the middle and very steep at the corners: a fixed step size that "
            "suits one region is too small or too large for the other."
        ),
        bounds=((-4.5, 4.5), (-4.5, 4.5)),
        # (3, 0.5) is exact: every residual vanishes there in exact and in floating arithmetic.
        minima=[(3.0, 0.5)],
        start=(1.0, 1.5),
        is_quadratic=False,
    )
