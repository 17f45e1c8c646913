"""Words for the theory on the charts: the Playground's caption, the Convergence rates page."""

from __future__ import annotations

from optimizers.theory import RateCurve
from surfaces import Curvature, Surface

#: The κ sweep the Convergence rates page shows: 25 condition numbers from 1 to 1000, the
#: quadratic bowl's default start, ‖∇f‖ < 1e-8, and a budget GD at κ = 1000 (~13,000 steps)
#: stays well inside.
SWEEP_KAPPAS = tuple(float(f"{kappa:.4g}") for kappa in (10.0 ** (3.0 * i / 24) for i in range(25)))
SWEEP_RULES = ("gd", "momentum", "nesterov")
SWEEP_START = (-2.4, 1.6)
SWEEP_TOL = 1e-8
SWEEP_MAX_STEPS = 100_000


def condition_number(surface: Surface, curvature: Curvature | None) -> float | None:
    """The κ to mark on the sweep: the bowl's own parameter (exact, as the slider shows it),
    else the constant Hessian's κ of another quadratic; None off the quadratics."""
    if curvature is None:
        return None
    if surface.name == "quadratic":
        return float(surface.params["condition_number"])
    return float(curvature.condition_number)


def rate_caption(curve: RateCurve) -> str:
    """One line under the Playground's chart saying what the dashed loss curve is."""
    rho = f"ρ = {curve.rate:.3g}"
    if curve.bound:
        text = (
            f"Dashed: the theory for this step, f(x_t) − f* ≤ ρ^(2t)·(f(x₀) − f*) with "
            f"{rho} = max|1 − ηλᵢ| over the Hessian's eigenvalues: on a quadratic, GD "
            "never does worse."
        )
    elif curve.optimum:
        text = (
            f"Dashed: the optimal heavy-ball rate ((√κ−1)/(√κ+1))^(2t), {rho}: the slope "
            "the loss settles to (asymptotic, not a bound at every step)."
        )
    else:
        text = (
            f"Dashed: the asymptotic rate ρ^(2t)·(f(x₀) − f*), {rho} the spectral radius "
            "of the momentum iteration's 2×2 matrix, largest over the eigenvalues: the "
            "slope the loss settles to, not a bound at every step."
        )
    if curve.rate >= 1.0:
        text += " ρ ≥ 1: this setting is outside the stability region, so the run cannot converge."
    return text
